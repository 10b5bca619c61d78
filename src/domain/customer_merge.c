/*
 * customer_merge.c - merging duplicate customer records, and reading a
 * record's history (see customers.h, "customer records").
 *
 * Every refusal is decided before the first write, so a refused merge
 * leaves nothing behind even before the caller rolls back.  The moves
 * themselves are one store call (store_customer_merge_move); this file
 * decides what may be merged, what the survivor is called, and what the
 * history and the cases' timelines say about it.
 *
 * Trade-off: the moved cases get their "customer_merged" event in the
 * merge's transaction, one per case.  A customer with thousands of cases
 * makes one long transaction; that is rare, and a merge that is half done
 * would be worse.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/custrec.h"
#include "domain/ident.h"
#include "domain/internal.h"

/* live - customer id, or E_NOTFOUND naming `field`; a tombstone is
 * E_CONFLICT reason "already_merged". */
static enum err live(struct store *st, struct arena *ar, int64_t id, const char *field,
		     struct customer *c, struct fail *f)
{
	enum err rc = store_customer_get(st, ar, id, c);

	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, field, "no customer with id %lld",
				(long long)id);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (c->merged_into) {
		fail_set(f, E_CONFLICT, "already_merged", field,
			 "customer %lld was already merged into customer %lld",
			 (long long)id, (long long)c->merged_into);
		f->related_id = c->merged_into;
		return E_CONFLICT;
	}
	return E_OK;
}

/* case_ids - the ids of every case of customer id, newest first. */
static enum err case_ids(struct store *st, struct arena *ar, int64_t id, int64_t **out,
			 size_t *n, struct fail *f)
{
	struct case_filter q = { .customer_id = id, .limit = 200 };
	struct case_list l;
	int64_t *v = NULL, *w;
	size_t cap = 0;
	enum err rc;

	*n = 0;
	for (;;) {
		rc = store_case_list(st, ar, &q, &l);
		if (rc != E_OK)
			return domain__io(f, rc);
		if (*n + l.n > cap) {
			cap = (*n + l.n) * 2;
			if (!(w = arena_alloc(ar, cap * sizeof(*w))))
				return domain__nomem(f);
			if (*n)
				memcpy(w, v, *n * sizeof(*w));
			v = w;
		}
		for (size_t i = 0; i < l.n; i++)
			v[(*n)++] = l.items[i].id;
		if (l.n < q.limit)
			break;
		q.before_id = l.items[l.n - 1].id;
	}
	*out = v;
	return E_OK;
}

/* tell_cases - the internal "customer_merged" event on each moved case. */
static enum err tell_cases(struct store *st, struct arena *ar, const struct customer_merged *m,
			   size_t n, const struct customer_by *who, const char *reason,
			   int64_t now, struct fail *f)
{
	const struct actor *by = who && who->by ? who->by : ACTOR_SYSTEM;
	char *body, *data, *from_name, *jr;
	enum err rc;

	from_name = domain__json_str(ar, m->from.name ? m->from.name : "");
	jr = domain__json_str(ar, reason);
	body = arena_printf(ar, "Customer record #%lld%s%s%s was merged into this case's customer #%lld%s%s",
			    (long long)m->from.id,
			    m->from.name && *m->from.name ? " (" : "",
			    m->from.name ? m->from.name : "",
			    m->from.name && *m->from.name ? ")" : "",
			    (long long)m->into.id, reason ? ": " : "", reason ? reason : "");
	if (!from_name || !jr || !body)
		return domain__nomem(f);
	data = arena_printf(ar, "{\"from_customer_id\":%lld,\"into_customer_id\":%lld,"
			    "\"from_name\":%s,\"reason\":%s}",
			    (long long)m->from.id, (long long)m->into.id, from_name, jr);
	if (!data)
		return domain__nomem(f);
	for (size_t i = 0; i < n; i++) {
		rc = domain__event_add(st, m->case_ids[i], m->into.id, "customer_merged", by,
				       VIS_INTERNAL, body, data, now, NULL);
		if (rc != E_OK)
			return domain__io(f, rc);
	}
	return E_OK;
}

enum err customers_merge(struct store *st, struct arena *ar, int64_t into_id,
			 int64_t from_id, const struct customer_by *who,
			 struct customer_merged *out, struct fail *f)
{
	struct customer_by via = { who ? who->by : NULL, "merge", NULL };
	struct customer into, from;
	char *reason;
	size_t n_cases = 0;
	bool in_chat = false;
	int64_t now = clock_now_ms();
	enum err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = customers__reason(ar, who, &reason, f)) != E_OK)
		return rc;
	if (into_id == from_id)
		return fail_set(f, E_UNPROC, "merge_into_self", "from_id",
				"a customer record cannot be merged into itself");
	if ((rc = live(st, ar, into_id, NULL, &into, f)) != E_OK ||
	    (rc = live(st, ar, from_id, "from_id", &from, f)) != E_OK)
		return rc;
	if ((rc = store_contact_live_of_customer(st, from_id, &in_chat)) != E_OK)
		return domain__io(f, rc);
	if (in_chat) {
		fail_set(f, E_CONFLICT, "live_chat", "from_id",
			 "customer %lld is in a live chat: merge it the other way (customer %lld into %lld) or when the chat has ended",
			 (long long)from_id, (long long)into_id, (long long)from_id);
		f->related_id = from_id;
		return E_CONFLICT;
	}
	if ((rc = case_ids(st, ar, from_id, &out->case_ids, &n_cases, f)) != E_OK)
		return rc;

	/* the moves, then what the history says */
	rc = store_customer_merge_move(st, from_id, into_id, now, &out->moved);
	if (rc != E_OK)
		return domain__io(f, rc == E_CONFLICT ? E_IO : rc);
	for (size_t i = 0; rc == E_OK && i < from.n_idents; i++)
		rc = customers__record(st, into_id, ident_kind_name(from.idents[i].kind), NULL,
				       from.idents[i].value, from_id, &via, reason, now, f);
	if (rc == E_OK)
		rc = customers__record(st, into_id, "merged_from", NULL, from.name, from_id,
				       &via, reason, now, f);
	if (rc == E_OK)
		rc = customers__record(st, from_id, "merged_into", NULL, into.name, into_id,
				       &via, reason, now, f);
	if (rc == E_OK && (!into.name || !*into.name) && from.name && *from.name) {
		rc = customers__record(st, into_id, "name", into.name, from.name, from_id,
				       &via, reason, now, f);
		into.name = from.name;
		if (rc == E_OK)
			rc = customers__index(st, ar, into_id, into.name, f);
	}
	if (rc != E_OK)
		return rc;
	into.updated_at = now;
	if ((rc = store_customer_update(st, &into)) != E_OK)
		return domain__io(f, rc);

	if ((rc = store_customer_get(st, ar, into_id, &out->into)) != E_OK ||
	    (rc = store_customer_get(st, ar, from_id, &out->from)) != E_OK)
		return domain__io(f, rc);
	if (n_cases != out->moved.cases)
		return fail_set(f, E_IO, NULL, NULL,
				"the cases of customer %lld changed during the merge",
				(long long)from_id);
	return tell_cases(st, ar, out, n_cases, who, reason, now, f);
}

enum err customers_history(struct store *st, struct arena *ar, int64_t id,
			   int64_t before_id, size_t limit,
			   struct customer_change_list *out, struct fail *f)
{
	struct customer c;
	enum err rc;

	if (!limit)
		limit = CUSTOMER_HISTORY_DEFAULT;
	if (limit > CUSTOMER_HISTORY_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit", "must be between 1 and %d",
				CUSTOMER_HISTORY_MAX);
	rc = store_customer_get(st, ar, id, &c);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no customer with id %lld",
				(long long)id);
	if (rc == E_OK)
		rc = store_customer_change_list(st, ar, id, before_id, limit, out);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}
