/*
 * store_sqlite_agents.c - agents and their API/session tokens.
 *
 * Agents are few (tens to hundreds), so agent_list returns them all.
 * Tokens are found by the hash of their secret through a UNIQUE index;
 * whether a token has expired or been revoked is the caller's decision, so
 * token_by_hash returns the row as stored.
 */
#include "store/internal.h"

#include <string.h>

#include "base/log.h"

#define AGENT_COLS \
	"id, name, email, role, password_hash, created_at, updated_at, skills," \
	" capacity"
/* A new agent serves up to this many chats at once unless told otherwise. */
#define DEFAULT_CAPACITY 3
#define TOKEN_COLS "id, agent_id, kind, hash, created_at, expires_at, revoked_at"

/* read_agent - an sq_read_fn for AGENT_COLS. */
static enum err read_agent(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct agent *a = item;
	enum err e;

	a->id = sqlite3_column_int64(s, 0);
	a->role = (enum role)sqlite3_column_int(s, 3);
	a->created_at = sqlite3_column_int64(s, 5);
	a->updated_at = sqlite3_column_int64(s, 6);
	a->capacity = sqlite3_column_int(s, 8);
	e = sq__col_text(ar, s, 1, &a->name);
	if (e == E_OK)
		e = sq__col_text(ar, s, 7, &a->skills);
	if (e == E_OK)
		e = sq__col_text(ar, s, 2, &a->email);
	if (e == E_OK)
		e = sq__col_text(ar, s, 4, &a->password_hash);
	return e;
}

enum err sq__agent_insert(struct store *base, struct agent *a)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_AGENT_INSERT,
		     "INSERT INTO agents (name, email, role, password_hash,"
		     " created_at, updated_at, skills, capacity)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, a->name, &rc);
	sq__bind_text(s, 2, a->email, &rc);
	sq__bind_i64(s, 3, a->role, &rc);
	sq__bind_text(s, 4, a->password_hash, &rc);
	sq__bind_i64(s, 5, a->created_at, &rc);
	sq__bind_i64(s, 6, a->updated_at, &rc);
	sq__bind_text(s, 7, a->skills ? a->skills : "", &rc);
	sq__bind_i64(s, 8, a->capacity > 0 ? a->capacity : DEFAULT_CAPACITY, &rc);
	e = sq__run(st, s, rc, "agent_insert");
	if (e == E_OK)
		a->id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

/* Updates everything but id and created_at. */
enum err sq__agent_update(struct store *base, const struct agent *a)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_AGENT_UPDATE,
		     "UPDATE agents SET name = ?2, email = ?3, role = ?4,"
		     " password_hash = ?5, updated_at = ?6, skills = ?7,"
		     " capacity = ?8 WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, a->id, &rc);
	sq__bind_text(s, 2, a->name, &rc);
	sq__bind_text(s, 3, a->email, &rc);
	sq__bind_i64(s, 4, a->role, &rc);
	sq__bind_text(s, 5, a->password_hash, &rc);
	sq__bind_i64(s, 6, a->updated_at, &rc);
	sq__bind_text(s, 7, a->skills ? a->skills : "", &rc);
	sq__bind_i64(s, 8, a->capacity > 0 ? a->capacity : DEFAULT_CAPACITY, &rc);
	e = sq__run(st, s, rc, "agent_update");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

enum err sq__agent_get(struct store *base, struct arena *ar, int64_t id,
		       struct agent *out)
{
	return sq__one_by_id(sq__from(base), SQ_AGENT_GET,
			     "SELECT " AGENT_COLS " FROM agents WHERE id = ?1", id, ar,
			     sizeof(*out), read_agent, "agent_get", out);
}

/* The email is matched exactly: the domain lower-cases before storing and
 * before looking up. */
enum err sq__agent_by_email(struct store *base, struct arena *ar,
			    const char *email, struct agent *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_AGENT_BY_EMAIL,
		     "SELECT " AGENT_COLS " FROM agents WHERE email = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, email, &rc);
	e = sq__row(st, s, rc, "agent_by_email");
	if (e == E_OK) {
		memset(out, 0, sizeof(*out));
		e = read_agent(ar, s, out);
	}
out:
	sq__done(s);
	return e;
}

/* Every agent, oldest first. */
enum err sq__agent_list(struct store *base, struct arena *ar,
			struct agent_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_AGENT_LIST,
		     "SELECT " AGENT_COLS " FROM agents ORDER BY id", &s);
	if (e != E_OK)
		goto out;
	e = sq__collect(st, s, SQLITE_OK, ar, sizeof(struct agent),
			read_agent, "agent_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__agent_count(struct store *base, int64_t *n)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	enum err e;

	*n = 0;
	e = sq__stmt(st, SQ_AGENT_COUNT, "SELECT count(*) FROM agents", &s);
	if (e != E_OK)
		goto out;
	e = sq__row(st, s, SQLITE_OK, "agent_count");
	if (e == E_OK)
		*n = sqlite3_column_int64(s, 0);
out:
	sq__done(s);
	return e;
}

/* --- tokens ------------------------------------------------------------- */

/* expires_at and revoked_at: 0 in the record is NULL in the table. */
enum err sq__token_insert(struct store *base, struct token *t)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_TOKEN_INSERT,
		     "INSERT INTO tokens (agent_id, kind, hash, created_at,"
		     " expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, t->agent_id, &rc);
	sq__bind_i64(s, 2, t->kind, &rc);
	sq__bind_blob(s, 3, t->hash, sizeof(t->hash), &rc);
	sq__bind_i64(s, 4, t->created_at, &rc);
	sq__bind_id(s, 5, t->expires_at, &rc);
	sq__bind_id(s, 6, t->revoked_at, &rc);
	e = sq__run(st, s, rc, "token_insert");
	if (e == E_OK)
		t->id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

static enum err read_token(sqlite3_stmt *s, struct token *t)
{
	const void *hash = sqlite3_column_blob(s, 3);
	int n = sqlite3_column_bytes(s, 3);

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(s, 0);
	if (!hash || n != (int)sizeof(t->hash)) {
		log_error("store", "token_by_hash: token %lld has a %d-byte hash",
			  (long long)t->id, n);
		return E_IO;
	}
	memcpy(t->hash, hash, sizeof(t->hash));
	t->agent_id = sqlite3_column_int64(s, 1);
	t->kind = (enum token_kind)sqlite3_column_int(s, 2);
	t->created_at = sqlite3_column_int64(s, 4);
	t->expires_at = sqlite3_column_int64(s, 5); /* NULL reads as 0 */
	t->revoked_at = sqlite3_column_int64(s, 6);
	return E_OK;
}

enum err sq__token_by_hash(struct store *base, const unsigned char hash[32],
			   struct token *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_TOKEN_BY_HASH,
		     "SELECT " TOKEN_COLS " FROM tokens WHERE hash = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_blob(s, 1, hash, 32, &rc);
	e = sq__row(st, s, rc, "token_by_hash");
	if (e == E_OK)
		e = read_token(s, out);
out:
	sq__done(s);
	return e;
}

/* Revoking twice keeps the first revocation time. */
enum err sq__token_revoke(struct store *base, int64_t id, int64_t at)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_TOKEN_REVOKE,
		     "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?2)"
		     " WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	sq__bind_i64(s, 2, at, &rc);
	e = sq__run(st, s, rc, "token_revoke");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}
