/*
 * promises.c - making, keeping, revising and watching promises (see
 * promises.h).
 */
#include "domain/promises.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/calendar.h"
#include "domain/cases.h"
#include "domain/internal.h"

#define REASON_MAX 500

/* The kinds: the stated default time, and how the customer is told. */
static const struct kind {
	const char *name;
	int64_t default_ms;
	const char *verb; /* "We will ..." */
	const char *kept; /* said when an event keeps it */
} kind_table[] = {
	{"callback", PROMISE_DEFAULT_CALLBACK_MS, "call you back", "We called you back as we promised."},
	{"reply", PROMISE_DEFAULT_REPLY_MS, "reply to you", "We replied as we promised."},
	{"fix", PROMISE_DEFAULT_FIX_MS, "fix this", "We fixed it as we promised."},
	{"update", PROMISE_DEFAULT_UPDATE_MS, "send you an update", "We sent the update we promised."},
};

static const struct kind *kind_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof(kind_table) / sizeof(kind_table[0]); i++)
		if (!strcmp(kind_table[i].name, name))
			return &kind_table[i];
	return NULL;
}
static const char *const channels[] = {"phone", "email", "chat", "status_page", NULL};

const char *promise_state_name(enum promise_state s)
{
	switch (s) {
	case PROMISE_PENDING: return "pending";
	case PROMISE_KEPT: return "kept";
	case PROMISE_BROKEN: return "broken";
	case PROMISE_CANCELLED: return "cancelled";
	}
	return "unknown";
}

int64_t promise_kind_default_ms(const char *kind)
{
	const struct kind *k = kind_of(kind);

	return k ? k->default_ms : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t promise_p80(int64_t *ms, size_t n)
{
	size_t k;

	if (!n)
		return 0;
	qsort(ms, n, sizeof(*ms), cmp_i64);
	k = (n * 80 + 99) / 100; /* ceil(0.8 n) values must be <= the answer */
	return ms[k - 1];
}

/* round_up - to whole 5 minutes: nobody promises 2 h 13 min 7 s. */
static int64_t round_up(int64_t ms)
{
	const int64_t step = 5 * 60 * 1000;

	return ms <= 0 ? step : (ms + step - 1) / step * step;
}

enum err promises_propose(struct store *st, const char *queue, const char *kind,
			  struct promise_proposal *out, struct fail *f)
{
	int64_t ms[PROMISE_HISTORY_MAX];
	size_t n = 0;
	enum err e;

	if (!kind_of(kind))
		return fail_set(f, E_UNPROC, NULL, "kind",
				"unknown kind; expected callback, reply, fix or update");
	out->kind = kind;
	out->queue = queue;
	if ((e = store_promise_kept_ms(st, queue, kind, PROMISE_HISTORY_MAX, ms, &n)) != E_OK)
		return domain__io(f, e);
	out->samples = n;
	out->from_history = n >= PROMISE_HISTORY_MIN;
	out->ms = out->from_history ? round_up(promise_p80(ms, n)) :
				      promise_kind_default_ms(kind);
	return E_OK;
}

/* ---- writing ----------------------------------------------------------- */

/* verb - "call you back": what the customer is told we will do. */
static const char *verb(const char *kind)
{
	const struct kind *k = kind_of(kind);

	return k ? k->verb : "get back to you";
}

/* arm - the three timers of a pending promise. */
static enum err arm(struct store *st, const struct promise *p)
{
	int64_t span = p->due_at - p->created_at;
	struct timer t = {.ref_id = p->id, .case_id = p->case_id};
	enum err e;

	t.kind = "promise_warn";
	t.due_at = p->created_at + span * PROMISE_WARN_PCT / 100;
	if ((e = store_timer_insert(st, &t)) != E_OK)
		return e;
	t.kind = "promise_notice";
	t.due_at = p->created_at + span * PROMISE_NOTICE_PCT / 100;
	if ((e = store_timer_insert(st, &t)) != E_OK)
		return e;
	t.kind = "promise_due";
	t.due_at = p->due_at;
	return store_timer_insert(st, &t);
}

/* made - store p, arm it, say so on the timeline, bring the case's next
 * action forward. */
static enum err made(struct store *st, struct arena *ar, struct case_ *c, struct promise *p,
		     const struct actor *by, const char *type, const char *body,
		     struct fail *f)
{
	char *data, due[40];
	enum err e;

	if ((e = store_promise_insert(st, p)) != E_OK || (e = arm(st, p)) != E_OK)
		return domain__io(f, e);
	clock_format(p->due_at, due, sizeof(due));
	data = arena_printf(ar,
			    "{\"promise_id\":%lld,\"kind\":\"%s\",\"due_at\":\"%s\",\"channel\":\"%s\","
			    "\"replaces_id\":%s}",
			    (long long)p->id, p->kind, due, p->channel,
			    domain__json_id(ar, p->replaces_id));
	if (!data)
		return domain__nomem(f);
	e = domain__event_add(st, c->id, c->customer_id, type, by, VIS_PUBLIC, body, data,
			      p->created_at, NULL);
	if (e != E_OK)
		return domain__io(f, e);
	if (c->status != CASE_CLOSED && c->status != CASE_RESOLVED &&
	    (!c->next_action_at || c->next_action_at > p->due_at)) {
		if ((e = store_case_get(st, ar, c->id, c)) != E_OK)
			return domain__io(f, e);
		c->next_action_at = p->due_at;
		if ((e = store_case_update(st, c)) != E_OK)
			return domain__io(f, e);
	}
	return E_OK;
}

static enum err check_owner(struct store *st, struct arena *ar, const struct case_ *c,
			    const struct promise_new *in, const struct actor *by,
			    int64_t *owner, struct fail *f)
{
	struct agent a;
	enum err e;

	*owner = in->owner_id ? in->owner_id :
		 c->owner_id  ? c->owner_id :
		 by && by->kind == AUTHOR_AGENT ? by->id : 0;
	if (!in->owner_id)
		return E_OK;
	e = store_agent_get(st, ar, in->owner_id, &a);
	if (e == E_NOTFOUND || in->owner_id < 0)
		return fail_set(f, E_UNPROC, NULL, "owner_id", "no agent with id %lld",
				(long long)in->owner_id);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* check_new - everything about a new promise but the case. */
static enum err check_new(struct store *st, struct arena *ar, const struct case_ *c,
			  const struct promise_new *in, const struct actor *by, int64_t now,
			  struct promise *p, struct fail *f)
{
	struct promise_proposal pr;
	enum err e;

	if ((e = promises_propose(st, c->queue, in->kind, &pr, f)) != E_OK)
		return e;
	p->kind = (char *)in->kind;
	p->channel = (char *)(in->channel ? in->channel :
			      !strcmp(in->kind, "callback") ? "phone" : "email");
	if (domain__index_of(channels, p->channel) < 0)
		return fail_set(f, E_UNPROC, NULL, "channel",
				"unknown channel; expected phone, email, chat or status_page");
	p->due_at = in->due_at ? in->due_at : in->in_ms > 0 ? now + in->in_ms : 0;
	if (!p->due_at)
		return fail_set(f, E_UNPROC, NULL, "due_at", "give due_at or in_minutes");
	if (p->due_at <= now)
		return fail_set(f, E_UNPROC, NULL, "due_at", "must be in the future");
	if (p->due_at - now > PROMISE_MAX_MS)
		return fail_set(f, E_UNPROC, NULL, "due_at", "must be within 90 days");
	p->proposed_ms = pr.ms;
	if (p->due_at - now < pr.ms && !in->confirm_short)
		return fail_set(f, E_CONFLICT, "shorter_than_estimate", "due_at",
				"%s %lld min for a %s in %s; promise that, or confirm the shorter time",
				pr.from_history ? "80% of past promises were kept within" :
						  "until there is history, heed suggests",
				(long long)(pr.ms / 60000), in->kind, c->queue);
	p->short_confirmed = p->due_at - now < pr.ms;
	return check_owner(st, ar, c, in, by, &p->owner_id, f);
}

enum err promises_make(struct store *st, struct arena *ar, int64_t case_id,
		       const struct promise_new *in, const struct actor *by,
		       struct promise *out, struct fail *f)
{
	struct promise p = {.case_id = case_id, .state = PROMISE_PENDING};
	struct calendar cal;
	struct case_ c;
	int64_t now = clock_now_ms();
	char *body;
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if (c.status == CASE_CLOSED)
		return fail_set(f, E_CONFLICT, "case_closed", NULL,
				"the case is closed; nothing more can be promised on it");
	if ((e = check_new(st, ar, &c, in, by, now, &p, f)) != E_OK)
		return e;
	domain__author(by, c.customer_id, &p.by_kind, &p.by_id);
	p.queue = c.queue;
	p.created_at = p.origin_at = now;
	if ((e = sla__case_calendar(st, ar, &c, &cal)) != E_OK)
		return domain__io(f, e);
	body = arena_printf(ar, "We will %s by %s.", verb(p.kind), notify__when(ar, &cal, p.due_at));
	if (!body)
		return domain__nomem(f);
	if ((e = made(st, ar, &c, &p, by, "promise_made", body, f)) != E_OK)
		return e;
	*out = p;
	return E_OK;
}

static enum err load_pending(struct store *st, struct arena *ar, int64_t id,
			     struct promise *p, struct fail *f)
{
	enum err e = store_promise_get(st, ar, id, p);

	if (e == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no promise with id %lld",
				(long long)id);
	if (e != E_OK)
		return domain__io(f, e);
	if (p->state != PROMISE_PENDING)
		return fail_set(f, E_CONFLICT, "not_pending", NULL, "the promise is already %s",
				promise_state_name(p->state));
	return E_OK;
}

/* close_as - end a pending promise and say so publicly. */
static enum err close_as(struct store *st, struct arena *ar, const struct case_ *c,
			 struct promise *p, enum promise_state s, const char *type,
			 const char *body, const struct actor *by, int64_t now)
{
	char *data;
	enum err e;

	p->state = s;
	p->closed_at = now;
	if ((e = store_promise_update(st, p)) != E_OK)
		return e;
	data = arena_printf(ar, "{\"promise_id\":%lld,\"kind\":\"%s\",\"on_time\":%s}",
			    (long long)p->id, p->kind, now <= p->due_at ? "true" : "false");
	if (!data)
		return E_NOMEM;
	return domain__event_add(st, c->id, c->customer_id, type, by, VIS_PUBLIC, body, data,
				 now, NULL);
}

static enum err reason_text(struct arena *ar, const char *reason, char **out,
			    struct fail *f)
{
	return domain__text(ar, reason, "reason", 1, REASON_MAX, out, f);
}

enum err promises_cancel(struct store *st, struct arena *ar, int64_t id,
			 const char *reason, const struct actor *by,
			 struct promise *out, struct fail *f)
{
	struct promise p;
	struct case_ c;
	enum err e;

	if ((e = load_pending(st, ar, id, &p, f)) != E_OK ||
	    (e = reason_text(ar, reason, &p.reason, f)) != E_OK ||
	    (e = cases__get(st, ar, p.case_id, &c, f)) != E_OK)
		return e;
	e = close_as(st, ar, &c, &p, PROMISE_CANCELLED, "promise_cancelled", p.reason, by,
		     clock_now_ms());
	if (e != E_OK)
		return domain__io(f, e);
	*out = p;
	return E_OK;
}

/* successor - the promise that follows p (revised or broken), due at due. */
static enum err successor(struct store *st, struct arena *ar, struct case_ *c,
			  const struct promise *p, int64_t due, const struct actor *by,
			  const char *type, const char *body, struct promise *out,
			  struct fail *f)
{
	struct promise n = *p;
	enum err e;

	n.id = 0;
	n.state = PROMISE_PENDING;
	n.reason = NULL;
	n.revised_due_at = 0;
	n.kept_event_id = 0;
	n.closed_at = 0;
	n.replaces_id = p->id;
	n.due_at = due;
	n.short_confirmed = false;
	n.created_at = clock_now_ms();
	n.origin_at = p->origin_at;
	domain__author(by, c->customer_id, &n.by_kind, &n.by_id);
	if ((e = made(st, ar, c, &n, by, type, body, f)) != E_OK)
		return e;
	*out = n;
	return E_OK;
}

enum err promises_revise(struct store *st, struct arena *ar, int64_t id,
			 int64_t due_at, const char *reason, const struct actor *by,
			 struct promise *out, struct fail *f)
{
	struct promise p;
	struct calendar cal;
	struct case_ c;
	int64_t now = clock_now_ms();
	char *body, *why;
	enum err e;

	if ((e = load_pending(st, ar, id, &p, f)) != E_OK ||
	    (e = reason_text(ar, reason, &why, f)) != E_OK ||
	    (e = cases__get(st, ar, p.case_id, &c, f)) != E_OK)
		return e;
	if (due_at <= now)
		return fail_set(f, E_UNPROC, NULL, "due_at", "must be in the future");
	if (due_at - now > PROMISE_MAX_MS)
		return fail_set(f, E_UNPROC, NULL, "due_at", "must be within 90 days");
	p.reason = arena_printf(ar, "revised: %s", why);
	if (!p.reason)
		return domain__nomem(f);
	p.state = PROMISE_CANCELLED;
	p.closed_at = now;
	if ((e = store_promise_update(st, &p)) != E_OK)
		return domain__io(f, e);
	if ((e = sla__case_calendar(st, ar, &c, &cal)) != E_OK)
		return domain__io(f, e);
	body = arena_printf(ar, "We need more time: we will now %s by %s, not %s as we said. %s",
			    verb(p.kind), notify__when(ar, &cal, due_at),
			    notify__when(ar, &cal, p.due_at), why);
	if (!body)
		return domain__nomem(f);
	if ((e = successor(st, ar, &c, &p, due_at, by, "promise_revised", body, out, f)) != E_OK)
		return e;
	e = notify__customer(st, ar, &c, "promise_revised", "We need more time", body, NULL);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err promises_get(struct store *st, struct arena *ar, int64_t id,
		      struct promise *out, struct fail *f)
{
	enum err e = store_promise_get(st, ar, id, out);

	if (e == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no promise with id %lld",
				(long long)id);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err promises_list(struct store *st, struct arena *ar, int64_t case_id,
		       struct promise_list *out, struct fail *f)
{
	struct case_ c;
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	e = store_promise_list(st, ar, case_id, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* ---- kept by an event (track.c) ----------------------------------------- */

static const char *kept_text(const char *kind)
{
	const struct kind *k = kind_of(kind);

	return k ? k->kept : "We did what we promised.";
}

enum err promises__on_event(struct store *st, struct arena *ar, const struct case_ *c,
			    const struct event *e, const char *const *which)
{
	struct promise_list pl;
	enum err rc;

	if ((rc = store_promise_list(st, ar, c->id, &pl)) != E_OK)
		return rc;
	for (size_t i = 0; i < pl.n; i++) {
		struct promise *p = &pl.items[i];

		if (p->state != PROMISE_PENDING || domain__index_of(which, p->kind) < 0 ||
		    p->created_at > e->created_at)
			continue;
		p->kept_event_id = e->id;
		rc = close_as(st, ar, c, p, PROMISE_KEPT, "promise_kept", kept_text(p->kind),
			      ACTOR_SYSTEM, e->created_at);
		if (rc != E_OK)
			return rc;
	}
	return E_OK;
}

enum err promises__on_closed(struct store *st, struct arena *ar, const struct case_ *c,
			     int64_t now)
{
	struct promise_list pl;
	enum err rc;

	if ((rc = store_promise_list(st, ar, c->id, &pl)) != E_OK)
		return rc;
	for (size_t i = 0; i < pl.n; i++) {
		struct promise *p = &pl.items[i];

		if (p->state != PROMISE_PENDING)
			continue;
		p->reason = "the case was closed";
		rc = close_as(st, ar, c, p, PROMISE_CANCELLED, "promise_cancelled",
			      "The case is closed; this no longer applies.", ACTOR_SYSTEM, now);
		if (rc != E_OK)
			return rc;
	}
	return E_OK;
}

/* ---- watched (watch.c) ------------------------------------------------ */

static enum err warn(struct store *st, struct arena *ar, const struct case_ *c,
		     const struct promise *p, const struct calendar *cal)
{
	char *body = arena_printf(ar, "Promise due soon: %s by %s (case %lld, \"%s\")",
				  verb(p->kind), notify__when(ar, cal, p->due_at),
				  (long long)c->id, c->subject);

	return body ? notify__alert(st, ar, c, "promise_warning", p->owner_id, body) : E_NOMEM;
}

/* honest - the new time to tell: what history says from now, and never
 * less than half an hour past the old time. */
static int64_t honest(struct store *st, const struct promise *p, int64_t now)
{
	struct promise_proposal pr;
	int64_t t;

	if (promises_propose(st, p->queue, p->kind, &pr, NULL) != E_OK)
		pr.ms = promise_kind_default_ms(p->kind);
	t = now + pr.ms;
	return t > p->due_at + 30 * 60000 ? t : p->due_at + 30 * 60000;
}

static enum err notice(struct store *st, struct arena *ar, struct case_ *c,
		       struct promise *p, const struct calendar *cal, int64_t now,
		       bool *mailed)
{
	char *body, *data, when[40];
	enum err e;

	p->revised_due_at = honest(st, p, now);
	if ((e = store_promise_update(st, p)) != E_OK)
		return e;
	body = arena_printf(ar,
			    "We may not %s by %s as we promised. Our honest new time is %s; "
			    "we will tell you at once if it changes.",
			    verb(p->kind), notify__when(ar, cal, p->due_at),
			    notify__when(ar, cal, p->revised_due_at));
	clock_format(p->revised_due_at, when, sizeof(when));
	data = arena_printf(ar, "{\"promise_id\":%lld,\"kind\":\"%s\",\"revised_due_at\":\"%s\"}",
			    (long long)p->id, p->kind, when);
	if (!body || !data)
		return E_NOMEM;
	e = domain__event_add(st, c->id, c->customer_id, "promise_at_risk", ACTOR_SYSTEM,
			      VIS_PUBLIC, body, data, now, NULL);
	if (e != E_OK)
		return e;
	return notify__customer(st, ar, c, "promise_at_risk", "An update on our promise", body,
				mailed);
}

static enum err breach(struct store *st, struct arena *ar, struct case_ *c,
		       struct promise *p, const struct calendar *cal, int64_t now,
		       struct fail *f)
{
	int64_t due = p->revised_due_at > now ? p->revised_due_at : honest(st, p, now);
	char *body, *alert;
	struct promise next;
	enum err e;

	body = arena_printf(ar, "We did not %s by %s as we promised. We are sorry.",
			    verb(p->kind), notify__when(ar, cal, p->due_at));
	alert = arena_printf(ar, "Promise broken: %s by %s (case %lld, \"%s\")", verb(p->kind),
			     notify__when(ar, cal, p->due_at), (long long)c->id, c->subject);
	if (!body || !alert)
		return domain__nomem(f);
	if ((e = close_as(st, ar, c, p, PROMISE_BROKEN, "promise_broken", body, ACTOR_SYSTEM,
			  now)) != E_OK ||
	    (e = notify__alert(st, ar, c, "promise_broken", 0, alert)) != E_OK)
		return domain__io(f, e);
	if (c->status == CASE_RESOLVED)
		return E_OK; /* resolved: nothing more is promised in its name */
	body = arena_printf(ar, "We will %s by %s.", verb(p->kind), notify__when(ar, cal, due));
	if (!body)
		return domain__nomem(f);
	return successor(st, ar, c, p, due, ACTOR_SYSTEM, "promise_made", body, &next, f);
}

enum err promises__fire(struct store *st, struct arena *ar, const struct timer *t,
			bool *mailed, struct fail *f)
{
	struct calendar cal;
	struct promise p;
	struct case_ c;
	int64_t now = clock_now_ms();
	enum err e;

	e = store_promise_get(st, ar, t->ref_id, &p);
	if (e == E_NOTFOUND || (e == E_OK && p.state != PROMISE_PENDING))
		return E_OK; /* kept or cancelled meanwhile */
	if (e != E_OK || (e = store_case_get(st, ar, p.case_id, &c)) != E_OK)
		return domain__io(f, e);
	if (c.status == CASE_CLOSED) /* closed before this build cancelled on close */
		return promises__on_closed(st, ar, &c, now) == E_OK ? E_OK : domain__io(f, E_IO);
	if ((e = sla__case_calendar(st, ar, &c, &cal)) != E_OK)
		return domain__io(f, e);
	if (!strcmp(t->kind, "promise_warn"))
		e = warn(st, ar, &c, &p, &cal);
	else if (!strcmp(t->kind, "promise_notice"))
		e = notice(st, ar, &c, &p, &cal, now, mailed);
	else
		return breach(st, ar, &c, &p, &cal, now, f);
	return e == E_OK ? E_OK : domain__io(f, e);
}
