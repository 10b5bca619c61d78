/*
 * api_actions.c - resolution powers:
 *   /api/v1/action-policies[/{kind}]     limits per role, webhook (admin edits)
 *   /api/v1/cases/{id}/actions           list (with the caller's allowance), take one
 *   /api/v1/approvals                    requests waiting for a supervisor
 *   /api/v1/actions/{id}/approve|decline|cancel
 * The rules are in domain/actions.h; this file turns JSON into its calls
 * and back, and kicks the webhook sender after a write that queued a
 * delivery.
 */
#include "api/internal.h"

#include <stdlib.h>
#include <string.h>

#include "domain/actions.h"

struct action_job {
	struct api_job j;
	int64_t id;
	struct action_new in;
	const char *note;
	const char *kind;
	const char *doc;
	struct actor by;
	struct action out;
	struct action_policy policy;
	bool hooked;
	bool created;              /* a new action: 201 (202 when it waits) */
};

static json_t *limit_json(const struct action_limits *l)
{
	if (!l->set)
		return json_null();
	return json_pack("{s:o, s:o}", "per_case",
			 l->per_case == NO_LIMIT ? json_null() : json_integer(l->per_case),
			 "per_month",
			 l->per_month == NO_LIMIT ? json_null() : json_integer(l->per_month));
}

/* policy_json - never the secret: has_secret says whether there is one. */
static json_t *policy_json(const struct action_policy *p)
{
	json_t *hook = p->hook_url ? json_pack("{s:s, s:b}", "url", p->hook_url, "has_secret",
					       p->hook_secret && *p->hook_secret) :
				     json_null();

	return json_pack("{s:s, s:b, s:s?, s:{s:o, s:o, s:o}, s:o, s:o}", "kind", p->kind,
			 "configured", p->configured, "currency", p->currency, "limits", "agent",
			 limit_json(&p->limits[ROLE_AGENT]), "supervisor",
			 limit_json(&p->limits[ROLE_SUPERVISOR]), "admin",
			 limit_json(&p->limits[ROLE_ADMIN]), "webhook", hook, "updated_at",
			 api_time_json(p->updated_at));
}

void api_h_action_policies_list(struct http_req *r)
{
	struct fail fail = {0};
	json_t *a = json_array();

	for (size_t i = 0; a && i < ACTION_KINDS; i++) {
		struct action_policy p;
		enum err e = actions_policy_get(api_req(r)->w->rd, &r->arena, action_kind_name(i),
						&p, &fail);

		if (e) {
			json_decref(a);
			api_fail(r, e, &fail);
			return;
		}
		json_array_append_new(a, policy_json(&p));
	}
	api_json(r, 200, json_pack("{s:o}", "items", a ? a : json_array()));
}

static enum err run_policy(struct store *st, struct txq_job *tj)
{
	struct action_job *aj = (struct action_job *)tj;

	return actions_policy_put(st, &aj->j.r->arena, aj->kind, aj->doc, &aj->policy,
				  &aj->j.fail);
}

static void resume_policy(struct http_req *r)
{
	struct action_job *aj = api_job_of(r);

	if (aj->j.job.result) {
		api_fail(r, aj->j.job.result, &aj->j.fail);
		return;
	}
	api_json(r, 200, policy_json(&aj->policy));
}

void api_h_action_policy_put(struct http_req *r)
{
	struct action_job *aj = api_alloc(r, sizeof(*aj));
	char *t;

	if (!aj)
		return;
	t = json_dumps(api_req(r)->body, JSON_COMPACT);
	aj->doc = t ? arena_strdup(&r->arena, t) : NULL;
	free(t);
	if (!aj->doc) {
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
		return;
	}
	aj->kind = r->params[0];
	api_write(r, &aj->j, run_policy, resume_policy);
}

/* ---- a case's actions ----------------------------------------------------- */

void api_h_actions_list(struct http_req *r)
{
	struct action_allowance allow[ACTION_KINDS];
	struct action_list l;
	struct fail fail = {0};
	json_t *items, *al;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	e = actions_list(api_req(r)->w->rd, &r->arena, id, &api_req(r)->actor, &l, allow, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	items = json_array();
	al = json_array();
	for (size_t i = 0; items && i < l.n; i++)
		json_array_append_new(items, api_action_json(&l.items[i]));
	for (size_t i = 0; al && i < ACTION_KINDS; i++)
		json_array_append_new(al, json_pack("{s:s, s:b, s:s?, s:o}", "kind", allow[i].kind,
						    "policy", allow[i].policy, "currency",
						    allow[i].currency, "left",
						    allow[i].left == NO_LIMIT ? json_null() :
						    json_integer(allow[i].left)));
	api_json(r, 200, json_pack("{s:o, s:o}", "items", items ? items : json_array(),
				   "allowance", al ? al : json_array()));
}

static void resume_action(struct http_req *r)
{
	struct action_job *aj = api_job_of(r);

	if (aj->j.job.result) {
		api_fail(r, aj->j.job.result, &aj->j.fail);
		return;
	}
	if (aj->hooked)
		hooks_kick(api_req(r)->w->api->hooks);
	api_json(r, aj->out.state == ACTION_PENDING_APPROVAL ? 202 : aj->created ? 201 : 200,
		 api_action_json(&aj->out));
}

static enum err run_take(struct store *st, struct txq_job *tj)
{
	struct action_job *aj = (struct action_job *)tj;

	aj->j.tell_case = aj->id;
	return actions_take(st, &aj->j.r->arena, aj->id, &aj->in, &aj->by, &aj->out, &aj->hooked,
			    &aj->j.fail);
}

void api_h_action_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct action_job *aj = api_alloc(r, sizeof(*aj));
	json_t *b = q->body;

	if (!aj || !api_param_id(r, 0, &aj->id) ||
	    !api_get_str(r, b, "kind", "kind", true, &aj->in.kind) ||
	    !api_get_int(r, b, "amount", INT64_MIN + 1, INT64_MAX, NULL, &aj->in.amount) ||
	    !api_get_str(r, b, "currency", "currency", false, &aj->in.currency) ||
	    !api_get_str(r, b, "item", "item", false, &aj->in.item) ||
	    !api_get_int(r, b, "quantity", INT64_MIN + 1, INT64_MAX, NULL, &aj->in.quantity) ||
	    !api_get_int(r, b, "days", INT64_MIN + 1, INT64_MAX, NULL, &aj->in.days) ||
	    !api_get_str(r, b, "reason", "reason", true, &aj->in.reason) ||
	    !api_get_str(r, b, "note", "note", false, &aj->in.note))
		return;
	aj->by = q->actor;
	aj->created = true;
	aj->j.tells = true;
	api_write(r, &aj->j, run_take, resume_action);
}

/* ---- approvals ------------------------------------------------------------ */

void api_h_approvals_list(struct http_req *r)
{
	const char *state = http_query(r, "state");
	struct action_list l;
	struct fail fail = {0};
	enum action_state s = ACTION_PENDING_APPROVAL;
	int64_t before;
	size_t limit;
	json_t *a;
	enum err e;

	if (!api_query_id(r, "cursor", &before) || !api_query_limit(r, &limit))
		return;
	if (state && strcmp(state, "pending") && !(s = action_state_parse(state))) {
		api_error(r, E_UNPROC, NULL, "state",
			  "'state' is pending, declined, sending, done or cancelled");
		return;
	}
	e = actions_in_state(api_req(r)->w->rd, &r->arena, s, before, limit, &l, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, api_action_json(&l.items[i]));
	api_page(r, a, l.n, limit, l.n ? l.items[l.n - 1].id : 0);
}

static enum err run_approve(struct store *st, struct txq_job *tj)
{
	struct action_job *aj = (struct action_job *)tj;
	enum err e = actions_approve(st, &aj->j.r->arena, aj->id, aj->note, &aj->by, &aj->out,
				     &aj->hooked, &aj->j.fail);

	aj->j.tell_case = aj->out.case_id;
	return e;
}

static enum err run_decline(struct store *st, struct txq_job *tj)
{
	struct action_job *aj = (struct action_job *)tj;
	enum err e = actions_decline(st, &aj->j.r->arena, aj->id, aj->note, &aj->by, &aj->out,
				     &aj->j.fail);

	aj->j.tell_case = aj->out.case_id;
	return e;
}

static enum err run_cancel(struct store *st, struct txq_job *tj)
{
	struct action_job *aj = (struct action_job *)tj;
	enum err e = actions_cancel(st, &aj->j.r->arena, aj->id, aj->note, &aj->by, &aj->out,
				    &aj->j.fail);

	aj->j.tell_case = aj->out.case_id;
	return e;
}

/* decide - approve, decline or cancel: {"note"} or {"reason"}. */
static void decide(struct http_req *r, const char *key, bool required, txq_run_fn run)
{
	struct api_req *q = api_req(r);
	struct action_job *aj = api_alloc(r, sizeof(*aj));

	if (!aj || !api_param_id(r, 0, &aj->id) ||
	    !api_get_str(r, q->body, key, key, required, &aj->note))
		return;
	aj->by = q->actor;
	aj->j.tells = true;
	api_write(r, &aj->j, run, resume_action);
}

void api_h_action_approve(struct http_req *r)
{
	decide(r, "note", false, run_approve);
}

void api_h_action_decline(struct http_req *r)
{
	decide(r, "note", false, run_decline); /* the domain requires it: 422 */
}

void api_h_action_cancel(struct http_req *r)
{
	decide(r, "reason", true, run_cancel);
}
