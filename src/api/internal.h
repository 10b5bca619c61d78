/*
 * internal.h - what the files of api/ share: the request context, JSON
 * helpers, error replies and the write-job plumbing.  Not for other layers.
 */
#ifndef HEED_API_INTERNAL_H
#define HEED_API_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"
#include "base/err.h"
#include "domain/actor.h"
#include "http/router.h"

/* Per request, in r->user once authenticated. */
struct api_req {
	struct api_worker *w;
	struct agent agent;  /* the caller, when authenticated */
	struct actor actor;
	const char *secret;  /* the token used (for logout) */
	json_t *body;        /* parsed body (a JSON object), or NULL; freed
			      * with the request arena */
	struct api_job *job; /* the write in flight, if any */
};

static inline struct api_req *api_req(struct http_req *r)
{
	return r->user;
}

/* ---- replies (api.c) ---- */
/* api_json - reply with j (reference stolen) as JSON. */
void api_json(struct http_req *r, int status, json_t *j);
/* api_error - reply with an error body; status from e. */
void api_error(struct http_req *r, enum err e, const char *reason,
	       const char *field, const char *msg);
/* api_fail - reply from a struct fail (falls back to e when f is unset). */
void api_fail(struct http_req *r, enum err e, const struct fail *f);
int api_status(enum err e);

/* api_alloc - n zeroed bytes in the request arena; on failure it replies
 * 500 and returns NULL, so a handler just returns. */
void *api_alloc(struct http_req *r, size_t n);

/* ---- input (api_input.c) ---- Each returns false after replying 4xx. */
bool api_param_id(struct http_req *r, size_t i, int64_t *out);
bool api_query_id(struct http_req *r, const char *name, int64_t *out);
bool api_query_limit(struct http_req *r, size_t *out);
/* api_get_str - string member; required or optional (NULL when absent or
 * null).  Wrong type: 400 with the field named. */
bool api_get_str(struct http_req *r, json_t *obj, const char *key,
		 const char *field, bool required, const char **out);
bool api_get_id(struct http_req *r, json_t *obj, const char *key,
		const char *field, bool required, bool *present, int64_t *out);
/* api_get_time - optional RFC 3339 UTC time member (0 when absent or
 * null); anything else: 422 naming the field. */
bool api_get_time(struct http_req *r, json_t *obj, const char *key, int64_t *out);
/* api_get_bool - optional boolean member (false when absent). */
bool api_get_bool(struct http_req *r, json_t *obj, const char *key, bool *out);
/* api_get_int - optional integer member in [min, max] (*present says). */
bool api_get_int(struct http_req *r, json_t *obj, const char *key, int64_t min,
		 int64_t max, bool *present, int64_t *out);
/* api_get_obj / api_get_arr - optional object / array member (NULL if absent). */
bool api_get_obj(struct http_req *r, json_t *obj, const char *key,
		 const char *field, json_t **out);
bool api_get_arr(struct http_req *r, json_t *obj, const char *key,
		 const char *field, json_t **out);
/* api_json_text - v as compact JSON text (json_dumps flags added) in the
 * request arena; on failure it replies 500 and returns false. */
bool api_json_text(struct http_req *r, json_t *v, size_t flags, char **out);
/* api_read_customer - {name?, identifiers:[{kind,value}]} into *out;
 * field names are prefixed (e.g. "customer."). */
struct customer_new;
bool api_read_customer(struct http_req *r, json_t *obj, const char *prefix,
		       struct customer_new *out);
/* api_page - reply 200 {"items": items, "next_cursor": ...} for a page of
 * n items (reference to items stolen); the cursor is last_id when the page
 * is full, null when it is the last. */
void api_page(struct http_req *r, json_t *items, size_t n, size_t limit,
	      int64_t last_id);

/* ---- encoders (api_encode.c) ---- */
json_t *api_time_json(int64_t ms);
/* api_raw_json - stored JSON text as a value; null if absent or unreadable. */
json_t *api_raw_json(const char *text);
/* api_author_json - {"kind", "id"} of who did something (id null for heed). */
json_t *api_author_json(enum author_kind kind, int64_t id);
json_t *api_agent_json(const struct agent *a);
json_t *api_customer_json(const struct customer *c);
json_t *api_case_json(const struct case_ *c);
json_t *api_event_json(const struct event *e);
json_t *api_fact_json(const struct fact *f);
json_t *api_promise_json(const struct promise *p);
json_t *api_clock_json(const struct sla_clock *k);
json_t *api_alert_json(const struct alert *a);
/* resolution powers: an action with its delivery (never a secret) */
json_t *api_action_json(const struct action *a);

/* ---- writes (api.c) ---- */
struct api_job {
	struct txq_job job;
	struct http_req *r;
	struct fail fail;
	txq_run_fn inner;      /* the handler's work */
	bool tells;            /* set before api_write: the work may set
				* tell_case (costs a read per write) */
	int64_t tell_case;     /* set by the work: tell this case's live
				* followers about the events it wrote */
	int64_t ev_floor;      /* the newest event id before the work */
	struct event_list told;
};
/* api_write - run `run` on the writer thread inside the group commit, then
 * resume(r) on the loop thread; api_job_of(r) gives the job back.  The job
 * is allocated in r->arena (it embeds struct api_job first).  When
 * job->tells is set and the work sets job->tell_case, every event it wrote
 * on that case goes to the case's live followers (chat sockets, consoles)
 * after the commit. */
void api_write(struct http_req *r, struct api_job *job, txq_run_fn run,
	       http_handler resume);
/* api_job_of - the job a resumed request was waiting for. */
void *api_job_of(struct http_req *r);
/* api_slow - run fn(r) on the slow pool (password hashing), then resume(r)
 * on the loop thread.  fn keeps its state in a job set with api_set_job. */
void api_slow(struct http_req *r, void (*fn)(struct http_req *r),
	      http_handler resume);
void api_set_job(struct http_req *r, struct api_job *job);

/* ---- handlers, one file per resource ---- */
void api_h_healthz(struct http_req *r);
void api_h_metrics(struct http_req *r);
void api_h_session_create(struct http_req *r);
void api_h_session_delete(struct http_req *r);
void api_h_me(struct http_req *r);
void api_h_agents_list(struct http_req *r);
void api_h_agent_create(struct http_req *r);
void api_h_agent_get(struct http_req *r);
void api_h_agent_patch(struct http_req *r);
void api_h_customers_list(struct http_req *r);
void api_h_customer_create(struct http_req *r);
void api_h_customer_lookup(struct http_req *r);
void api_h_customer_get(struct http_req *r);
void api_h_customer_patch(struct http_req *r);
void api_h_cases_list(struct http_req *r);
void api_h_case_create(struct http_req *r);
void api_h_case_get(struct http_req *r);
void api_h_case_patch(struct http_req *r);
void api_h_events_list(struct http_req *r);
void api_h_event_create(struct http_req *r);
void api_h_facts_list(struct http_req *r);
void api_h_fact_put(struct http_req *r);
void api_h_chat_start(struct http_req *r);
void api_h_chat_preflight(struct http_req *r);
void api_h_chat_transcript(struct http_req *r);
void api_h_chat_transcript_email(struct http_req *r);
void api_h_chat_stats(struct http_req *r);
void api_h_queues_list(struct http_req *r);
void api_h_queue_put(struct http_req *r);
void api_h_sites_list(struct http_req *r);
void api_h_site_create(struct http_req *r);
void api_h_replies_list(struct http_req *r);
void api_h_reply_create(struct http_req *r);
void api_h_reply_delete(struct http_req *r);
void api_h_static_widget(struct http_req *r);
void api_h_static_console_index(struct http_req *r);
void api_h_static_console(struct http_req *r);
void api_h_static_demo(struct http_req *r);
void api_h_static_status_index(struct http_req *r);
void api_h_static_status(struct http_req *r);
void api_h_promises_list(struct http_req *r);
void api_h_promise_create(struct http_req *r);
void api_h_promise_proposal(struct http_req *r);
void api_h_promise_cancel(struct http_req *r);
void api_h_promise_revise(struct http_req *r);
void api_h_case_sla(struct http_req *r);
void api_h_alerts_list(struct http_req *r);
void api_h_alert_ack(struct http_req *r);
void api_h_calendars_list(struct http_req *r);
void api_h_calendar_put(struct http_req *r);
void api_h_sla_policies_list(struct http_req *r);
void api_h_sla_policy_put(struct http_req *r);
void api_h_sla_policy_delete(struct http_req *r);
void api_h_status_link(struct http_req *r);
void api_h_status_revoke(struct http_req *r);
void api_h_status_get(struct http_req *r);
void api_h_status_message(struct http_req *r);
void api_h_status_followup(struct http_req *r);
/* resolution powers (api_actions.c) */
void api_h_action_policies_list(struct http_req *r);
void api_h_action_policy_put(struct http_req *r);
void api_h_actions_list(struct http_req *r);
void api_h_action_create(struct http_req *r);
void api_h_approvals_list(struct http_req *r);
void api_h_action_approve(struct http_req *r);
void api_h_action_decline(struct http_req *r);
void api_h_action_cancel(struct http_req *r);

/* never ask twice (api_identity.c, api_flows.c) */
void api_h_verifications_list(struct http_req *r);
void api_h_verification_create(struct http_req *r);
void api_h_effort_get(struct http_req *r);
void api_h_handoff_draft(struct http_req *r);
void api_h_handoffs_list(struct http_req *r);
void api_h_handoff_create(struct http_req *r);
void api_h_flow_runs_list(struct http_req *r);
void api_h_flow_run_start(struct http_req *r);
void api_h_flow_run_get(struct http_req *r);
void api_h_flow_run_answer(struct http_req *r);
void api_h_flows_list(struct http_req *r);
void api_h_flow_get(struct http_req *r);
void api_h_flow_put(struct http_req *r);
void api_h_flow_versions(struct http_req *r);
void api_h_status_answer(struct http_req *r);
void api_h_chat_questions(struct http_req *r);
void api_h_chat_answer(struct http_req *r);
struct flow_view;
struct flow_answer_in;
/* api_flow_customer_json - what the customer sees of a run: its title,
 * the step they may answer now (or null), how many steps are known; v NULL
 * gives null. */
json_t *api_flow_customer_json(const struct flow_view *v);
/* api_flow_customer_answer - the customer of case_id answers its active
 * run (E_CONFLICT reason "no_questions" when none).  Writes. */
enum err api_flow_customer_answer(struct store *st, struct arena *ar, int64_t case_id,
				  struct flow_answer_in *in, struct flow_view *out,
				  struct fail *f);
/* api_flow_read_customer_answer - {step, value} of the body into in. */
bool api_flow_read_customer_answer(struct http_req *r, struct flow_answer_in *in);
/* customer records (issue 5): api_customer_records.c */
void api_h_customer_history(struct http_req *r);
void api_h_customer_merge(struct http_req *r);

#endif
