/*
 * api.c - the route table, the one access check, error replies, and the
 * plumbing that sends writes to the group-commit queue.
 *
 * Order of checks for every request (each stops at the first failure):
 *   route (404/405) -> credentials (401) -> role (403) -> content type (415)
 *   -> JSON body (400/422) -> the handler.
 */
#include "api/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "domain/auth.h"
#include "chan/sched.h"
#include "http/server.h"

#define PUBLIC 0

static struct route routes[] = {
	{HTTP_GET, "/healthz", api_h_healthz, PUBLIC, 0},
	{HTTP_GET, "/metrics", api_h_metrics, PUBLIC, 0},
	{HTTP_POST, "/api/v1/sessions", api_h_session_create, PUBLIC, 0},
	{HTTP_DELETE, "/api/v1/sessions", api_h_session_delete, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/me", api_h_me, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/agents", api_h_agents_list, ROLE_SUPERVISOR, 0},
	{HTTP_POST, "/api/v1/agents", api_h_agent_create, ROLE_ADMIN, 0},
	{HTTP_GET, "/api/v1/agents/{id}", api_h_agent_get, ROLE_SUPERVISOR, 0},
	{HTTP_PATCH, "/api/v1/agents/{id}", api_h_agent_patch, ROLE_ADMIN, 0},
	{HTTP_GET, "/api/v1/customers", api_h_customers_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/customers", api_h_customer_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/customers/lookup", api_h_customer_lookup, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/customers/{id}", api_h_customer_get, ROLE_AGENT, 0},
	{HTTP_PATCH, "/api/v1/customers/{id}", api_h_customer_patch, ROLE_AGENT, 0},
	/* customer records (issue 5): agents correct and merge records (story 002) */
	{HTTP_GET, "/api/v1/customers/{id}/history", api_h_customer_history, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/customers/{id}/merge", api_h_customer_merge, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases", api_h_cases_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases", api_h_case_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}", api_h_case_get, ROLE_AGENT, 0},
	{HTTP_PATCH, "/api/v1/cases/{id}", api_h_case_patch, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/events", api_h_events_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/events", api_h_event_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/facts", api_h_facts_list, ROLE_AGENT, 0},
	{HTTP_PUT, "/api/v1/cases/{id}/facts/{key}", api_h_fact_put, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/promises", api_h_promises_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/promises", api_h_promise_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/sla", api_h_case_sla, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/status-link", api_h_status_link, ROLE_AGENT, 0},
	{HTTP_DELETE, "/api/v1/cases/{id}/status-link", api_h_status_revoke, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/promises/proposal", api_h_promise_proposal, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/promises/{id}/cancel", api_h_promise_cancel, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/promises/{id}/revise", api_h_promise_revise, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/alerts", api_h_alerts_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/alerts/{id}/ack", api_h_alert_ack, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/calendars", api_h_calendars_list, ROLE_AGENT, 0},
	{HTTP_PUT, "/api/v1/calendars/{name}", api_h_calendar_put, ROLE_ADMIN, 0},
	{HTTP_GET, "/api/v1/sla-policies", api_h_sla_policies_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/sla-policies", api_h_sla_policy_put, ROLE_ADMIN, 0},
	{HTTP_DELETE, "/api/v1/sla-policies/{queue}/{priority}", api_h_sla_policy_delete, ROLE_ADMIN, 0},
	/* never ask twice: verification, effort, handoffs, guided flows */
	{HTTP_GET, "/api/v1/cases/{id}/verifications", api_h_verifications_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/verifications", api_h_verification_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/effort", api_h_effort_get, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/handoff-draft", api_h_handoff_draft, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/handoffs", api_h_handoffs_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/handoffs", api_h_handoff_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/cases/{id}/flow-runs", api_h_flow_runs_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/flow-runs", api_h_flow_run_start, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/flow-runs/{id}", api_h_flow_run_get, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/flow-runs/{id}/answers", api_h_flow_run_answer, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/flows", api_h_flows_list, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/flows/{key}", api_h_flow_get, ROLE_AGENT, 0},
	{HTTP_PUT, "/api/v1/flows/{key}", api_h_flow_put, ROLE_SUPERVISOR, 0},
	{HTTP_GET, "/api/v1/flows/{key}/versions", api_h_flow_versions, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/status/{token}/answers", api_h_status_answer, PUBLIC, 0},
	{HTTP_GET, "/api/v1/chat/questions", api_h_chat_questions, PUBLIC, 0},
	{HTTP_OPTIONS, "/api/v1/chat/questions", api_h_chat_preflight, PUBLIC, 0},
	{HTTP_POST, "/api/v1/chat/answers", api_h_chat_answer, PUBLIC, 0},
	{HTTP_OPTIONS, "/api/v1/chat/answers", api_h_chat_preflight, PUBLIC, 0},
	{HTTP_GET, "/api/v1/status/{token}", api_h_status_get, PUBLIC, 0},
	{HTTP_POST, "/api/v1/status/{token}/messages", api_h_status_message, PUBLIC, 0},
	{HTTP_POST, "/api/v1/status/{token}/followup", api_h_status_followup, PUBLIC, 0},
	{HTTP_POST, "/api/v1/chat/sessions", api_h_chat_start, PUBLIC, 0},
	{HTTP_OPTIONS, "/api/v1/chat/sessions", api_h_chat_preflight, PUBLIC, 0},
	{HTTP_GET, "/api/v1/chat/transcript", api_h_chat_transcript, PUBLIC, 0},
	{HTTP_OPTIONS, "/api/v1/chat/transcript", api_h_chat_preflight, PUBLIC, 0},
	{HTTP_POST, "/api/v1/chat/transcript/email", api_h_chat_transcript_email, PUBLIC, 0},
	{HTTP_OPTIONS, "/api/v1/chat/transcript/email", api_h_chat_preflight, PUBLIC, 0},
	{HTTP_GET, "/api/v1/chat/stats", api_h_chat_stats, ROLE_SUPERVISOR, 0},
	{HTTP_GET, "/api/v1/queues", api_h_queues_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/queues", api_h_queue_put, ROLE_ADMIN, 0},
	{HTTP_GET, "/api/v1/sites", api_h_sites_list, ROLE_ADMIN, 0},
	{HTTP_POST, "/api/v1/sites", api_h_site_create, ROLE_ADMIN, 0},
	{HTTP_GET, "/api/v1/saved-replies", api_h_replies_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/saved-replies", api_h_reply_create, ROLE_AGENT, 0},
	{HTTP_DELETE, "/api/v1/saved-replies/{id}", api_h_reply_delete, ROLE_AGENT, 0},
	/* resolution powers */
	{HTTP_GET, "/api/v1/action-policies", api_h_action_policies_list, ROLE_AGENT, 0},
	{HTTP_PUT, "/api/v1/action-policies/{kind}", api_h_action_policy_put, ROLE_ADMIN, 0},
	{HTTP_GET, "/api/v1/cases/{id}/actions", api_h_actions_list, ROLE_AGENT, 0},
	{HTTP_POST, "/api/v1/cases/{id}/actions", api_h_action_create, ROLE_AGENT, 0},
	{HTTP_GET, "/api/v1/approvals", api_h_approvals_list, ROLE_SUPERVISOR, 0},
	{HTTP_POST, "/api/v1/actions/{id}/approve", api_h_action_approve, ROLE_SUPERVISOR, 0},
	{HTTP_POST, "/api/v1/actions/{id}/decline", api_h_action_decline, ROLE_SUPERVISOR, 0},
	{HTTP_POST, "/api/v1/actions/{id}/cancel", api_h_action_cancel, ROLE_AGENT, 0},
	{HTTP_GET, "/widget.js", api_h_static_widget, PUBLIC, 0},
	{HTTP_GET, "/console/", api_h_static_console_index, PUBLIC, 0},
	{HTTP_GET, "/console/{file}", api_h_static_console, PUBLIC, 0},
	{HTTP_GET, "/demo/", api_h_static_demo, PUBLIC, 0},
	{HTTP_GET, "/status/", api_h_static_status_index, PUBLIC, 0},
	{HTTP_GET, "/status/{file}", api_h_static_status, PUBLIC, 0},
	{0, NULL, NULL, 0, 0},
};

struct route *api_routes(void)
{
	return routes;
}

/* ---- errors ------------------------------------------------------------ */

/* The one table from enum err to HTTP status. */
static const int status_of[E__COUNT] = {
	[E_OK] = 200,        [E_NOMEM] = 500,     [E_INVAL] = 400,
	[E_UNPROC] = 422,    [E_NOTFOUND] = 404,  [E_CONFLICT] = 409,
	[E_TOOBIG] = 413,    [E_FORBIDDEN] = 403, [E_AUTH] = 401,
	[E_IO] = 500,        [E_AGAIN] = 503,
};

int api_status(enum err e)
{
	return (unsigned)e < E__COUNT ? status_of[e] : 500;
}

void api_json(struct http_req *r, int status, json_t *j)
{
	char *text;

	if (!j) {
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
		return;
	}
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text) {
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
		return;
	}
	http_reply(r, status, "application/json", text, strlen(text));
	free(text);
}

/* reply_error - the error body.  `code` is the stable class a client can
 * switch on (bad_request, conflict, illegal_transition, ...); `reason`, when
 * given, is the finer cause (missing_field, email_taken, ...). */
static void reply_error(struct http_req *r, int status, const char *code,
			const char *reason, const char *field, const char *msg,
			const char *const *allowed, int64_t related_id)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", msg);
	json_t *doc = err ? json_pack("{s:o}", "error", err) : NULL;
	char *text = NULL;

	if (doc && reason && strcmp(reason, code) != 0)
		json_object_set_new(err, "reason", json_string(reason));
	if (doc && field && *field)
		json_object_set_new(err, "field", json_string(field));
	if (doc && related_id)
		json_object_set_new(err, "related_id", json_integer(related_id));
	if (doc && allowed) {
		json_t *arr = json_array();

		for (size_t i = 0; allowed[i]; i++)
			json_array_append_new(arr, json_string(allowed[i]));
		json_object_set_new(err, "allowed", arr);
	}
	if (doc)
		text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!text) {
		static const char oom[] =
			"{\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}";
		http_reply(r, 500, "application/json", oom, sizeof(oom) - 1);
		return;
	}
	http_reply(r, status, "application/json", text, strlen(text));
	free(text);
}

/* code_for - the public code: the class of e, except for reasons that are
 * classes of their own. */
static const char *code_for(enum err e, const char *reason)
{
	if (reason && !strcmp(reason, "illegal_transition"))
		return reason;
	return err_name(e);
}

void api_error(struct http_req *r, enum err e, const char *reason,
	       const char *field, const char *msg)
{
	int status = api_status(e);

	if (status >= 500)
		log_error(r->id, "%s %s failed: %s", router_method_name(r->method),
			  r->path, msg ? msg : err_name(e));
	reply_error(r, status, code_for(e, reason), reason, field,
		    msg ? msg : err_name(e), NULL, 0);
}

void api_fail(struct http_req *r, enum err e, const struct fail *f)
{
	if (!f || f->code != e || !f->msg[0]) {
		static const char *const msgs[E__COUNT] = {
			[E_NOTFOUND] = "not found",
			[E_CONFLICT] = "conflicts with existing data",
			[E_IO] = "storage failure; nothing was changed",
			[E_NOMEM] = "out of memory; nothing was changed",
			[E_AUTH] = "authentication required",
			[E_FORBIDDEN] = "not allowed",
		};
		const char *m = (unsigned)e < E__COUNT ? msgs[e] : NULL;

		api_error(r, e, NULL, NULL, m ? m : err_name(e));
		return;
	}
	if (api_status(e) >= 500)
		log_error(r->id, "%s", f->msg);
	reply_error(r, api_status(e), code_for(e, f->reason), f->reason,
		    f->field, f->msg, f->allowed, f->related_id);
}

void *api_alloc(struct http_req *r, size_t n)
{
	void *p = arena_zalloc(&r->arena, n);

	if (!p)
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
	return p;
}

/* ---- writes ------------------------------------------------------------ */

/* job_run - the handler's work, noting what it wrote for job_done. */
static enum err job_run(struct store *st, struct txq_job *j)
{
	struct api_job *aj = (struct api_job *)j;
	enum err e;

	if (aj->tells && (e = store_event_last_id(st, 0, &aj->ev_floor)) != E_OK)
		return e;
	e = aj->inner(st, j);
	if (e == E_OK && aj->tells && aj->tell_case &&
	    store_event_list(st, &aj->r->arena, aj->tell_case, aj->ev_floor, 64,
			     &aj->told) != E_OK)
		aj->told.n = 0; /* the write stands; only the live news is lost */
	return e;
}

/* job_done - after the commit: the news to the live followers (the hub is
 * thread-safe), then the request's loop. */
static void job_done(struct txq_job *j)
{
	struct api_job *aj = (struct api_job *)j;

	if (j->result == E_OK)
		for (size_t i = 0; i < aj->told.n; i++)
			hub_publish_event(api_req(aj->r)->w->api->hub, &aj->told.items[i]);
	http_req_wake(aj->r);
}

void api_write(struct http_req *r, struct api_job *job, txq_run_fn run,
	       http_handler resume)
{
	struct api_req *q = api_req(r);

	job->r = r;
	job->inner = run;
	job->job.run = job_run;
	job->job.done = job_done;
	memset(&job->fail, 0, sizeof(job->fail));
	q->job = job;
	http_req_suspend(r, resume);
	txq_submit(q->w->api->txq, &job->job);
}

void *api_job_of(struct http_req *r)
{
	return api_req(r)->job;
}

void api_set_job(struct http_req *r, struct api_job *job)
{
	job->r = r;
	api_req(r)->job = job;
}

struct slow_job {
	struct pool_job pj;
	struct http_req *r;
	void (*fn)(struct http_req *r);
};

static void slow_run(struct pool_job *pj)
{
	struct slow_job *s = (struct slow_job *)pj;

	s->fn(s->r);
	http_req_wake(s->r);
}

void api_slow(struct http_req *r, void (*fn)(struct http_req *r),
	      http_handler resume)
{
	struct slow_job *s = arena_zalloc(&r->arena, sizeof(*s));

	if (!s) {
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
		return;
	}
	s->r = r;
	s->fn = fn;
	s->pj.run = slow_run;
	http_req_suspend(r, resume);
	pool_submit(api_req(r)->w->api->slow, &s->pj);
}

/* ---- access ------------------------------------------------------------ */

/* credential - the bearer token or session cookie, or NULL. */
static const char *credential(struct http_req *r)
{
	const char *h = r->authorization, *c = r->cookie;
	char buf[256];

	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return *h ? h : NULL;
	}
	return c && http_cookie(c, "heed_session", buf, sizeof(buf))
		       ? arena_strdup(&r->arena, buf) : NULL;
}

static bool authenticate(struct http_req *r, struct api_req *q)
{
	const char *secret = credential(r);
	struct token tok;
	enum err e;

	if (!secret) {
		api_error(r, E_AUTH, NULL, NULL,
			  "sign in or send 'Authorization: Bearer TOKEN'");
		return false;
	}
	e = auth_authenticate(q->w->rd, &r->arena, secret, &q->agent, &tok);
	if (e == E_AUTH || e == E_NOTFOUND) {
		api_error(r, E_AUTH, NULL, NULL, "the token is unknown, expired or revoked");
		return false;
	}
	if (e) {
		api_fail(r, e, NULL);
		return false;
	}
	q->secret = secret;
	q->actor.kind = AUTHOR_AGENT;
	q->actor.id = q->agent.id;
	q->actor.role = q->agent.role;
	return true;
}

static void body_free(void *j)
{
	json_decref(j);
}

static bool is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (!ct || strncasecmp(ct, "application/json", n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* parse_body - the JSON object body of a POST, PUT or PATCH. */
static bool parse_body(struct http_req *r, struct api_req *q)
{
	json_error_t jerr;
	char msg[256];

	if (r->body.len == 0) {
		api_error(r, E_INVAL, NULL, NULL, "a JSON object body is required");
		return false;
	}
	if (!is_json_type(r->content_type)) {
		reply_error(r, 415, "unsupported_media_type", NULL, NULL,
			    "send the body as 'Content-Type: application/json'", NULL, 0);
		return false;
	}
	q->body = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!q->body) {
		if (json_error_code(&jerr) == json_error_invalid_utf8) {
			api_error(r, E_UNPROC, NULL, NULL, "the body is not valid UTF-8");
			return false;
		}
		snprintf(msg, sizeof(msg), "malformed JSON at line %d column %d: %s",
			 jerr.line, jerr.column, jerr.text);
		api_error(r, E_INVAL, "malformed_json", NULL, msg);
		return false;
	}
	arena_on_release(&r->arena, body_free, q->body);
	if (!json_is_object(q->body)) {
		api_error(r, E_INVAL, NULL, NULL, "the body must be a JSON object");
		return false;
	}
	return true;
}

static void dispatch_checked(struct http_req *r, struct api_req *q);

/* api_dispatch - every request's reads (the token, then the handler's) run
 * in one read snapshot of this worker's handle. */
void api_dispatch(struct http_req *r)
{
	struct api_req *q = arena_zalloc(&r->arena, sizeof(*q));
	struct store *rd;

	if (!q) {
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
		return;
	}
	q->w = r->worker_data;
	r->user = q;
	rd = q->w->rd;
	if (store_read_begin(rd) != E_OK) {
		api_error(r, E_IO, NULL, NULL, "storage failure");
		return;
	}
	dispatch_checked(r, q);
	store_read_end(rd);
}

static void dispatch_checked(struct http_req *r, struct api_req *q)
{
	enum router_result rr;

	rr = router_match(r);
	if (rr == ROUTE_NOT_FOUND) {
		api_error(r, E_NOTFOUND, NULL, NULL, "no such path");
		return;
	}
	if (rr == ROUTE_BAD_METHOD) {
		reply_error(r, 405, "method_not_allowed", NULL, NULL,
			    "this path does not take that method", NULL, 0);
		return;
	}
	if (r->query_bad_utf8) {
		api_error(r, E_UNPROC, NULL, NULL, "the query string is not valid UTF-8");
		return;
	}
	if (r->query_too_many) {
		api_error(r, E_INVAL, NULL, NULL, "too many query parameters");
		return;
	}
	if (r->route->min_role != PUBLIC) {
		if (!authenticate(r, q))
			return;
		if ((int)q->agent.role < r->route->min_role) {
			api_error(r, E_FORBIDDEN, NULL, NULL,
				  "your role does not allow this");
			return;
		}
	}
	if ((r->method == HTTP_POST || r->method == HTTP_PUT ||
	     r->method == HTTP_PATCH) && !parse_body(r, q))
		return;
	r->route->handler(r);
}

/* ---- life cycle -------------------------------------------------------- */

/* told - an event a deadline wrote goes to the case's live followers. */
static void told(void *hub, const struct event *e)
{
	hub_publish_event(hub, e);
}

enum err api_start(struct api *a, const struct api_config *cfg)
{
	enum err e;

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	if ((e = txq_start(cfg->db_uri, 256, &a->txq)) != E_OK)
		goto fail;
	if ((e = store_open(cfg->db_uri, &a->slow_st)) != E_OK)
		goto fail;
	if ((e = pool_start(1, &a->slow)) != E_OK)
		goto fail;
	if ((e = bus_new(&a->bus)) != E_OK)
		goto fail;
	struct hub_config hc = {.db_uri = cfg->db_uri,
				.notify_offer_ms = 5 * 60 * 1000,
				.gone_after_ms = 3 * 60 * 1000,
				.presence_grace_ms = 30 * 1000};
	if ((e = hub_start(&hc, a->txq, a->bus, &a->hub)) != E_OK)
		goto fail;
	a->cfg.mail.db_uri = cfg->db_uri;
	if ((e = mail_start(&a->cfg.mail, a->txq, &a->mail)) != E_OK)
		goto fail;
	/* resolution powers: the webhook sender */
	a->cfg.hooks.db_uri = cfg->db_uri;
	if ((e = hooks_start(&a->cfg.hooks, a->txq, &a->hooks)) != E_OK)
		goto fail;
	struct sched_config sc = {.db_uri = cfg->db_uri, .told = told, .ctx = a->hub};
	if ((e = sched_start(&sc, a->txq, a->mail, &a->sched)) != E_OK)
		goto fail;
	return E_OK;
fail:
	api_stop(a);
	return e;
}

void api_stop(struct api *a)
{
	sched_stop(a->sched); /* before mail: it kicks the sender */
	a->sched = NULL;
	mail_stop(a->mail); /* before the write queue: it records its last try */
	a->mail = NULL;
	hooks_stop(a->hooks); /* resolution powers: likewise */
	a->hooks = NULL;
	pool_stop(a->slow);
	txq_stop(a->txq); /* every chat job is done: the hub can go */
	hub_stop(a->hub);
	bus_free(a->bus);
	a->hub = NULL;
	a->bus = NULL;
	store_close(a->slow_st);
	a->slow = NULL;
	a->txq = NULL;
	a->slow_st = NULL;
}

static void wake_loop(void *hw)
{
	http_worker_wake(hw);
}

void *api_worker_init(int index, struct http_worker *hw, void *api)
{
	struct api_worker *w = calloc(1, sizeof(*w));

	(void)index;
	if (!w)
		return NULL;
	w->api = api;
	if (store_open(w->api->cfg.db_uri, &w->rd) != E_OK) {
		free(w);
		return NULL;
	}
	if (chat_worker_new(w->api->hub, w->api->bus, w->rd, wake_loop, hw,
			    &w->chat) != E_OK) {
		store_close(w->rd);
		free(w);
		return NULL;
	}
	return w;
}

void api_worker_fini(void *p)
{
	struct api_worker *w = p;

	chat_worker_free(w->chat);
	store_close(w->rd);
	free(w);
}

void api_worker_wakeup(void *p)
{
	struct api_worker *w = p;

	chat_worker_drain(w->chat);
}

struct chat_worker *api_chat_worker(void *p)
{
	return ((struct api_worker *)p)->chat;
}
