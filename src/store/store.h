/*
 * store.h - the storage interface: one ops table per backend, thin wrappers.
 *
 * The domain sees only the store_* functions below; it never sees SQL or a
 * backend type.  A backend (store_sqlite.c today, store_pg.c later) fills a
 * `const struct store_ops` with designated initializers.  Every call goes
 * through a wrapper in store.c, the one place for error counting, tracing and
 * fault injection (store_fail_nth for tests).
 *
 * Contracts shared by every operation:
 *  - A handle is used by one thread at a time.  Writers open their own
 *    handle; each HTTP worker thread has a read handle.
 *  - Writes happen inside store_begin()/store_commit(); the store never
 *    commits behind the caller's back.  A savepoint lets one unit of work in
 *    a batch fail without undoing the others (group commit).
 *  - Results are allocated in the arena given; nothing needs freeing.
 *  - Inserts set the record's id.  A uniqueness clash is E_CONFLICT, a missing
 *    row E_NOTFOUND, anything else from the backend E_IO (and is logged).
 */
#ifndef HEED_STORE_H
#define HEED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/model.h"

struct store;

struct agent_list { struct agent *items; size_t n; };
struct customer_list { struct customer *items; size_t n; };
struct case_list { struct case_ *items; size_t n; };
struct event_list { struct event *items; size_t n; };
struct fact_list { struct fact *items; size_t n; };
struct verification_list { struct verification *items; size_t n; };
struct effort_list { struct effort *items; size_t n; };
struct flow_list { struct flow *items; size_t n; };
struct flow_run_list { struct flow_run *items; size_t n; };
struct queue_list { struct queue_def *items; size_t n; };
struct site_list { struct site *items; size_t n; };
struct contact_list { struct contact *items; size_t n; };
struct reply_list { struct saved_reply *items; size_t n; };
struct outbox_list { struct outbox_msg *items; size_t n; };
struct setting_list { struct setting *items; size_t n; };
struct promise_list { struct promise *items; size_t n; };
struct sla_clock_list { struct sla_clock *items; size_t n; };
struct timer_list { struct timer *items; size_t n; };
struct alert_list { struct alert *items; size_t n; };
/* resolution powers */
struct action_list { struct action *items; size_t n; };
struct hook_list { struct hook_delivery *items; size_t n; };

/* --- customer records (issue 5): history, merge, name index --- */
struct customer_change_list { struct customer_change *items; size_t n; };
/* What a merge moved from one customer to another. */
struct merge_counts { size_t cases, contacts, followups, identifiers; };
/* One folded name word to index, with its trigrams (domain/names.h). */
struct name_word_in { const char *word; const int64_t *grams; size_t n_grams; };
/* One word of the name index: its id, text and the trigrams it shares
 * with a query (0 when read by prefix). */
struct name_word { int64_t id; char *word; int shared; };
struct name_word_list { struct name_word *items; size_t n; };
/* --- end customer records --- */

/* Which alerts to list: those to agent_id, and when supervisors is set
 * those to every supervisor too; only unacknowledged ones when open_only;
 * ids below before_id when set; at most limit. */
struct alert_filter {
	int64_t agent_id;
	bool supervisors;
	bool open_only;
	int64_t case_id;         /* 0: any */
	int64_t before_id;
	size_t limit;
};

/* Filters for the case list.  Zero/NULL fields do not filter, except
 * limit: a limit of 0 returns no rows (callers bound it).  Results are
 * newest first (id descending), ids strictly below before_id when set. */
struct case_filter {
	enum case_status status; /* 0: any */
	int64_t owner_id;        /* 0: any; -1: unassigned only */
	const char *queue;
	int64_t customer_id;
	int64_t before_id;
	size_t limit;            /* at most this many (caller bounds it) */
};

/* Customer search: name contains name_q (case-insensitive for ASCII), or
 * any identifier value starts with one of the ident_values (already
 * normalised by the domain; at most 8, else E_TOOBIG).  No name and no
 * values lists every customer.  Newest first, ids below before_id. */
struct customer_query {
	const char *name_q;              /* NULL: no name match */
	const char *const *ident_values; /* may be NULL when n_values is 0 */
	size_t n_values;
	int64_t before_id;
	size_t limit;
};

struct store_ops {
	const char *name;
	enum err (*open)(const char *uri, struct store **out);
	void (*close)(struct store *st);
	enum err (*migrate)(struct store *st, int *version_out);

	enum err (*begin)(struct store *st);
	enum err (*commit)(struct store *st);
	enum err (*rollback)(struct store *st);
	enum err (*savepoint)(struct store *st);
	enum err (*release)(struct store *st);
	enum err (*rollback_to)(struct store *st);
	/* read_begin/read_end - one consistent snapshot for several reads. */
	enum err (*read_begin)(struct store *st);
	enum err (*read_end)(struct store *st);

	enum err (*agent_insert)(struct store *st, struct agent *a);
	enum err (*agent_update)(struct store *st, const struct agent *a);
	enum err (*agent_get)(struct store *st, struct arena *ar, int64_t id,
			      struct agent *out);
	enum err (*agent_by_email)(struct store *st, struct arena *ar,
				   const char *email, struct agent *out);
	enum err (*agent_list)(struct store *st, struct arena *ar,
			       struct agent_list *out);
	enum err (*agent_count)(struct store *st, int64_t *n);

	enum err (*token_insert)(struct store *st, struct token *t);
	enum err (*token_by_hash)(struct store *st, const unsigned char hash[32],
				  struct token *out);
	enum err (*token_revoke)(struct store *st, int64_t id, int64_t at);

	/* customer_insert stores the customer row only; identifiers are added
	 * with ident_insert.  customer_get fills idents too. */
	enum err (*customer_insert)(struct store *st, struct customer *c);
	enum err (*customer_update)(struct store *st, const struct customer *c);
	enum err (*customer_get)(struct store *st, struct arena *ar, int64_t id,
				 struct customer *out);
	enum err (*customer_search)(struct store *st, struct arena *ar,
				    const struct customer_query *q,
				    struct customer_list *out);
	enum err (*ident_insert)(struct store *st, int64_t customer_id,
				 const struct ident *id);
	enum err (*ident_delete_all)(struct store *st, int64_t customer_id);
	/* ident_find - the customer holding (kind, value), or E_NOTFOUND. */
	enum err (*ident_find)(struct store *st, enum ident_kind kind,
			       const char *value, int64_t *customer_id);

	enum err (*case_insert)(struct store *st, struct case_ *c);
	enum err (*case_update)(struct store *st, const struct case_ *c);
	enum err (*case_get)(struct store *st, struct arena *ar, int64_t id,
			     struct case_ *out);
	enum err (*case_list)(struct store *st, struct arena *ar,
			      const struct case_filter *f, struct case_list *out);
	/* case_open_of - a customer's cases that are not resolved or closed,
	 * newest first, at most limit; only id and subject are read. */
	enum err (*case_open_of)(struct store *st, struct arena *ar, int64_t customer_id,
				 size_t limit, struct case_list *out);

	enum err (*event_insert)(struct store *st, struct event *e);
	/* event_list - oldest first, ids above after_id, at most limit. */
	enum err (*event_list)(struct store *st, struct arena *ar, int64_t case_id,
			       int64_t after_id, size_t limit,
			       struct event_list *out);
	/* event_last_id - the newest event id of a case, or of all cases
	 * when case_id is 0 (0: none). */
	enum err (*event_last_id)(struct store *st, int64_t case_id, int64_t *id);

	enum err (*fact_insert)(struct store *st, struct fact *f);
	/* fact_list - current facts (newest per key, by key) or the whole
	 * history (oldest first) of a case. */
	enum err (*fact_list)(struct store *st, struct arena *ar, int64_t case_id,
			      bool current_only, struct fact_list *out);

	/* queue_put inserts or replaces the queue of that name. */
	enum err (*queue_put)(struct store *st, const struct queue_def *q);
	enum err (*queue_list)(struct store *st, struct arena *ar,
			       struct queue_list *out);

	enum err (*site_insert)(struct store *st, struct site *s);
	enum err (*site_update)(struct store *st, const struct site *s);
	enum err (*site_get)(struct store *st, struct arena *ar, int64_t id,
			     struct site *out);
	enum err (*site_by_key)(struct store *st, struct arena *ar,
				const char *key, struct site *out);
	enum err (*site_list)(struct store *st, struct arena *ar,
			      struct site_list *out);

	enum err (*contact_insert)(struct store *st, struct contact *c);
	enum err (*contact_update)(struct store *st, const struct contact *c);
	enum err (*contact_get)(struct store *st, struct arena *ar, int64_t id,
				struct contact *out);
	enum err (*contact_by_token)(struct store *st, struct arena *ar,
				     const unsigned char hash[32],
				     struct contact *out);
	/* contact_list_live - every contact not yet ended, oldest first. */
	enum err (*contact_list_live)(struct store *st, struct arena *ar,
				      struct contact_list *out);
	/* contact_live_on_case - whether a contact not yet ended is on the
	 * case (*yes). */
	enum err (*contact_live_on_case)(struct store *st, int64_t case_id, bool *yes);
	/* contact_list_ended - contacts ended at or after since_ms, newest
	 * first, at most limit. */
	enum err (*contact_list_ended)(struct store *st, struct arena *ar,
				       int64_t since_ms, size_t limit,
				       struct contact_list *out);

	enum err (*reply_insert)(struct store *st, struct saved_reply *r);
	enum err (*reply_get)(struct store *st, struct arena *ar, int64_t id,
			      struct saved_reply *out);
	enum err (*reply_delete)(struct store *st, int64_t id);
	/* reply_list - the shared replies and those owned by owner_id, by
	 * title. */
	enum err (*reply_list)(struct store *st, struct arena *ar,
			       int64_t owner_id, struct reply_list *out);

	enum err (*outbox_insert)(struct store *st, struct outbox_msg *m);
	/* outbox_due - pending messages whose next_at <= now, oldest first. */
	enum err (*outbox_due)(struct store *st, struct arena *ar, int64_t now,
			       size_t limit, struct outbox_list *out);
	/* outbox_get - one message; E_NOTFOUND if none. */
	enum err (*outbox_get)(struct store *st, struct arena *ar, int64_t id,
			       struct outbox_msg *out);
	/* outbox_update - state, attempts, sent_at, next_at, last_error. */
	enum err (*outbox_update)(struct store *st, const struct outbox_msg *m);

	/* setting_put - insert or replace the document at s->key. */
	enum err (*setting_put)(struct store *st, const struct setting *s);
	/* setting_get - one document; E_NOTFOUND if none. */
	enum err (*setting_get)(struct store *st, struct arena *ar, const char *key, struct setting *out);
	/* setting_list - documents whose key starts with prefix, by key. */
	enum err (*setting_list)(struct store *st, struct arena *ar, const char *prefix, struct setting_list *out);
	/* setting_delete - E_NOTFOUND if there was none. */
	enum err (*setting_delete)(struct store *st, const char *key);
	/* case_by_status_hash - the case whose live status link hashes to hash. */
	enum err (*case_by_status_hash)(struct store *st, struct arena *ar, const unsigned char hash[32], struct case_ *out);
	enum err (*promise_insert)(struct store *st, struct promise *p);
	/* promise_update - state, reason, revised_due_at, kept_event_id, closed_at. */
	enum err (*promise_update)(struct store *st, const struct promise *p);
	enum err (*promise_get)(struct store *st, struct arena *ar, int64_t id, struct promise *out);
	/* promise_list - every promise of a case, oldest first. */
	enum err (*promise_list)(struct store *st, struct arena *ar, int64_t case_id, struct promise_list *out);
	/* promise_kept_ms - how long the newest `limit` kept promises of (queue,
	 * kind) took from made to kept, in ms, into out[0..*n). */
	enum err (*promise_kept_ms)(struct store *st, const char *queue, const char *kind, size_t limit, int64_t *out, size_t *n);
	/* sla_clock_put - insert or replace the clock of (case_id, metric); sets id. */
	enum err (*sla_clock_put)(struct store *st, struct sla_clock *c);
	enum err (*sla_clock_get)(struct store *st, struct arena *ar, int64_t id, struct sla_clock *out);
	/* sla_clock_list - the clocks of a case, by metric. */
	enum err (*sla_clock_list)(struct store *st, struct arena *ar, int64_t case_id, struct sla_clock_list *out);
	enum err (*timer_insert)(struct store *st, struct timer *t);
	/* timer_due - pending timers with due_at <= now, in due order (then id). */
	enum err (*timer_due)(struct store *st, struct arena *ar, int64_t now, size_t limit, struct timer_list *out);
	/* timer_fire - mark a pending timer fired at `at`, if it is still due
	 * at due_at; E_CONFLICT if it had already fired or was moved since it
	 * was read (so a deadline is acted on once, and at its own time). */
	enum err (*timer_fire)(struct store *st, int64_t id, int64_t due_at, int64_t at);
	/* timer_rearm - move the pending timer of (kind, ref_id) to t->due_at, or
	 * insert t when there is none; sets t->id. */
	enum err (*timer_rearm)(struct store *st, struct timer *t);
	enum err (*alert_insert)(struct store *st, struct alert *a);
	/* alert_list - alerts matching f, newest first. */
	enum err (*alert_list)(struct store *st, struct arena *ar, const struct alert_filter *f, struct alert_list *out);
	enum err (*alert_get)(struct store *st, struct arena *ar, int64_t id, struct alert *out);
	/* alert_ack - acknowledge; E_NOTFOUND if no such alert. */
	enum err (*alert_ack)(struct store *st, int64_t id, int64_t by, int64_t at);
	/* followup_get - the follow-up of a case; E_NOTFOUND if none. */
	enum err (*followup_get)(struct store *st, struct arena *ar, int64_t case_id, struct followup *out);
	/* followup_put - insert or replace the follow-up of f->case_id; sets id. */
	enum err (*followup_put)(struct store *st, struct followup *f);
	/* followup_last_sent - when the customer was last sent a follow-up; 0. */
	enum err (*followup_last_sent)(struct store *st, int64_t customer_id, int64_t *at);
	/* never ask twice: verification, customer effort, guided flows */
	/* event_recent - the newest `limit` events of one type on a case, newest first. */
	enum err (*event_recent)(struct store *st, struct arena *ar, int64_t case_id, const char *type, size_t limit, struct event_list *out);
	enum err (*verification_insert)(struct store *st, struct verification *v);
	/* verification_list - a case's verifications, newest first. */
	enum err (*verification_list)(struct store *st, struct arena *ar, int64_t case_id, struct verification_list *out);
	enum err (*effort_insert)(struct store *st, struct effort *x);
	/* effort_list - what a case's customer was made to do twice, oldest first. */
	enum err (*effort_list)(struct store *st, struct arena *ar, int64_t case_id, struct effort_list *out);
	/* flow_insert - store the next version of x->key; sets x->version. */
	enum err (*flow_insert)(struct store *st, struct flow *x);
	/* flow_get - one version of a flow (0: the newest); E_NOTFOUND if none. */
	enum err (*flow_get)(struct store *st, struct arena *ar, const char *key, int64_t version, struct flow *out);
	/* flow_list - key NULL: the newest version of every flow, by key; else
	 * every version of that flow, newest first. */
	enum err (*flow_list)(struct store *st, struct arena *ar, const char *key, struct flow_list *out);
	enum err (*flow_run_insert)(struct store *st, struct flow_run *x);
	/* flow_run_update - state, outcome and updated_at; E_NOTFOUND if none. */
	enum err (*flow_run_update)(struct store *st, const struct flow_run *x);
	enum err (*flow_run_get)(struct store *st, struct arena *ar, int64_t id, struct flow_run *out);
	/* flow_run_list - the runs on a case, newest first. */
	enum err (*flow_run_list)(struct store *st, struct arena *ar, int64_t case_id, struct flow_run_list *out);

	/* ---- resolution powers: actions and their webhook deliveries ---- */
	/* action_insert - sets a->id.  action_update - state, decided_by,
	 * decided_at, decision_note, done_at, updated_at. */
	enum err (*action_insert)(struct store *st, struct action *a);
	enum err (*action_update)(struct store *st, const struct action *a);
	/* action_get - one action with its delivery; E_NOTFOUND if none. */
	enum err (*action_get)(struct store *st, struct arena *ar, int64_t id, struct action *out);
	/* action_list_case - a case's actions, oldest first. */
	enum err (*action_list_case)(struct store *st, struct arena *ar, int64_t case_id,
				     struct action_list *out);
	/* action_list_state - actions in a state, newest first, ids below
	 * before_id when set, at most limit. */
	enum err (*action_list_state)(struct store *st, struct arena *ar, enum action_state state,
				      int64_t before_id, size_t limit, struct action_list *out);
	/* action_usage - the sums of amount of actions of (kind, currency)
	 * that count against limits (pending approval, sending, done), other
	 * than exclude_id: on case_id (*case_sum), and of customer_id created
	 * after since (*month_sum). */
	enum err (*action_usage)(struct store *st, const char *kind, const char *currency,
				 int64_t case_id, int64_t customer_id, int64_t since,
				 int64_t exclude_id, int64_t *case_sum, int64_t *month_sum);
	/* hook_insert - sets d->id.  hook_update - state, attempts, next_at,
	 * acked_at, last_error. */
	enum err (*hook_insert)(struct store *st, struct hook_delivery *d);
	enum err (*hook_update)(struct store *st, const struct hook_delivery *d);
	enum err (*hook_get)(struct store *st, struct arena *ar, int64_t id,
			     struct hook_delivery *out);
	/* hook_due - pending deliveries with next_at <= now, oldest first. */
	enum err (*hook_due)(struct store *st, struct arena *ar, int64_t now, size_t limit,
			     struct hook_list *out);

	/* --- customer records (issue 5): history, merge, name index ---
	 * customer_get and customer_search read merged_into/merged_at; search
	 * and the name index never return a merged (tombstone) customer. */
	/* customer_change_insert - append one history entry; sets c->id. */
	enum err (*customer_change_insert)(struct store *st, struct customer_change *c);
	/* customer_change_list - a customer's history, newest first, ids below
	 * before_id when > 0, at most limit. */
	enum err (*customer_change_list)(struct store *st, struct arena *ar, int64_t customer_id,
					 int64_t before_id, size_t limit,
					 struct customer_change_list *out);
	/* customer_merge_move - every case, contact, follow-up and identifier
	 * of from_id moves to into_id; from_id becomes a tombstone merged into
	 * into_id at `at` (tombstones that pointed at from_id now point at
	 * into_id) and leaves the name index.  E_CONFLICT when from_id was
	 * already merged, E_NOTFOUND when it does not exist. */
	enum err (*customer_merge_move)(struct store *st, int64_t from_id, int64_t into_id,
					int64_t at, struct merge_counts *out);
	/* contact_live_of_customer - whether a contact not yet ended belongs to
	 * the customer (*yes). */
	enum err (*contact_live_of_customer)(struct store *st, int64_t customer_id, bool *yes);
	/* customer_words_put - the customer's name words in the index become
	 * words[0..n) (a word new to the index is added with its trigrams) and
	 * the customer is marked indexed. */
	enum err (*customer_words_put)(struct store *st, int64_t customer_id,
				       const struct name_word_in *words, size_t n);
	/* name_words_by_grams - index words sharing at least one of grams[0..n)
	 * (n <= 64, else E_TOOBIG), most shared first, at most limit. */
	enum err (*name_words_by_grams)(struct store *st, struct arena *ar, const int64_t *grams,
					size_t n, size_t limit, struct name_word_list *out);
	/* name_words_by_prefix - index words starting with prefix, in byte
	 * order, at most limit. */
	enum err (*name_words_by_prefix)(struct store *st, struct arena *ar, const char *prefix,
					 size_t limit, struct name_word_list *out);
	/* customers_by_words - live customers that have, for every group g in
	 * 0..n_groups-1, at least one word word_ids[i] with groups[i] == g
	 * (n <= 2048, else E_TOOBIG); id, name and times only (no
	 * identifiers); newest first, at most limit. */
	enum err (*customers_by_words)(struct store *st, struct arena *ar, const int64_t *word_ids,
				       const unsigned *groups, size_t n, unsigned n_groups,
				       size_t limit, struct customer_list *out);
	/* customers_by_account_core - live customers holding an account number
	 * whose core (value without its leading letters) starts with core;
	 * newest first, at most limit, with identifiers. */
	enum err (*customers_by_account_core)(struct store *st, struct arena *ar, const char *core,
					      size_t limit, struct customer_list *out);
	/* customers_unindexed - live customers whose name is not in the index
	 * yet, by id, at most limit; id and name only. */
	enum err (*customers_unindexed)(struct store *st, struct arena *ar, size_t limit,
					struct customer_list *out);
	/* --- end customer records --- */
};

/* Every backend handle starts with this. */
struct store {
	const struct store_ops *ops;
};

extern const struct store_ops store_sqlite_ops;

/* store_open - open the backend named by uri: a file path (SQLite). */
enum err store_open(const char *uri, struct store **out);
void store_close(struct store *st);
enum err store_migrate(struct store *st, int *version_out);

enum err store_begin(struct store *st);
enum err store_commit(struct store *st);
enum err store_rollback(struct store *st);
enum err store_savepoint(struct store *st);
enum err store_release(struct store *st);
enum err store_rollback_to(struct store *st);
enum err store_read_begin(struct store *st);
enum err store_read_end(struct store *st);

enum err store_agent_insert(struct store *st, struct agent *a);
enum err store_agent_update(struct store *st, const struct agent *a);
enum err store_agent_get(struct store *st, struct arena *ar, int64_t id,
			 struct agent *out);
enum err store_agent_by_email(struct store *st, struct arena *ar,
			      const char *email, struct agent *out);
enum err store_agent_list(struct store *st, struct arena *ar,
			  struct agent_list *out);
enum err store_agent_count(struct store *st, int64_t *n);

enum err store_token_insert(struct store *st, struct token *t);
enum err store_token_by_hash(struct store *st, const unsigned char hash[32],
			     struct token *out);
enum err store_token_revoke(struct store *st, int64_t id, int64_t at);

enum err store_customer_insert(struct store *st, struct customer *c);
enum err store_customer_update(struct store *st, const struct customer *c);
enum err store_customer_get(struct store *st, struct arena *ar, int64_t id,
			    struct customer *out);
enum err store_customer_search(struct store *st, struct arena *ar,
			       const struct customer_query *q,
			       struct customer_list *out);
enum err store_ident_insert(struct store *st, int64_t customer_id,
			    const struct ident *id);
enum err store_ident_delete_all(struct store *st, int64_t customer_id);
enum err store_ident_find(struct store *st, enum ident_kind kind,
			  const char *value, int64_t *customer_id);

enum err store_case_insert(struct store *st, struct case_ *c);
enum err store_case_update(struct store *st, const struct case_ *c);
enum err store_case_get(struct store *st, struct arena *ar, int64_t id,
			struct case_ *out);
enum err store_case_list(struct store *st, struct arena *ar,
			 const struct case_filter *f, struct case_list *out);
enum err store_case_open_of(struct store *st, struct arena *ar, int64_t customer_id,
			    size_t limit, struct case_list *out);

enum err store_event_insert(struct store *st, struct event *e);
enum err store_event_list(struct store *st, struct arena *ar, int64_t case_id,
			  int64_t after_id, size_t limit, struct event_list *out);
enum err store_event_last_id(struct store *st, int64_t case_id, int64_t *id);

enum err store_fact_insert(struct store *st, struct fact *f);
enum err store_fact_list(struct store *st, struct arena *ar, int64_t case_id,
			 bool current_only, struct fact_list *out);

enum err store_queue_put(struct store *st, const struct queue_def *q);
enum err store_queue_list(struct store *st, struct arena *ar,
			  struct queue_list *out);
enum err store_site_insert(struct store *st, struct site *s);
enum err store_site_update(struct store *st, const struct site *s);
enum err store_site_get(struct store *st, struct arena *ar, int64_t id,
			struct site *out);
enum err store_site_by_key(struct store *st, struct arena *ar, const char *key,
			   struct site *out);
enum err store_site_list(struct store *st, struct arena *ar,
			 struct site_list *out);
enum err store_contact_insert(struct store *st, struct contact *c);
enum err store_contact_update(struct store *st, const struct contact *c);
enum err store_contact_get(struct store *st, struct arena *ar, int64_t id,
			   struct contact *out);
enum err store_contact_by_token(struct store *st, struct arena *ar,
				const unsigned char hash[32],
				struct contact *out);
enum err store_contact_list_live(struct store *st, struct arena *ar,
				 struct contact_list *out);
enum err store_contact_live_on_case(struct store *st, int64_t case_id, bool *yes);
enum err store_contact_list_ended(struct store *st, struct arena *ar,
				  int64_t since_ms, size_t limit,
				  struct contact_list *out);
enum err store_reply_insert(struct store *st, struct saved_reply *r);
enum err store_reply_get(struct store *st, struct arena *ar, int64_t id,
			 struct saved_reply *out);
enum err store_reply_delete(struct store *st, int64_t id);
enum err store_reply_list(struct store *st, struct arena *ar, int64_t owner_id,
			  struct reply_list *out);
enum err store_outbox_insert(struct store *st, struct outbox_msg *m);
enum err store_outbox_due(struct store *st, struct arena *ar, int64_t now,
			  size_t limit, struct outbox_list *out);
enum err store_outbox_get(struct store *st, struct arena *ar, int64_t id,
			  struct outbox_msg *out);
enum err store_outbox_update(struct store *st, const struct outbox_msg *m);
enum err store_setting_put(struct store *st, const struct setting *s);
enum err store_setting_get(struct store *st, struct arena *ar, const char *key, struct setting *out);
enum err store_setting_list(struct store *st, struct arena *ar, const char *prefix, struct setting_list *out);
enum err store_setting_delete(struct store *st, const char *key);
enum err store_case_by_status_hash(struct store *st, struct arena *ar, const unsigned char hash[32], struct case_ *out);
enum err store_promise_insert(struct store *st, struct promise *p);
enum err store_promise_update(struct store *st, const struct promise *p);
enum err store_promise_get(struct store *st, struct arena *ar, int64_t id, struct promise *out);
enum err store_promise_list(struct store *st, struct arena *ar, int64_t case_id, struct promise_list *out);
enum err store_promise_kept_ms(struct store *st, const char *queue, const char *kind, size_t limit, int64_t *out, size_t *n);
enum err store_sla_clock_put(struct store *st, struct sla_clock *c);
enum err store_sla_clock_get(struct store *st, struct arena *ar, int64_t id, struct sla_clock *out);
enum err store_sla_clock_list(struct store *st, struct arena *ar, int64_t case_id, struct sla_clock_list *out);
enum err store_timer_insert(struct store *st, struct timer *t);
enum err store_timer_due(struct store *st, struct arena *ar, int64_t now, size_t limit, struct timer_list *out);
enum err store_timer_fire(struct store *st, int64_t id, int64_t due_at, int64_t at);
enum err store_timer_rearm(struct store *st, struct timer *t);
enum err store_alert_insert(struct store *st, struct alert *a);
enum err store_alert_list(struct store *st, struct arena *ar, const struct alert_filter *f, struct alert_list *out);
enum err store_alert_get(struct store *st, struct arena *ar, int64_t id, struct alert *out);
enum err store_alert_ack(struct store *st, int64_t id, int64_t by, int64_t at);
enum err store_followup_get(struct store *st, struct arena *ar, int64_t case_id, struct followup *out);
enum err store_followup_put(struct store *st, struct followup *f);
enum err store_followup_last_sent(struct store *st, int64_t customer_id, int64_t *at);
enum err store_event_recent(struct store *st, struct arena *ar, int64_t case_id, const char *type, size_t limit, struct event_list *out);
enum err store_verification_insert(struct store *st, struct verification *v);
enum err store_verification_list(struct store *st, struct arena *ar, int64_t case_id, struct verification_list *out);
enum err store_effort_insert(struct store *st, struct effort *x);
enum err store_effort_list(struct store *st, struct arena *ar, int64_t case_id, struct effort_list *out);
enum err store_flow_insert(struct store *st, struct flow *x);
enum err store_flow_get(struct store *st, struct arena *ar, const char *key, int64_t version, struct flow *out);
enum err store_flow_list(struct store *st, struct arena *ar, const char *key, struct flow_list *out);
enum err store_flow_run_insert(struct store *st, struct flow_run *x);
enum err store_flow_run_update(struct store *st, const struct flow_run *x);
enum err store_flow_run_get(struct store *st, struct arena *ar, int64_t id, struct flow_run *out);
enum err store_flow_run_list(struct store *st, struct arena *ar, int64_t case_id, struct flow_run_list *out);

/* ---- resolution powers: actions and their webhook deliveries ---- */
enum err store_action_insert(struct store *st, struct action *a);
enum err store_action_update(struct store *st, const struct action *a);
enum err store_action_get(struct store *st, struct arena *ar, int64_t id, struct action *out);
enum err store_action_list_case(struct store *st, struct arena *ar, int64_t case_id,
				struct action_list *out);
enum err store_action_list_state(struct store *st, struct arena *ar, enum action_state state,
				 int64_t before_id, size_t limit, struct action_list *out);
enum err store_action_usage(struct store *st, const char *kind, const char *currency,
			    int64_t case_id, int64_t customer_id, int64_t since,
			    int64_t exclude_id, int64_t *case_sum, int64_t *month_sum);
enum err store_hook_insert(struct store *st, struct hook_delivery *d);
enum err store_hook_update(struct store *st, const struct hook_delivery *d);
enum err store_hook_get(struct store *st, struct arena *ar, int64_t id,
			struct hook_delivery *out);
enum err store_hook_due(struct store *st, struct arena *ar, int64_t now, size_t limit,
			struct hook_list *out);

/* --- customer records (issue 5): see the ops above --- */
enum err store_customer_change_insert(struct store *st, struct customer_change *c);
enum err store_customer_change_list(struct store *st, struct arena *ar, int64_t customer_id,
				    int64_t before_id, size_t limit,
				    struct customer_change_list *out);
enum err store_customer_merge_move(struct store *st, int64_t from_id, int64_t into_id,
				   int64_t at, struct merge_counts *out);
enum err store_contact_live_of_customer(struct store *st, int64_t customer_id, bool *yes);
enum err store_customer_words_put(struct store *st, int64_t customer_id,
				  const struct name_word_in *words, size_t n);
enum err store_name_words_by_grams(struct store *st, struct arena *ar, const int64_t *grams,
				   size_t n, size_t limit, struct name_word_list *out);
enum err store_name_words_by_prefix(struct store *st, struct arena *ar, const char *prefix,
				    size_t limit, struct name_word_list *out);
enum err store_customers_by_words(struct store *st, struct arena *ar, const int64_t *word_ids,
				  const unsigned *groups, size_t n, unsigned n_groups,
				  size_t limit, struct customer_list *out);
enum err store_customers_by_account_core(struct store *st, struct arena *ar, const char *core,
					 size_t limit, struct customer_list *out);
enum err store_customers_unindexed(struct store *st, struct arena *ar, size_t limit,
				   struct customer_list *out);
/* --- end customer records --- */

/* store_errors - backend errors (E_IO) seen by the wrappers, for /metrics. */
uint64_t store_errors(void);
/* store_fail_nth - make the nth wrapper call from now fail with E_IO
 * (0 disables).  For fault-injection tests only. */
void store_fail_nth(long n);

#endif
