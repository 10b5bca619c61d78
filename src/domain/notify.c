/*
 * notify.c - telling people: alerts to agents and supervisors (a row they
 * acknowledge, and an internal event on the case), and emails to a case's
 * customer through the outbox, each with the link to the case's status
 * page.  Both are written in the caller's transaction.
 */
#include "domain/internal.h"

#include <string.h>

#include "base/clock.h"
#include "base/tz.h"
#include "domain/alerts.h"
#include "domain/calendar.h"
#include "domain/watch.h"

enum err notify__alert(struct store *st, struct arena *ar, const struct case_ *c,
		       const char *kind, int64_t agent_id, const char *body)
{
	struct alert a = {.case_id = c->id, .kind = (char *)kind, .agent_id = agent_id,
			  .body = (char *)body, .created_at = clock_now_ms()};
	char *data;
	enum err e;

	if ((e = store_alert_insert(st, &a)) != E_OK)
		return e;
	data = arena_printf(ar, "{\"alert_id\":%lld,\"kind\":\"%s\",\"to\":%s}",
			    (long long)a.id, kind,
			    agent_id ? arena_printf(ar, "%lld", (long long)agent_id) :
				       "\"supervisors\"");
	if (!data)
		return E_NOMEM;
	return domain__event_add(st, c->id, c->customer_id, "alert", ACTOR_SYSTEM, VIS_INTERNAL,
				 body, data, a.created_at, NULL);
}

/* first_email - the customer's first email address, or NULL. */
static const char *first_email(struct store *st, struct arena *ar, int64_t customer_id)
{
	struct customer cu;

	if (store_customer_get(st, ar, customer_id, &cu) != E_OK)
		return NULL;
	for (size_t i = 0; i < cu.n_idents; i++)
		if (cu.idents[i].kind == IDENT_EMAIL)
			return cu.idents[i].value;
	return NULL;
}

enum err notify__customer(struct store *st, struct arena *ar, struct case_ *c,
			  const char *kind, const char *subject, const char *text,
			  bool *mailed)
{
	struct outbox_msg m = {.case_id = c->id, .kind = (char *)kind,
			       .state = OUTBOX_PENDING};
	const char *to = first_email(st, ar, c->customer_id);
	enum err e;

	if (!to)
		return E_OK;
	if ((e = status__ensure_link(st, ar, c)) != E_OK)
		return e;
	m.to_addr = (char *)to;
	m.subject = arena_printf(ar, "%s [case %lld]", subject, (long long)c->id);
	m.body = arena_printf(ar,
			      "%s\n\nWhere things stand, what happens next, and a place to "
			      "reply:\n%s\n",
			      text, status__url(ar, c));
	if (!m.subject || !m.body)
		return E_NOMEM;
	m.created_at = m.next_at = clock_now_ms();
	if ((e = store_outbox_insert(st, &m)) != E_OK)
		return e;
	if (mailed)
		*mailed = true;
	return E_OK;
}

char *notify__when(struct arena *ar, const struct calendar *cal, int64_t ms)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tz_civil t;

	tz_civil_of(cal->tz, ms, &t);
	return arena_printf(ar, "%s %d %s %02d:%02d (%s)", days[t.wday % 7], t.day,
			    months[(t.month - 1) % 12], t.hour, t.minute, tz_name(cal->tz));
}

/* ---- reading and acknowledging (alerts.h) ------------------------------ */

enum err alerts_list(struct store *st, struct arena *ar, const struct actor *by,
		     bool open_only, int64_t case_id, int64_t before_id, size_t limit,
		     struct alert_list *out, struct fail *f)
{
	struct alert_filter q = {.agent_id = by->id, .supervisors = by->role >= ROLE_SUPERVISOR,
				 .open_only = open_only, .case_id = case_id,
				 .before_id = before_id, .limit = limit};
	enum err e;

	if (limit < 1 || limit > ALERTS_LIST_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit", "must be between 1 and %d",
				ALERTS_LIST_MAX);
	e = store_alert_list(st, ar, &q, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err alerts_ack(struct store *st, struct arena *ar, int64_t id, const struct actor *by,
		    struct alert *out, struct fail *f)
{
	int64_t now = clock_now_ms();
	enum err e = store_alert_get(st, ar, id, out);

	if (e == E_NOTFOUND || (e == E_OK && out->agent_id && out->agent_id != by->id &&
				by->role < ROLE_SUPERVISOR))
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no alert %lld for you", (long long)id);
	if (e != E_OK)
		return domain__io(f, e);
	if (!out->agent_id && by->role < ROLE_SUPERVISOR)
		return fail_set(f, E_FORBIDDEN, NULL, NULL,
				"alerts to the supervisors are acknowledged by a supervisor");
	if ((e = store_alert_ack(st, id, by->id, now)) != E_OK)
		return domain__io(f, e);
	if (!out->ack_at) {
		out->ack_at = now;
		out->ack_by = by->id;
	}
	return E_OK;
}
