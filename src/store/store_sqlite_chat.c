/*
 * store_sqlite_chat.c - what live chat keeps: queues, the sites that embed
 * the widget, contacts (one conversation each) and saved replies (the
 * outbox is in store_sqlite_outbox.c).
 *
 * Contacts are updated in place as they move through their states (the
 * case timeline, not this row, is the history).  The hub reloads every
 * live contact at start through the (state, id) index, and the estimate
 * audit reads ended contacts through the partial ended_at index.
 */
#include "store/internal.h"

#include <string.h>

#include "base/log.h"

/* ---- queues ------------------------------------------------------------ */

static enum err read_queue(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct queue_def *q = item;
	enum err e;

	q->created_at = sqlite3_column_int64(s, 2);
	e = sq__col_text(ar, s, 0, &q->name);
	if (e == E_OK)
		e = sq__col_text(ar, s, 1, &q->skills);
	return e;
}

enum err sq__queue_put(struct store *base, const struct queue_def *q)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_QUEUE_PUT,
		     "INSERT INTO queues (name, skills, created_at) VALUES (?1, ?2, ?3)"
		     " ON CONFLICT (name) DO UPDATE SET skills = excluded.skills",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, q->name, &rc);
	sq__bind_text(s, 2, q->skills ? q->skills : "", &rc);
	sq__bind_i64(s, 3, q->created_at, &rc);
	e = sq__run(st, s, rc, "queue_put");
out:
	sq__done(s);
	return e;
}

enum err sq__queue_list(struct store *base, struct arena *ar,
			struct queue_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_QUEUE_LIST,
		     "SELECT name, skills, created_at FROM queues ORDER BY name", &s);
	if (e != E_OK)
		goto out;
	e = sq__collect(st, s, SQLITE_OK, ar, sizeof(struct queue_def),
			read_queue, "queue_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

/* ---- sites ------------------------------------------------------------- */

#define SITE_COLS "id, key, name, queue, origins, secret, created_at, updated_at"

static enum err read_site(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct site *t = item;
	enum err e;

	t->id = sqlite3_column_int64(s, 0);
	t->created_at = sqlite3_column_int64(s, 6);
	t->updated_at = sqlite3_column_int64(s, 7);
	e = sq__col_text(ar, s, 1, &t->key);
	if (e == E_OK)
		e = sq__col_text(ar, s, 2, &t->name);
	if (e == E_OK)
		e = sq__col_text(ar, s, 3, &t->queue);
	if (e == E_OK)
		e = sq__col_text(ar, s, 4, &t->origins);
	if (e == E_OK)
		e = sq__col_text(ar, s, 5, &t->secret);
	return e;
}

static void bind_site(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct site *t = item;

	sq__bind_text(s, 1, t->key, rc);
	sq__bind_text(s, 2, t->name, rc);
	sq__bind_text(s, 3, t->queue, rc);
	sq__bind_text(s, 4, t->origins ? t->origins : "", rc);
	sq__bind_text(s, 5, t->secret, rc);
	sq__bind_i64(s, 6, t->created_at, rc);
	sq__bind_i64(s, 7, t->updated_at, rc);
}

enum err sq__site_insert(struct store *base, struct site *t)
{
	return sq__insert(sq__from(base), SQ_SITE_INSERT,
			  "INSERT INTO sites (key, name, queue, origins, secret,"
			  " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			  bind_site, t, "site_insert", &t->id);
}

enum err sq__site_update(struct store *base, const struct site *t)
{
	return sq__update(sq__from(base), SQ_SITE_UPDATE,
			  "UPDATE sites SET key = ?1, name = ?2, queue = ?3, origins = ?4,"
			  " secret = ?5, created_at = ?6, updated_at = ?7 WHERE id = ?8",
			  bind_site, t, 8, t->id, "site_update");
}

/* site_one - run a one-row site query whose parameter 1 is bound by the
 * caller through (id or key). */
static enum err site_one(struct sq_store *st, enum sq_stmt slot,
			 const char *sql, int64_t id, const char *key,
			 struct arena *ar, struct site *out)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, slot, sql, &s);
	if (e != E_OK)
		goto out;
	if (key)
		sq__bind_text(s, 1, key, &rc);
	else
		sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, "site_get");
	if (e == E_OK) {
		memset(out, 0, sizeof(*out));
		e = read_site(ar, s, out);
	}
out:
	sq__done(s);
	return e;
}

enum err sq__site_get(struct store *base, struct arena *ar, int64_t id,
		      struct site *out)
{
	return site_one(sq__from(base), SQ_SITE_GET,
			"SELECT " SITE_COLS " FROM sites WHERE id = ?1", id, NULL,
			ar, out);
}

enum err sq__site_by_key(struct store *base, struct arena *ar, const char *key,
			 struct site *out)
{
	return site_one(sq__from(base), SQ_SITE_BY_KEY,
			"SELECT " SITE_COLS " FROM sites WHERE key = ?1", 0, key,
			ar, out);
}

enum err sq__site_list(struct store *base, struct arena *ar,
		       struct site_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_SITE_LIST, "SELECT " SITE_COLS " FROM sites ORDER BY id",
		     &s);
	if (e != E_OK)
		goto out;
	e = sq__collect(st, s, SQLITE_OK, ar, sizeof(struct site), read_site,
			"site_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

/* ---- contacts ---------------------------------------------------------- */

#define CONTACT_COLS \
	"id, case_id, customer_id, site_id, channel, queue, priority, state," \
	" agent_id, token_hash, verified_method, verified_at, notify_email," \
	" queued_at, assigned_at, ended_at, est_ms, est_low_ms, est_high_ms," \
	" wait_ms, hold_ms, handoff_note, handoff_from, created_at, updated_at"

static enum err read_contact(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct contact *c = item;
	const void *hash = sqlite3_column_blob(s, 9);
	enum err e;

	c->id = sqlite3_column_int64(s, 0);
	c->case_id = sqlite3_column_int64(s, 1);
	c->customer_id = sqlite3_column_int64(s, 2);
	c->site_id = sqlite3_column_int64(s, 3);
	c->priority = (enum case_priority)sqlite3_column_int(s, 6);
	c->state = (enum contact_state)sqlite3_column_int(s, 7);
	c->agent_id = sqlite3_column_int64(s, 8);
	if (hash && sqlite3_column_bytes(s, 9) == (int)sizeof(c->token_hash))
		memcpy(c->token_hash, hash, sizeof(c->token_hash));
	c->verified_at = sqlite3_column_int64(s, 11);
	c->queued_at = sqlite3_column_int64(s, 13);
	c->assigned_at = sqlite3_column_int64(s, 14);
	c->ended_at = sqlite3_column_int64(s, 15);
	c->est_ms = sqlite3_column_int64(s, 16);
	c->est_low_ms = sqlite3_column_int64(s, 17);
	c->est_high_ms = sqlite3_column_int64(s, 18);
	c->wait_ms = sqlite3_column_int64(s, 19);
	c->hold_ms = sqlite3_column_int64(s, 20);
	c->handoff_from = sqlite3_column_int64(s, 22);
	c->created_at = sqlite3_column_int64(s, 23);
	c->updated_at = sqlite3_column_int64(s, 24);
	e = sq__col_text(ar, s, 4, &c->channel);
	if (e == E_OK)
		e = sq__col_text(ar, s, 5, &c->queue);
	if (e == E_OK)
		e = sq__col_text(ar, s, 10, &c->verified_method);
	if (e == E_OK)
		e = sq__col_text(ar, s, 12, &c->notify_email);
	if (e == E_OK)
		e = sq__col_text(ar, s, 21, &c->handoff_note);
	return e;
}

/* bind_contact - parameters 1..24 in CONTACT_COLS order, without the id. */
static void bind_contact(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct contact *c = item;
	static const unsigned char zero[32];
	bool has_hash = memcmp(c->token_hash, zero, sizeof(zero)) != 0;

	sq__bind_i64(s, 1, c->case_id, rc);
	sq__bind_i64(s, 2, c->customer_id, rc);
	sq__bind_id(s, 3, c->site_id, rc);
	sq__bind_text(s, 4, c->channel, rc);
	sq__bind_text(s, 5, c->queue, rc);
	sq__bind_i64(s, 6, c->priority, rc);
	sq__bind_i64(s, 7, c->state, rc);
	sq__bind_id(s, 8, c->agent_id, rc);
	if (has_hash)
		sq__bind_blob(s, 9, c->token_hash, sizeof(c->token_hash), rc);
	else
		sq__bind_text(s, 9, NULL, rc);
	sq__bind_text(s, 10, c->verified_method, rc);
	sq__bind_id(s, 11, c->verified_at, rc);
	sq__bind_text(s, 12, c->notify_email, rc);
	sq__bind_i64(s, 13, c->queued_at, rc);
	sq__bind_id(s, 14, c->assigned_at, rc);
	sq__bind_id(s, 15, c->ended_at, rc);
	sq__bind_i64(s, 16, c->est_ms, rc);
	sq__bind_i64(s, 17, c->est_low_ms, rc);
	sq__bind_i64(s, 18, c->est_high_ms, rc);
	sq__bind_i64(s, 19, c->wait_ms, rc);
	sq__bind_i64(s, 20, c->hold_ms, rc);
	sq__bind_text(s, 21, c->handoff_note, rc);
	sq__bind_id(s, 22, c->handoff_from, rc);
	sq__bind_i64(s, 23, c->created_at, rc);
	sq__bind_i64(s, 24, c->updated_at, rc);
}

enum err sq__contact_insert(struct store *base, struct contact *c)
{
	return sq__insert(sq__from(base), SQ_CONTACT_INSERT,
			  "INSERT INTO contacts (case_id, customer_id, site_id, channel,"
			  " queue, priority, state, agent_id, token_hash, verified_method,"
			  " verified_at, notify_email, queued_at, assigned_at, ended_at,"
			  " est_ms, est_low_ms, est_high_ms, wait_ms, hold_ms, handoff_note,"
			  " handoff_from, created_at, updated_at) VALUES (?1, ?2, ?3, ?4,"
			  " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
			  " ?19, ?20, ?21, ?22, ?23, ?24)",
			  bind_contact, c, "contact_insert", &c->id);
}

enum err sq__contact_update(struct store *base, const struct contact *c)
{
	return sq__update(sq__from(base), SQ_CONTACT_UPDATE,
			  "UPDATE contacts SET case_id = ?1, customer_id = ?2, site_id = ?3,"
			  " channel = ?4, queue = ?5, priority = ?6, state = ?7,"
			  " agent_id = ?8, token_hash = ?9, verified_method = ?10,"
			  " verified_at = ?11, notify_email = ?12, queued_at = ?13,"
			  " assigned_at = ?14, ended_at = ?15, est_ms = ?16,"
			  " est_low_ms = ?17, est_high_ms = ?18, wait_ms = ?19,"
			  " hold_ms = ?20, handoff_note = ?21, handoff_from = ?22,"
			  " created_at = ?23, updated_at = ?24 WHERE id = ?25",
			  bind_contact, c, 25, c->id, "contact_update");
}

/* contact_one - a one-row contact query on id or (hash given) token. */
static enum err contact_one(struct sq_store *st, enum sq_stmt slot,
			    const char *sql, int64_t id,
			    const unsigned char *hash, struct arena *ar,
			    struct contact *out)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, slot, sql, &s);
	if (e != E_OK)
		goto out;
	if (hash)
		sq__bind_blob(s, 1, hash, 32, &rc);
	else
		sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, "contact_get");
	if (e == E_OK) {
		memset(out, 0, sizeof(*out));
		e = read_contact(ar, s, out);
	}
out:
	sq__done(s);
	return e;
}

enum err sq__contact_get(struct store *base, struct arena *ar, int64_t id,
			 struct contact *out)
{
	return contact_one(sq__from(base), SQ_CONTACT_GET,
			   "SELECT " CONTACT_COLS " FROM contacts WHERE id = ?1", id,
			   NULL, ar, out);
}

enum err sq__contact_by_token(struct store *base, struct arena *ar,
			      const unsigned char hash[32], struct contact *out)
{
	return contact_one(sq__from(base), SQ_CONTACT_BY_TOKEN,
			   "SELECT " CONTACT_COLS " FROM contacts WHERE token_hash = ?1",
			   0, hash, ar, out);
}

enum err sq__contact_list_live(struct store *base, struct arena *ar,
			       struct contact_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_CONTACT_LIVE,
		     "SELECT " CONTACT_COLS " FROM contacts"
		     " WHERE state IN (?1, ?2, ?3) ORDER BY id",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, CONTACT_QUEUED, &rc);
	sq__bind_i64(s, 2, CONTACT_ACTIVE, &rc);
	sq__bind_i64(s, 3, CONTACT_ON_HOLD, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct contact), read_contact,
			"contact_list_live", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__contact_list_ended(struct store *base, struct arena *ar,
				int64_t since_ms, size_t limit,
				struct contact_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_CONTACT_ENDED,
		     "SELECT " CONTACT_COLS " FROM contacts"
		     " WHERE ended_at IS NOT NULL AND ended_at >= ?1"
		     " ORDER BY ended_at DESC LIMIT ?2",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, since_ms, &rc);
	sq__bind_limit(s, 2, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct contact), read_contact,
			"contact_list_ended", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

/* ---- saved replies ----------------------------------------------------- */

#define REPLY_COLS "id, owner_id, title, body, created_at"

static enum err read_reply(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct saved_reply *r = item;
	enum err e;

	r->id = sqlite3_column_int64(s, 0);
	r->owner_id = sqlite3_column_int64(s, 1);
	r->created_at = sqlite3_column_int64(s, 4);
	e = sq__col_text(ar, s, 2, &r->title);
	if (e == E_OK)
		e = sq__col_text(ar, s, 3, &r->body);
	return e;
}

static void bind_reply(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct saved_reply *r = item;

	sq__bind_id(s, 1, r->owner_id, rc);
	sq__bind_text(s, 2, r->title, rc);
	sq__bind_text(s, 3, r->body, rc);
	sq__bind_i64(s, 4, r->created_at, rc);
}

enum err sq__reply_insert(struct store *base, struct saved_reply *r)
{
	return sq__insert(sq__from(base), SQ_REPLY_INSERT,
			  "INSERT INTO saved_replies (owner_id, title, body, created_at)"
			  " VALUES (?1, ?2, ?3, ?4)",
			  bind_reply, r, "reply_insert", &r->id);
}

enum err sq__reply_get(struct store *base, struct arena *ar, int64_t id,
		       struct saved_reply *out)
{
	return sq__one_by_id(sq__from(base), SQ_REPLY_GET,
			     "SELECT " REPLY_COLS " FROM saved_replies WHERE id = ?1", id, ar,
			     sizeof(*out), read_reply, "reply_get", out);
}

enum err sq__reply_delete(struct store *base, int64_t id)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_REPLY_DELETE, "DELETE FROM saved_replies WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__run(st, s, rc, "reply_delete");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

enum err sq__reply_list(struct store *base, struct arena *ar, int64_t owner_id,
			struct reply_list *out)
{
	void *items;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_REPLY_LIST,
			   "SELECT " REPLY_COLS " FROM saved_replies"
			   " WHERE owner_id IS NULL OR owner_id = ?1 ORDER BY title, id",
			   owner_id, ar, sizeof(struct saved_reply), read_reply, "reply_list",
			   &items, &out->n);
	out->items = items;
	return e;
}

enum err sq__contact_live_on_case(struct store *base, int64_t case_id, bool *yes)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	*yes = false;
	e = sq__stmt(st, SQ_CONTACT_LIVE_ON_CASE,
		     "SELECT 1 FROM contacts WHERE case_id = ?1 AND state IN (?2, ?3, ?4) LIMIT 1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, case_id, &rc);
	sq__bind_i64(s, 2, CONTACT_QUEUED, &rc);
	sq__bind_i64(s, 3, CONTACT_ACTIVE, &rc);
	sq__bind_i64(s, 4, CONTACT_ON_HOLD, &rc);
	e = sq__row(st, s, rc, "contact_live_on_case");
	if (e == E_OK)
		*yes = true;
	else if (e == E_NOTFOUND)
		e = E_OK;
out:
	sq__done(s);
	return e;
}
