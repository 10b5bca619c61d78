/*
 * store_sqlite_flows.c - what keeps a customer from being asked twice:
 * verifications and customer effort on a case (both append-only; triggers
 * refuse UPDATE and DELETE), the versions of guided flows, and the runs of
 * flows on cases.
 *
 * A flow is never changed in place: saving one inserts the next version,
 * numbered inside the INSERT itself (max + 1 for that key), so two saves
 * that race in one group commit still get distinct versions.  Runs point at
 * (key, version), so a run goes on with the definition it started with.
 */
#include "store/internal.h"

#include <string.h>

/* ---- verifications ------------------------------------------------------ */

#define VERIF_COLS \
	"id, case_id, method, level, detail, via, by_kind, by_id, reason," \
	" valid_until, created_at"

static enum err read_verification(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct verification *v = item;
	enum err e;

	v->id = sqlite3_column_int64(s, 0);
	v->case_id = sqlite3_column_int64(s, 1);
	v->by_kind = (enum author_kind)sqlite3_column_int(s, 6);
	v->by_id = sqlite3_column_int64(s, 7);
	v->valid_until = sqlite3_column_int64(s, 9);
	v->created_at = sqlite3_column_int64(s, 10);
	if ((e = sq__col_text(ar, s, 2, &v->method)) != E_OK ||
	    (e = sq__col_text(ar, s, 3, &v->level)) != E_OK ||
	    (e = sq__col_text(ar, s, 4, &v->detail)) != E_OK ||
	    (e = sq__col_text(ar, s, 5, &v->via)) != E_OK)
		return e;
	return sq__col_text(ar, s, 8, &v->reason);
}

static void bind_verification(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct verification *v = item;

	sq__bind_i64(s, 1, v->case_id, rc);
	sq__bind_text(s, 2, v->method, rc);
	sq__bind_text(s, 3, v->level, rc);
	sq__bind_text(s, 4, v->detail, rc);
	sq__bind_text(s, 5, v->via, rc);
	sq__bind_i64(s, 6, v->by_kind, rc);
	sq__bind_id(s, 7, v->by_id, rc);
	sq__bind_text(s, 8, v->reason, rc);
	sq__bind_i64(s, 9, v->valid_until, rc);
	sq__bind_i64(s, 10, v->created_at, rc);
}

enum err sq__verification_insert(struct store *base, struct verification *v)
{
	return sq__insert(sq__from(base), SQ_VERIFICATION_INSERT,
			  "INSERT INTO verifications (case_id, method, level, detail, via,"
			  " by_kind, by_id, reason, valid_until, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			  bind_verification, v, "verification_insert", &v->id);
}

enum err sq__verification_list(struct store *base, struct arena *ar, int64_t case_id,
			       struct verification_list *out)
{
	void *items;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_VERIFICATION_LIST,
			   "SELECT " VERIF_COLS " FROM verifications WHERE case_id = ?1"
			   " ORDER BY id DESC",
			   case_id, ar, sizeof(struct verification), read_verification,
			   "verification_list", &items, &out->n);
	out->items = items;
	return e;
}

/* ---- customer effort ---------------------------------------------------- */

#define EFFORT_COLS "id, case_id, kind, detail, by_kind, by_id, created_at"

static enum err read_effort(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct effort *x = item;
	enum err e;

	x->id = sqlite3_column_int64(s, 0);
	x->case_id = sqlite3_column_int64(s, 1);
	x->by_kind = (enum author_kind)sqlite3_column_int(s, 4);
	x->by_id = sqlite3_column_int64(s, 5);
	x->created_at = sqlite3_column_int64(s, 6);
	if ((e = sq__col_text(ar, s, 2, &x->kind)) != E_OK)
		return e;
	return sq__col_text(ar, s, 3, &x->detail);
}

static void bind_effort(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct effort *x = item;

	sq__bind_i64(s, 1, x->case_id, rc);
	sq__bind_text(s, 2, x->kind, rc);
	sq__bind_text(s, 3, x->detail, rc);
	sq__bind_i64(s, 4, x->by_kind, rc);
	sq__bind_id(s, 5, x->by_id, rc);
	sq__bind_i64(s, 6, x->created_at, rc);
}

enum err sq__effort_insert(struct store *base, struct effort *x)
{
	return sq__insert(sq__from(base), SQ_EFFORT_INSERT,
			  "INSERT INTO effort (case_id, kind, detail, by_kind, by_id, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			  bind_effort, x, "effort_insert", &x->id);
}

enum err sq__effort_list(struct store *base, struct arena *ar, int64_t case_id,
			 struct effort_list *out)
{
	void *items;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_EFFORT_LIST,
			   "SELECT " EFFORT_COLS " FROM effort WHERE case_id = ?1 ORDER BY id",
			   case_id, ar, sizeof(struct effort), read_effort, "effort_list",
			   &items, &out->n);
	out->items = items;
	return e;
}

/* ---- flows -------------------------------------------------------------- */

#define FLOW_COLS "key, version, title, definition, created_by, created_at"

static enum err read_flow(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct flow *x = item;
	enum err e;

	x->version = sqlite3_column_int64(s, 1);
	x->created_by = sqlite3_column_int64(s, 4);
	x->created_at = sqlite3_column_int64(s, 5);
	if ((e = sq__col_text(ar, s, 0, &x->key)) != E_OK ||
	    (e = sq__col_text(ar, s, 2, &x->title)) != E_OK)
		return e;
	return sq__col_text(ar, s, 3, &x->definition);
}

enum err sq__flow_insert(struct store *base, struct flow *x)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_FLOW_INSERT,
		     "INSERT INTO flows (key, version, title, definition, created_by, created_at)"
		     " SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5"
		     " FROM flows WHERE key = ?1 RETURNING version",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, x->key, &rc);
	sq__bind_text(s, 2, x->title, &rc);
	sq__bind_text(s, 3, x->definition, &rc);
	sq__bind_id(s, 4, x->created_by, &rc);
	sq__bind_i64(s, 5, x->created_at, &rc);
	e = sq__row(st, s, rc, "flow_insert");
	if (e == E_OK)
		x->version = sqlite3_column_int64(s, 0);
out:
	sq__done(s);
	return e;
}

enum err sq__flow_get(struct store *base, struct arena *ar, const char *key,
		      int64_t version, struct flow *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	memset(out, 0, sizeof(*out));
	/* version 0: the newest */
	e = sq__stmt(st, SQ_FLOW_GET,
		     "SELECT " FLOW_COLS " FROM flows WHERE key = ?1"
		     " AND (?2 = 0 OR version = ?2) ORDER BY version DESC LIMIT 1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, key, &rc);
	sq__bind_i64(s, 2, version, &rc);
	e = sq__row(st, s, rc, "flow_get");
	if (e == E_OK)
		e = read_flow(ar, s, out);
out:
	sq__done(s);
	return e;
}

enum err sq__flow_list(struct store *base, struct arena *ar, const char *key,
		       struct flow_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	/* key NULL: the newest version of every flow, by key; else every
	 * version of that flow, newest first (SQLite takes the other columns
	 * from the max() row) */
	e = sq__stmt(st, key ? SQ_FLOW_VERSIONS : SQ_FLOW_LIST,
		     key ? "SELECT " FLOW_COLS " FROM flows WHERE key = ?1"
			   " ORDER BY version DESC"
			 : "SELECT key, max(version), title, definition, created_by,"
			   " created_at FROM flows GROUP BY key ORDER BY key",
		     &s);
	if (e != E_OK)
		goto out;
	if (key)
		sq__bind_text(s, 1, key, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct flow), read_flow, "flow_list", &items,
			&out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

/* ---- flow runs ---------------------------------------------------------- */

#define RUN_COLS \
	"id, case_id, flow_key, version, state, outcome, by_kind, by_id," \
	" created_at, updated_at"

static enum err read_run(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct flow_run *x = item;
	enum err e;

	x->id = sqlite3_column_int64(s, 0);
	x->case_id = sqlite3_column_int64(s, 1);
	x->version = sqlite3_column_int64(s, 3);
	x->state = (enum flow_run_state)sqlite3_column_int(s, 4);
	x->by_kind = (enum author_kind)sqlite3_column_int(s, 6);
	x->by_id = sqlite3_column_int64(s, 7);
	x->created_at = sqlite3_column_int64(s, 8);
	x->updated_at = sqlite3_column_int64(s, 9);
	if ((e = sq__col_text(ar, s, 2, &x->flow_key)) != E_OK)
		return e;
	return sq__col_text(ar, s, 5, &x->outcome);
}

static void bind_run(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct flow_run *x = item;

	sq__bind_i64(s, 1, x->case_id, rc);
	sq__bind_text(s, 2, x->flow_key, rc);
	sq__bind_i64(s, 3, x->version, rc);
	sq__bind_i64(s, 4, x->state, rc);
	sq__bind_text(s, 5, x->outcome, rc);
	sq__bind_i64(s, 6, x->by_kind, rc);
	sq__bind_id(s, 7, x->by_id, rc);
	sq__bind_i64(s, 8, x->created_at, rc);
	sq__bind_i64(s, 9, x->updated_at, rc);
}

enum err sq__flow_run_insert(struct store *base, struct flow_run *x)
{
	return sq__insert(sq__from(base), SQ_FLOW_RUN_INSERT,
			  "INSERT INTO flow_runs (case_id, flow_key, version, state, outcome,"
			  " by_kind, by_id, created_at, updated_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			  bind_run, x, "flow_run_insert", &x->id);
}

enum err sq__flow_run_update(struct store *base, const struct flow_run *x)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_FLOW_RUN_UPDATE,
		     "UPDATE flow_runs SET state = ?4, outcome = ?5, updated_at = ?9"
		     " WHERE id = ?10 AND case_id = ?1 AND flow_key = ?2 AND version = ?3"
		     " AND by_kind = ?6 AND by_id IS ?7 AND created_at = ?8",
		     &s);
	if (e != E_OK)
		goto out;
	bind_run(s, x, &rc);
	sq__bind_i64(s, 10, x->id, &rc);
	e = sq__run(st, s, rc, "flow_run_update");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

enum err sq__flow_run_get(struct store *base, struct arena *ar, int64_t id,
			  struct flow_run *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	memset(out, 0, sizeof(*out));
	e = sq__stmt(st, SQ_FLOW_RUN_GET, "SELECT " RUN_COLS " FROM flow_runs WHERE id = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, "flow_run_get");
	if (e == E_OK)
		e = read_run(ar, s, out);
out:
	sq__done(s);
	return e;
}

enum err sq__flow_run_list(struct store *base, struct arena *ar, int64_t case_id,
			   struct flow_run_list *out)
{
	void *items;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_FLOW_RUN_LIST,
			   "SELECT " RUN_COLS " FROM flow_runs WHERE case_id = ?1 ORDER BY id DESC",
			   case_id, ar, sizeof(struct flow_run), read_run, "flow_run_list",
			   &items, &out->n);
	out->items = items;
	return e;
}
