/*
 * store_sqlite_outbox.c - email waiting to be sent: written in the
 * transaction of what caused it (a transcript asked for, an agent's reply to
 * a customer who asked to be emailed), then picked up by the mail sender
 * (chan/mail.c) through the (state, next_at, id) index, and updated after
 * each attempt.
 */
#include "store/internal.h"

#include <string.h>

#define OUTBOX_COLS \
	"id, case_id, kind, to_addr, subject, body, state, attempts," \
	" created_at, sent_at, next_at, last_error"

static enum err read_outbox(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct outbox_msg *m = item;
	enum err e;

	m->id = sqlite3_column_int64(s, 0);
	m->case_id = sqlite3_column_int64(s, 1);
	m->state = (enum outbox_state)sqlite3_column_int(s, 6);
	m->attempts = sqlite3_column_int(s, 7);
	m->created_at = sqlite3_column_int64(s, 8);
	m->sent_at = sqlite3_column_int64(s, 9);
	m->next_at = sqlite3_column_int64(s, 10);
	if ((e = sq__col_text(ar, s, 2, &m->kind)) != E_OK ||
	    (e = sq__col_text(ar, s, 3, &m->to_addr)) != E_OK ||
	    (e = sq__col_text(ar, s, 4, &m->subject)) != E_OK ||
	    (e = sq__col_text(ar, s, 5, &m->body)) != E_OK)
		return e;
	return sq__col_text(ar, s, 11, &m->last_error);
}

static void bind_new(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct outbox_msg *m = item;

	sq__bind_id(s, 1, m->case_id, rc);
	sq__bind_text(s, 2, m->kind, rc);
	sq__bind_text(s, 3, m->to_addr, rc);
	sq__bind_text(s, 4, m->subject, rc);
	sq__bind_text(s, 5, m->body, rc);
	sq__bind_i64(s, 6, m->state ? m->state : OUTBOX_PENDING, rc);
	sq__bind_i64(s, 7, m->attempts, rc);
	sq__bind_i64(s, 8, m->created_at, rc);
	sq__bind_id(s, 9, m->sent_at, rc);
	sq__bind_i64(s, 10, m->next_at, rc);
}

enum err sq__outbox_insert(struct store *base, struct outbox_msg *m)
{
	return sq__insert(sq__from(base), SQ_OUTBOX_INSERT,
			  "INSERT INTO outbox (case_id, kind, to_addr, subject, body,"
			  " state, attempts, created_at, sent_at, next_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			  bind_new, m, "outbox_insert", &m->id);
}

enum err sq__outbox_due(struct store *base, struct arena *ar, int64_t now,
			size_t limit, struct outbox_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_OUTBOX_DUE,
		     "SELECT " OUTBOX_COLS " FROM outbox"
		     " WHERE state = ?1 AND next_at <= ?2 ORDER BY next_at, id LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, OUTBOX_PENDING, &rc);
	sq__bind_i64(s, 2, now, &rc);
	sq__bind_i64(s, 3, (int64_t)limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct outbox_msg), read_outbox, "outbox_due",
			&items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__outbox_get(struct store *base, struct arena *ar, int64_t id,
			struct outbox_msg *out)
{
	return sq__one_by_id(sq__from(base), SQ_OUTBOX_GET,
			     "SELECT " OUTBOX_COLS " FROM outbox WHERE id = ?1", id, ar,
			     sizeof(*out), read_outbox, "outbox_get", out);
}

/* bind_attempt - what an attempt changes, parameters 1..5 (6: the id). */
static void bind_attempt(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct outbox_msg *m = item;

	sq__bind_i64(s, 1, m->state, rc);
	sq__bind_i64(s, 2, m->attempts, rc);
	sq__bind_id(s, 3, m->sent_at, rc);
	sq__bind_i64(s, 4, m->next_at, rc);
	sq__bind_text(s, 5, m->last_error, rc);
}

enum err sq__outbox_update(struct store *base, const struct outbox_msg *m)
{
	return sq__update(sq__from(base), SQ_OUTBOX_UPDATE,
			  "UPDATE outbox SET state = ?1, attempts = ?2, sent_at = ?3,"
			  " next_at = ?4, last_error = ?5 WHERE id = ?6",
			  bind_attempt, m, 6, m->id, "outbox_update");
}
