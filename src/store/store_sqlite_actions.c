/*
 * store_sqlite_actions.c - resolution powers: the actions agents take for
 * customers and the webhook deliveries that tell the company's system.
 *
 * An action is read together with its delivery (at most one: UNIQUE
 * action_id) through one LEFT JOIN, so a case's list shows each delivery's
 * state, attempts and last error without a query per row.  Limits are
 * sums over the rows that count (pending approval, sending, done): one
 * statement gives both the case's sum and the customer's sum over the
 * window, through the (case_id, kind) and (customer_id, kind, created_at)
 * indexes.  The sender polls the partial index of pending deliveries, so
 * acknowledged ones cost nothing however many there are.
 */
#include "store/internal.h"

#include <string.h>

#define ACTION_COLS \
	"a.id, a.case_id, a.customer_id, a.kind, a.amount, a.currency, a.item," \
	" a.reason, a.note, a.customer_line, a.over, a.state, a.requested_by," \
	" a.requested_role, a.decided_by, a.decision_note, a.decided_at, a.done_at," \
	" a.created_at, a.updated_at, h.id, h.state, h.attempts, h.next_at," \
	" h.acked_at, h.last_error"
#define ACTION_FROM " FROM actions a LEFT JOIN hook_deliveries h ON h.action_id = a.id"

static enum err read_action(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct action *a = item;
	enum err e;

	a->id = sqlite3_column_int64(s, 0);
	a->case_id = sqlite3_column_int64(s, 1);
	a->customer_id = sqlite3_column_int64(s, 2);
	a->amount = sqlite3_column_int64(s, 4);
	a->state = (enum action_state)sqlite3_column_int(s, 11);
	a->requested_by = sqlite3_column_int64(s, 12);
	a->requested_role = (enum role)sqlite3_column_int(s, 13);
	a->decided_by = sqlite3_column_int64(s, 14);
	a->decided_at = sqlite3_column_int64(s, 16);
	a->done_at = sqlite3_column_int64(s, 17);
	a->created_at = sqlite3_column_int64(s, 18);
	a->updated_at = sqlite3_column_int64(s, 19);
	a->hook_id = sqlite3_column_int64(s, 20);
	a->hook_state = (enum hook_state)sqlite3_column_int(s, 21);
	a->hook_attempts = sqlite3_column_int(s, 22);
	a->hook_next_at = sqlite3_column_int64(s, 23);
	a->hook_acked_at = sqlite3_column_int64(s, 24);
	if ((e = sq__col_text(ar, s, 3, &a->kind)) != E_OK ||
	    (e = sq__col_text(ar, s, 5, &a->currency)) != E_OK ||
	    (e = sq__col_text(ar, s, 6, &a->item)) != E_OK ||
	    (e = sq__col_text(ar, s, 7, &a->reason)) != E_OK ||
	    (e = sq__col_text(ar, s, 8, &a->note)) != E_OK ||
	    (e = sq__col_text(ar, s, 9, &a->customer_line)) != E_OK ||
	    (e = sq__col_text(ar, s, 10, &a->over)) != E_OK ||
	    (e = sq__col_text(ar, s, 15, &a->decision_note)) != E_OK)
		return e;
	return sq__col_text(ar, s, 25, &a->hook_error);
}

static void bind_action(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct action *a = item;

	sq__bind_i64(s, 1, a->case_id, rc);
	sq__bind_i64(s, 2, a->customer_id, rc);
	sq__bind_text(s, 3, a->kind, rc);
	sq__bind_i64(s, 4, a->amount, rc);
	sq__bind_text(s, 5, a->currency, rc);
	sq__bind_text(s, 6, a->item, rc);
	sq__bind_text(s, 7, a->reason, rc);
	sq__bind_text(s, 8, a->note, rc);
	sq__bind_text(s, 9, a->customer_line, rc);
	sq__bind_text(s, 10, a->over, rc);
	sq__bind_i64(s, 11, a->state, rc);
	sq__bind_i64(s, 12, a->requested_by, rc);
	sq__bind_i64(s, 13, a->requested_role, rc);
	sq__bind_id(s, 14, a->decided_by, rc);
	sq__bind_text(s, 15, a->decision_note, rc);
	sq__bind_i64(s, 16, a->decided_at, rc);
	sq__bind_i64(s, 17, a->done_at, rc);
	sq__bind_i64(s, 18, a->created_at, rc);
	sq__bind_i64(s, 19, a->updated_at, rc);
}

enum err sq__action_insert(struct store *base, struct action *a)
{
	return sq__insert(sq__from(base), SQ_ACTION_INSERT,
			  "INSERT INTO actions (case_id, customer_id, kind, amount, currency, item,"
			  " reason, note, customer_line, over, state, requested_by, requested_role,"
			  " decided_by, decision_note, decided_at, done_at, created_at, updated_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
			  " ?15, ?16, ?17, ?18, ?19)",
			  bind_action, a, "action_insert", &a->id);
}

/* bind_decision - what a transition changes, parameters 1..6 (7: id). */
static void bind_decision(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct action *a = item;

	sq__bind_i64(s, 1, a->state, rc);
	sq__bind_id(s, 2, a->decided_by, rc);
	sq__bind_i64(s, 3, a->decided_at, rc);
	sq__bind_text(s, 4, a->decision_note, rc);
	sq__bind_i64(s, 5, a->done_at, rc);
	sq__bind_i64(s, 6, a->updated_at, rc);
}

enum err sq__action_update(struct store *base, const struct action *a)
{
	return sq__update(sq__from(base), SQ_ACTION_UPDATE,
			  "UPDATE actions SET state = ?1, decided_by = ?2, decided_at = ?3,"
			  " decision_note = ?4, done_at = ?5, updated_at = ?6 WHERE id = ?7",
			  bind_decision, a, 7, a->id, "action_update");
}

enum err sq__action_get(struct store *base, struct arena *ar, int64_t id, struct action *out)
{
	return sq__one_by_id(sq__from(base), SQ_ACTION_GET,
			     "SELECT " ACTION_COLS ACTION_FROM " WHERE a.id = ?1", id, ar,
			     sizeof(*out), read_action, "action_get", out);
}

enum err sq__action_list_case(struct store *base, struct arena *ar, int64_t case_id,
			      struct action_list *out)
{
	void *items = NULL;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_ACTION_LIST_CASE,
			   "SELECT " ACTION_COLS ACTION_FROM " WHERE a.case_id = ?1 ORDER BY a.id",
			   case_id, ar, sizeof(struct action), read_action, "action_list_case",
			   &items, &out->n);
	out->items = items;
	return e;
}

enum err sq__action_list_state(struct store *base, struct arena *ar, enum action_state state,
			       int64_t before_id, size_t limit, struct action_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_ACTION_LIST_STATE,
		     "SELECT " ACTION_COLS ACTION_FROM " WHERE a.state = ?1 AND a.id < ?2"
		     " ORDER BY a.id DESC LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, state, &rc);
	sq__bind_i64(s, 2, before_id > 0 ? before_id : INT64_MAX, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct action), read_action, "action_list_state",
			&items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__action_usage(struct store *base, const char *kind, const char *currency,
			  int64_t case_id, int64_t customer_id, int64_t since,
			  int64_t exclude_id, int64_t *case_sum, int64_t *month_sum)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	*case_sum = *month_sum = 0;
	e = sq__stmt(st, SQ_ACTION_USAGE,
		     "SELECT COALESCE(SUM(CASE WHEN case_id = ?3 THEN amount END), 0),"
		     " COALESCE(SUM(CASE WHEN customer_id = ?4 AND created_at > ?5"
		     " THEN amount END), 0)"
		     " FROM actions WHERE kind = ?1 AND currency IS ?2 AND id != ?6"
		     " AND state IN (?7, ?8, ?9)"
		     " AND (case_id = ?3 OR (customer_id = ?4 AND created_at > ?5))",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, kind, &rc);
	sq__bind_text(s, 2, currency, &rc);
	sq__bind_i64(s, 3, case_id, &rc);
	sq__bind_i64(s, 4, customer_id, &rc);
	sq__bind_i64(s, 5, since, &rc);
	sq__bind_i64(s, 6, exclude_id, &rc);
	sq__bind_i64(s, 7, ACTION_PENDING_APPROVAL, &rc);
	sq__bind_i64(s, 8, ACTION_SENDING, &rc);
	sq__bind_i64(s, 9, ACTION_DONE, &rc);
	e = sq__row(st, s, rc, "action_usage");
	if (e == E_OK) {
		*case_sum = sqlite3_column_int64(s, 0);
		*month_sum = sqlite3_column_int64(s, 1);
	}
out:
	sq__done(s);
	return e;
}

/* ---- deliveries -------------------------------------------------------- */

#define HOOK_COLS \
	"id, action_id, case_id, url, secret, body, state, attempts, created_at," \
	" next_at, acked_at, last_error"

static enum err read_hook(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct hook_delivery *d = item;
	enum err e;

	d->id = sqlite3_column_int64(s, 0);
	d->action_id = sqlite3_column_int64(s, 1);
	d->case_id = sqlite3_column_int64(s, 2);
	d->state = (enum hook_state)sqlite3_column_int(s, 6);
	d->attempts = sqlite3_column_int(s, 7);
	d->created_at = sqlite3_column_int64(s, 8);
	d->next_at = sqlite3_column_int64(s, 9);
	d->acked_at = sqlite3_column_int64(s, 10);
	if ((e = sq__col_text(ar, s, 3, &d->url)) != E_OK ||
	    (e = sq__col_text(ar, s, 4, &d->secret)) != E_OK ||
	    (e = sq__col_text(ar, s, 5, &d->body)) != E_OK)
		return e;
	return sq__col_text(ar, s, 11, &d->last_error);
}

static void bind_hook(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct hook_delivery *d = item;

	sq__bind_i64(s, 1, d->action_id, rc);
	sq__bind_i64(s, 2, d->case_id, rc);
	sq__bind_text(s, 3, d->url, rc);
	sq__bind_text(s, 4, d->secret, rc);
	sq__bind_text(s, 5, d->body, rc);
	sq__bind_i64(s, 6, d->state ? d->state : HOOK_PENDING, rc);
	sq__bind_i64(s, 7, d->attempts, rc);
	sq__bind_i64(s, 8, d->created_at, rc);
	sq__bind_i64(s, 9, d->next_at, rc);
}

enum err sq__hook_insert(struct store *base, struct hook_delivery *d)
{
	return sq__insert(sq__from(base), SQ_HOOK_INSERT,
			  "INSERT INTO hook_deliveries (action_id, case_id, url, secret, body,"
			  " state, attempts, created_at, next_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			  bind_hook, d, "hook_insert", &d->id);
}

/* bind_attempt - what an attempt changes, parameters 1..5 (6: the id). */
static void bind_attempt(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct hook_delivery *d = item;

	sq__bind_i64(s, 1, d->state, rc);
	sq__bind_i64(s, 2, d->attempts, rc);
	sq__bind_i64(s, 3, d->next_at, rc);
	sq__bind_i64(s, 4, d->acked_at, rc);
	sq__bind_text(s, 5, d->last_error, rc);
}

enum err sq__hook_update(struct store *base, const struct hook_delivery *d)
{
	return sq__update(sq__from(base), SQ_HOOK_UPDATE,
			  "UPDATE hook_deliveries SET state = ?1, attempts = ?2, next_at = ?3,"
			  " acked_at = ?4, last_error = ?5 WHERE id = ?6",
			  bind_attempt, d, 6, d->id, "hook_update");
}

enum err sq__hook_get(struct store *base, struct arena *ar, int64_t id,
		      struct hook_delivery *out)
{
	return sq__one_by_id(sq__from(base), SQ_HOOK_GET,
			     "SELECT " HOOK_COLS " FROM hook_deliveries WHERE id = ?1", id, ar,
			     sizeof(*out), read_hook, "hook_get", out);
}

enum err sq__hook_due(struct store *base, struct arena *ar, int64_t now, size_t limit,
		      struct hook_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_HOOK_DUE,
		     "SELECT " HOOK_COLS " FROM hook_deliveries"
		     " WHERE state = 1 AND next_at <= ?1 ORDER BY next_at, id LIMIT ?2",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, now, &rc);
	sq__bind_limit(s, 2, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct hook_delivery), read_hook, "hook_due",
			&items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}
