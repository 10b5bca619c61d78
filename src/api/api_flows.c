/*
 * api_flows.c - guided flows and their runs on cases:
 *   /api/v1/flows                        the newest version of each flow
 *   /api/v1/flows/{key}                  one flow (?version=N); PUT saves
 *                                        the body as its next version
 *   /api/v1/flows/{key}/versions         every version
 *   /api/v1/cases/{id}/flow-runs         the runs of a case; POST starts
 *                                        (or switches to) a flow
 *   /api/v1/flow-runs/{id}               where a run stands
 *   /api/v1/flow-runs/{id}/answers       answer its step
 *   /api/v1/status/{token}/answers       the customer answers on the page
 * The customer's side (status page, chat widget) sees only the step they
 * may answer themselves, never facts or ids: api_flow_customer_json.
 */
#include "api/internal.h"

#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"
#include "domain/flows.h"
#include "domain/status.h"

struct flow_job {
	struct api_job j;
	int64_t id;
	const char *key, *flow, *token;
	char *doc;
	struct flow_answer_in in;
	struct actor by;
	struct flow out;
	struct flow_view view;
	struct case_ c;
	bool created;
};

/* ---- encoders ------------------------------------------------------------ */

static json_t *step_json(const struct flow_step *s)
{
	json_t *j = json_pack("{s:s, s:s, s:s*, s:s*, s:s*}", "id", s->id, "type",
			      flow_step_type_name(s->type), "fact", s->fact, "label", s->label,
			      "text", s->text);

	if (!j || s->type == STEP_OUTCOME) {
		if (j) {
			json_object_set_new(j, "outcome", json_string(s->outcome));
			json_object_set_new(j, "queue", s->queue ? json_string(s->queue) : json_null());
		}
		return j;
	}
	json_object_set_new(j, "audience", json_string(s->customer ? "customer" : "agent"));
	json_object_set_new(j, "answer", json_string(flow_answer_name(s->answer)));
	if (s->answer == ANSWER_CHOICE) {
		json_t *o = json_array();

		for (size_t i = 0; o && i < s->n_options; i++)
			json_array_append_new(o, json_string(s->options[i]));
		json_object_set_new(j, "options", o);
	}
	return j;
}

static json_t *known_json(const struct flow_known *k)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "step", k->step->id, "fact",
			 k->step->fact, "label", k->step->label, "value",
			 api_raw_json(k->fact.value), "source", fact_source_name(k->fact.source),
			 "by", api_author_json(k->fact.by_kind, k->fact.by_id), "at",
			 api_time_json(k->fact.created_at));
}

static json_t *run_json(const struct flow_run *r, const char *title)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:o, s:s, s:o, s:o, s:o}", "id",
			 (json_int_t)r->id, "case_id", (json_int_t)r->case_id, "flow",
			 r->flow_key, "version", (json_int_t)r->version, "title",
			 title ? json_string(title) : json_null(), "state",
			 flow_run_state_name(r->state), "outcome",
			 r->outcome ? json_string(r->outcome) : json_null(), "created_at",
			 api_time_json(r->created_at), "updated_at", api_time_json(r->updated_at));
}

static json_t *view_json(const struct flow_view *v)
{
	json_t *j = run_json(&v->run, v->def.title), *known = json_array();

	for (size_t i = 0; known && i < v->n_known; i++)
		json_array_append_new(known, known_json(&v->known[i]));
	if (j) {
		json_object_set_new(j, "known", known ? known : json_array());
		json_object_set_new(j, "current", v->current ? step_json(v->current) : json_null());
		json_object_set_new(j, "end", v->end ? step_json(v->end) : json_null());
		json_object_set_new(j, "steps", json_integer((json_int_t)v->def.n));
	} else {
		json_decref(known);
	}
	return j;
}

json_t *api_flow_customer_json(const struct flow_view *v)
{
	const struct flow_step *s = v && v->run.state == RUN_ACTIVE ? v->current : NULL;
	json_t *q = json_null();

	if (!v)
		return json_null();
	if (s && s->customer) {
		q = step_json(s);
		json_object_del(q, "fact");
		json_object_del(q, "audience");
	}
	return json_pack("{s:s, s:o, s:I}", "title", v->def.title, "question", q, "answered",
			 (json_int_t)v->n_known);
}

static json_t *flow_json(const struct flow *x)
{
	return json_pack("{s:s, s:I, s:s, s:o, s:o, s:o}", "key", x->key, "version",
			 (json_int_t)x->version, "title", x->title, "definition",
			 api_raw_json(x->definition), "created_by",
			 x->created_by ? json_integer(x->created_by) : json_null(), "created_at",
			 api_time_json(x->created_at));
}

/* ---- flows ---------------------------------------------------------------- */

static void reply_flows(struct http_req *r, const char *key)
{
	struct flow_list l;
	json_t *a = json_array();
	enum err e = store_flow_list(api_req(r)->w->rd, &r->arena, key, &l);

	if (!e && key && !l.n)
		e = E_NOTFOUND;
	if (e) {
		json_decref(a);
		api_error(r, e, NULL, NULL, e == E_NOTFOUND ? "no such flow" : "storage failure");
		return;
	}
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, flow_json(&l.items[i]));
	api_json(r, 200, json_pack("{s:o}", "items", a ? a : json_array()));
}

void api_h_flows_list(struct http_req *r)
{
	reply_flows(r, NULL);
}

void api_h_flow_versions(struct http_req *r)
{
	reply_flows(r, r->params[0]);
}

void api_h_flow_get(struct http_req *r)
{
	struct fail fail = {0};
	struct flow x;
	int64_t version;
	enum err e;

	if (!api_query_id(r, "version", &version))
		return;
	e = flows_get(api_req(r)->w->rd, &r->arena, r->params[0], version, &x, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	api_json(r, 200, flow_json(&x));
}

static enum err run_put(struct store *st, struct txq_job *tj)
{
	struct flow_job *fj = (struct flow_job *)tj;

	return flows_put(st, &fj->j.r->arena, fj->key, fj->doc, &fj->by, &fj->out, &fj->j.fail);
}

static void resume_put(struct http_req *r)
{
	struct flow_job *fj = api_job_of(r);

	if (fj->j.job.result) {
		api_fail(r, fj->j.job.result, &fj->j.fail);
		return;
	}
	api_json(r, fj->out.version == 1 ? 201 : 200, flow_json(&fj->out));
}

void api_h_flow_put(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct flow_job *fj = api_alloc(r, sizeof(*fj));

	if (!fj)
		return;
	if (!q->body) {
		api_error(r, E_INVAL, "missing_field", "definition",
			  "send the flow definition as the JSON body");
		return;
	}
	/* compact, in the author's order; flows_put checks it in the write */
	if (!api_json_text(r, q->body, JSON_PRESERVE_ORDER, &fj->doc))
		return;
	fj->key = r->params[0];
	fj->by = q->actor;
	api_write(r, &fj->j, run_put, resume_put);
}

/* ---- runs ----------------------------------------------------------------- */

void api_h_flow_runs_list(struct http_req *r)
{
	struct store *rd = api_req(r)->w->rd;
	struct flow_run_list l;
	struct flow_view v;
	struct fail fail = {0};
	struct case_ c;
	json_t *a;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	if ((e = cases_get(rd, &r->arena, id, &c)) == E_OK)
		e = store_flow_run_list(rd, &r->arena, id, &l);
	if (e) {
		api_error(r, e, NULL, NULL, e == E_NOTFOUND ? "no such case" : "storage failure");
		return;
	}
	e = flows_active(rd, &r->arena, id, &v, &fail);
	if (e && e != E_NOTFOUND) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, run_json(&l.items[i], NULL));
	api_json(r, 200, json_pack("{s:o, s:o}", "active", e ? json_null() : view_json(&v),
				   "items", a ? a : json_array()));
}

static void resume_view(struct http_req *r)
{
	struct flow_job *fj = api_job_of(r);

	if (fj->j.job.result) {
		api_fail(r, fj->j.job.result, &fj->j.fail);
		return;
	}
	api_json(r, fj->created ? 201 : 200, view_json(&fj->view));
}

static enum err run_start(struct store *st, struct txq_job *tj)
{
	struct flow_job *fj = (struct flow_job *)tj;

	fj->j.tell_case = fj->id;
	return flows_start(st, &fj->j.r->arena, fj->id, fj->flow, &fj->by, &fj->view,
			   &fj->created, &fj->j.fail);
}

void api_h_flow_run_start(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct flow_job *fj = api_alloc(r, sizeof(*fj));

	if (!fj || !api_param_id(r, 0, &fj->id) ||
	    !api_get_str(r, q->body, "flow", "flow", true, &fj->flow))
		return;
	fj->by = q->actor;
	fj->j.tells = true;
	api_write(r, &fj->j, run_start, resume_view);
}

void api_h_flow_run_get(struct http_req *r)
{
	struct flow_view v;
	struct fail fail = {0};
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	if ((e = flows_view(api_req(r)->w->rd, &r->arena, id, &v, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	api_json(r, 200, view_json(&v));
}

/* read_answer - {step, value, source?, ask_again?} into in. */
static bool read_answer(struct http_req *r, struct flow_answer_in *in, bool agent)
{
	json_t *body = api_req(r)->body, *value;
	char *text;

	if (!api_get_str(r, body, "step", "step", true, &in->step))
		return false;
	if (agent && (!api_get_str(r, body, "source", "source", false, &in->source) ||
		      !api_get_bool(r, body, "ask_again", &in->ask_again)))
		return false;
	if (!(value = json_object_get(body, "value")) || json_is_null(value)) {
		api_error(r, E_INVAL, "missing_field", "value", "'value' is required");
		return false;
	}
	if (!api_json_text(r, value, 0, &text))
		return false;
	in->value = text;
	return true;
}

static enum err run_answer(struct store *st, struct txq_job *tj)
{
	struct flow_job *fj = (struct flow_job *)tj;
	struct flow_run run;

	if (store_flow_run_get(st, &fj->j.r->arena, fj->id, &run) == E_OK)
		fj->j.tell_case = run.case_id;
	return flows_answer(st, &fj->j.r->arena, fj->id, &fj->in, &fj->by, &fj->view,
			    &fj->j.fail);
}

void api_h_flow_run_answer(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct flow_job *fj = api_alloc(r, sizeof(*fj));

	if (!fj || !api_param_id(r, 0, &fj->id) || !read_answer(r, &fj->in, true))
		return;
	fj->by = q->actor;
	fj->j.tells = true;
	api_write(r, &fj->j, run_answer, resume_view);
}

/* ---- the customer answers: status page, chat widget ----------------------- */

/* api_flow_customer_answer - the work of a customer's answer on case_id:
 * the case's active run, answered as its customer. */
enum err api_flow_customer_answer(struct store *st, struct arena *ar, int64_t case_id,
				  struct flow_answer_in *in, struct flow_view *out,
				  struct fail *f)
{
	struct actor by = {AUTHOR_CUSTOMER, 0, ROLE_NONE};
	enum err e = flows_active(st, ar, case_id, out, f);

	if (e == E_NOTFOUND)
		return fail_set(f, E_CONFLICT, "no_questions", NULL,
				"there is nothing to answer on this case now");
	if (e != E_OK)
		return e;
	in->source = NULL;
	in->ask_again = false;
	return flows_answer(st, ar, out->run.id, in, &by, out, f);
}

static enum err run_status_answer(struct store *st, struct txq_job *tj)
{
	struct flow_job *fj = (struct flow_job *)tj;
	enum err e = status_find(st, &fj->j.r->arena, fj->token, &fj->c);

	if (e == E_NOTFOUND)
		return fail_set(&fj->j.fail, E_NOTFOUND, NULL, NULL,
				"this link is not valid (any more)");
	if (e != E_OK)
		return e;
	fj->j.tell_case = fj->c.id;
	return api_flow_customer_answer(st, &fj->j.r->arena, fj->c.id, &fj->in, &fj->view,
					&fj->j.fail);
}

static void resume_customer(struct http_req *r)
{
	struct flow_job *fj = api_job_of(r);

	if (fj->j.job.result) {
		api_fail(r, fj->j.job.result, &fj->j.fail);
		return;
	}
	api_json(r, 200, api_flow_customer_json(&fj->view));
}

void api_h_status_answer(struct http_req *r)
{
	struct flow_job *fj = api_alloc(r, sizeof(*fj));

	if (!fj || !read_answer(r, &fj->in, false))
		return;
	fj->token = r->params[0];
	fj->j.tells = true;
	api_write(r, &fj->j, run_status_answer, resume_customer);
}

/* api_h_chat_answer's work lives in api_chat.c (it owns the visitor
 * token); it shares read_answer through this wrapper. */
bool api_flow_read_customer_answer(struct http_req *r, struct flow_answer_in *in)
{
	return read_answer(r, in, false);
}
