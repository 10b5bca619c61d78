/*
 * store.c - the wrappers every storage call goes through.
 *
 * They count backend failures for /metrics and can inject a failure at the
 * nth call (store_fail_nth) so tests can prove that a failed write leaves
 * nothing behind.  Keep them thin: no logic belongs here.
 */
#include "store/store.h"

#include <stdatomic.h>
#include <string.h>

static _Atomic uint64_t n_errors;
static _Atomic long fail_countdown; /* 0: off */

uint64_t store_errors(void)
{
	return atomic_load(&n_errors);
}

void store_fail_nth(long n)
{
	atomic_store(&fail_countdown, n);
}

/* injected - true when this call is the one chosen to fail. */
static bool injected(void)
{
	long left = atomic_load(&fail_countdown);

	while (left > 0) {
		if (atomic_compare_exchange_weak(&fail_countdown, &left, left - 1))
			return left == 1;
	}
	return false;
}

static enum err counted(enum err e)
{
	if (e == E_IO || e == E_NOMEM)
		atomic_fetch_add(&n_errors, 1);
	return e;
}

enum err store_open(const char *uri, struct store **out)
{
	*out = NULL;
	if (!uri || !*uri)
		return E_INVAL;
	if (strncmp(uri, "postgres://", 11) == 0 ||
	    strncmp(uri, "postgresql://", 13) == 0)
		return E_INVAL; /* no PostgreSQL backend in this build yet */
	return counted(store_sqlite_ops.open(uri, out));
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

enum err store_rollback(struct store *st)
{
	/* Never injected: rollback is how a failure is cleaned up. */
	return counted(st->ops->rollback(st));
}

enum err store_rollback_to(struct store *st)
{
	return counted(st->ops->rollback_to(st));
}

enum err store_migrate(struct store *st, int *version_out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->migrate(st, version_out));
}

enum err store_begin(struct store *st)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->begin(st));
}

enum err store_commit(struct store *st)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->commit(st));
}

enum err store_savepoint(struct store *st)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->savepoint(st));
}

enum err store_release(struct store *st)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->release(st));
}

enum err store_agent_insert(struct store *st, struct agent *a)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->agent_insert(st, a));
}

enum err store_agent_update(struct store *st, const struct agent *a)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->agent_update(st, a));
}

enum err store_agent_get(struct store *st, struct arena *ar, int64_t id, struct agent *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->agent_get(st, ar, id, out));
}

enum err store_agent_by_email(struct store *st, struct arena *ar, const char *email, struct agent *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->agent_by_email(st, ar, email, out));
}

enum err store_agent_list(struct store *st, struct arena *ar, struct agent_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->agent_list(st, ar, out));
}

enum err store_agent_count(struct store *st, int64_t *n)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->agent_count(st, n));
}

enum err store_token_insert(struct store *st, struct token *t)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->token_insert(st, t));
}

enum err store_token_by_hash(struct store *st, const unsigned char hash[32], struct token *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->token_by_hash(st, hash, out));
}

enum err store_token_revoke(struct store *st, int64_t id, int64_t at)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->token_revoke(st, id, at));
}

enum err store_customer_insert(struct store *st, struct customer *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_insert(st, c));
}

enum err store_customer_update(struct store *st, const struct customer *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_update(st, c));
}

enum err store_customer_get(struct store *st, struct arena *ar, int64_t id, struct customer *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_get(st, ar, id, out));
}

enum err store_customer_search(struct store *st, struct arena *ar, const struct customer_query *q, struct customer_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_search(st, ar, q, out));
}

enum err store_ident_insert(struct store *st, int64_t customer_id, const struct ident *id)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->ident_insert(st, customer_id, id));
}

enum err store_ident_delete_all(struct store *st, int64_t customer_id)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->ident_delete_all(st, customer_id));
}

enum err store_ident_find(struct store *st, enum ident_kind kind, const char *value, int64_t *customer_id)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->ident_find(st, kind, value, customer_id));
}

enum err store_case_insert(struct store *st, struct case_ *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->case_insert(st, c));
}

enum err store_case_update(struct store *st, const struct case_ *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->case_update(st, c));
}

enum err store_case_get(struct store *st, struct arena *ar, int64_t id, struct case_ *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->case_get(st, ar, id, out));
}

enum err store_case_list(struct store *st, struct arena *ar, const struct case_filter *f, struct case_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->case_list(st, ar, f, out));
}

enum err store_event_insert(struct store *st, struct event *e)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->event_insert(st, e));
}

enum err store_event_list(struct store *st, struct arena *ar, int64_t case_id, int64_t after_id, size_t limit, struct event_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->event_list(st, ar, case_id, after_id, limit, out));
}

enum err store_fact_insert(struct store *st, struct fact *f)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->fact_insert(st, f));
}

enum err store_fact_list(struct store *st, struct arena *ar, int64_t case_id, bool current_only, struct fact_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->fact_list(st, ar, case_id, current_only, out));
}

enum err store_read_begin(struct store *st)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->read_begin(st));
}

enum err store_read_end(struct store *st)
{
	return counted(st->ops->read_end(st));
}

enum err store_queue_put(struct store *st, const struct queue_def *q)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->queue_put(st, q));
}

enum err store_queue_list(struct store *st, struct arena *ar, struct queue_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->queue_list(st, ar, out));
}

enum err store_site_insert(struct store *st, struct site *s)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->site_insert(st, s));
}

enum err store_site_update(struct store *st, const struct site *s)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->site_update(st, s));
}

enum err store_site_get(struct store *st, struct arena *ar, int64_t id, struct site *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->site_get(st, ar, id, out));
}

enum err store_site_by_key(struct store *st, struct arena *ar, const char *key, struct site *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->site_by_key(st, ar, key, out));
}

enum err store_site_list(struct store *st, struct arena *ar, struct site_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->site_list(st, ar, out));
}

enum err store_contact_insert(struct store *st, struct contact *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_insert(st, c));
}

enum err store_contact_update(struct store *st, const struct contact *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_update(st, c));
}

enum err store_contact_get(struct store *st, struct arena *ar, int64_t id, struct contact *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_get(st, ar, id, out));
}

enum err store_contact_by_token(struct store *st, struct arena *ar, const unsigned char hash[32], struct contact *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_by_token(st, ar, hash, out));
}

enum err store_contact_list_live(struct store *st, struct arena *ar, struct contact_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_list_live(st, ar, out));
}

enum err store_contact_list_ended(struct store *st, struct arena *ar, int64_t since_ms, size_t limit, struct contact_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_list_ended(st, ar, since_ms, limit, out));
}

enum err store_reply_insert(struct store *st, struct saved_reply *r)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->reply_insert(st, r));
}

enum err store_reply_get(struct store *st, struct arena *ar, int64_t id, struct saved_reply *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->reply_get(st, ar, id, out));
}

enum err store_reply_delete(struct store *st, int64_t id)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->reply_delete(st, id));
}

enum err store_reply_list(struct store *st, struct arena *ar, int64_t owner_id, struct reply_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->reply_list(st, ar, owner_id, out));
}

enum err store_outbox_insert(struct store *st, struct outbox_msg *m)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->outbox_insert(st, m));
}

enum err store_outbox_due(struct store *st, struct arena *ar, int64_t now,
			  size_t limit, struct outbox_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->outbox_due(st, ar, now, limit, out));
}

enum err store_outbox_get(struct store *st, struct arena *ar, int64_t id,
			  struct outbox_msg *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->outbox_get(st, ar, id, out));
}

enum err store_outbox_update(struct store *st, const struct outbox_msg *m)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->outbox_update(st, m));
}

enum err store_setting_put(struct store *st, const struct setting *s)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->setting_put(st, s));
}

enum err store_setting_get(struct store *st, struct arena *ar, const char *key, struct setting *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->setting_get(st, ar, key, out));
}

enum err store_setting_list(struct store *st, struct arena *ar, const char *prefix, struct setting_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->setting_list(st, ar, prefix, out));
}

enum err store_setting_delete(struct store *st, const char *key)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->setting_delete(st, key));
}

enum err store_case_by_status_hash(struct store *st, struct arena *ar, const unsigned char hash[32], struct case_ *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->case_by_status_hash(st, ar, hash, out));
}

enum err store_promise_insert(struct store *st, struct promise *p)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->promise_insert(st, p));
}

enum err store_promise_update(struct store *st, const struct promise *p)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->promise_update(st, p));
}

enum err store_promise_get(struct store *st, struct arena *ar, int64_t id, struct promise *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->promise_get(st, ar, id, out));
}

enum err store_promise_list(struct store *st, struct arena *ar, int64_t case_id, struct promise_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->promise_list(st, ar, case_id, out));
}

enum err store_promise_kept_ms(struct store *st, const char *queue, const char *kind, size_t limit, int64_t *out, size_t *n)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->promise_kept_ms(st, queue, kind, limit, out, n));
}

enum err store_sla_clock_put(struct store *st, struct sla_clock *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->sla_clock_put(st, c));
}

enum err store_sla_clock_get(struct store *st, struct arena *ar, int64_t id, struct sla_clock *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->sla_clock_get(st, ar, id, out));
}

enum err store_sla_clock_list(struct store *st, struct arena *ar, int64_t case_id, struct sla_clock_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->sla_clock_list(st, ar, case_id, out));
}

enum err store_timer_insert(struct store *st, struct timer *t)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->timer_insert(st, t));
}

enum err store_timer_due(struct store *st, struct arena *ar, int64_t now, size_t limit, struct timer_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->timer_due(st, ar, now, limit, out));
}

enum err store_timer_fire(struct store *st, int64_t id, int64_t due_at, int64_t at)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->timer_fire(st, id, due_at, at));
}

enum err store_timer_rearm(struct store *st, struct timer *t)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->timer_rearm(st, t));
}

enum err store_alert_insert(struct store *st, struct alert *a)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->alert_insert(st, a));
}

enum err store_alert_list(struct store *st, struct arena *ar, const struct alert_filter *f, struct alert_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->alert_list(st, ar, f, out));
}

enum err store_alert_ack(struct store *st, int64_t id, int64_t by, int64_t at)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->alert_ack(st, id, by, at));
}

enum err store_followup_get(struct store *st, struct arena *ar, int64_t case_id, struct followup *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->followup_get(st, ar, case_id, out));
}

enum err store_followup_put(struct store *st, struct followup *f)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->followup_put(st, f));
}

enum err store_followup_last_sent(struct store *st, int64_t customer_id, int64_t *at)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->followup_last_sent(st, customer_id, at));
}

enum err store_contact_live_on_case(struct store *st, int64_t case_id, bool *yes)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_live_on_case(st, case_id, yes));
}

enum err store_event_last_id(struct store *st, int64_t case_id, int64_t *id)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->event_last_id(st, case_id, id));
}

enum err store_alert_get(struct store *st, struct arena *ar, int64_t id, struct alert *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->alert_get(st, ar, id, out));
}

enum err store_case_open_of(struct store *st, struct arena *ar, int64_t customer_id,
			    size_t limit, struct case_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->case_open_of(st, ar, customer_id, limit, out));
}

/* ---- never ask twice ---- */

enum err store_event_recent(struct store *st, struct arena *ar, int64_t case_id, const char *type, size_t limit, struct event_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->event_recent(st, ar, case_id, type, limit, out));
}

enum err store_verification_insert(struct store *st, struct verification *v)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->verification_insert(st, v));
}

enum err store_verification_list(struct store *st, struct arena *ar, int64_t case_id, struct verification_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->verification_list(st, ar, case_id, out));
}

enum err store_effort_insert(struct store *st, struct effort *x)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->effort_insert(st, x));
}

enum err store_effort_list(struct store *st, struct arena *ar, int64_t case_id, struct effort_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->effort_list(st, ar, case_id, out));
}

enum err store_flow_insert(struct store *st, struct flow *x)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_insert(st, x));
}

enum err store_flow_get(struct store *st, struct arena *ar, const char *key, int64_t version, struct flow *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_get(st, ar, key, version, out));
}

enum err store_flow_list(struct store *st, struct arena *ar, const char *key, struct flow_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_list(st, ar, key, out));
}

enum err store_flow_run_insert(struct store *st, struct flow_run *x)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_run_insert(st, x));
}

enum err store_flow_run_update(struct store *st, const struct flow_run *x)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_run_update(st, x));
}

enum err store_flow_run_get(struct store *st, struct arena *ar, int64_t id, struct flow_run *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_run_get(st, ar, id, out));
}

enum err store_flow_run_list(struct store *st, struct arena *ar, int64_t case_id, struct flow_run_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->flow_run_list(st, ar, case_id, out));
}

/* ---- resolution powers: actions and their webhook deliveries ---- */

enum err store_action_insert(struct store *st, struct action *a)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->action_insert(st, a));
}

enum err store_action_update(struct store *st, const struct action *a)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->action_update(st, a));
}

enum err store_action_get(struct store *st, struct arena *ar, int64_t id, struct action *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->action_get(st, ar, id, out));
}

enum err store_action_list_case(struct store *st, struct arena *ar, int64_t case_id, struct action_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->action_list_case(st, ar, case_id, out));
}

enum err store_action_list_state(struct store *st, struct arena *ar, enum action_state state, int64_t before_id, size_t limit, struct action_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->action_list_state(st, ar, state, before_id, limit, out));
}

enum err store_action_usage(struct store *st, const char *kind, const char *currency, int64_t case_id, int64_t customer_id, int64_t since, int64_t exclude_id, int64_t *case_sum, int64_t *month_sum)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->action_usage(st, kind, currency, case_id, customer_id, since, exclude_id, case_sum, month_sum));
}

enum err store_hook_insert(struct store *st, struct hook_delivery *d)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->hook_insert(st, d));
}

enum err store_hook_update(struct store *st, const struct hook_delivery *d)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->hook_update(st, d));
}

enum err store_hook_get(struct store *st, struct arena *ar, int64_t id, struct hook_delivery *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->hook_get(st, ar, id, out));
}

enum err store_hook_due(struct store *st, struct arena *ar, int64_t now, size_t limit, struct hook_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->hook_due(st, ar, now, limit, out));
}
/* --- customer records (issue 5): history, merge, name index --- */

enum err store_customer_change_insert(struct store *st, struct customer_change *c)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_change_insert(st, c));
}

enum err store_customer_change_list(struct store *st, struct arena *ar, int64_t customer_id,
				    int64_t before_id, size_t limit,
				    struct customer_change_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_change_list(st, ar, customer_id, before_id, limit, out));
}

enum err store_customer_merge_move(struct store *st, int64_t from_id, int64_t into_id,
				   int64_t at, struct merge_counts *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_merge_move(st, from_id, into_id, at, out));
}

enum err store_contact_live_of_customer(struct store *st, int64_t customer_id, bool *yes)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->contact_live_of_customer(st, customer_id, yes));
}

enum err store_customer_words_put(struct store *st, int64_t customer_id,
				  const struct name_word_in *words, size_t n)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customer_words_put(st, customer_id, words, n));
}

enum err store_name_words_by_grams(struct store *st, struct arena *ar, const int64_t *grams,
				   size_t n, size_t limit, struct name_word_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->name_words_by_grams(st, ar, grams, n, limit, out));
}

enum err store_name_words_by_prefix(struct store *st, struct arena *ar, const char *prefix,
				    size_t limit, struct name_word_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->name_words_by_prefix(st, ar, prefix, limit, out));
}

enum err store_customers_by_words(struct store *st, struct arena *ar, const int64_t *word_ids,
				  const unsigned *groups, size_t n, unsigned n_groups,
				  size_t limit, struct customer_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customers_by_words(st, ar, word_ids, groups, n, n_groups,
						   limit, out));
}

enum err store_customers_by_account_core(struct store *st, struct arena *ar, const char *core,
					 size_t limit, struct customer_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customers_by_account_core(st, ar, core, limit, out));
}

enum err store_customers_unindexed(struct store *st, struct arena *ar, size_t limit,
				   struct customer_list *out)
{
	if (injected())
		return counted(E_IO);
	return counted(st->ops->customers_unindexed(st, ar, limit, out));
}

/* --- end customer records --- */
