/*
 * actions_take.c - taking an action, approving, declining and cancelling
 * it, and what each webhook attempt means for it (see actions.h).
 *
 * Every function here runs inside one write job, so an action row, its
 * delivery row, its events and its alerts are one transaction: a request
 * either happened with its whole audit trail or not at all.
 *
 * Events on the case (internal unless said):
 *   action_taken            executed within the requester's limits
 *   action_requested        above them: waiting for a supervisor
 *   action_approved / action_declined / action_cancelled
 *   action_delivery_failed  the first unacknowledged webhook attempt
 *   action_delivered        the company system acknowledged
 *   action_done (public)    the customer's line, once the action is done
 * Each carries data {"action_id", "kind", "amount", "currency", "item",
 * "state", "reason", "requested_by", "decided_by", "over"}.
 */
#include "domain/actions.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/internal.h"

/* ---- words --------------------------------------------------------------- */

/* what - "a credit of 10.00 EUR", "a replacement (2 x Router X2)". */
static char *what(struct arena *ar, const struct action *a)
{
	char money[64];

	if (action_kind_money(a->kind)) {
		action_money(a->amount, a->currency, money, sizeof(money));
		return arena_printf(ar, "%s of %s", !strcmp(a->kind, "credit") ? "a credit" :
						    "a fee waiver", money);
	}
	if (!strcmp(a->kind, "replacement"))
		return arena_printf(ar, "a replacement (%lld x %s)", (long long)a->amount, a->item);
	return arena_printf(ar, "a subscription extension of %lld day%s", (long long)a->amount,
			    a->amount == 1 ? "" : "s");
}

/* customer_line - what the customer reads once it is done. */
static char *customer_line(struct arena *ar, const struct action *a)
{
	char money[64];

	if (action_kind_money(a->kind))
		action_money(a->amount, a->currency, money, sizeof(money));
	if (!strcmp(a->kind, "credit"))
		return arena_printf(ar, "We credited %s to your account.", money);
	if (!strcmp(a->kind, "waive_fee"))
		return arena_printf(ar, "We waived a fee of %s.", money);
	if (!strcmp(a->kind, "replacement"))
		return arena_printf(ar, "We are sending you a replacement: %lld x %s.",
				    (long long)a->amount, a->item);
	return arena_printf(ar, "We extended your subscription by %lld day%s.",
			    (long long)a->amount, a->amount == 1 ? "" : "s");
}

/* data - the event data of an action, as JSON text in ar. */
static char *data(struct arena *ar, const struct action *a)
{
	json_t *j = json_pack("{s:I, s:s, s:I, s:s?, s:s?, s:s, s:s, s:I, s:o, s:s?}", "action_id",
			      (json_int_t)a->id, "kind", a->kind, "amount", (json_int_t)a->amount,
			      "currency", a->currency, "item", a->item, "state",
			      action_state_name(a->state), "reason", a->reason, "requested_by",
			      (json_int_t)a->requested_by, "decided_by",
			      a->decided_by ? json_integer(a->decided_by) : json_null(), "over",
			      a->over);
	char *t = j ? json_dumps(j, JSON_COMPACT) : NULL, *c;

	json_decref(j);
	c = t ? arena_strdup(ar, t) : NULL;
	free(t);
	return c;
}

static enum err event(struct store *st, struct arena *ar, const struct action *a,
		      const char *type, const struct actor *by, enum visibility vis,
		      const char *body, int64_t now, struct fail *f)
{
	char *d = data(ar, a);
	enum err e;

	if (!d || !body)
		return domain__nomem(f);
	e = domain__event_add(st, a->case_id, a->customer_id, type, by, vis, body, d, now, NULL);
	return e == E_OK ? E_OK : domain__io(f, e);
}

static enum err load(struct store *st, struct arena *ar, int64_t id, struct action *a,
		     struct fail *f);

/* ---- checks ------------------------------------------------------------- */

static enum err check_fields(struct arena *ar, const struct action_new *in,
			     const struct action_policy *p, struct action *a, struct fail *f)
{
	bool money = action_kind_money(in->kind);
	enum err e;

	if (money) {
		if (in->item || in->quantity || in->days)
			return fail_set(f, E_UNPROC, NULL, in->item ? "item" : in->quantity ?
					"quantity" : "days", "%s takes amount and currency", in->kind);
		if (in->amount < 1 || in->amount > ACTION_AMOUNT_MAX)
			return fail_set(f, E_UNPROC, NULL, "amount",
					"a whole number of minor units (cents) from 1 to %lld",
					ACTION_AMOUNT_MAX);
		if (!in->currency || strlen(in->currency) != 3 ||
		    strspn(in->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			return fail_set(f, E_UNPROC, NULL, "currency",
					"a three-letter ISO 4217 code such as EUR");
		if (p->currency && strcmp(p->currency, in->currency))
			return fail_set(f, E_UNPROC, "wrong_currency", "currency",
					"the %s policy is in %s", in->kind, p->currency);
		a->amount = in->amount;
		a->currency = arena_strdup(ar, in->currency);
		return E_OK;
	}
	if (in->amount || in->currency)
		return fail_set(f, E_UNPROC, NULL, in->amount ? "amount" : "currency",
				"%s is not an amount of money", in->kind);
	if (!strcmp(in->kind, "replacement")) {
		if (in->days)
			return fail_set(f, E_UNPROC, NULL, "days", "replacement takes item and quantity");
		if ((e = domain__text(ar, in->item, "item", 1, ACTION_ITEM_MAX, &a->item, f)) != E_OK)
			return e;
		if (in->quantity < 1 || in->quantity > ACTION_QUANTITY_MAX)
			return fail_set(f, E_UNPROC, NULL, "quantity", "from 1 to %d",
					ACTION_QUANTITY_MAX);
		a->amount = in->quantity;
		return E_OK;
	}
	if (in->item || in->quantity)
		return fail_set(f, E_UNPROC, NULL, in->item ? "item" : "quantity",
				"extend_subscription takes days");
	if (in->days < 1 || in->days > ACTION_DAYS_MAX)
		return fail_set(f, E_UNPROC, NULL, "days", "from 1 to %d", ACTION_DAYS_MAX);
	a->amount = in->days;
	return E_OK;
}

/* note_text - an optional note: NULL when absent or blank. */
static enum err note_text(struct arena *ar, const char *s, const char *field, char **out,
			  struct fail *f)
{
	enum err e = domain__text(ar, s, field, 0, ACTION_NOTE_MAX, out, f);

	if (e == E_OK && !**out)
		*out = NULL;
	return e;
}

/* judge - a's amount against role's limits on its case and customer,
 * counting every other action that counts. */
static enum err judge(struct store *st, const struct action *a, const struct action_policy *p,
		      enum role role, int64_t now, enum action_verdict *v, int64_t *left,
		      struct fail *f)
{
	int64_t case_used, month_used;
	enum err e;

	e = store_action_usage(st, a->kind, a->currency, a->case_id, a->customer_id,
			       now - ACTION_MONTH_MS, a->id, &case_used, &month_used);
	if (e != E_OK)
		return domain__io(f, e);
	*v = action_check(role <= ROLE_ADMIN ? &p->limits[role] : NULL, case_used, month_used,
			  a->amount, left);
	return E_OK;
}

/* ---- executing ---------------------------------------------------------- */

/* settle - the state an executed action takes. */
static void settle(struct action *a, const struct action_policy *p, int64_t now)
{
	a->updated_at = now;
	if (p->hook_url) {
		a->state = ACTION_SENDING;
		return;
	}
	a->state = ACTION_DONE;
	a->done_at = now;
}

/* hook_body - what the company system receives (the same on every try). */
static char *hook_body(struct arena *ar, const struct action *a)
{
	char at[40];
	bool money = action_kind_money(a->kind), repl = !strcmp(a->kind, "replacement");
	json_t *j;
	char *t, *c;

	clock_format(a->created_at, at, sizeof(at));
	j = json_pack("{s:s, s:{s:I, s:s, s:I, s:I, s:o, s:s?, s:s?, s:o, s:o, s:s, s:I, s:o, s:s}}",
		      "type", "action", "action", "id", (json_int_t)a->id, "kind", a->kind,
		      "case_id", (json_int_t)a->case_id, "customer_id", (json_int_t)a->customer_id,
		      "amount", money ? json_integer(a->amount) : json_null(), "currency",
		      a->currency, "item", a->item, "quantity",
		      repl ? json_integer(a->amount) : json_null(), "days",
		      !money && !repl ? json_integer(a->amount) : json_null(), "reason",
		      a->reason, "requested_by", (json_int_t)a->requested_by, "approved_by",
		      a->decided_by ? json_integer(a->decided_by) : json_null(), "requested_at", at);
	t = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	c = t ? arena_strdup(ar, t) : NULL;
	free(t);
	return c;
}

/* executed - after the row says so: the delivery to send, or the
 * customer's line. */
static enum err executed(struct store *st, struct arena *ar, const struct action *a,
			 const struct action_policy *p, const struct actor *by, int64_t now,
			 bool *hooked, struct fail *f)
{
	struct hook_delivery d = {.action_id = a->id, .case_id = a->case_id,
				  .url = p->hook_url, .secret = p->hook_secret,
				  .state = HOOK_PENDING, .created_at = now, .next_at = now};
	enum err e;

	if (a->state == ACTION_DONE)
		return event(st, ar, a, "action_done", by, VIS_PUBLIC, a->customer_line, now, f);
	if (!(d.body = hook_body(ar, a)))
		return domain__nomem(f);
	if ((e = store_hook_insert(st, &d)) != E_OK)
		return domain__io(f, e);
	if (hooked)
		*hooked = true;
	return E_OK;
}

/* ---- taking ------------------------------------------------------------- */

enum err actions_take(struct store *st, struct arena *ar, int64_t case_id,
		      const struct action_new *in, const struct actor *by, struct action *out,
		      bool *hooked, struct fail *f)
{
	struct action a = {.case_id = case_id, .requested_by = by->id,
			   .requested_role = by->role};
	struct action_policy p;
	enum action_verdict v;
	struct case_ c;
	int64_t now = clock_now_ms(), left;
	char *body;
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if (c.status == CASE_CLOSED)
		return fail_set(f, E_CONFLICT, "case_closed", NULL,
				"the case is closed; reopen it to act on it");
	if (!action_kind_known(in->kind))
		return fail_set(f, E_UNPROC, NULL, "kind",
				"unknown kind; expected credit, waive_fee, replacement or "
				"extend_subscription");
	if ((e = actions_policy_get(st, ar, in->kind, &p, f)) != E_OK)
		return e;
	a.kind = (char *)p.kind;
	a.customer_id = c.customer_id;
	a.created_at = a.updated_at = now;
	if ((e = check_fields(ar, in, &p, &a, f)) != E_OK ||
	    (e = domain__text(ar, in->reason, "reason", 1, ACTION_REASON_MAX, &a.reason, f)) != E_OK ||
	    (e = note_text(ar, in->note, "note", &a.note, f)) != E_OK)
		return e;
	if (!(a.customer_line = customer_line(ar, &a)))
		return domain__nomem(f);
	if ((e = judge(st, &a, &p, by->role, now, &v, &left, f)) != E_OK)
		return e;
	if (v == ACTION_WITHIN)
		settle(&a, &p, now);
	else {
		a.state = ACTION_PENDING_APPROVAL;
		a.over = (char *)action_verdict_name(v);
	}
	if ((e = store_action_insert(st, &a)) != E_OK)
		return domain__io(f, e);
	if (v != ACTION_WITHIN) {
		body = arena_printf(ar, "Asked a supervisor to approve %s (%s). Why: %s", what(ar, &a),
				    v == ACTION_NO_POLICY ? "no limit set for this role" :
				    v == ACTION_OVER_CASE ? "over the limit per case" :
							    "over the limit per month",
				    a.reason);
		if ((e = event(st, ar, &a, "action_requested", by, VIS_INTERNAL, body, now, f)) != E_OK)
			return e;
		e = notify__alert(st, ar, &c, "approval_requested", 0,
				  arena_printf(ar, "Approval requested: %s on case %lld. Why: %s",
					       what(ar, &a), (long long)c.id, a.reason));
		if (e != E_OK)
			return domain__io(f, e);
		*out = a;
		return E_OK;
	}
	body = arena_printf(ar, "Took %s within the limits%s. Why: %s", what(ar, &a),
			    a.state == ACTION_SENDING ? "; telling the company system" : "", a.reason);
	if ((e = event(st, ar, &a, "action_taken", by, VIS_INTERNAL, body, now, f)) != E_OK ||
	    (e = executed(st, ar, &a, &p, by, now, hooked, f)) != E_OK)
		return e;
	return load(st, ar, a.id, out, f); /* with its delivery */
}

/* ---- deciding ----------------------------------------------------------- */

static enum err load(struct store *st, struct arena *ar, int64_t id, struct action *a,
		     struct fail *f)
{
	enum err e = store_action_get(st, ar, id, a);

	if (e == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no action with id %lld", (long long)id);
	return e == E_OK ? E_OK : domain__io(f, e);
}

static enum err load_pending(struct store *st, struct arena *ar, int64_t id,
			     struct action *a, struct case_ *c, struct fail *f)
{
	enum err e;

	if ((e = load(st, ar, id, a, f)) != E_OK)
		return e;
	if (a->state != ACTION_PENDING_APPROVAL)
		return fail_set(f, E_CONFLICT, "not_pending", NULL,
				"the action is %s, not waiting for approval",
				action_state_name(a->state));
	return cases__get(st, ar, a->case_id, c, f);
}

enum err actions_approve(struct store *st, struct arena *ar, int64_t id, const char *note,
			 const struct actor *by, struct action *out, bool *hooked,
			 struct fail *f)
{
	struct action_policy p;
	struct action a;
	enum action_verdict v;
	struct case_ c;
	int64_t now = clock_now_ms(), left;
	char *body;
	enum err e;

	if ((e = load_pending(st, ar, id, &a, &c, f)) != E_OK)
		return e;
	if (a.requested_by == by->id)
		return fail_set(f, E_FORBIDDEN, "own_request", NULL,
				"you asked for this; another supervisor must approve it");
	if ((e = note_text(ar, note, "note", &a.decision_note, f)) != E_OK ||
	    (e = actions_policy_get(st, ar, a.kind, &p, f)) != E_OK ||
	    (e = judge(st, &a, &p, by->role, now, &v, &left, f)) != E_OK)
		return e;
	if (v != ACTION_WITHIN)
		return fail_set(f, E_FORBIDDEN, "over_your_limit", NULL,
				"this is above your own limits (%s); an admin must approve it",
				v == ACTION_NO_POLICY ? "none set for your role" :
				v == ACTION_OVER_CASE ? "per case" : "per month");
	a.decided_by = by->id;
	a.decided_at = now;
	settle(&a, &p, now);
	if ((e = store_action_update(st, &a)) != E_OK)
		return domain__io(f, e);
	body = arena_printf(ar, "Approved %s%s%s", what(ar, &a),
			    a.decision_note ? ". Note: " : "", a.decision_note ? a.decision_note : "");
	if ((e = event(st, ar, &a, "action_approved", by, VIS_INTERNAL, body, now, f)) != E_OK ||
	    (e = executed(st, ar, &a, &p, by, now, hooked, f)) != E_OK)
		return e;
	e = notify__alert(st, ar, &c, "action_decided", a.requested_by,
			  arena_printf(ar, "Approved: %s on case %lld", what(ar, &a), (long long)c.id));
	if (e != E_OK)
		return domain__io(f, e);
	return load(st, ar, a.id, out, f); /* with its delivery */
}

enum err actions_decline(struct store *st, struct arena *ar, int64_t id, const char *note,
			 const struct actor *by, struct action *out, struct fail *f)
{
	struct action a;
	struct case_ c;
	int64_t now = clock_now_ms();
	char *body;
	enum err e;

	if ((e = load_pending(st, ar, id, &a, &c, f)) != E_OK)
		return e;
	if ((e = domain__text(ar, note, "note", 1, ACTION_NOTE_MAX, &a.decision_note, f)) != E_OK) {
		if (f && !strcmp(f->msg, "must not be empty"))
			snprintf(f->msg, sizeof(f->msg), "say why it is declined");
		return e;
	}
	a.state = ACTION_DECLINED;
	a.decided_by = by->id;
	a.decided_at = a.updated_at = now;
	if ((e = store_action_update(st, &a)) != E_OK)
		return domain__io(f, e);
	body = arena_printf(ar, "Declined %s. Why: %s", what(ar, &a), a.decision_note);
	if ((e = event(st, ar, &a, "action_declined", by, VIS_INTERNAL, body, now, f)) != E_OK)
		return e;
	e = notify__alert(st, ar, &c, "action_decided", a.requested_by,
			  arena_printf(ar, "Declined: %s on case %lld. Why: %s", what(ar, &a),
				       (long long)c.id, a.decision_note));
	if (e != E_OK)
		return domain__io(f, e);
	return load(st, ar, a.id, out, f); /* with its delivery */
}

enum err actions_cancel(struct store *st, struct arena *ar, int64_t id, const char *reason,
			const struct actor *by, struct action *out, struct fail *f)
{
	struct hook_delivery d;
	struct action a;
	int64_t now = clock_now_ms();
	char *why, *body;
	enum err e;

	if ((e = load(st, ar, id, &a, f)) != E_OK)
		return e;
	if (a.state != ACTION_PENDING_APPROVAL && a.state != ACTION_SENDING)
		return fail_set(f, E_CONFLICT, "not_cancellable", NULL,
				"the action is %s; only one waiting for approval or for the "
				"company system can be cancelled", action_state_name(a.state));
	if ((e = domain__text(ar, reason, "reason", 1, ACTION_REASON_MAX, &why, f)) != E_OK)
		return e;
	if (a.state == ACTION_SENDING && a.hook_id) {
		if ((e = store_hook_get(st, ar, a.hook_id, &d)) != E_OK)
			return domain__io(f, e);
		d.state = HOOK_CANCELLED;
		if ((e = store_hook_update(st, &d)) != E_OK)
			return domain__io(f, e);
		a.hook_state = HOOK_CANCELLED;
	}
	body = arena_printf(ar, "Cancelled %s%s. Why: %s", what(ar, &a),
			    a.state == ACTION_SENDING ? " (the company system never acknowledged it)" :
							"", why);
	a.state = ACTION_CANCELLED;
	a.updated_at = now;
	if ((e = store_action_update(st, &a)) != E_OK)
		return domain__io(f, e);
	if ((e = event(st, ar, &a, "action_cancelled", by, VIS_INTERNAL, body, now, f)) != E_OK)
		return e;
	return load(st, ar, a.id, out, f); /* with its delivery */
}

/* ---- webhook outcomes --------------------------------------------------- */

enum err actions_hook_record(struct store *st, struct arena *ar,
			     const struct hook_delivery *d, struct fail *f)
{
	struct hook_delivery now_d;
	struct action a;
	struct case_ c;
	int64_t now = clock_now_ms();
	char *body;
	enum err e;

	if ((e = store_hook_get(st, ar, d->id, &now_d)) != E_OK)
		return domain__io(f, e);
	if (now_d.state != HOOK_PENDING)
		return E_OK; /* cancelled while the attempt ran */
	if ((e = store_hook_update(st, d)) != E_OK)
		return domain__io(f, e);
	if ((e = load(st, ar, d->action_id, &a, f)) != E_OK ||
	    (e = cases__get(st, ar, a.case_id, &c, f)) != E_OK)
		return e;
	if (d->state == HOOK_ACKED) {
		a.state = ACTION_DONE;
		a.done_at = a.updated_at = now;
		if ((e = store_action_update(st, &a)) != E_OK)
			return domain__io(f, e);
		body = arena_printf(ar, "The company system acknowledged %s (attempt %d)",
				    what(ar, &a), d->attempts);
		if ((e = event(st, ar, &a, "action_delivered", ACTOR_SYSTEM, VIS_INTERNAL, body, now,
			       f)) != E_OK)
			return e;
		return event(st, ar, &a, "action_done", ACTOR_SYSTEM, VIS_PUBLIC, a.customer_line,
			     now, f);
	}
	if (d->attempts != 1)
		return E_OK; /* the action shows each later failure; the timeline once */
	body = arena_printf(ar, "The company system did not acknowledge %s: %s; retrying until it "
			    "does", what(ar, &a), d->last_error ? d->last_error : "no answer");
	if ((e = event(st, ar, &a, "action_delivery_failed", ACTOR_SYSTEM, VIS_INTERNAL, body, now,
		       f)) != E_OK)
		return e;
	e = notify__alert(st, ar, &c, "delivery_failed", a.requested_by, body);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* ---- reading ------------------------------------------------------------ */

enum err actions_get(struct store *st, struct arena *ar, int64_t id, struct action *out,
		     struct fail *f)
{
	return load(st, ar, id, out, f);
}

enum err actions_list(struct store *st, struct arena *ar, int64_t case_id,
		      const struct actor *by, struct action_list *out,
		      struct action_allowance *allow, struct fail *f)
{
	struct case_ c;
	int64_t now = clock_now_ms();
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if ((e = store_action_list_case(st, ar, case_id, out)) != E_OK)
		return domain__io(f, e);
	for (size_t i = 0; allow && i < ACTION_KINDS; i++) {
		struct action_policy p;
		struct action probe = {.case_id = case_id, .customer_id = c.customer_id};
		enum action_verdict v;

		if ((e = actions_policy_get(st, ar, action_kind_name(i), &p, f)) != E_OK)
			return e;
		probe.kind = (char *)p.kind;
		probe.currency = p.currency;
		if ((e = judge(st, &probe, &p, by->role, now, &v, &allow[i].left, f)) != E_OK)
			return e;
		allow[i].kind = p.kind;
		allow[i].policy = v != ACTION_NO_POLICY;
		allow[i].currency = p.currency;
	}
	return E_OK;
}

enum err actions_in_state(struct store *st, struct arena *ar, enum action_state state,
			  int64_t before_id, size_t limit, struct action_list *out,
			  struct fail *f)
{
	enum err e;

	if (limit < 1 || limit > ACTION_LIST_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit", "must be between 1 and %d",
				ACTION_LIST_MAX);
	e = store_action_list_state(st, ar, state, before_id, limit, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}
