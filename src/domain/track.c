/*
 * track.c - what each event means for the commitments on its case (see
 * watch.h).  domain__event_add calls track__event after every insert, in
 * the same transaction, so a reply and the promise it keeps, or a status
 * change and the SLA clock it pauses, commit together or not at all.
 *
 * Only a few event types matter; the rest return at once:
 *   created                 SLA clocks start, quiet-case timer armed
 *   message (public)        by an agent: keeps reply/update promises,
 *                           meets first/next response; by the customer:
 *                           starts the next-response clock
 *   call                    by an agent: keeps callback promises
 *   status_change           pauses/resumes clocks, keeps fix promises,
 *                           schedules or cancels the follow-up
 * and any public event not written by the customer re-arms the quiet-case
 * alert (it is a customer-visible update).
 */
#include "domain/internal.h"

#include <jansson.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/cases.h"
#include "domain/watch.h"

static const char *const keeps_reply[] = {"reply", "update", NULL};
static const char *const keeps_call[] = {"callback", NULL};
static const char *const keeps_fix[] = {"fix", NULL};

/* interesting - whether e can change anything here. */
static bool interesting(const struct event *e)
{
	if (!strcmp(e->type, "created") || !strcmp(e->type, "status_change") ||
	    !strcmp(e->type, "call"))
		return true;
	if (e->visibility != VIS_PUBLIC)
		return false;
	return !strcmp(e->type, "message") || e->author_kind != AUTHOR_CUSTOMER;
}

/* stale_rearm - the quiet-case alert fires N business days after the last
 * customer-visible update. */
static enum err stale_rearm(struct store *st, struct arena *ar, const struct case_ *c,
			    int64_t now)
{
	struct calendar cal;
	struct timer t = {.kind = "stale", .ref_id = c->id, .case_id = c->id};
	enum err e;

	if ((e = sla__case_calendar(st, ar, c, &cal)) != E_OK)
		return e;
	t.due_at = cal_add(&cal, now,
			   watch_config()->stale_business_days * cal_day_ms(&cal));
	return store_timer_rearm(st, &t);
}

/* status_of - the from/to statuses in a status_change event's data. */
static bool status_of(const struct event *e, enum case_status *from, enum case_status *to)
{
	json_t *j = e->data ? json_loads(e->data, 0, NULL) : NULL;

	*from = case_status_parse(json_string_value(json_object_get(j, "from")));
	*to = case_status_parse(json_string_value(json_object_get(j, "to")));
	json_decref(j);
	return *from && *to;
}

static enum err on_status(struct store *st, struct arena *ar, const struct case_ *c,
			  const struct event *e)
{
	enum case_status from, to;
	enum err rc;

	if (!status_of(e, &from, &to))
		return E_OK;
	/* work starts again (a customer's "not fixed", say): watch for quiet */
	if ((to == CASE_NEW || to == CASE_OPEN || to == CASE_PENDING_INTERNAL) &&
	    (rc = stale_rearm(st, ar, c, e->created_at)) != E_OK)
		return rc;
	if (to == CASE_RESOLVED &&
	    (rc = promises__on_event(st, ar, c, e, keeps_fix)) != E_OK)
		return rc;
	if (to == CASE_CLOSED && (rc = promises__on_closed(st, ar, c, e->created_at)) != E_OK)
		return rc;
	if ((rc = sla__on_status(st, ar, c, from, to, e->created_at)) != E_OK)
		return rc;
	return followup__on_status(st, ar, c, from, to, e->created_at);
}

static enum err dispatch(struct store *st, struct arena *ar, const struct event *e)
{
	struct case_ c;
	bool agent = e->author_kind == AUTHOR_AGENT;
	enum err rc;

	if ((rc = store_case_get(st, ar, e->case_id, &c)) != E_OK)
		return rc;
	if (!strcmp(e->type, "created")) {
		if ((rc = sla__on_created(st, ar, &c)) != E_OK)
			return rc;
		return stale_rearm(st, ar, &c, e->created_at);
	}
	if (!strcmp(e->type, "status_change") && (rc = on_status(st, ar, &c, e)) != E_OK)
		return rc;
	if (!strcmp(e->type, "call") && agent &&
	    (rc = promises__on_event(st, ar, &c, e, keeps_call)) != E_OK)
		return rc;
	if (!strcmp(e->type, "message") && e->visibility == VIS_PUBLIC) {
		if (agent && (rc = promises__on_event(st, ar, &c, e, keeps_reply)) != E_OK)
			return rc;
		if (e->author_kind != AUTHOR_SYSTEM &&
		    (rc = sla__on_reply(st, ar, &c, agent, e->created_at)) != E_OK)
			return rc;
	}
	if (e->visibility == VIS_PUBLIC && e->author_kind != AUTHOR_CUSTOMER)
		return stale_rearm(st, ar, &c, e->created_at);
	return E_OK;
}

enum err track__event(struct store *st, const struct event *e)
{
	struct arena ar;
	enum err rc;

	if (!interesting(e))
		return E_OK;
	arena_init(&ar, 4096);
	rc = dispatch(st, &ar, e);
	arena_release(&ar);
	return rc;
}
