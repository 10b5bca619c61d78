/*
 * cases.c - creating and changing cases (see cases.h).
 *
 * Each service validates the whole request first and writes afterwards, so
 * a refusal never leaves a half-made case even before the caller rolls back
 * (the one exception: find-or-create of a nested customer runs before the
 * case insert, after every other field has been checked).
 */
#include "domain/cases.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "domain/calendar.h"
#include "domain/custrec.h"
#include "domain/internal.h"

static enum err check_queue(struct arena *ar, const char *s, char **out,
			    struct fail *f)
{
	char *t;
	size_t n;

	if (!s)
		s = CASE_QUEUE_DEFAULT;
	if (strlen(s) > CASE_QUEUE_MAX + 256)
		goto bad;
	t = domain__trim(ar, s);
	if (!t)
		return domain__nomem(f);
	n = strlen(t);
	if (n < 1 || n > CASE_QUEUE_MAX)
		goto bad;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			goto bad;
	*out = t;
	return E_OK;
bad:
	return fail_set(f, E_UNPROC, NULL, "queue",
			"a queue name is 1 to %d characters of a-z, 0-9, '_' and '-'",
			CASE_QUEUE_MAX);
}

static enum err check_owner(struct store *st, struct arena *ar, int64_t id,
			    struct fail *f)
{
	struct agent a;
	enum err rc;

	if (!id)
		return E_OK;
	if (id < 0)
		return fail_set(f, E_UNPROC, NULL, "owner_id",
				"must be an agent id, or 0 for none");
	rc = store_agent_get(st, ar, id, &a);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_UNPROC, NULL, "owner_id",
				"no agent with id %lld", (long long)id);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

static enum err check_priority(const char *s, enum case_priority *out,
			       struct fail *f)
{
	*out = s ? case_priority_parse(s) : PRIO_NORMAL;
	if (!*out)
		return fail_set(f, E_UNPROC, NULL, "priority",
				"unknown priority; expected low, normal, high or urgent");
	return E_OK;
}

static enum err check_subject(struct arena *ar, const char *s, char **out,
			      struct fail *f)
{
	return domain__text(ar, s, "subject", 1, CASE_SUBJECT_MAX, out, f);
}

/* check_message - NULL/"" is no message; otherwise a non-blank UTF-8 body. */
static enum err check_message(const char *s, struct fail *f)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return E_OK;
	if (n > CASE_BODY_MAX)
		return fail_set(f, E_TOOBIG, NULL, "message",
				"a message is at most %d bytes", CASE_BODY_MAX);
	if (!utf8_valid(s, n))
		return fail_set(f, E_UNPROC, NULL, "message",
				"is not valid UTF-8");
	if (strspn(s, " \t\r\n\v\f") == n)
		return fail_set(f, E_UNPROC, NULL, "message",
				"must not be blank");
	return E_OK;
}

/* second_ticket - refuse a case that repeats an open case of the same
 * customer, unless confirmed; *over gets the case it was confirmed over. */
static enum err second_ticket(struct store *st, struct arena *ar,
			      const struct case_new *in, int64_t customer_id,
			      const char *subject, int64_t *over, struct fail *f)
{
	struct cases_words mine, theirs;
	struct case_list l;
	enum err rc;

	*over = 0;
	if ((rc = store_case_open_of(st, ar, customer_id, CASE_SIMILAR_SCAN, &l)) != E_OK)
		return domain__io(f, rc);
	cases_words(subject, &mine);
	for (size_t i = 0; i < l.n; i++) {
		const struct case_ *o = &l.items[i];

		cases_words(o->subject, &theirs);
		if (!cases_similar_words(&mine, &theirs))
			continue;
		if (in->confirm_new) {
			*over = o->id;
			return E_OK;
		}
		fail_set(f, E_CONFLICT, "similar_open_case", "subject",
			 "this customer already has open case %lld \"%s\"; add to it, or "
			 "confirm that this is a new problem", (long long)o->id, o->subject);
		if (f)
			f->related_id = o->id;
		return E_CONFLICT;
	}
	return E_OK;
}

enum err cases_create(struct store *st, struct arena *ar,
		      const struct case_new *in, const struct actor *by,
		      struct case_ *out, struct fail *f)
{
	struct case_ c = { .status = CASE_NEW, .owner_id = in->owner_id, .plan = "" };
	struct customer cust;
	int64_t over = 0;
	enum fact_source src;
	char **keys = NULL, **vals = NULL, *data, *pfx;
	bool created = false;
	int64_t now = clock_now_ms();
	enum err rc;

	rc = check_subject(ar, in->subject, &c.subject, f);
	if (rc == E_OK)
		rc = check_priority(in->priority, &c.priority, f);
	if (rc == E_OK)
		rc = check_queue(ar, in->queue, &c.queue, f);
	if (rc == E_OK)
		rc = check_owner(st, ar, in->owner_id, f);
	if (rc == E_OK)
		rc = check_message(in->message, f);
	if (rc == E_OK)
		rc = cases__source(in->fact_source ? in->fact_source : "customer",
				   by, "fact_source", &src, f);
	if (rc != E_OK)
		return rc;
	if (in->n_facts > CASE_FACTS_MAX)
		return fail_set(f, E_TOOBIG, NULL, "facts",
				"a case is created with at most %d facts",
				CASE_FACTS_MAX);
	if (in->n_facts) {
		keys = arena_alloc(ar, in->n_facts * sizeof(*keys));
		vals = arena_alloc(ar, in->n_facts * sizeof(*vals));
		if (!keys || !vals)
			return domain__nomem(f);
	}
	for (size_t i = 0; i < in->n_facts; i++) {
		if (!(pfx = arena_printf(ar, "facts[%zu].", i)))
			return domain__nomem(f);
		rc = cases__fact_check(ar, in->facts[i].key,
				       in->facts[i].value_json, pfx, &keys[i],
				       &vals[i], f);
		if (rc != E_OK)
			return rc;
	}

	if (in->customer_id && in->customer)
		return fail_set(f, E_UNPROC, NULL, "customer",
				"give customer_id or customer, not both");
	if (in->customer_id) {
		rc = store_customer_get(st, ar, in->customer_id, &cust);
		/* customer records: a merged record's new cases go to the record
		 * it was merged into */
		if (rc == E_OK && cust.merged_into)
			rc = store_customer_get(st, ar, cust.merged_into, &cust);
		if (rc == E_NOTFOUND)
			return fail_set(f, E_UNPROC, NULL, "customer_id",
					"no customer with id %lld",
					(long long)in->customer_id);
		if (rc != E_OK)
			return domain__io(f, rc);
	} else if (in->customer) {
		rc = customers__find_or_create_as(st, ar, in->customer, "customer.",
						  &(struct customer_by){ by, "case", NULL },
						  &cust, &created, f);
		if (rc != E_OK)
			return rc;
	} else {
		return fail_set(f, E_UNPROC, NULL, "customer_id",
				"a case needs a customer: give customer_id or customer");
	}
	if (by && by->kind == AUTHOR_CUSTOMER && by->id && by->id != cust.id)
		return fail_set(f, E_FORBIDDEN, NULL, "customer_id",
				"a customer can only open cases for themselves");

	if (!created && (rc = second_ticket(st, ar, in, cust.id, c.subject, &over, f)) != E_OK)
		return rc;
	c.customer_id = cust.id;
	c.created_at = c.updated_at = now;
	rc = store_case_insert(st, &c);
	if (rc != E_OK)
		return domain__io(f, rc);

	data = arena_printf(ar,
			    "{\"subject\":%s,\"priority\":\"%s\",\"queue\":%s,\"owner_id\":%s%s}",
			    domain__json_str(ar, c.subject),
			    case_priority_name(c.priority),
			    domain__json_str(ar, c.queue),
			    domain__json_id(ar, c.owner_id),
			    over ? arena_printf(ar, ",\"confirmed_over\":%lld", (long long)over) : "");
	if (!data)
		return domain__nomem(f);
	rc = domain__event_add(st, c.id, c.customer_id, "created", ACTOR_SYSTEM,
			       VIS_INTERNAL, "", data, now, NULL);
	if (rc == E_OK && in->message && *in->message) {
		struct actor cu = { AUTHOR_CUSTOMER, c.customer_id, ROLE_NONE };

		rc = domain__event_add(st, c.id, c.customer_id, "message", &cu,
				       VIS_PUBLIC, in->message, NULL, now, NULL);
	}
	if (rc != E_OK)
		return domain__io(f, rc);
	for (size_t i = 0; i < in->n_facts; i++) {
		rc = cases__fact_record(st, ar, &c, keys[i], vals[i], src, by,
					now, NULL, f);
		if (rc != E_OK)
			return rc;
	}
	*out = c;
	return E_OK;
}

/* transition_msg - "cannot move a case from X to Y; allowed: a, b". */
static enum err illegal(struct fail *f, enum case_status from,
			enum case_status to)
{
	const char *const *allowed = case_allowed_next(from);
	char list[128] = "";
	size_t n = 0;

	for (const char *const *p = allowed; *p && n < sizeof(list); p++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      p == allowed ? "" : ", ", *p);
	if (!*allowed)
		fail_set(f, E_CONFLICT, "illegal_transition", "status",
			 "cannot move a case from %s to %s; a %s case is final",
			 case_status_name(from), case_status_name(to),
			 case_status_name(from));
	else
		fail_set(f, E_CONFLICT, "illegal_transition", "status",
			 "cannot move a case from %s to %s; allowed: %s",
			 case_status_name(from), case_status_name(to), list);
	if (f)
		f->allowed = allowed;
	return E_CONFLICT;
}

/* change - append one change event with {"from":..,"to":..}. */
static enum err change(struct store *st, struct arena *ar,
		       const struct case_ *c, const char *type,
		       enum visibility vis, const char *from_json,
		       const char *to_json, const struct actor *by,
		       int64_t now, struct fail *f)
{
	char *data;
	enum err rc;

	if (!from_json || !to_json)
		return domain__nomem(f);
	data = arena_printf(ar, "{\"from\":%s,\"to\":%s}", from_json, to_json);
	if (!data)
		return domain__nomem(f);
	rc = domain__event_add(st, c->id, c->customer_id, type, by, vis, "",
			       data, now, NULL);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

static enum err check_plan_next(struct arena *ar, const struct case_patch *p,
			       struct case_ *c, int64_t now, struct fail *f)
{
	enum err rc;

	if (!c->plan)
		c->plan = "";
	if (p->has_plan && p->plan && *p->plan &&
	    (rc = domain__text(ar, p->plan, "plan", 1, CASE_PLAN_MAX, &c->plan, f)) != E_OK)
		return rc;
	if (p->has_plan && (!p->plan || !*p->plan))
		c->plan = "";
	if (p->has_next_action) {
		if (p->next_action_at && p->next_action_at < now - 60000)
			return fail_set(f, E_UNPROC, NULL, "next_action_at",
					"must not be in the past");
		c->next_action_at = p->next_action_at;
	}
	return E_OK;
}

static bool working(enum case_status s)
{
	return s == CASE_OPEN || s == CASE_PENDING_CUSTOMER || s == CASE_PENDING_INTERNAL;
}

/* working_defaults - a case being worked on has an owner (the agent who
 * moves it, if nobody) and a next-action date (one business day). */
static enum err working_defaults(struct store *st, struct arena *ar, struct case_ *c,
				 const struct case_ *old, const struct actor *by, int64_t now)
{
	struct calendar cal;
	enum err rc;

	if (!working(c->status) || working(old->status) == working(c->status))
		return E_OK;
	if (!c->owner_id && by && by->kind == AUTHOR_AGENT && by->id)
		c->owner_id = by->id;
	if (c->next_action_at > now)
		return E_OK;
	if ((rc = sla__case_calendar(st, ar, c, &cal)) != E_OK)
		return rc;
	c->next_action_at = cal_add(&cal, now, cal_day_ms(&cal));
	return E_OK;
}

static char *time_json(struct arena *ar, int64_t ms)
{
	char t[40];

	if (!ms)
		return arena_strdup(ar, "null");
	clock_format(ms, t, sizeof(t));
	return arena_printf(ar, "\"%s\"", t);
}

/* plan_next_events - the events of a new plan (public: the customer sees
 * it) and a moved next-action date. */
static enum err plan_next_events(struct store *st, struct arena *ar, const struct case_ *c,
				 const struct case_ *old, const struct actor *by, int64_t now,
				 struct fail *f)
{
	enum err rc;

	if (c->next_action_at != old->next_action_at &&
	    (rc = change(st, ar, c, "next_action", VIS_INTERNAL, time_json(ar, old->next_action_at),
			 time_json(ar, c->next_action_at), by, now, f)) != E_OK)
		return rc;
	if (strcmp(c->plan, old->plan ? old->plan : "") == 0)
		return E_OK;
	rc = domain__event_add(st, c->id, c->customer_id, "plan", by, VIS_PUBLIC,
			       *c->plan ? c->plan : "(no plan)", NULL, now, NULL);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

static char *quoted(struct arena *ar, const char *word)
{
	return arena_printf(ar, "\"%s\"", word);
}

enum err cases_update(struct store *st, struct arena *ar, int64_t id,
		      const struct case_patch *p, const struct actor *by,
		      struct case_ *out, struct fail *f)
{
	struct case_ c, old;
	int64_t now = clock_now_ms();
	bool changed = false;
	enum err rc;

	rc = store_case_get(st, ar, id, &c);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no case with id %lld", (long long)id);
	if (rc != E_OK)
		return domain__io(f, rc);
	old = c;
	if (p->has_status) {
		c.status = case_status_parse(p->status);
		if (!c.status)
			return fail_set(f, E_UNPROC, NULL, "status",
					"unknown status; expected new, open, pending_customer, pending_internal, resolved or closed");
		if (c.status != old.status &&
		    !case_transition_ok(old.status, c.status))
			return illegal(f, old.status, c.status);
	}
	if (p->has_priority) {
		if (!p->priority)
			return fail_set(f, E_UNPROC, NULL, "priority",
					"unknown priority; expected low, normal, high or urgent");
		rc = check_priority(p->priority, &c.priority, f);
		if (rc != E_OK)
			return rc;
	}
	if (p->has_owner) {
		rc = check_owner(st, ar, p->owner_id, f);
		if (rc != E_OK)
			return rc;
		c.owner_id = p->owner_id;
	}
	if (p->has_queue) {
		if (!p->queue)
			return fail_set(f, E_UNPROC, NULL, "queue",
					"a queue name is required");
		rc = check_queue(ar, p->queue, &c.queue, f);
		if (rc != E_OK)
			return rc;
	}
	if (p->has_subject) {
		rc = check_subject(ar, p->subject, &c.subject, f);
		if (rc != E_OK)
			return rc;
	}
	if ((rc = check_plan_next(ar, p, &c, now, f)) != E_OK)
		return rc;
	if ((rc = working_defaults(st, ar, &c, &old, by, now)) != E_OK)
		return domain__io(f, rc);

	if (c.status != old.status) {
		rc = change(st, ar, &c, "status_change", VIS_PUBLIC,
			    quoted(ar, case_status_name(old.status)),
			    quoted(ar, case_status_name(c.status)), by, now, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if (c.owner_id != old.owner_id) {
		rc = change(st, ar, &c, "assignment", VIS_INTERNAL,
			    domain__json_id(ar, old.owner_id),
			    domain__json_id(ar, c.owner_id), by, now, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if (c.priority != old.priority) {
		rc = change(st, ar, &c, "priority_change", VIS_INTERNAL,
			    quoted(ar, case_priority_name(old.priority)),
			    quoted(ar, case_priority_name(c.priority)), by, now,
			    f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if (strcmp(c.queue, old.queue) != 0) {
		rc = change(st, ar, &c, "queue_change", VIS_INTERNAL,
			    domain__json_str(ar, old.queue),
			    domain__json_str(ar, c.queue), by, now, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if (strcmp(c.subject, old.subject) != 0) {
		rc = change(st, ar, &c, "subject_change", VIS_INTERNAL,
			    domain__json_str(ar, old.subject),
			    domain__json_str(ar, c.subject), by, now, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if ((rc = plan_next_events(st, ar, &c, &old, by, now, f)) != E_OK)
		return rc;
	changed = changed || c.next_action_at != old.next_action_at ||
		  strcmp(c.plan, old.plan) != 0;
	if (changed) {
		c.updated_at = now;
		rc = store_case_update(st, &c);
		if (rc != E_OK)
			return domain__io(f, rc);
	}
	*out = c;
	return E_OK;
}

enum err cases_get(struct store *st, struct arena *ar, int64_t id,
		   struct case_ *out)
{
	return store_case_get(st, ar, id, out);
}

enum err cases_list(struct store *st, struct arena *ar,
		    const struct case_filter *filter, struct case_list *out,
		    struct fail *f)
{
	struct case_filter q = *filter;
	enum err rc;

	if (!q.limit)
		q.limit = CASE_LIST_DEFAULT;
	if (q.limit > CASE_LIST_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit",
				"must be between 1 and %d", CASE_LIST_MAX);
	if (q.before_id < 0)
		q.before_id = 0;
	rc = store_case_list(st, ar, &q, out);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}
