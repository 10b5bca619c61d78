/*
 * store_sqlite.c - the SQLite backend: handles, transactions, the statement
 * cache, error mapping and the ops table.
 *
 * One handle is one sqlite3 connection opened NOMUTEX: SQLite does no
 * locking of its own on it, so a handle must be used by one thread at a
 * time (store.h's contract).  Concurrency comes from WAL mode: one writer
 * handle and any number of reader handles on the same file, readers never
 * blocked by the writer.  synchronous=FULL makes every commit durable (the
 * WAL is fsynced at commit) at the cost of one fsync per transaction; group
 * commit in the caller amortises it.
 *
 * Statements are prepared on first use and cached per handle (see
 * internal.h), so the steady state does no SQL parsing.  The operations
 * themselves live in store_sqlite_<resource>.c.
 */
#include "store/internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

#define BUSY_TIMEOUT_MS 5000

/* Per-connection settings.  cache_size is in KiB when negative: 8 MiB per
 * handle, times one writer and a reader per worker thread.  mmap lets
 * readers share the OS page cache instead of copying pages. */
static const char setup_sql[] =
	"PRAGMA foreign_keys = ON;"
	"PRAGMA synchronous = FULL;"
	"PRAGMA cache_size = -8192;"
	"PRAGMA mmap_size = 268435456;"
	"PRAGMA temp_store = MEMORY;";

/* --- errors ------------------------------------------------------------- */

enum err sq__fail(struct sq_store *st, int rc, const char *what)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return E_CONFLICT;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		/* The agent, customer or case referred to does not exist. */
		return E_NOTFOUND;
	default:
		break;
	}
	if ((rc & 0xff) == SQLITE_NOMEM)
		return E_NOMEM;
	log_error("store", "%s: %s (sqlite %d: %s)", what,
		  st && st->db ? sqlite3_errmsg(st->db) : "no handle", rc,
		  sqlite3_errstr(rc));
	return E_IO;
}

/* --- statements --------------------------------------------------------- */

enum err sq__stmt(struct sq_store *st, enum sq_stmt id, const char *sql,
		  sqlite3_stmt **out)
{
	int rc;

	assert(id < SQ__COUNT);
	*out = st->stmt[id];
	if (*out)
		return E_OK;
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				&st->stmt[id], NULL);
	if (rc != SQLITE_OK) {
		st->stmt[id] = NULL;
		return sq__fail(st, rc, sql); /* constant text, no values */
	}
	*out = st->stmt[id];
	return E_OK;
}

void sq__done(sqlite3_stmt *s)
{
	if (!s)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void sq__bind_i64(sqlite3_stmt *s, int i, int64_t v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_int64(s, i, v);
}

void sq__bind_id(sqlite3_stmt *s, int i, int64_t v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = v ? sqlite3_bind_int64(s, i, v) : sqlite3_bind_null(s, i);
}

void sq__bind_text(sqlite3_stmt *s, int i, const char *v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

void sq__bind_blob(sqlite3_stmt *s, int i, const void *p, size_t n, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_blob64(s, i, p, n, SQLITE_STATIC);
}

void sq__bind_limit(sqlite3_stmt *s, int i, size_t n, int *rc)
{
	sq__bind_i64(s, i, n > INT64_MAX ? INT64_MAX : (int64_t)n, rc);
}

enum err sq__run(struct sq_store *st, sqlite3_stmt *s, int bind_rc,
		 const char *what)
{
	int rc = bind_rc;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return E_OK;
	return sq__fail(st, rc, what);
}

enum err sq__row(struct sq_store *st, sqlite3_stmt *s, int bind_rc,
		 const char *what)
{
	int rc = bind_rc;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return E_OK;
	if (rc == SQLITE_DONE)
		return E_NOTFOUND;
	return sq__fail(st, rc, what);
}

enum err sq__col_text(struct arena *ar, sqlite3_stmt *s, int i, char **out)
{
	const unsigned char *p;

	*out = NULL;
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return E_OK;
	p = sqlite3_column_text(s, i); /* before column_bytes, as documented */
	if (!p)
		return E_NOMEM;
	*out = arena_strndup(ar, (const char *)p,
			     (size_t)sqlite3_column_bytes(s, i));
	return *out ? E_OK : E_NOMEM;
}

/* grow_rows - make room for one more item in a heap array of cap items. */
static enum err grow_rows(char **heap, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	char *p;

	if (ncap > SIZE_MAX / size)
		return E_NOMEM;
	p = realloc(*heap, ncap * size);
	if (!p)
		return E_NOMEM;
	*heap = p;
	*cap = ncap;
	return E_OK;
}

/*
 * Rows are first gathered in a heap array that grows geometrically, then
 * copied once into an arena array of exactly n items: the arena keeps no
 * slack and the caller's limit may be far above the rows that exist.
 */
enum err sq__insert(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		    sq_bind_fn bind, const void *item, const char *what, int64_t *new_id)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, id_stmt, sql, &s);
	if (e != E_OK)
		goto out;
	bind(s, item, &rc);
	e = sq__run(st, s, rc, what);
	if (e == E_OK)
		*new_id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

enum err sq__upsert(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		    sq_bind_fn bind, const void *item, const char *what, int64_t *id)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, id_stmt, sql, &s);
	if (e != E_OK)
		goto out;
	bind(s, item, &rc);
	e = sq__row(st, s, rc, what);
	if (e == E_OK)
		*id = sqlite3_column_int64(s, 0);
	if (e == E_OK && (rc = sqlite3_step(s)) != SQLITE_DONE)
		e = sq__fail(st, rc, what);
out:
	sq__done(s);
	return e;
}

enum err sq__list_by_id(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
			int64_t id, struct arena *ar, size_t size, sq_read_fn read,
			const char *what, void **items, size_t *n)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	*items = NULL;
	*n = 0;
	e = sq__stmt(st, id_stmt, sql, &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__collect(st, s, rc, ar, size, read, what, items, n);
out:
	sq__done(s);
	return e;
}

enum err sq__i64_by_id(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		       int64_t id, const char *what, int64_t *out)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, id_stmt, sql, &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, what);
	if (e == E_OK)
		*out = sqlite3_column_int64(s, 0);
out:
	sq__done(s);
	return e;
}

enum err sq__update(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		    sq_bind_fn bind, const void *item, int id_param, int64_t id,
		    const char *what)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, id_stmt, sql, &s);
	if (e != E_OK)
		goto out;
	bind(s, item, &rc);
	sq__bind_i64(s, id_param, id, &rc);
	e = sq__run(st, s, rc, what);
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

enum err sq__one_by_id(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		       int64_t id, struct arena *ar, size_t size, sq_read_fn read,
		       const char *what, void *out)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, id_stmt, sql, &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, what);
	if (e == E_OK) {
		memset(out, 0, size);
		e = read(ar, s, out);
	}
out:
	sq__done(s);
	return e;
}

enum err sq__collect(struct sq_store *st, sqlite3_stmt *s, int bind_rc,
		     struct arena *ar, size_t size, sq_read_fn read,
		     const char *what, void **items, size_t *n)
{
	char *heap = NULL, *p;
	size_t cap = 0, count = 0;
	enum err e = E_OK;
	int rc = bind_rc;

	*items = NULL;
	*n = 0;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	for (; rc == SQLITE_ROW; rc = sqlite3_step(s)) {
		if (count == cap && (e = grow_rows(&heap, &cap, size)) != E_OK)
			goto out;
		p = heap + count * size;
		memset(p, 0, size);
		if ((e = read(ar, s, p)) != E_OK)
			goto out;
		count++;
	}
	if (rc != SQLITE_DONE) {
		e = sq__fail(st, rc, what);
		goto out;
	}
	if (count) {
		p = arena_alloc(ar, count * size);
		if (!p) {
			e = E_NOMEM;
			goto out;
		}
		memcpy(p, heap, count * size);
		*items = p;
		*n = count;
	}
out:
	free(heap);
	return e;
}

/* --- handles ------------------------------------------------------------ */

/* set_wal - switch to WAL (persistent in the file, so usually a no-op).
 * A file system without shared memory keeps the old mode: warn, go on. */
static enum err set_wal(struct sq_store *st)
{
	sqlite3_stmt *s = NULL;
	const unsigned char *mode;
	enum err e;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s,
				NULL);
	if (rc != SQLITE_OK) {
		e = sq__fail(st, rc, "open: journal_mode");
		goto out;
	}
	e = sq__row(st, s, SQLITE_OK, "open: journal_mode");
	if (e != E_OK)
		goto out;
	mode = sqlite3_column_text(s, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0)
		log_warn("store", "open '%s': journal_mode is '%s', not wal",
			 sqlite3_db_filename(st->db, "main"),
			 mode ? (const char *)mode : "?");
out:
	sqlite3_finalize(s);
	return e;
}

static enum err configure(struct sq_store *st)
{
	int rc;

	sqlite3_extended_result_codes(st->db, 1);
	rc = sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, setup_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq__fail(st, rc, "open: pragmas");
	return set_wal(st);
}

static enum err sq_open(const char *uri, struct store **out)
{
	const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			  SQLITE_OPEN_NOMUTEX;
	struct sq_store *st;
	enum err e;
	int rc;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return E_NOMEM;
	st->base.ops = &store_sqlite_ops;
	rc = sqlite3_open_v2(uri, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		/* The handle, if any, only carries the message now. */
		log_error("store", "cannot open '%s': %s", uri,
			  st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		e = (rc & 0xff) == SQLITE_NOMEM ? E_NOMEM : E_IO;
		goto fail;
	}
	e = configure(st);
	if (e != E_OK)
		goto fail;
	*out = &st->base;
	return E_OK;
fail:
	sqlite3_close(st->db);
	free(st);
	return e;
}

/* Closing rolls back an open transaction, like any SQLite connection. */
static void sq_close(struct store *base)
{
	struct sq_store *st = sq__from(base);
	int rc;

	for (size_t i = 0; i < SQ__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	rc = sqlite3_close(st->db);
	if (rc != SQLITE_OK)
		log_error("store", "close: %s", sqlite3_errstr(rc));
	free(st);
}

/* --- transactions -------------------------------------------------------- */

static enum err run_fixed(struct store *base, enum sq_stmt id,
			  const char *sql)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	enum err e;

	e = sq__stmt(st, id, sql, &s);
	if (e == E_OK)
		e = sq__run(st, s, SQLITE_OK, sql);
	sq__done(s);
	return e;
}

/* BEGIN IMMEDIATE takes the write lock now, so a writer waits (busy
 * timeout) at the start rather than failing at its first write. */
static enum err sq_begin(struct store *st)
{
	return run_fixed(st, SQ_BEGIN, "BEGIN IMMEDIATE");
}

/* A deferred BEGIN takes no lock until the first read, and then a WAL
 * snapshot: the reads of one request see one state and pay the lock and
 * file-check cost once instead of per statement. */
static enum err sq_read_begin(struct store *st)
{
	return run_fixed(st, SQ_BEGIN_READ, "BEGIN DEFERRED");
}

static enum err sq_read_end(struct store *base)
{
	if (sqlite3_get_autocommit(sq__from(base)->db))
		return E_OK;
	return run_fixed(base, SQ_COMMIT, "COMMIT");
}

static enum err sq_commit(struct store *st)
{
	return run_fixed(st, SQ_COMMIT, "COMMIT");
}

/* SQLite rolls a transaction back by itself after some errors (disk full,
 * I/O); rolling back with none open is then success, not an error. */
static enum err sq_rollback(struct store *base)
{
	if (sqlite3_get_autocommit(sq__from(base)->db))
		return E_OK;
	return run_fixed(base, SQ_ROLLBACK, "ROLLBACK");
}

static enum err sq_savepoint(struct store *st)
{
	return run_fixed(st, SQ_SAVEPOINT, "SAVEPOINT job");
}

static enum err sq_release(struct store *st)
{
	return run_fixed(st, SQ_RELEASE, "RELEASE job");
}

/* Undoes the work since the savepoint and leaves it open; the caller then
 * calls release. */
static enum err sq_rollback_to(struct store *st)
{
	return run_fixed(st, SQ_ROLLBACK_TO, "ROLLBACK TO job");
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq__migrate,

	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.release = sq_release,
	.rollback_to = sq_rollback_to,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,

	.agent_insert = sq__agent_insert,
	.agent_update = sq__agent_update,
	.agent_get = sq__agent_get,
	.agent_by_email = sq__agent_by_email,
	.agent_list = sq__agent_list,
	.agent_count = sq__agent_count,

	.token_insert = sq__token_insert,
	.token_by_hash = sq__token_by_hash,
	.token_revoke = sq__token_revoke,

	.customer_insert = sq__customer_insert,
	.customer_update = sq__customer_update,
	.customer_get = sq__customer_get,
	.customer_search = sq__customer_search,
	.ident_insert = sq__ident_insert,
	.ident_delete_all = sq__ident_delete_all,
	.ident_find = sq__ident_find,

	.case_insert = sq__case_insert,
	.case_update = sq__case_update,
	.case_get = sq__case_get,
	.case_list = sq__case_list,
	.case_open_of = sq__case_open_of,

	.event_insert = sq__event_insert,
	.event_list = sq__event_list,
	.event_last_id = sq__event_last_id,

	.fact_insert = sq__fact_insert,
	.fact_list = sq__fact_list,
	.queue_put = sq__queue_put,
	.queue_list = sq__queue_list,
	.site_insert = sq__site_insert,
	.site_update = sq__site_update,
	.site_get = sq__site_get,
	.site_by_key = sq__site_by_key,
	.site_list = sq__site_list,
	.contact_insert = sq__contact_insert,
	.contact_update = sq__contact_update,
	.contact_get = sq__contact_get,
	.contact_by_token = sq__contact_by_token,
	.contact_list_live = sq__contact_list_live,
	.contact_live_on_case = sq__contact_live_on_case,
	.contact_list_ended = sq__contact_list_ended,
	.reply_insert = sq__reply_insert,
	.reply_get = sq__reply_get,
	.reply_delete = sq__reply_delete,
	.reply_list = sq__reply_list,
	.outbox_insert = sq__outbox_insert,
	.outbox_due = sq__outbox_due,
	.outbox_get = sq__outbox_get,
	.outbox_update = sq__outbox_update,
	.setting_put = sq__setting_put,
	.setting_get = sq__setting_get,
	.setting_list = sq__setting_list,
	.setting_delete = sq__setting_delete,
	.case_by_status_hash = sq__case_by_status_hash,
	.promise_insert = sq__promise_insert,
	.promise_update = sq__promise_update,
	.promise_get = sq__promise_get,
	.promise_list = sq__promise_list,
	.promise_kept_ms = sq__promise_kept_ms,
	.sla_clock_put = sq__sla_clock_put,
	.sla_clock_get = sq__sla_clock_get,
	.sla_clock_list = sq__sla_clock_list,
	.timer_insert = sq__timer_insert,
	.timer_due = sq__timer_due,
	.timer_fire = sq__timer_fire,
	.timer_rearm = sq__timer_rearm,
	.alert_insert = sq__alert_insert,
	.alert_list = sq__alert_list,
	.alert_get = sq__alert_get,
	.alert_ack = sq__alert_ack,
	.followup_get = sq__followup_get,
	.followup_put = sq__followup_put,
	.followup_last_sent = sq__followup_last_sent,
	.event_recent = sq__event_recent,
	.verification_insert = sq__verification_insert,
	.verification_list = sq__verification_list,
	.effort_insert = sq__effort_insert,
	.effort_list = sq__effort_list,
	.flow_insert = sq__flow_insert,
	.flow_get = sq__flow_get,
	.flow_list = sq__flow_list,
	.flow_run_insert = sq__flow_run_insert,
	.flow_run_update = sq__flow_run_update,
	.flow_run_get = sq__flow_run_get,
	.flow_run_list = sq__flow_run_list,
	/* resolution powers */
	.action_insert = sq__action_insert,
	.action_update = sq__action_update,
	.action_get = sq__action_get,
	.action_list_case = sq__action_list_case,
	.action_list_state = sq__action_list_state,
	.action_usage = sq__action_usage,
	.hook_insert = sq__hook_insert,
	.hook_update = sq__hook_update,
	.hook_get = sq__hook_get,
	.hook_due = sq__hook_due,

	/* customer records (issue 5) */
	.customer_change_insert = sq__customer_change_insert,
	.customer_change_list = sq__customer_change_list,
	.customer_merge_move = sq__customer_merge_move,
	.contact_live_of_customer = sq__contact_live_of_customer,
	.customer_words_put = sq__customer_words_put,
	.name_words_by_grams = sq__name_words_by_grams,
	.name_words_by_prefix = sq__name_words_by_prefix,
	.customers_by_words = sq__customers_by_words,
	.customers_by_account_core = sq__customers_by_account_core,
	.customers_unindexed = sq__customers_unindexed,
};
