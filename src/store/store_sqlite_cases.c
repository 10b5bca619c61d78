/*
 * store_sqlite_cases.c - cases: insert, update, get and the filtered list.
 *
 * The case list is the hottest query of the console and must stay fast at
 * a million cases.  A single statement with "(?3 = 0 OR status = ?3)" for
 * every optional filter would defeat the planner (it picks one plan for
 * all values), so each combination of filters gets its own statement,
 * built from constant fragments and cached in its own slot: 32 at most,
 * fewer in practice.  With one filter the plan is a backwards scan of that
 * filter's (column, id) index, starting below the cursor and stopping after
 * `limit` rows.  Status with queue or owner has its own (column, status,
 * id) index, since "closed in a quiet queue" would otherwise walk every
 * closed case (190 ms at 1M cases; 0.03 ms with the index).  Other mixes
 * scan one index and check the rest row by row, which the planner bounds
 * by choosing the most selective (customer, then owner).
 *
 * owner_id 0 in the record is NULL in the table, so "unassigned" is
 * owner_id IS NULL, which the (owner_id, id) index also serves.
 */
#include "store/internal.h"

#include <stdio.h>
#include <string.h>

#define CASE_COLS \
	"id, customer_id, subject, status, priority, owner_id, queue," \
	" created_at, updated_at, next_action_at, plan, status_token, status_hash"

/* read_case - an sq_read_fn for CASE_COLS. */
static enum err read_case(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct case_ *c = item;
	enum err e;

	c->id = sqlite3_column_int64(s, 0);
	c->customer_id = sqlite3_column_int64(s, 1);
	c->status = (enum case_status)sqlite3_column_int(s, 3);
	c->priority = (enum case_priority)sqlite3_column_int(s, 4);
	c->owner_id = sqlite3_column_int64(s, 5); /* NULL reads as 0 */
	c->created_at = sqlite3_column_int64(s, 7);
	c->updated_at = sqlite3_column_int64(s, 8);
	c->next_action_at = sqlite3_column_int64(s, 9);
	if (sqlite3_column_bytes(s, 12) == 32)
		memcpy(c->status_hash, sqlite3_column_blob(s, 12), 32);
	e = sq__col_text(ar, s, 2, &c->subject);
	if (e == E_OK)
		e = sq__col_text(ar, s, 6, &c->queue);
	if (e == E_OK)
		e = sq__col_text(ar, s, 10, &c->plan);
	if (e == E_OK)
		e = sq__col_text(ar, s, 11, &c->status_token);
	return e;
}

/* bind_case - parameters ?2.. in the order of CASE_COLS after id, except
 * created_at, which the caller binds if it needs it. */
static void bind_case(sqlite3_stmt *s, const struct case_ *c, int *rc)
{
	sq__bind_i64(s, 2, c->customer_id, rc);
	sq__bind_text(s, 3, c->subject, rc);
	sq__bind_i64(s, 4, c->status, rc);
	sq__bind_i64(s, 5, c->priority, rc);
	sq__bind_id(s, 6, c->owner_id, rc);
	sq__bind_text(s, 7, c->queue, rc);
	sq__bind_i64(s, 8, c->updated_at, rc);
	sq__bind_i64(s, 9, c->next_action_at, rc);
	sq__bind_text(s, 10, c->plan ? c->plan : "", rc);
	sq__bind_text(s, 11, c->status_token, rc);
	if (c->status_token)
		sq__bind_blob(s, 12, c->status_hash, 32, rc);
	else
		sq__bind_blob(s, 12, NULL, 0, rc);
}

enum err sq__case_insert(struct store *base, struct case_ *c)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_CASE_INSERT,
		     "INSERT INTO cases (customer_id, subject, status, priority,"
		     " owner_id, queue, updated_at, next_action_at, plan,"
		     " status_token, status_hash, created_at)"
		     " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		     &s);
	if (e != E_OK)
		goto out;
	bind_case(s, c, &rc);
	sq__bind_i64(s, 13, c->created_at, &rc);
	e = sq__run(st, s, rc, "case_insert");
	if (e == E_OK)
		c->id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

/* Updates everything but id and created_at. */
enum err sq__case_update(struct store *base, const struct case_ *c)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_CASE_UPDATE,
		     "UPDATE cases SET customer_id = ?2, subject = ?3,"
		     " status = ?4, priority = ?5, owner_id = ?6, queue = ?7,"
		     " updated_at = ?8, next_action_at = ?9, plan = ?10,"
		     " status_token = ?11, status_hash = ?12 WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, c->id, &rc);
	bind_case(s, c, &rc);
	e = sq__run(st, s, rc, "case_update");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

enum err sq__case_get(struct store *base, struct arena *ar, int64_t id,
		      struct case_ *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_CASE_GET,
		     "SELECT " CASE_COLS " FROM cases WHERE id = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, "case_get");
	if (e == E_OK) {
		memset(out, 0, sizeof(*out));
		e = read_case(ar, s, out);
	}
out:
	sq__done(s);
	return e;
}

/* Parameters: ?1 before_id, ?2 limit, ?3 status, ?4 owner_id, ?5 queue,
 * ?6 customer_id; a variant uses only those of its filters. */
void sq__case_list_sql(unsigned variant, char *sql, size_t size)
{
	const char *owner = "";

	if (variant & SQ_CASE_BY_OWNER)
		owner = " AND owner_id = ?4";
	else if (variant & SQ_CASE_UNASSIGNED)
		owner = " AND owner_id IS NULL";
	snprintf(sql, size,
		 "SELECT " CASE_COLS " FROM cases WHERE id < ?1%s%s%s%s"
		 " ORDER BY id DESC LIMIT ?2",
		 variant & SQ_CASE_BY_STATUS ? " AND status = ?3" : "", owner,
		 variant & SQ_CASE_BY_QUEUE ? " AND queue = ?5" : "",
		 variant & SQ_CASE_BY_CUSTOMER ? " AND customer_id = ?6" : "");
}

static unsigned list_variant(const struct case_filter *f)
{
	unsigned v = 0;

	if (f->status)
		v |= SQ_CASE_BY_STATUS;
	if (f->owner_id == -1)
		v |= SQ_CASE_UNASSIGNED;
	else if (f->owner_id)
		v |= SQ_CASE_BY_OWNER;
	if (f->queue)
		v |= SQ_CASE_BY_QUEUE;
	if (f->customer_id)
		v |= SQ_CASE_BY_CUSTOMER;
	return v;
}

static void bind_filter(sqlite3_stmt *s, unsigned v,
			const struct case_filter *f, int *rc)
{
	sq__bind_i64(s, 1, f->before_id > 0 ? f->before_id : INT64_MAX, rc);
	sq__bind_limit(s, 2, f->limit, rc);
	if (v & SQ_CASE_BY_STATUS)
		sq__bind_i64(s, 3, f->status, rc);
	if (v & SQ_CASE_BY_OWNER)
		sq__bind_i64(s, 4, f->owner_id, rc);
	if (v & SQ_CASE_BY_QUEUE)
		sq__bind_text(s, 5, f->queue, rc);
	if (v & SQ_CASE_BY_CUSTOMER)
		sq__bind_i64(s, 6, f->customer_id, rc);
}

enum err sq__case_list(struct store *base, struct arena *ar,
		       const struct case_filter *f, struct case_list *out)
{
	struct sq_store *st = sq__from(base);
	unsigned v = list_variant(f);
	sqlite3_stmt *s;
	char sql[512];
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	sq__case_list_sql(v, sql, sizeof(sql));
	e = sq__stmt(st, SQ_CASE_LIST + v, sql, &s);
	if (e != E_OK)
		goto out;
	bind_filter(s, v, f, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct case_), read_case,
			"case_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__case_by_status_hash(struct store *base, struct arena *ar,
				 const unsigned char hash[32], struct case_ *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	memset(out, 0, sizeof(*out));
	e = sq__stmt(st, SQ_CASE_BY_STATUS_HASH,
		     "SELECT " CASE_COLS " FROM cases WHERE status_hash = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_blob(s, 1, hash, 32, &rc);
	e = sq__row(st, s, rc, "case_by_status_hash");
	if (e == E_OK)
		e = read_case(ar, s, out);
out:
	sq__done(s);
	return e;
}

/* read_open - id and subject only: the "no second ticket" check reads a
 * customer's open cases on each create, from the covering partial index
 * cases_open_subjects (whose condition, status < 5, must be written as a
 * constant for the planner to use it). */
static enum err read_open(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct case_ *c = item;

	c->id = sqlite3_column_int64(s, 0);
	return sq__col_text(ar, s, 1, &c->subject);
}

enum err sq__case_open_of(struct store *base, struct arena *ar, int64_t customer_id,
			  size_t limit, struct case_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_CASE_OPEN_OF,
		     "SELECT id, subject FROM cases WHERE customer_id = ?1"
		     " AND status < 5 ORDER BY id DESC LIMIT ?2",
		     &s);
	if (e != E_OK)
		goto out;
	_Static_assert(CASE_RESOLVED == 5 && CASE_CLOSED == 6, "status < 5 means open");
	sq__bind_i64(s, 1, customer_id, &rc);
	sq__bind_limit(s, 2, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct case_), read_open, "case_open_of", &items,
			&out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}
