/*
 * test_store.c - the SQLite backend through the store_* wrappers.
 *
 * Each test gets a fresh, migrated database in a temporary file (removed
 * with its -wal and -shm files afterwards).  Where a test must look past
 * the store (triggers, NULL mapping, query plans) it opens a second, raw
 * sqlite3 handle on the same file.  The fault tests fail each store call
 * of a unit of work in turn and check that nothing of it remains.
 *
 * Two "error [store]" lines in the output are expected: a database from a
 * newer build, and a path that cannot be opened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "store/internal.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), E_OK)

#define SCHEMA_VERSION 8

struct fx {
	char path[64];
	struct store *st;
	struct arena ar;
};

static void remove_db(const char *path)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	int fd, v = 0;

	if (!fx)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "/tmp/heed-store-XXXXXX");
	fd = mkstemp(fx->path);
	if (fd < 0)
		goto fail;
	close(fd);
	arena_init(&fx->ar, 4096);
	if (store_open(fx->path, &fx->st) != E_OK)
		goto fail;
	if (store_migrate(fx->st, &v) != E_OK || v != SCHEMA_VERSION)
		goto fail;
	*state = fx;
	return 0;
fail:
	store_close(fx->st);
	remove_db(fx->path);
	free(fx);
	return -1;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	store_fail_nth(0);
	store_close(fx->st);
	arena_release(&fx->ar);
	remove_db(fx->path);
	free(fx);
	return 0;
}

/* --- helpers ------------------------------------------------------------ */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
					 NULL),
			 SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* raw_int - the single integer a constant query returns. */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int64_t mk_agent(struct store *st, const char *name, const char *email)
{
	struct agent a = {.name = (char *)name, .email = (char *)email,
			  .role = ROLE_AGENT, .created_at = 1000,
			  .updated_at = 1000};

	OK(store_agent_insert(st, &a));
	assert_true(a.id > 0);
	return a.id;
}

static int64_t mk_customer(struct store *st, const char *name)
{
	struct customer c = {.name = (char *)name, .created_at = 2000,
			     .updated_at = 2000};

	OK(store_customer_insert(st, &c));
	assert_true(c.id > 0);
	return c.id;
}

static void mk_ident(struct store *st, int64_t cust, enum ident_kind kind,
		     const char *value)
{
	struct ident id = {.kind = kind, .value = (char *)value,
			   .display = (char *)value};

	OK(store_ident_insert(st, cust, &id));
}

static struct case_ mk_case(struct store *st, int64_t cust,
			    enum case_status status, int64_t owner,
			    const char *queue)
{
	struct case_ c = {.customer_id = cust, .subject = "help",
			  .status = status, .priority = PRIO_NORMAL,
			  .owner_id = owner, .queue = (char *)queue,
			  .created_at = 3000, .updated_at = 3000};

	OK(store_case_insert(st, &c));
	assert_true(c.id > 0);
	return c;
}

static struct event mk_event(struct store *st, int64_t case_id,
			     const char *body, const char *data)
{
	struct event e = {.case_id = case_id, .type = "message",
			  .author_kind = AUTHOR_CUSTOMER, .author_id = 7,
			  .visibility = VIS_PUBLIC, .body = (char *)body,
			  .data = (char *)data, .created_at = 4000};

	OK(store_event_insert(st, &e));
	assert_true(e.id > 0);
	return e;
}

static int64_t mk_fact(struct store *st, int64_t case_id, const char *key,
		       const char *value)
{
	struct fact f = {.case_id = case_id, .key = (char *)key,
			 .value = (char *)value, .source = SRC_AGENT,
			 .by_kind = AUTHOR_AGENT, .by_id = 3,
			 .created_at = 5000};

	OK(store_fact_insert(st, &f));
	assert_true(f.id > 0);
	return f.id;
}

/* --- schema ------------------------------------------------------------- */

static void test_migrate_idempotent(void **state)
{
	struct fx *fx = *state;
	int64_t n = -1;
	int v = 0;

	OK(store_migrate(fx->st, &v));
	assert_int_equal(v, SCHEMA_VERSION);
	OK(store_migrate(fx->st, NULL));
	OK(store_agent_count(fx->st, &n));
	assert_int_equal(n, 0);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"),
			 SCHEMA_VERSION);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM sqlite_schema"
				 " WHERE type = 'trigger'"),
			 10); /* events, facts, verifications, effort, customer_history: append-only */
}

/* A database left at version 1 by an older build is brought up to date by
 * the next start, its data kept. */
static void test_migrate_upgrades(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db;
	int v = 0;

	mk_customer(fx->st, "Alice");
	store_close(fx->st);
	db = raw_open(fx->path);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE hook_deliveries; DROP TABLE actions;" /* powers */
				      "DROP TABLE flow_runs; DROP TABLE flows;"
				      "DROP TABLE effort; DROP TABLE verifications;"
				      /* customer records (migration 6) */
				      "DROP TABLE customer_name_words; DROP TABLE name_word_grams;"
				      "DROP TABLE name_words; DROP TABLE customer_history;"
				      "DROP INDEX customers_merged_into; DROP INDEX customers_unindexed;"
				      "DROP INDEX customer_identifiers_core;"
				      "ALTER TABLE customers DROP COLUMN merged_into;"
				      "ALTER TABLE customers DROP COLUMN merged_at;"
				      "ALTER TABLE customers DROP COLUMN names_indexed;"
				      "DROP TABLE followups; DROP TABLE alerts;"
				      "DROP TABLE timers; DROP TABLE sla_clocks;"
				      "DROP TABLE promises; DROP TABLE settings;"
				      "DROP INDEX cases_status_hash; DROP INDEX cases_open_subjects;"
				      "ALTER TABLE cases DROP COLUMN next_action_at;"
				      "ALTER TABLE cases DROP COLUMN plan;"
				      "ALTER TABLE cases DROP COLUMN status_token;"
				      "ALTER TABLE cases DROP COLUMN status_hash;"
				      "DROP INDEX outbox_due;"
				      "DROP TABLE outbox; DROP TABLE saved_replies;"
				      "DROP TABLE contacts; DROP TABLE sites;"
				      "DROP TABLE queues;"
				      "ALTER TABLE agents DROP COLUMN skills;"
				      "ALTER TABLE agents DROP COLUMN capacity;"
				      "DROP INDEX cases_queue_status;"
				      "DROP INDEX cases_owner_status;"
				      "PRAGMA user_version = 1",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	OK(store_open(fx->path, &fx->st));
	OK(store_migrate(fx->st, &v));
	assert_int_equal(v, SCHEMA_VERSION);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_schema"
				 " WHERE name LIKE 'cases_%_status'"),
			 2);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM customers"),
			 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_schema"
				 " WHERE name = 'contacts'"),
			 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM pragma_table_info('outbox')"
				 " WHERE name IN ('next_at', 'last_error')"),
			 2);
}

static void test_migrate_refuses_newer(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = raw_open(fx->path);
	int v = 0;

	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_migrate(fx->st, &v), E_IO);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 99);
}

static void test_open_settings(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(raw_int(fx->path, "SELECT journal_mode = 'wal'"
				 " FROM pragma_journal_mode"),
			 1);
	assert_int_equal(store_open("/nonexistent/dir/heed.db",
				    &(struct store *){NULL}),
			 E_IO);
	assert_int_equal(store_open("", &(struct store *){NULL}), E_INVAL);
}

/* --- agents and tokens -------------------------------------------------- */

static void test_agents(void **state)
{
	struct fx *fx = *state;
	struct agent a = {.name = "Ann", .email = "ann@example.com",
			  .role = ROLE_ADMIN, .password_hash = "$argon2id$x",
			  .created_at = 10, .updated_at = 11};
	struct agent b = {.name = "Ben", .email = "ben@example.com",
			  .role = ROLE_AGENT, .created_at = 12,
			  .updated_at = 12};
	struct agent got, dup = b;
	struct agent_list list;
	int64_t n = 0;

	OK(store_agent_insert(fx->st, &a));
	OK(store_agent_insert(fx->st, &b));
	assert_true(b.id > a.id);

	OK(store_agent_get(fx->st, &fx->ar, a.id, &got));
	assert_int_equal(got.id, a.id);
	assert_string_equal(got.name, "Ann");
	assert_string_equal(got.email, "ann@example.com");
	assert_int_equal(got.role, ROLE_ADMIN);
	assert_string_equal(got.password_hash, "$argon2id$x");
	assert_int_equal(got.created_at, 10);
	assert_int_equal(got.updated_at, 11);

	OK(store_agent_by_email(fx->st, &fx->ar, "ben@example.com", &got));
	assert_int_equal(got.id, b.id);
	assert_null(got.password_hash);
	assert_int_equal(store_agent_by_email(fx->st, &fx->ar,
					      "BEN@example.com", &got),
			 E_NOTFOUND);
	assert_int_equal(store_agent_get(fx->st, &fx->ar, 999, &got),
			 E_NOTFOUND);

	OK(store_agent_list(fx->st, &fx->ar, &list));
	assert_int_equal(list.n, 2);
	assert_int_equal(list.items[0].id, a.id);
	assert_string_equal(list.items[1].email, "ben@example.com");
	OK(store_agent_count(fx->st, &n));
	assert_int_equal(n, 2);

	/* Unique email, on insert and on update. */
	dup.id = 0;
	dup.name = "Other Ben";
	assert_int_equal(store_agent_insert(fx->st, &dup), E_CONFLICT);
	a.email = "ben@example.com";
	assert_int_equal(store_agent_update(fx->st, &a), E_CONFLICT);

	a.email = "ann@example.org";
	a.name = "Ann B";
	a.role = ROLE_SUPERVISOR;
	a.password_hash = NULL;
	a.created_at = 99; /* ignored: created_at never changes */
	a.updated_at = 20;
	OK(store_agent_update(fx->st, &a));
	OK(store_agent_get(fx->st, &fx->ar, a.id, &got));
	assert_string_equal(got.name, "Ann B");
	assert_string_equal(got.email, "ann@example.org");
	assert_int_equal(got.role, ROLE_SUPERVISOR);
	assert_null(got.password_hash);
	assert_int_equal(got.created_at, 10);
	assert_int_equal(got.updated_at, 20);

	a.id = 999;
	assert_int_equal(store_agent_update(fx->st, &a), E_NOTFOUND);
	OK(store_agent_count(fx->st, &n));
	assert_int_equal(n, 2);
}

static void test_tokens(void **state)
{
	struct fx *fx = *state;
	int64_t agent = mk_agent(fx->st, "Ann", "ann@example.com");
	struct token t = {.agent_id = agent, .kind = TOKEN_SESSION,
			  .created_at = 100, .expires_at = 200};
	struct token got, dup;
	unsigned char other[32];

	memset(t.hash, 0xab, sizeof(t.hash));
	t.hash[0] = 0;
	OK(store_token_insert(fx->st, &t));
	assert_true(t.id > 0);

	OK(store_token_by_hash(fx->st, t.hash, &got));
	assert_int_equal(got.id, t.id);
	assert_int_equal(got.agent_id, agent);
	assert_int_equal(got.kind, TOKEN_SESSION);
	assert_memory_equal(got.hash, t.hash, 32);
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.expires_at, 200);
	assert_int_equal(got.revoked_at, 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM tokens"
				 " WHERE revoked_at IS NULL"),
			 1);

	memcpy(other, t.hash, 32);
	other[31] ^= 1;
	assert_int_equal(store_token_by_hash(fx->st, other, &got), E_NOTFOUND);

	dup = t;
	assert_int_equal(store_token_insert(fx->st, &dup), E_CONFLICT);
	memcpy(dup.hash, other, 32);
	dup.agent_id = 999; /* no such agent: the foreign key refuses it */
	assert_int_equal(store_token_insert(fx->st, &dup), E_NOTFOUND);

	OK(store_token_revoke(fx->st, t.id, 150));
	OK(store_token_revoke(fx->st, t.id, 160)); /* the first time stays */
	OK(store_token_by_hash(fx->st, t.hash, &got));
	assert_int_equal(got.revoked_at, 150);
	assert_int_equal(store_token_revoke(fx->st, 999, 1), E_NOTFOUND);
}

/* --- customers ---------------------------------------------------------- */

static void test_customers_idents(void **state)
{
	struct fx *fx = *state;
	int64_t c1 = mk_customer(fx->st, "Alice");
	int64_t c2 = mk_customer(fx->st, "Bob");
	struct ident phone = {.kind = IDENT_PHONE, .value = "+4915112345",
			      .display = "0151 12345"};
	struct customer got;
	int64_t found = 0;

	mk_ident(fx->st, c1, IDENT_EMAIL, "b@example.com");
	OK(store_ident_insert(fx->st, c1, &phone));
	mk_ident(fx->st, c1, IDENT_EMAIL, "a@example.com");
	mk_ident(fx->st, c1, IDENT_ACCOUNT, "A-1");

	OK(store_customer_get(fx->st, &fx->ar, c1, &got));
	assert_int_equal(got.id, c1);
	assert_string_equal(got.name, "Alice");
	assert_int_equal(got.created_at, 2000);
	assert_int_equal(got.n_idents, 4);
	assert_int_equal(got.idents[0].kind, IDENT_EMAIL);
	assert_string_equal(got.idents[0].value, "a@example.com");
	assert_string_equal(got.idents[1].value, "b@example.com");
	assert_int_equal(got.idents[2].kind, IDENT_PHONE);
	assert_string_equal(got.idents[2].value, "+4915112345");
	assert_string_equal(got.idents[2].display, "0151 12345");
	assert_int_equal(got.idents[3].kind, IDENT_ACCOUNT);

	/* An identifier belongs to one customer; the same value of another
	 * kind is a different identifier. */
	assert_int_equal(store_ident_insert(fx->st, c2, &phone), E_CONFLICT);
	phone.kind = IDENT_ACCOUNT;
	OK(store_ident_insert(fx->st, c2, &phone));
	assert_int_equal(store_ident_insert(fx->st, 999, &(struct ident){
				     .kind = IDENT_EMAIL, .value = "x@y"}),
			 E_NOTFOUND);

	OK(store_ident_find(fx->st, IDENT_PHONE, "+4915112345", &found));
	assert_int_equal(found, c1);
	OK(store_ident_find(fx->st, IDENT_ACCOUNT, "+4915112345", &found));
	assert_int_equal(found, c2);
	assert_int_equal(store_ident_find(fx->st, IDENT_EMAIL, "c@example.com",
					  &found),
			 E_NOTFOUND);

	OK(store_customer_get(fx->st, &fx->ar, c2, &got));
	assert_int_equal(got.n_idents, 1);
	OK(store_ident_delete_all(fx->st, c1));
	OK(store_ident_delete_all(fx->st, c1));
	OK(store_customer_get(fx->st, &fx->ar, c1, &got));
	assert_int_equal(got.n_idents, 0);
	assert_null(got.idents);
	assert_int_equal(store_ident_find(fx->st, IDENT_EMAIL, "a@example.com",
					  &found),
			 E_NOTFOUND);
	mk_ident(fx->st, c2, IDENT_EMAIL, "a@example.com"); /* free again */

	got.id = c1;
	got.name = "Alice B";
	got.updated_at = 2500;
	OK(store_customer_update(fx->st, &got));
	OK(store_customer_get(fx->st, &fx->ar, c1, &got));
	assert_string_equal(got.name, "Alice B");
	assert_int_equal(got.created_at, 2000);
	assert_int_equal(got.updated_at, 2500);
	got.id = 999;
	assert_int_equal(store_customer_update(fx->st, &got), E_NOTFOUND);
	assert_int_equal(store_customer_get(fx->st, &fx->ar, 999, &got),
			 E_NOTFOUND);
}

/* search - run a query and return the ids found, newest first, in ids. */
static size_t search(struct fx *fx, const char *name_q,
		     const char *const *values, size_t n_values,
		     int64_t before, size_t limit, int64_t *ids)
{
	struct customer_query q = {.name_q = name_q, .ident_values = values,
				   .n_values = n_values, .before_id = before,
				   .limit = limit};
	struct customer_list list;

	OK(store_customer_search(fx->st, &fx->ar, &q, &list));
	for (size_t i = 0; i < list.n; i++)
		ids[i] = list.items[i].id;
	return list.n;
}

static void test_customer_search_name(void **state)
{
	struct fx *fx = *state;
	int64_t smith = mk_customer(fx->st, "Alice Smith");
	int64_t jones = mk_customer(fx->st, "ALICE Jones");
	int64_t bob = mk_customer(fx->st, "Bob 100% Real");
	int64_t under = mk_customer(fx->st, "Under_score");
	int64_t harris = mk_customer(fx->st, "Ann Harris");
	int64_t ids[16];

	assert_int_equal(search(fx, "alice", NULL, 0, 0, 10, ids), 2);
	assert_int_equal(ids[0], jones);
	assert_int_equal(ids[1], smith);
	assert_int_equal(search(fx, "ICE j", NULL, 0, 0, 10, ids), 1);
	assert_int_equal(ids[0], jones);

	/* The LIKE wildcards in user text are literal. */
	assert_int_equal(search(fx, "%", NULL, 0, 0, 10, ids), 1);
	assert_int_equal(ids[0], bob);
	assert_int_equal(search(fx, "r_s", NULL, 0, 0, 10, ids), 1);
	assert_int_equal(ids[0], under);
	assert_int_equal(search(fx, "\\", NULL, 0, 0, 10, ids), 0);
	assert_int_equal(search(fx, "zzz", NULL, 0, 0, 10, ids), 0);

	/* Limit and cursor. */
	assert_int_equal(search(fx, "", NULL, 0, 0, 2, ids), 2);
	assert_int_equal(ids[0], harris);
	assert_int_equal(ids[1], under);
	assert_int_equal(search(fx, "", NULL, 0, under, 2, ids), 2);
	assert_int_equal(ids[0], bob);
	assert_int_equal(ids[1], jones);
	assert_int_equal(search(fx, "alice", NULL, 0, jones, 10, ids), 1);
	assert_int_equal(ids[0], smith);
	assert_int_equal(search(fx, "alice", NULL, 0, 0, 0, ids), 0);

	/* No criteria: every customer, newest first. */
	assert_int_equal(search(fx, NULL, NULL, 0, 0, 10, ids), 5);
	assert_int_equal(ids[0], harris);
	assert_int_equal(ids[4], smith);
}

static void test_customer_search_ident(void **state)
{
	struct fx *fx = *state;
	int64_t smith = mk_customer(fx->st, "Alice Smith");
	int64_t jones = mk_customer(fx->st, "Alice Jones");
	int64_t bob = mk_customer(fx->st, "Bob");
	int64_t carol = mk_customer(fx->st, "Carol");
	int64_t odd = mk_customer(fx->st, "Odd bytes");
	const char *v[SQ_SEARCH_MAX_VALUES + 1] = {0};
	struct customer_query q = {.ident_values = v, .limit = 10};
	struct customer_list list;
	int64_t ids[16];

	mk_ident(fx->st, smith, IDENT_EMAIL, "alice@example.com");
	mk_ident(fx->st, jones, IDENT_EMAIL, "alice.j@example.org");
	mk_ident(fx->st, jones, IDENT_PHONE, "+4915112345");
	mk_ident(fx->st, bob, IDENT_PHONE, "+4915199999");
	mk_ident(fx->st, bob, IDENT_ACCOUNT, "alice"); /* same text, any kind */
	mk_ident(fx->st, odd, IDENT_ACCOUNT, "\xff\xff");

	v[0] = "alice";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 3);
	assert_int_equal(ids[0], bob);
	assert_int_equal(ids[1], jones);
	assert_int_equal(ids[2], smith);
	v[0] = "alice@";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 1);
	assert_int_equal(ids[0], smith);
	v[0] = "+49151";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 2);
	assert_int_equal(ids[0], bob);
	assert_int_equal(ids[1], jones);
	v[0] = "+4915112";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 1);
	assert_int_equal(ids[0], jones);
	v[0] = "+4915112345";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 1);
	v[0] = "+49151123456";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 0);

	/* Several prefixes, with a cursor; and a prefix or a name. */
	v[0] = "alice@";
	v[1] = "+4915199";
	assert_int_equal(search(fx, NULL, v, 2, 0, 10, ids), 2);
	assert_int_equal(ids[0], bob);
	assert_int_equal(ids[1], smith);
	assert_int_equal(search(fx, NULL, v, 2, bob, 10, ids), 1);
	assert_int_equal(ids[0], smith);
	v[0] = "+4915199";
	assert_int_equal(search(fx, "carol", v, 1, 0, 10, ids), 2);
	assert_int_equal(ids[0], carol);
	assert_int_equal(ids[1], bob);

	/* Prefixes ending in 0xff bytes, and the empty prefix. */
	v[0] = "\xff";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 1);
	assert_int_equal(ids[0], odd);
	v[0] = "";
	assert_int_equal(search(fx, NULL, v, 1, 0, 10, ids), 4);

	/* Results carry their identifiers. */
	q.n_values = 1;
	v[0] = "+4915112";
	OK(store_customer_search(fx->st, &fx->ar, &q, &list));
	assert_int_equal(list.n, 1);
	assert_string_equal(list.items[0].name, "Alice Jones");
	assert_int_equal(list.items[0].n_idents, 2);
	assert_string_equal(list.items[0].idents[0].value,
			    "alice.j@example.org");
	assert_string_equal(list.items[0].idents[1].value, "+4915112345");

	/* The number of prefixes is bounded. */
	for (size_t i = 0; i <= SQ_SEARCH_MAX_VALUES; i++)
		v[i] = "x";
	q.n_values = SQ_SEARCH_MAX_VALUES;
	OK(store_customer_search(fx->st, &fx->ar, &q, &list));
	assert_int_equal(list.n, 0);
	q.n_values = SQ_SEARCH_MAX_VALUES + 1;
	assert_int_equal(store_customer_search(fx->st, &fx->ar, &q, &list),
			 E_TOOBIG);
}

/* --- cases -------------------------------------------------------------- */

static void test_case_crud(void **state)
{
	struct fx *fx = *state;
	int64_t cust = mk_customer(fx->st, "Alice");
	int64_t cust2 = mk_customer(fx->st, "Bob");
	int64_t agent = mk_agent(fx->st, "Ann", "ann@example.com");
	struct case_ c = mk_case(fx->st, cust, CASE_NEW, 0, "support");
	struct case_ got, bad;

	OK(store_case_get(fx->st, &fx->ar, c.id, &got));
	assert_int_equal(got.id, c.id);
	assert_int_equal(got.customer_id, cust);
	assert_string_equal(got.subject, "help");
	assert_int_equal(got.status, CASE_NEW);
	assert_int_equal(got.priority, PRIO_NORMAL);
	assert_int_equal(got.owner_id, 0);
	assert_string_equal(got.queue, "support");
	assert_int_equal(got.created_at, 3000);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM cases"
				 " WHERE owner_id IS NULL"),
			 1);

	got.status = CASE_OPEN;
	got.priority = PRIO_URGENT;
	got.owner_id = agent;
	got.queue = "billing";
	got.subject = "refund";
	got.customer_id = cust2;
	got.updated_at = 3500;
	OK(store_case_update(fx->st, &got));
	OK(store_case_get(fx->st, &fx->ar, c.id, &got));
	assert_int_equal(got.status, CASE_OPEN);
	assert_int_equal(got.priority, PRIO_URGENT);
	assert_int_equal(got.owner_id, agent);
	assert_string_equal(got.queue, "billing");
	assert_string_equal(got.subject, "refund");
	assert_int_equal(got.customer_id, cust2);
	assert_int_equal(got.created_at, 3000);
	assert_int_equal(got.updated_at, 3500);

	got.owner_id = 0;
	OK(store_case_update(fx->st, &got));
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM cases"
				 " WHERE owner_id IS NULL"),
			 1);

	/* Missing rows, and references to missing rows. */
	assert_int_equal(store_case_get(fx->st, &fx->ar, 999, &got),
			 E_NOTFOUND);
	bad = c;
	bad.id = 999;
	assert_int_equal(store_case_update(fx->st, &bad), E_NOTFOUND);
	bad.customer_id = 999;
	assert_int_equal(store_case_insert(fx->st, &bad), E_NOTFOUND);
	bad.customer_id = cust;
	bad.owner_id = 999;
	assert_int_equal(store_case_insert(fx->st, &bad), E_NOTFOUND);
	bad.id = c.id;
	assert_int_equal(store_case_update(fx->st, &bad), E_NOTFOUND);
}

#define N_CASES 30

struct case_world {
	int64_t cust[2], agent[2];
	struct case_ cases[N_CASES]; /* in insertion (id) order */
};

static const char *const queues[] = {"support", "billing", "sales"};

static void build_world(struct fx *fx, struct case_world *w)
{
	OK(store_begin(fx->st));
	w->cust[0] = mk_customer(fx->st, "Alice");
	w->cust[1] = mk_customer(fx->st, "Bob");
	w->agent[0] = mk_agent(fx->st, "Ann", "ann@example.com");
	w->agent[1] = mk_agent(fx->st, "Ben", "ben@example.com");
	for (int i = 0; i < N_CASES; i++) {
		int64_t owner = i % 3 == 0 ? 0 : w->agent[i % 3 - 1];

		w->cases[i] = mk_case(fx->st, w->cust[i % 2],
				      (enum case_status)(1 + i % 4), owner,
				      queues[i % 5 == 0 ? 2 : i % 2]);
	}
	OK(store_commit(fx->st));
}

static bool matches(const struct case_ *c, const struct case_filter *f)
{
	if (f->status && c->status != f->status)
		return false;
	if (f->owner_id == -1 && c->owner_id != 0)
		return false;
	if (f->owner_id > 0 && c->owner_id != f->owner_id)
		return false;
	if (f->queue && strcmp(c->queue, f->queue) != 0)
		return false;
	if (f->customer_id && c->customer_id != f->customer_id)
		return false;
	return true;
}

/* page_through - read the whole list in pages of 7 and compare it with the
 * matching cases, newest first; returns how many there were. */
static size_t page_through(struct fx *fx, const struct case_world *w,
			   struct case_filter f)
{
	struct case_list page;
	size_t seen = 0;
	int i = N_CASES - 1;

	f.limit = 7;
	f.before_id = 0;
	for (;;) {
		OK(store_case_list(fx->st, &fx->ar, &f, &page));
		assert_true(page.n <= 7);
		for (size_t k = 0; k < page.n; k++) {
			while (i >= 0 && !matches(&w->cases[i], &f))
				i--;
			assert_true(i >= 0);
			assert_int_equal(page.items[k].id, w->cases[i].id);
			assert_string_equal(page.items[k].queue,
					    w->cases[i].queue);
			i--;
			seen++;
		}
		if (page.n < 7)
			break;
		f.before_id = page.items[page.n - 1].id;
	}
	while (i >= 0 && !matches(&w->cases[i], &f))
		i--;
	assert_true(i < 0); /* nothing missing */
	return seen;
}

static void test_case_list(void **state)
{
	struct fx *fx = *state;
	struct case_world w;
	struct case_list list;
	struct case_filter f = {.limit = 5};

	build_world(fx, &w);

	assert_int_equal(page_through(fx, &w, (struct case_filter){0}),
			 N_CASES);
	assert_int_equal(page_through(fx, &w, (struct case_filter){
						      .status = CASE_OPEN}),
			 8);
	assert_int_equal(page_through(fx, &w, (struct case_filter){
						      .owner_id = -1}),
			 10);
	assert_int_equal(page_through(fx, &w, (struct case_filter){
						      .owner_id = w.agent[1]}),
			 10);
	assert_int_equal(page_through(fx, &w, (struct case_filter){
						      .queue = "sales"}),
			 6);
	assert_int_equal(page_through(fx, &w, (struct case_filter){
						      .customer_id = w.cust[1]}),
			 15);
	page_through(fx, &w, (struct case_filter){.queue = "billing",
						   .status = CASE_NEW});
	page_through(fx, &w, (struct case_filter){.owner_id = -1,
						   .customer_id = w.cust[0],
						   .queue = "support"});
	page_through(fx, &w, (struct case_filter){.owner_id = w.agent[0],
						   .status = CASE_PENDING_CUSTOMER,
						   .queue = "billing",
						   .customer_id = w.cust[1]});
	assert_int_equal(page_through(fx, &w, (struct case_filter){
						      .queue = "nope"}),
			 0);

	/* The limit is exact; a cursor below every id gives nothing. */
	OK(store_case_list(fx->st, &fx->ar, &f, &list));
	assert_int_equal(list.n, 5);
	assert_int_equal(list.items[0].id, w.cases[N_CASES - 1].id);
	f.limit = 0;
	OK(store_case_list(fx->st, &fx->ar, &f, &list));
	assert_int_equal(list.n, 0);
	f.limit = 100;
	f.before_id = w.cases[0].id;
	OK(store_case_list(fx->st, &fx->ar, &f, &list));
	assert_int_equal(list.n, 0);
}

/* --- events and facts --------------------------------------------------- */

static void test_events(void **state)
{
	struct fx *fx = *state;
	int64_t cust = mk_customer(fx->st, "Alice");
	int64_t c1 = mk_case(fx->st, cust, CASE_NEW, 0, "support").id;
	int64_t c2 = mk_case(fx->st, cust, CASE_NEW, 0, "support").id;
	struct event ev[5], bad = {0};
	struct event_list list;

	ev[0] = mk_event(fx->st, c1, "hello", NULL);
	ev[1] = mk_event(fx->st, c1, "", "{\"to\":\"open\"}");
	mk_event(fx->st, c2, "other case", NULL);
	ev[2] = mk_event(fx->st, c1, "third", NULL);
	ev[3] = mk_event(fx->st, c1, "fourth", NULL);
	ev[4] = mk_event(fx->st, c1, "fifth", NULL);

	OK(store_event_list(fx->st, &fx->ar, c1, 0, 100, &list));
	assert_int_equal(list.n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(list.items[i].id, ev[i].id);
	assert_string_equal(list.items[0].type, "message");
	assert_string_equal(list.items[0].body, "hello");
	assert_null(list.items[0].data);
	assert_int_equal(list.items[0].author_kind, AUTHOR_CUSTOMER);
	assert_int_equal(list.items[0].author_id, 7);
	assert_int_equal(list.items[0].visibility, VIS_PUBLIC);
	assert_int_equal(list.items[0].created_at, 4000);
	assert_int_equal(list.items[0].case_id, c1);
	assert_string_equal(list.items[1].body, "");
	assert_string_equal(list.items[1].data, "{\"to\":\"open\"}");

	OK(store_event_list(fx->st, &fx->ar, c1, ev[1].id, 100, &list));
	assert_int_equal(list.n, 3);
	assert_int_equal(list.items[0].id, ev[2].id);
	OK(store_event_list(fx->st, &fx->ar, c1, ev[1].id, 2, &list));
	assert_int_equal(list.n, 2);
	assert_int_equal(list.items[1].id, ev[3].id);
	OK(store_event_list(fx->st, &fx->ar, c1, ev[4].id, 100, &list));
	assert_int_equal(list.n, 0);
	OK(store_event_list(fx->st, &fx->ar, c2, 0, 100, &list));
	assert_int_equal(list.n, 1);
	assert_string_equal(list.items[0].body, "other case");

	bad = ev[0];
	bad.case_id = 999;
	assert_int_equal(store_event_insert(fx->st, &bad), E_NOTFOUND);
}

/* raw_refused - run sql on a raw handle and expect a trigger's refusal. */
static void raw_refused(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_extended_errcode(db),
			 SQLITE_CONSTRAINT_TRIGGER);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
}

static void test_append_only(void **state)
{
	struct fx *fx = *state;
	int64_t cust = mk_customer(fx->st, "Alice");
	int64_t c = mk_case(fx->st, cust, CASE_NEW, 0, "support").id;
	sqlite3 *db;

	mk_event(fx->st, c, "hello", NULL);
	mk_fact(fx->st, c, "order", "\"A-1\"");
	db = raw_open(fx->path);
	raw_refused(db, "UPDATE events SET body = 'rewritten'");
	raw_refused(db, "DELETE FROM events");
	raw_refused(db, "UPDATE facts SET value = '\"B-2\"'");
	raw_refused(db, "DELETE FROM facts");
	sqlite3_close(db);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events"
				 " WHERE body = 'hello'"),
			 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM facts"), 1);
}

static void test_facts(void **state)
{
	struct fx *fx = *state;
	int64_t cust = mk_customer(fx->st, "Alice");
	int64_t c = mk_case(fx->st, cust, CASE_NEW, 0, "support").id;
	int64_t other = mk_case(fx->st, cust, CASE_NEW, 0, "support").id;
	int64_t ids[5];
	struct fact_list list;
	struct fact bad = {.case_id = 999, .key = "k", .value = "1",
			   .source = SRC_SYSTEM, .by_kind = AUTHOR_SYSTEM};

	ids[0] = mk_fact(fx->st, c, "order", "\"A-1\"");
	ids[1] = mk_fact(fx->st, c, "amount", "10");
	mk_fact(fx->st, other, "order", "\"Z-9\"");
	ids[2] = mk_fact(fx->st, c, "order", "\"A-2\"");
	ids[3] = mk_fact(fx->st, c, "vip", "true");
	ids[4] = mk_fact(fx->st, c, "amount", "12.5");

	OK(store_fact_list(fx->st, &fx->ar, c, true, &list));
	assert_int_equal(list.n, 3);
	assert_string_equal(list.items[0].key, "amount");
	assert_string_equal(list.items[0].value, "12.5");
	assert_int_equal(list.items[0].id, ids[4]);
	assert_string_equal(list.items[1].key, "order");
	assert_string_equal(list.items[1].value, "\"A-2\"");
	assert_string_equal(list.items[2].key, "vip");
	assert_int_equal(list.items[2].source, SRC_AGENT);
	assert_int_equal(list.items[2].by_kind, AUTHOR_AGENT);
	assert_int_equal(list.items[2].by_id, 3);
	assert_int_equal(list.items[2].created_at, 5000);
	assert_int_equal(list.items[2].case_id, c);

	OK(store_fact_list(fx->st, &fx->ar, c, false, &list));
	assert_int_equal(list.n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(list.items[i].id, ids[i]);
	assert_string_equal(list.items[0].value, "\"A-1\"");

	OK(store_fact_list(fx->st, &fx->ar, 999, true, &list));
	assert_int_equal(list.n, 0);
	assert_int_equal(store_fact_insert(fx->st, &bad), E_NOTFOUND);
}

/* --- transactions and handles ------------------------------------------- */

static int64_t n_customers(struct fx *fx)
{
	return raw_int(fx->path, "SELECT count(*) FROM customers");
}

static void test_savepoint(void **state)
{
	struct fx *fx = *state;
	int64_t a, b, c, found;
	struct customer got;

	OK(store_begin(fx->st));
	a = mk_customer(fx->st, "kept before");
	OK(store_savepoint(fx->st));
	b = mk_customer(fx->st, "rolled back");
	mk_ident(fx->st, b, IDENT_EMAIL, "b@example.com");
	OK(store_rollback_to(fx->st));
	OK(store_release(fx->st));
	OK(store_savepoint(fx->st));
	c = mk_customer(fx->st, "kept after");
	mk_ident(fx->st, c, IDENT_EMAIL, "b@example.com"); /* free again */
	OK(store_release(fx->st));
	assert_int_equal(n_customers(fx), 0); /* not committed yet */
	OK(store_commit(fx->st));

	assert_int_equal(n_customers(fx), 2);
	OK(store_customer_get(fx->st, &fx->ar, a, &got));
	OK(store_customer_get(fx->st, &fx->ar, c, &got));
	assert_string_equal(got.name, "kept after");
	OK(store_ident_find(fx->st, IDENT_EMAIL, "b@example.com", &found));
	assert_int_equal(found, c);
}

static void test_rollback(void **state)
{
	struct fx *fx = *state;

	OK(store_rollback(fx->st)); /* none open: nothing to do */
	OK(store_begin(fx->st));
	mk_customer(fx->st, "gone");
	OK(store_rollback(fx->st));
	assert_int_equal(n_customers(fx), 0);
	OK(store_begin(fx->st));
	mk_customer(fx->st, "kept");
	OK(store_commit(fx->st));
	assert_int_equal(n_customers(fx), 1);
}

static void test_second_handle(void **state)
{
	struct fx *fx = *state;
	struct store *reader = NULL;
	struct customer_query q = {.limit = 10};
	struct customer_list list;
	int64_t id;

	OK(store_open(fx->path, &reader));
	OK(store_migrate(reader, NULL));

	OK(store_begin(fx->st));
	id = mk_customer(fx->st, "Alice");
	/* WAL: the reader neither waits for the writer nor sees its work. */
	OK(store_customer_search(reader, &fx->ar, &q, &list));
	assert_int_equal(list.n, 0);
	OK(store_commit(fx->st));

	OK(store_customer_search(reader, &fx->ar, &q, &list));
	assert_int_equal(list.n, 1);
	assert_int_equal(list.items[0].id, id);
	assert_string_equal(list.items[0].name, "Alice");
	store_close(reader);
}

struct thread_arg {
	const char *path;
	int writes;      /* writer: transactions to commit */
	int failures;    /* set by the thread, checked by the main thread */
	atomic_int *done;
};

enum { TXN = 5 };

/* writer - commits arg->writes transactions of TXN cases each. */
static void *writer(void *p)
{
	struct thread_arg *arg = p;
	struct store *st = NULL;
	struct customer cu = {.name = "Alice"};
	struct case_ c = {.subject = "s", .status = CASE_NEW,
			  .priority = PRIO_LOW, .queue = "support"};

	if (store_open(arg->path, &st) != E_OK)
		goto fail;
	if (store_begin(st) || store_customer_insert(st, &cu) ||
	    store_commit(st))
		goto fail;
	c.customer_id = cu.id;
	for (int i = 0; i < arg->writes; i++) {
		if (store_begin(st) != E_OK)
			goto fail;
		for (int k = 0; k < TXN; k++)
			if (store_case_insert(st, &c) != E_OK)
				goto fail;
		if (store_commit(st) != E_OK)
			goto fail;
	}
	goto out;
fail:
	arg->failures++;
out:
	store_close(st);
	atomic_store(arg->done, 1);
	return NULL;
}

/* reader - lists cases until the writer is done: counts never go down and
 * are always whole transactions. */
static void *reader(void *p)
{
	struct thread_arg *arg = p;
	struct case_filter f = {.limit = 100000};
	struct case_list list;
	struct store *st = NULL;
	struct arena ar;
	size_t last = 0;
	int done;

	arena_init(&ar, 4096);
	if (store_open(arg->path, &st) != E_OK) {
		arg->failures++;
		goto out;
	}
	do {
		done = atomic_load(arg->done);
		if (store_case_list(st, &ar, &f, &list) != E_OK ||
		    list.n < last || list.n % TXN != 0)
			arg->failures++;
		last = list.n;
		arena_reset(&ar);
	} while (!done);
out:
	store_close(st);
	arena_release(&ar);
	return NULL;
}

static void test_threads(void **state)
{
	struct fx *fx = *state;
	atomic_int done = 0;
	struct thread_arg w = {.path = fx->path, .writes = 40, .done = &done};
	struct thread_arg r[3];
	pthread_t tw, tr[3];
	struct case_filter f = {.limit = 1000};
	struct case_list list;

	for (int i = 0; i < 3; i++) {
		r[i] = (struct thread_arg){.path = fx->path, .done = &done};
		assert_int_equal(pthread_create(&tr[i], NULL, reader, &r[i]),
				 0);
	}
	assert_int_equal(pthread_create(&tw, NULL, writer, &w), 0);
	pthread_join(tw, NULL);
	for (int i = 0; i < 3; i++) {
		pthread_join(tr[i], NULL);
		assert_int_equal(r[i].failures, 0);
	}
	assert_int_equal(w.failures, 0);
	OK(store_case_list(fx->st, &fx->ar, &f, &list));
	assert_int_equal(list.n, 40 * TXN);
}

/* --- fault injection ---------------------------------------------------- */

static void test_fail_nth(void **state)
{
	struct fx *fx = *state;
	uint64_t errors = store_errors();
	int64_t n;

	store_fail_nth(1);
	assert_int_equal(store_agent_count(fx->st, &n), E_IO);
	assert_int_equal(store_errors(), errors + 1);
	OK(store_agent_count(fx->st, &n));

	store_fail_nth(3);
	OK(store_agent_count(fx->st, &n));
	OK(store_agent_count(fx->st, &n));
	assert_int_equal(store_agent_count(fx->st, &n), E_IO);
	OK(store_agent_count(fx->st, &n));
	assert_int_equal(store_errors(), errors + 2);
}

/* unit_of_work - what opening a case from a new contact writes: every
 * store call can fail, and a failure rolls everything back. */
static enum err unit_of_work(struct store *st)
{
	struct customer cu = {.name = "Alice", .created_at = 1, .updated_at = 1};
	struct ident id = {.kind = IDENT_EMAIL, .value = "alice@example.com",
			   .display = "Alice@Example.com"};
	struct case_ c = {.subject = "hi", .status = CASE_NEW,
			  .priority = PRIO_NORMAL, .queue = "support"};
	struct event ev = {.type = "message", .author_kind = AUTHOR_CUSTOMER,
			   .visibility = VIS_PUBLIC, .body = "hello"};
	struct fact f = {.key = "channel", .value = "\"email\"",
			 .source = SRC_CHANNEL, .by_kind = AUTHOR_SYSTEM};
	enum err e;

	if ((e = store_begin(st)) != E_OK)
		goto out;
	if ((e = store_customer_insert(st, &cu)) != E_OK ||
	    (e = store_ident_insert(st, cu.id, &id)) != E_OK)
		goto fail;
	c.customer_id = cu.id;
	if ((e = store_case_insert(st, &c)) != E_OK)
		goto fail;
	ev.case_id = f.case_id = c.id;
	if ((e = store_event_insert(st, &ev)) != E_OK ||
	    (e = store_fact_insert(st, &f)) != E_OK ||
	    (e = store_commit(st)) != E_OK)
		goto fail;
	goto out;
fail:
	store_rollback(st);
out:
	return e;
}

static int64_t n_rows(struct fx *fx)
{
	return raw_int(fx->path,
		       "SELECT (SELECT count(*) FROM customers)"
		       " + (SELECT count(*) FROM customer_identifiers)"
		       " + (SELECT count(*) FROM cases)"
		       " + (SELECT count(*) FROM events)"
		       " + (SELECT count(*) FROM facts)");
}

static void test_fault_sweep(void **state)
{
	struct fx *fx = *state;
	enum err e = E_IO;
	int failed = 0;

	for (long n = 1; n < 20 && e != E_OK; n++) {
		store_fail_nth(n);
		e = unit_of_work(fx->st);
		store_fail_nth(0);
		if (e != E_OK) {
			assert_int_equal(e, E_IO);
			assert_int_equal(n_rows(fx), 0);
			failed++;
		}
	}
	assert_int_equal(e, E_OK);
	assert_int_equal(failed, 7); /* each of the seven calls in turn */
	assert_int_equal(n_rows(fx), 5);
}

/* --- query plans -------------------------------------------------------- */

/* plan - the EXPLAIN QUERY PLAN lines of sql, joined by '|'. */
static void plan(sqlite3 *db, const char *sql, char *out, size_t size)
{
	char q[2200];
	sqlite3_stmt *s = NULL;
	size_t len = 0;

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(s) == SQLITE_ROW && len < size)
		len += (size_t)snprintf(out + len, size - len, "%s|",
					(const char *)sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
}

/* Every case-list variant is an index range walked in id order (no sort,
 * no full scan); an identifier-only search looks its prefixes up in the
 * UNIQUE index. */
/* The outbox: due messages oldest first, not before their next_at; an
 * update moves them out of the due set and keeps the error. */
static void test_outbox(void **state)
{
	struct fx *fx = *state;
	struct outbox_msg m[3] = {
		{.kind = "transcript", .to_addr = "a@example.com", .subject = "s1",
		 .body = "b1", .created_at = 10, .next_at = 0},
		{.kind = "transcript", .to_addr = "b@example.com", .subject = "s2",
		 .body = "b2", .created_at = 11, .next_at = 500},
		{.kind = "agent_replied", .to_addr = "c@example.com", .subject = "s3",
		 .body = "b3", .created_at = 12, .next_at = 100},
	};
	struct outbox_list l;
	struct outbox_msg got;

	for (int i = 0; i < 3; i++)
		OK(store_outbox_insert(fx->st, &m[i]));
	OK(store_outbox_due(fx->st, &fx->ar, 200, 10, &l));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, m[0].id);
	assert_int_equal(l.items[1].id, m[2].id);
	assert_string_equal(l.items[1].body, "b3");
	assert_int_equal(l.items[1].state, OUTBOX_PENDING);
	OK(store_outbox_due(fx->st, &fx->ar, 200, 1, &l));
	assert_int_equal(l.n, 1);

	m[0].state = OUTBOX_SENT;
	m[0].attempts = 1;
	m[0].sent_at = 150;
	OK(store_outbox_update(fx->st, &m[0]));
	m[2].attempts = 1;
	m[2].next_at = 1000;
	m[2].last_error = "connection refused";
	OK(store_outbox_update(fx->st, &m[2]));
	OK(store_outbox_due(fx->st, &fx->ar, 600, 10, &l));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, m[1].id);
	OK(store_outbox_get(fx->st, &fx->ar, m[2].id, &got));
	assert_string_equal(got.last_error, "connection refused");
	assert_int_equal(got.attempts, 1);
	assert_int_equal(got.sent_at, 0);
	OK(store_outbox_get(fx->st, &fx->ar, m[0].id, &got));
	assert_int_equal(got.state, OUTBOX_SENT);
	assert_int_equal(got.sent_at, 150);
	assert_null(got.last_error);
	assert_int_equal(store_outbox_get(fx->st, &fx->ar, 999, &got), E_NOTFOUND);
	got.id = 999;
	assert_int_equal(store_outbox_update(fx->st, &got), E_NOTFOUND);
}

static void test_query_plans(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = raw_open(fx->path);
	char sql[2048], p[2048];

	for (unsigned v = 0; v < SQ_CASE_VARIANTS; v++) {
		if ((v & SQ_CASE_BY_OWNER) && (v & SQ_CASE_UNASSIGNED))
			continue;
		sq__case_list_sql(v, sql, sizeof(sql));
		plan(db, sql, p, sizeof(p));
		if (!strstr(p, "SEARCH cases USING") ||
		    strstr(p, "TEMP B-TREE"))
			fail_msg("case list variant %u: %s", v, p);
	}
	sq__case_list_sql(SQ_CASE_BY_STATUS | SQ_CASE_BY_QUEUE, sql, sizeof(sql));
	plan(db, sql, p, sizeof(p));
	assert_non_null(strstr(p, "cases_queue_status"));
	sq__case_list_sql(SQ_CASE_BY_STATUS | SQ_CASE_UNASSIGNED, sql,
			  sizeof(sql));
	plan(db, sql, p, sizeof(p));
	assert_non_null(strstr(p, "cases_owner_status"));
	for (size_t n = 1; n <= SQ_SEARCH_MAX_VALUES; n++) {
		sq__customer_search_sql(false, n, sql, sizeof(sql));
		plan(db, sql, p, sizeof(p));
		if (!strstr(p, "customer_identifiers USING INDEX") ||
		    strstr(p, "SCAN customer_identifiers"))
			fail_msg("search with %zu prefixes: %s", n, p);
	}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_migrate_idempotent),
		T(test_migrate_upgrades),
		T(test_migrate_refuses_newer),
		T(test_open_settings),
		T(test_agents),
		T(test_tokens),
		T(test_customers_idents),
		T(test_customer_search_name),
		T(test_customer_search_ident),
		T(test_case_crud),
		T(test_case_list),
		T(test_events),
		T(test_append_only),
		T(test_facts),
		T(test_savepoint),
		T(test_rollback),
		T(test_second_handle),
		T(test_threads),
		T(test_fail_nth),
		T(test_fault_sweep),
		T(test_query_plans),
		T(test_outbox),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
