/*
 * store_sqlite_timeline.c - a case's append-only records: its events (the
 * timeline) and its facts (each value ever recorded for a key).
 *
 * Both tables are insert-only; triggers in the schema refuse UPDATE and
 * DELETE, so history cannot be rewritten even by hand.  Events are read in
 * pages after a cursor (after_id) through the (case_id, id) index.  The
 * current value of a fact is the newest row for its key: with the
 * (case_id, key, id) index, each key's newest row is one index seek, and
 * the rows come out already ordered by key.
 */
#include "store/internal.h"

#define EVENT_COLS \
	"id, case_id, type, author_kind, author_id, visibility, body, data," \
	" created_at"
#define FACT_COLS \
	"id, case_id, key, value, source, by_kind, by_id, created_at"

/* read_event - an sq_read_fn for EVENT_COLS. */
static enum err read_event(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct event *ev = item;
	enum err e;

	ev->id = sqlite3_column_int64(s, 0);
	ev->case_id = sqlite3_column_int64(s, 1);
	ev->author_kind = (enum author_kind)sqlite3_column_int(s, 3);
	ev->author_id = sqlite3_column_int64(s, 4);
	ev->visibility = (enum visibility)sqlite3_column_int(s, 5);
	ev->created_at = sqlite3_column_int64(s, 8);
	e = sq__col_text(ar, s, 2, &ev->type);
	if (e == E_OK)
		e = sq__col_text(ar, s, 6, &ev->body);
	if (e == E_OK)
		e = sq__col_text(ar, s, 7, &ev->data);
	return e;
}

/* read_fact - an sq_read_fn for FACT_COLS. */
static enum err read_fact(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct fact *f = item;
	enum err e;

	f->id = sqlite3_column_int64(s, 0);
	f->case_id = sqlite3_column_int64(s, 1);
	f->source = (enum fact_source)sqlite3_column_int(s, 4);
	f->by_kind = (enum author_kind)sqlite3_column_int(s, 5);
	f->by_id = sqlite3_column_int64(s, 6);
	f->created_at = sqlite3_column_int64(s, 7);
	e = sq__col_text(ar, s, 2, &f->key);
	if (e == E_OK)
		e = sq__col_text(ar, s, 3, &f->value);
	return e;
}

enum err sq__event_insert(struct store *base, struct event *ev)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_EVENT_INSERT,
		     "INSERT INTO events (case_id, type, author_kind, author_id,"
		     " visibility, body, data, created_at)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, ev->case_id, &rc);
	sq__bind_text(s, 2, ev->type, &rc);
	sq__bind_i64(s, 3, ev->author_kind, &rc);
	sq__bind_i64(s, 4, ev->author_id, &rc);
	sq__bind_i64(s, 5, ev->visibility, &rc);
	sq__bind_text(s, 6, ev->body, &rc);
	sq__bind_text(s, 7, ev->data, &rc);
	sq__bind_i64(s, 8, ev->created_at, &rc);
	e = sq__run(st, s, rc, "event_insert");
	if (e == E_OK)
		ev->id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

enum err sq__event_list(struct store *base, struct arena *ar, int64_t case_id,
			int64_t after_id, size_t limit, struct event_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_EVENT_LIST,
		     "SELECT " EVENT_COLS " FROM events"
		     " WHERE case_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, case_id, &rc);
	sq__bind_i64(s, 2, after_id, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct event), read_event,
			"event_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__event_recent(struct store *base, struct arena *ar, int64_t case_id,
			  const char *type, size_t limit, struct event_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	/* backwards along (case_id, id), so the newest come first and a long
	 * timeline is read only as far as it takes */
	e = sq__stmt(st, SQ_EVENT_RECENT,
		     "SELECT " EVENT_COLS " FROM events WHERE case_id = ?1 AND type = ?2"
		     " ORDER BY id DESC LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, case_id, &rc);
	sq__bind_text(s, 2, type, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct event), read_event,
			"event_recent", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__event_last_id(struct store *base, int64_t case_id, int64_t *id)
{
	struct sq_store *st = sq__from(base);

	*id = 0;
	if (case_id)
		return sq__i64_by_id(st, SQ_EVENT_LAST_ID,
				     "SELECT coalesce(max(id), 0) FROM events WHERE case_id = ?1",
				     case_id, "event_last_id", id);
	/* newest of all: the helper binds one parameter, so the query takes
	 * one that changes nothing (still a single seek to the last row) */
	return sq__i64_by_id(st, SQ_EVENT_MAX_ID,
			     "SELECT coalesce(max(id), 0) FROM events WHERE ?1 = ?1", 0,
			     "event_last_id", id);
}

enum err sq__fact_insert(struct store *base, struct fact *f)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_FACT_INSERT,
		     "INSERT INTO facts (case_id, key, value, source, by_kind,"
		     " by_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, f->case_id, &rc);
	sq__bind_text(s, 2, f->key, &rc);
	sq__bind_text(s, 3, f->value, &rc);
	sq__bind_i64(s, 4, f->source, &rc);
	sq__bind_i64(s, 5, f->by_kind, &rc);
	sq__bind_i64(s, 6, f->by_id, &rc);
	sq__bind_i64(s, 7, f->created_at, &rc);
	e = sq__run(st, s, rc, "fact_insert");
	if (e == E_OK)
		f->id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

static const char fact_current_sql[] =
	"SELECT " FACT_COLS " FROM facts AS f WHERE f.case_id = ?1"
	" AND f.id = (SELECT max(id) FROM facts"
	"             WHERE case_id = ?1 AND key = f.key)"
	" ORDER BY f.key";

static const char fact_history_sql[] =
	"SELECT " FACT_COLS " FROM facts WHERE case_id = ?1 ORDER BY id";

enum err sq__fact_list(struct store *base, struct arena *ar, int64_t case_id,
		       bool current_only, struct fact_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	if (current_only)
		e = sq__stmt(st, SQ_FACT_CURRENT, fact_current_sql, &s);
	else
		e = sq__stmt(st, SQ_FACT_HISTORY, fact_history_sql, &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, case_id, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct fact), read_fact,
			"fact_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}
