/*
 * internal.h - what the files of the SQLite backend share.
 *
 * The backend is split by resource: store_sqlite.c (handle, pragmas,
 * transactions, statement cache, error mapping, the ops table),
 * store_sqlite_schema.c (migrations), store_sqlite_agents.c (agents,
 * tokens), store_sqlite_customers.c (customers, identifiers, search),
 * store_sqlite_cases.c (cases), store_sqlite_timeline.c (events, facts) and
 * store_sqlite_chat.c (queues, sites, contacts, saved replies),
 * store_sqlite_outbox.c (email to send).
 *
 * Statements: each handle caches its prepared statements in an array indexed
 * by enum sq_stmt, prepared on first use and reset after each use.  The SQL
 * text sits next to the code that runs it; the enum only names the slot.
 * Every value reaches SQLite through a bound parameter; SQL text is only
 * ever built from constant fragments (case_list, customer_search).
 *
 * Names: sq_ for types, sq__ for functions shared between these files.
 */
#ifndef HEED_STORE_INTERNAL_H
#define HEED_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

/* case_list: one cached variant per combination of filters (see
 * store_sqlite_cases.c). */
enum {
	SQ_CASE_BY_STATUS = 1,
	SQ_CASE_BY_OWNER = 2,      /* owner_id = ? */
	SQ_CASE_UNASSIGNED = 4,    /* owner_id IS NULL */
	SQ_CASE_BY_QUEUE = 8,
	SQ_CASE_BY_CUSTOMER = 16,
	SQ_CASE_VARIANTS = 32
};

/* customer_search: at most this many identifier prefixes per query; one
 * cached variant per (with/without name, number of prefixes). */
#define SQ_SEARCH_MAX_VALUES 8
#define SQ_SEARCH_VARIANTS (2 * (SQ_SEARCH_MAX_VALUES + 1))

enum sq_stmt {
	SQ_BEGIN,
	SQ_BEGIN_READ,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_USER_VERSION,

	SQ_AGENT_INSERT,
	SQ_AGENT_UPDATE,
	SQ_AGENT_GET,
	SQ_AGENT_BY_EMAIL,
	SQ_AGENT_LIST,
	SQ_AGENT_COUNT,
	SQ_TOKEN_INSERT,
	SQ_TOKEN_BY_HASH,
	SQ_TOKEN_REVOKE,

	SQ_CUSTOMER_INSERT,
	SQ_CUSTOMER_UPDATE,
	SQ_CUSTOMER_GET,
	SQ_CUSTOMER_SEARCH,
	SQ_CUSTOMER_SEARCH_LAST = SQ_CUSTOMER_SEARCH + SQ_SEARCH_VARIANTS - 1,
	SQ_IDENT_LIST,
	SQ_IDENT_INSERT,
	SQ_IDENT_DELETE_ALL,
	SQ_IDENT_FIND,

	SQ_CASE_INSERT,
	SQ_CASE_UPDATE,
	SQ_CASE_GET,
	SQ_CASE_LIST,
	SQ_CASE_LIST_LAST = SQ_CASE_LIST + SQ_CASE_VARIANTS - 1,

	SQ_EVENT_INSERT,
	SQ_EVENT_LIST,
	SQ_EVENT_LAST_ID,
	SQ_EVENT_MAX_ID,
	SQ_FACT_INSERT,
	SQ_FACT_CURRENT,
	SQ_FACT_HISTORY,

	SQ_QUEUE_PUT,
	SQ_QUEUE_LIST,
	SQ_SITE_INSERT,
	SQ_SITE_UPDATE,
	SQ_SITE_GET,
	SQ_SITE_BY_KEY,
	SQ_SITE_LIST,
	SQ_CONTACT_INSERT,
	SQ_CONTACT_UPDATE,
	SQ_CONTACT_GET,
	SQ_CONTACT_BY_TOKEN,
	SQ_CONTACT_LIVE,
	SQ_CONTACT_LIVE_ON_CASE,
	SQ_CONTACT_ENDED,
	SQ_REPLY_INSERT,
	SQ_REPLY_GET,
	SQ_REPLY_DELETE,
	SQ_REPLY_LIST,
	SQ_OUTBOX_INSERT,
	SQ_OUTBOX_DUE,
	SQ_OUTBOX_GET,
	SQ_OUTBOX_UPDATE,
	SQ_SETTING_PUT,
	SQ_SETTING_GET,
	SQ_SETTING_LIST,
	SQ_SETTING_DELETE,
	SQ_CASE_BY_STATUS_HASH,
	SQ_CASE_OPEN_OF,
	SQ_PROMISE_INSERT,
	SQ_PROMISE_UPDATE,
	SQ_PROMISE_GET,
	SQ_PROMISE_LIST,
	SQ_PROMISE_KEPT_MS,
	SQ_SLA_CLOCK_PUT,
	SQ_SLA_CLOCK_GET,
	SQ_SLA_CLOCK_LIST,
	SQ_TIMER_INSERT,
	SQ_TIMER_DUE,
	SQ_TIMER_FIRE,
	SQ_TIMER_REARM,
	SQ_ALERT_INSERT,
	SQ_ALERT_LIST,
	SQ_ALERT_LIST_LAST = SQ_ALERT_LIST + 7,
	SQ_ALERT_ACK,
	SQ_ALERT_GET,
	SQ_FOLLOWUP_GET,
	SQ_FOLLOWUP_PUT,
	SQ_FOLLOWUP_LAST_SENT,
	/* never ask twice */
	SQ_EVENT_RECENT,
	SQ_VERIFICATION_INSERT,
	SQ_VERIFICATION_LIST,
	SQ_EFFORT_INSERT,
	SQ_EFFORT_LIST,
	SQ_FLOW_INSERT,
	SQ_FLOW_GET,
	SQ_FLOW_LIST,
	SQ_FLOW_VERSIONS,
	SQ_FLOW_RUN_INSERT,
	SQ_FLOW_RUN_UPDATE,
	SQ_FLOW_RUN_GET,
	SQ_FLOW_RUN_LIST,
	/* resolution powers (store_sqlite_actions.c) */
	SQ_ACTION_INSERT,
	SQ_ACTION_UPDATE,
	SQ_ACTION_GET,
	SQ_ACTION_LIST_CASE,
	SQ_ACTION_LIST_STATE,
	SQ_ACTION_USAGE,
	SQ_HOOK_INSERT,
	SQ_HOOK_UPDATE,
	SQ_HOOK_GET,
	SQ_HOOK_DUE,

	/* customer records (issue 5): store_sqlite_custrec.c */
	SQ_CHANGE_INSERT,
	SQ_CHANGE_LIST,
	SQ_MERGE_CASES,
	SQ_MERGE_CONTACTS,
	SQ_MERGE_FOLLOWUPS,
	SQ_MERGE_ACTIONS,
	SQ_MERGE_IDENTS,
	SQ_MERGE_REPOINT,
	SQ_MERGE_MARK,
	SQ_MERGE_EXISTS,
	SQ_CONTACT_LIVE_OF_CUSTOMER,
	SQ_WORDS_DELETE,
	SQ_WORD_INSERT,
	SQ_WORD_ID,
	SQ_WORD_GRAM_INSERT,
	SQ_CUSTOMER_WORD_INSERT,
	SQ_CUSTOMER_INDEXED,
	SQ_WORDS_BY_GRAMS,
	SQ_WORDS_BY_PREFIX,
	SQ_CUSTOMERS_BY_WORDS,
	SQ_CUSTOMERS_BY_CORE,
	SQ_CUSTOMERS_UNINDEXED,

	SQ__COUNT
};

/* One open database.  `base` must stay first: store.h hands out the
 * address of the whole struct as a `struct store *`. */
struct sq_store {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *stmt[SQ__COUNT];
};

static inline struct sq_store *sq__from(struct store *st)
{
	return (struct sq_store *)st;
}

/* --- store_sqlite.c: statements, binding, errors ------------------------ */

/* sq__stmt - the cached statement in slot id, prepared from sql the first
 * time.  On failure logs, sets *out to NULL and returns the mapped error. */
enum err sq__stmt(struct sq_store *st, enum sq_stmt id, const char *sql,
		  sqlite3_stmt **out);
/* sq__done - reset s and clear its bindings, so that no pointer bound with
 * SQLITE_STATIC outlives the call.  NULL is ignored. */
void sq__done(sqlite3_stmt *s);
/* sq__fail - map an SQLite result code to an enum err; E_IO (and E_NOMEM)
 * are logged with the message of the handle and `what`. */
enum err sq__fail(struct sq_store *st, int rc, const char *what);

/* Binders: *rc collects the first failure; once set, later binds are
 * skipped, so a run of binds is checked once (by sq__run or sq__row).
 * Text and blobs are bound SQLITE_STATIC: they must outlive the step. */
void sq__bind_i64(sqlite3_stmt *s, int i, int64_t v, int *rc);
/* sq__bind_id - like sq__bind_i64, but 0 ("none") is stored as NULL. */
void sq__bind_id(sqlite3_stmt *s, int i, int64_t v, int *rc);
/* sq__bind_text - NUL-terminated text; NULL is stored as NULL. */
void sq__bind_text(sqlite3_stmt *s, int i, const char *v, int *rc);
void sq__bind_blob(sqlite3_stmt *s, int i, const void *p, size_t n, int *rc);
/* sq__bind_limit - a size_t row count, clamped to INT64_MAX. */
void sq__bind_limit(sqlite3_stmt *s, int i, size_t n, int *rc);

/* sq__run - step a statement that returns no rows (after binds that left
 * bind_rc).  The caller still calls sq__done. */
enum err sq__run(struct sq_store *st, sqlite3_stmt *s, int bind_rc,
		 const char *what);
/* sq__row - step a statement expected to return one row: E_OK with the row
 * ready to read, E_NOTFOUND when there is none, or the mapped error. */
enum err sq__row(struct sq_store *st, sqlite3_stmt *s, int bind_rc,
		 const char *what);

/* sq__col_text - column i copied into the arena; SQL NULL gives NULL. */
enum err sq__col_text(struct arena *ar, sqlite3_stmt *s, int i, char **out);

/* sq_read_fn - fill *item (zeroed) from the current row of s. */
typedef enum err (*sq_read_fn)(struct arena *ar, sqlite3_stmt *s, void *item);

/* sq_bind_fn - bind the fields of *item to s (accumulating into *rc). */
typedef void (*sq_bind_fn)(sqlite3_stmt *s, const void *item, int *rc);

/* sq__insert - prepare sql, bind item with bind, run it; *new_id gets the
 * new rowid. */
enum err sq__insert(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		    sq_bind_fn bind, const void *item, const char *what, int64_t *new_id);
/* sq__upsert - the same for an INSERT ... ON CONFLICT DO UPDATE ...
 * RETURNING id: *id is the row's id, new or kept. */
enum err sq__upsert(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		    sq_bind_fn bind, const void *item, const char *what, int64_t *id);
/* sq__update - the same, with the row's id bound to parameter id_param;
 * E_NOTFOUND when no row has that id. */
enum err sq__update(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		    sq_bind_fn bind, const void *item, int id_param, int64_t id,
		    const char *what);

/* sq__one_by_id - the one row that sql (binding ?1 to id) returns, read
 * with read into out (zeroed first, `size` bytes); E_NOTFOUND if none. */
enum err sq__one_by_id(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		       int64_t id, struct arena *ar, size_t size, sq_read_fn read,
		       const char *what, void *out);

/* sq__list_by_id - every row that sql (binding ?1 to id) returns, read
 * with read into *items (n of them, `size` bytes each, in ar). */
enum err sq__list_by_id(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
			int64_t id, struct arena *ar, size_t size, sq_read_fn read,
			const char *what, void **items, size_t *n);

/* sq__i64_by_id - the first column of the one row that sql (binding ?1
 * to id) returns; E_NOTFOUND if none. */
enum err sq__i64_by_id(struct sq_store *st, enum sq_stmt id_stmt, const char *sql,
		       int64_t id, const char *what, int64_t *out);

/* sq__collect - step s to the end, reading each row with read into an
 * array of exactly n items of `size` bytes allocated in ar (NULL when n is
 * 0).  bind_rc is checked first.  The caller still calls sq__done. */
enum err sq__collect(struct sq_store *st, sqlite3_stmt *s, int bind_rc,
		     struct arena *ar, size_t size, sq_read_fn read,
		     const char *what, void **items, size_t *n);

/* --- per-resource operations (the ops table is in store_sqlite.c) ------- */

enum err sq__migrate(struct store *st, int *version_out);

enum err sq__agent_insert(struct store *st, struct agent *a);
enum err sq__agent_update(struct store *st, const struct agent *a);
enum err sq__agent_get(struct store *st, struct arena *ar, int64_t id,
		       struct agent *out);
enum err sq__agent_by_email(struct store *st, struct arena *ar,
			    const char *email, struct agent *out);
enum err sq__agent_list(struct store *st, struct arena *ar,
			struct agent_list *out);
enum err sq__agent_count(struct store *st, int64_t *n);
enum err sq__token_insert(struct store *st, struct token *t);
enum err sq__token_by_hash(struct store *st, const unsigned char hash[32],
			   struct token *out);
enum err sq__token_revoke(struct store *st, int64_t id, int64_t at);

enum err sq__customer_insert(struct store *st, struct customer *c);
enum err sq__customer_update(struct store *st, const struct customer *c);
enum err sq__customer_get(struct store *st, struct arena *ar, int64_t id,
			  struct customer *out);
enum err sq__customer_search(struct store *st, struct arena *ar,
			     const struct customer_query *q,
			     struct customer_list *out);
enum err sq__ident_insert(struct store *st, int64_t customer_id,
			  const struct ident *id);
enum err sq__ident_delete_all(struct store *st, int64_t customer_id);
enum err sq__ident_find(struct store *st, enum ident_kind kind,
			const char *value, int64_t *customer_id);

enum err sq__case_insert(struct store *st, struct case_ *c);
enum err sq__case_update(struct store *st, const struct case_ *c);
enum err sq__case_open_of(struct store *st, struct arena *ar, int64_t customer_id,
			  size_t limit, struct case_list *out);
enum err sq__case_get(struct store *st, struct arena *ar, int64_t id,
		      struct case_ *out);
enum err sq__case_list(struct store *st, struct arena *ar,
		       const struct case_filter *f, struct case_list *out);

enum err sq__event_insert(struct store *st, struct event *e);
enum err sq__event_list(struct store *st, struct arena *ar, int64_t case_id,
			int64_t after_id, size_t limit, struct event_list *out);
enum err sq__event_last_id(struct store *st, int64_t case_id, int64_t *id);
enum err sq__fact_insert(struct store *st, struct fact *f);
enum err sq__fact_list(struct store *st, struct arena *ar, int64_t case_id,
		       bool current_only, struct fact_list *out);

/* store_sqlite_chat.c */
enum err sq__queue_put(struct store *st, const struct queue_def *q);
enum err sq__queue_list(struct store *st, struct arena *ar, struct queue_list *out);
enum err sq__site_insert(struct store *st, struct site *s);
enum err sq__site_update(struct store *st, const struct site *s);
enum err sq__site_get(struct store *st, struct arena *ar, int64_t id, struct site *out);
enum err sq__site_by_key(struct store *st, struct arena *ar, const char *key, struct site *out);
enum err sq__site_list(struct store *st, struct arena *ar, struct site_list *out);
enum err sq__contact_insert(struct store *st, struct contact *c);
enum err sq__contact_update(struct store *st, const struct contact *c);
enum err sq__contact_get(struct store *st, struct arena *ar, int64_t id, struct contact *out);
enum err sq__contact_by_token(struct store *st, struct arena *ar, const unsigned char hash[32], struct contact *out);
enum err sq__contact_live_on_case(struct store *st, int64_t case_id, bool *yes);
enum err sq__contact_list_live(struct store *st, struct arena *ar, struct contact_list *out);
enum err sq__contact_list_ended(struct store *st, struct arena *ar, int64_t since_ms, size_t limit, struct contact_list *out);
enum err sq__reply_insert(struct store *st, struct saved_reply *r);
enum err sq__reply_get(struct store *st, struct arena *ar, int64_t id, struct saved_reply *out);
enum err sq__reply_delete(struct store *st, int64_t id);
enum err sq__reply_list(struct store *st, struct arena *ar, int64_t owner_id, struct reply_list *out);
enum err sq__outbox_insert(struct store *st, struct outbox_msg *m);
enum err sq__outbox_due(struct store *st, struct arena *ar, int64_t now,
			size_t limit, struct outbox_list *out);
enum err sq__outbox_get(struct store *st, struct arena *ar, int64_t id,
			struct outbox_msg *out);
enum err sq__outbox_update(struct store *st, const struct outbox_msg *m);
enum err sq__setting_put(struct store *st, const struct setting *s);
enum err sq__setting_get(struct store *st, struct arena *ar, const char *key, struct setting *out);
enum err sq__setting_list(struct store *st, struct arena *ar, const char *prefix, struct setting_list *out);
enum err sq__setting_delete(struct store *st, const char *key);
enum err sq__case_by_status_hash(struct store *st, struct arena *ar, const unsigned char hash[32], struct case_ *out);
enum err sq__promise_insert(struct store *st, struct promise *p);
enum err sq__promise_update(struct store *st, const struct promise *p);
enum err sq__promise_get(struct store *st, struct arena *ar, int64_t id, struct promise *out);
enum err sq__promise_list(struct store *st, struct arena *ar, int64_t case_id, struct promise_list *out);
enum err sq__promise_kept_ms(struct store *st, const char *queue, const char *kind, size_t limit, int64_t *out, size_t *n);
enum err sq__sla_clock_put(struct store *st, struct sla_clock *c);
enum err sq__sla_clock_get(struct store *st, struct arena *ar, int64_t id, struct sla_clock *out);
enum err sq__sla_clock_list(struct store *st, struct arena *ar, int64_t case_id, struct sla_clock_list *out);
enum err sq__timer_insert(struct store *st, struct timer *t);
enum err sq__timer_due(struct store *st, struct arena *ar, int64_t now, size_t limit, struct timer_list *out);
enum err sq__timer_fire(struct store *st, int64_t id, int64_t due_at, int64_t at);
enum err sq__timer_rearm(struct store *st, struct timer *t);
enum err sq__alert_insert(struct store *st, struct alert *a);
enum err sq__alert_list(struct store *st, struct arena *ar, const struct alert_filter *f, struct alert_list *out);
enum err sq__alert_get(struct store *st, struct arena *ar, int64_t id, struct alert *out);
enum err sq__alert_ack(struct store *st, int64_t id, int64_t by, int64_t at);
enum err sq__followup_get(struct store *st, struct arena *ar, int64_t case_id, struct followup *out);
enum err sq__followup_put(struct store *st, struct followup *f);
enum err sq__followup_last_sent(struct store *st, int64_t customer_id, int64_t *at);
enum err sq__event_recent(struct store *st, struct arena *ar, int64_t case_id, const char *type, size_t limit, struct event_list *out);
enum err sq__verification_insert(struct store *st, struct verification *v);
enum err sq__verification_list(struct store *st, struct arena *ar, int64_t case_id, struct verification_list *out);
enum err sq__effort_insert(struct store *st, struct effort *x);
enum err sq__effort_list(struct store *st, struct arena *ar, int64_t case_id, struct effort_list *out);
enum err sq__flow_insert(struct store *st, struct flow *x);
enum err sq__flow_get(struct store *st, struct arena *ar, const char *key, int64_t version, struct flow *out);
enum err sq__flow_list(struct store *st, struct arena *ar, const char *key, struct flow_list *out);
enum err sq__flow_run_insert(struct store *st, struct flow_run *x);
enum err sq__flow_run_update(struct store *st, const struct flow_run *x);
enum err sq__flow_run_get(struct store *st, struct arena *ar, int64_t id, struct flow_run *out);
enum err sq__flow_run_list(struct store *st, struct arena *ar, int64_t case_id, struct flow_run_list *out);

/* store_sqlite_actions.c - resolution powers */
enum err sq__action_insert(struct store *st, struct action *a);
enum err sq__action_update(struct store *st, const struct action *a);
enum err sq__action_get(struct store *st, struct arena *ar, int64_t id, struct action *out);
enum err sq__action_list_case(struct store *st, struct arena *ar, int64_t case_id,
			      struct action_list *out);
enum err sq__action_list_state(struct store *st, struct arena *ar, enum action_state state,
			       int64_t before_id, size_t limit, struct action_list *out);
enum err sq__action_usage(struct store *st, const char *kind, const char *currency,
			  int64_t case_id, int64_t customer_id, int64_t since,
			  int64_t exclude_id, int64_t *case_sum, int64_t *month_sum);
enum err sq__hook_insert(struct store *st, struct hook_delivery *d);
enum err sq__hook_update(struct store *st, const struct hook_delivery *d);
enum err sq__hook_get(struct store *st, struct arena *ar, int64_t id,
		      struct hook_delivery *out);
enum err sq__hook_due(struct store *st, struct arena *ar, int64_t now, size_t limit,
		      struct hook_list *out);

/* customer records (issue 5): store_sqlite_custrec.c */
enum err sq__customer_change_insert(struct store *st, struct customer_change *c);
enum err sq__customer_change_list(struct store *st, struct arena *ar, int64_t customer_id,
				  int64_t before_id, size_t limit, struct customer_change_list *out);
enum err sq__customer_merge_move(struct store *st, int64_t from_id, int64_t into_id,
				 int64_t at, struct merge_counts *out);
enum err sq__contact_live_of_customer(struct store *st, int64_t customer_id, bool *yes);
enum err sq__customer_words_put(struct store *st, int64_t customer_id,
				const struct name_word_in *words, size_t n);
enum err sq__name_words_by_grams(struct store *st, struct arena *ar, const int64_t *grams,
				 size_t n, size_t limit, struct name_word_list *out);
enum err sq__name_words_by_prefix(struct store *st, struct arena *ar, const char *prefix,
				  size_t limit, struct name_word_list *out);
enum err sq__customers_by_words(struct store *st, struct arena *ar, const int64_t *word_ids,
				const unsigned *groups, size_t n, unsigned n_groups,
				size_t limit, struct customer_list *out);
enum err sq__customers_by_account_core(struct store *st, struct arena *ar, const char *core,
				       size_t limit, struct customer_list *out);
enum err sq__customers_unindexed(struct store *st, struct arena *ar, size_t limit,
				 struct customer_list *out);
/* sq__customer_read - an sq_read_fn for SQ_CUSTOMER_COLS (no identifiers);
 * sq__customer_idents - fill c->idents (store_sqlite_customers.c). */
#define SQ_CUSTOMER_COLS "id, name, created_at, updated_at, coalesce(merged_into, 0), merged_at"
enum err sq__customer_read(struct arena *ar, sqlite3_stmt *s, void *item);
enum err sq__customer_idents(struct sq_store *st, struct arena *ar, struct customer *c);

/* --- SQL text of the composed statements, exposed for the plan tests ---- */

/* sq__case_list_sql - the SQL for a case_list variant (SQ_CASE_* bits). */
void sq__case_list_sql(unsigned variant, char *sql, size_t size);
/* sq__customer_search_sql - the SQL for a search with or without a name
 * clause and n identifier prefixes (n <= SQ_SEARCH_MAX_VALUES). */
void sq__customer_search_sql(bool name, size_t n, char *sql, size_t size);

#endif
