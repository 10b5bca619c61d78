/*
 * followup.c - the one follow-up after a resolution, sent by heed alone.
 *
 * Resolving a case schedules it (FOLLOWUP_DELAY business hours later, on
 * the case's calendar) unless the case already had one sent or answered;
 * reopening before it is due cancels it, and a later resolution schedules
 * it again.  When due, and the case is still resolved, the customer gets a
 * single question - "Is your problem fixed?", optionally how easy it was
 * to get help (1-7) and a comment - by email and on the status page,
 * unless they were sent one within the cooldown.  There is no agent
 * action that sends, targets or rewards a follow-up: nothing outside this
 * file writes one, except the customer's own answer (status.c).
 */
#include "domain/internal.h"

#include <string.h>

#include "base/clock.h"
#include "domain/calendar.h"
#include "domain/watch.h"

static enum err schedule(struct store *st, struct arena *ar, const struct case_ *c,
			 struct followup *fu, int64_t now)
{
	struct calendar cal;
	struct timer t = {.kind = "followup", .ref_id = c->id, .case_id = c->id};
	enum err e;

	if ((e = sla__case_calendar(st, ar, c, &cal)) != E_OK)
		return e;
	fu->case_id = c->id;
	fu->customer_id = c->customer_id;
	fu->state = FOLLOWUP_SCHEDULED;
	fu->due_at = cal_add(&cal, now,
			     (int64_t)watch_config()->followup_delay_hours * 3600 * 1000);
	fu->fixed = -1;
	if ((e = store_followup_put(st, fu)) != E_OK)
		return e;
	t.due_at = fu->due_at;
	return store_timer_rearm(st, &t);
}

enum err followup__on_status(struct store *st, struct arena *ar, const struct case_ *c,
			     enum case_status from, enum case_status to, int64_t now)
{
	struct followup fu = {0};
	enum err e = store_followup_get(st, ar, c->id, &fu);

	if (e != E_OK && e != E_NOTFOUND)
		return e;
	if (to == CASE_RESOLVED && (e == E_NOTFOUND || fu.state == FOLLOWUP_CANCELLED))
		return schedule(st, ar, c, &fu, now);
	if (from == CASE_RESOLVED && to != CASE_CLOSED && e == E_OK &&
	    fu.state == FOLLOWUP_SCHEDULED) {
		fu.state = FOLLOWUP_CANCELLED;
		return store_followup_put(st, &fu);
	}
	return E_OK;
}

static enum err skip(struct store *st, const struct case_ *c, struct followup *fu,
		     enum followup_state s, const char *why, int64_t now)
{
	fu->state = s;
	if (store_followup_put(st, fu) != E_OK)
		return E_IO;
	return domain__event_add(st, c->id, c->customer_id, "followup_skipped", ACTOR_SYSTEM,
				 VIS_INTERNAL, why, NULL, now, NULL);
}

static const char question[] =
	"Is your problem fixed? Tell us with one click on your case's page. "
	"If it is not, your case reopens with the same person, and nothing needs "
	"to be explained again.";

enum err followup__fire(struct store *st, struct arena *ar, const struct timer *t,
			bool *mailed, struct fail *f)
{
	const struct watch_config *cfg = watch_config();
	struct followup fu;
	struct case_ c;
	int64_t now = clock_now_ms(), last = 0;
	enum err e;

	e = store_followup_get(st, ar, t->ref_id, &fu);
	if (e == E_NOTFOUND || (e == E_OK && fu.state != FOLLOWUP_SCHEDULED))
		return E_OK;
	if (e != E_OK || (e = store_case_get(st, ar, fu.case_id, &c)) != E_OK ||
	    (e = store_followup_last_sent(st, c.customer_id, &last)) != E_OK)
		return domain__io(f, e);
	if (c.status != CASE_RESOLVED)
		e = skip(st, &c, &fu, FOLLOWUP_CANCELLED,
			 "No follow-up: the case is no longer resolved", now);
	else if (last && now - last < (int64_t)cfg->followup_cooldown_days * 24 * 3600 * 1000)
		e = skip(st, &c, &fu, FOLLOWUP_SKIPPED,
			 "No follow-up: this customer was asked recently", now);
	else {
		fu.state = FOLLOWUP_SENT;
		fu.sent_at = now;
		if ((e = store_followup_put(st, &fu)) == E_OK)
			e = domain__event_add(st, c.id, c.customer_id, "followup_sent",
					      ACTOR_SYSTEM, VIS_PUBLIC, question, NULL, now, NULL);
		if (e == E_OK)
			e = notify__customer(st, ar, &c, "followup", "Is your problem fixed?",
					     question, mailed);
	}
	return e == E_OK ? E_OK : domain__io(f, e);
}
