/*
 * api_status.c - the customer's status page of a case:
 *   /api/v1/cases/{id}/status-link       make (or rotate) and turn off the
 *                                        private link (agents)
 *   /api/v1/status/{token}               what the page shows (public: the
 *                                        token is the credential)
 *   /api/v1/status/{token}/messages      the customer adds a message
 *   /api/v1/status/{token}/followup      "Is your problem fixed?"
 *   /status/, /status/{file}             the page itself (web/status/)
 * Nothing internal leaves here: the view holds public events only, with
 * agents' names and no ids of anything but the case.
 */
#include "api/internal.h"

#include <string.h>

#include "domain/agents.h"
#include "domain/cases.h"
#include "domain/flows.h"
#include "domain/promises.h"
#include "domain/status.h"

struct status_job {
	struct api_job j;
	int64_t case_id;
	bool rotate, fixed;
	int64_t ease;
	const char *token, *body, *comment;
	struct case_ c;
	struct event ev;
	struct status_view view;
};

/* ---- the link (agents) ------------------------------------------------- */

static enum err run_link(struct store *st, struct txq_job *tj)
{
	struct status_job *sj = (struct status_job *)tj;

	return status_link(st, &sj->j.r->arena, sj->case_id, sj->rotate, &sj->c, &sj->j.fail);
}

static void resume_link(struct http_req *r)
{
	struct status_job *sj = api_job_of(r);

	if (sj->j.job.result) {
		api_fail(r, sj->j.job.result, &sj->j.fail);
		return;
	}
	api_json(r, 200, json_pack("{s:s, s:I}", "url", status_url(&r->arena, &sj->c),
				   "case_id", (json_int_t)sj->c.id));
}

void api_h_status_link(struct http_req *r)
{
	struct status_job *sj = api_alloc(r, sizeof(*sj));

	if (!sj || !api_param_id(r, 0, &sj->case_id) ||
	    !api_get_bool(r, api_req(r)->body, "rotate", &sj->rotate))
		return;
	api_write(r, &sj->j, run_link, resume_link);
}

static enum err run_revoke(struct store *st, struct txq_job *tj)
{
	struct status_job *sj = (struct status_job *)tj;

	return status_revoke(st, &sj->j.r->arena, sj->case_id, &sj->j.fail);
}

static void resume_revoke(struct http_req *r)
{
	struct status_job *sj = api_job_of(r);

	if (sj->j.job.result) {
		api_fail(r, sj->j.job.result, &sj->j.fail);
		return;
	}
	http_reply(r, 204, "application/json", "", 0);
}

void api_h_status_revoke(struct http_req *r)
{
	struct status_job *sj = api_alloc(r, sizeof(*sj));

	if (!sj || !api_param_id(r, 0, &sj->case_id))
		return;
	api_write(r, &sj->j, run_revoke, resume_revoke);
}

/* ---- the page's data (public) ------------------------------------------ */

static bool find(struct http_req *r, struct case_ *c)
{
	enum err e = status_find(api_req(r)->w->rd, &r->arena, r->params[0], c);

	if (e == E_OK)
		return true;
	api_error(r, e == E_NOTFOUND ? E_NOTFOUND : e, NULL, NULL,
		  e == E_NOTFOUND ? "this link is not valid (any more)" : "storage failure");
	return false;
}

static const char *author_name(struct http_req *r, const struct event *e)
{
	struct agent a;

	if (e->author_kind != AUTHOR_AGENT ||
	    agents_get(api_req(r)->w->rd, &r->arena, e->author_id, &a) != E_OK)
		return NULL;
	return a.name;
}

/* What of an event's data the customer's page may see, by type; anything
 * else (agents' and queues' ids, promise ids, chat internals) stays out. */
static const struct { const char *type; const char *keys[3]; } shown[] = {
	{"status_change", {"from", "to", NULL}},
	{"promise_made", {"kind", "due_at", NULL}},
	{"promise_revised", {"kind", "due_at", NULL}},
	{"promise_at_risk", {"kind", "revised_due_at", NULL}},
	{"promise_kept", {"kind", NULL}},
	{"promise_broken", {"kind", NULL}},
	{"promise_cancelled", {"kind", NULL}},
	{"followup_answer", {"fixed", "ease", NULL}},
	{"fact", {"key", "value", NULL}},
};

static json_t *public_data(const struct event *e)
{
	json_t *all, *out = NULL;

	if (!e->data)
		return json_null();
	for (size_t i = 0; !out && i < sizeof(shown) / sizeof(shown[0]); i++) {
		if (strcmp(shown[i].type, e->type) != 0)
			continue;
		if (!(all = json_loads(e->data, 0, NULL)))
			return json_null();
		out = json_object();
		for (size_t k = 0; out && k < 3 && shown[i].keys[k]; k++) {
			json_t *v = json_object_get(all, shown[i].keys[k]);

			if (v)
				json_object_set(out, shown[i].keys[k], v);
		}
		json_decref(all);
	}
	return out ? out : json_null();
}

static json_t *timeline(struct http_req *r, const struct status_view *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < v->n_events; i++) {
		const struct event *e = &v->events[i];
		const char *name = author_name(r, e);

		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o}", "id",
						   (json_int_t)e->id, "type", e->type, "author",
						   author_kind_name(e->author_kind), "author_name",
						   name ? json_string(name) : json_null(), "body",
						   e->body ? e->body : "", "data", public_data(e),
						   "created_at", api_time_json(e->created_at)));
	}
	return a;
}

static json_t *promises(const struct status_view *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < v->n_promises; i++) {
		const struct promise *p = &v->promises[i];

		json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:o, s:s}", "id",
						   (json_int_t)p->id, "kind", p->kind, "due_at",
						   api_time_json(p->due_at), "revised_due_at",
						   api_time_json(p->revised_due_at), "channel",
						   p->channel));
	}
	return a;
}

static json_t *followup(const struct followup *fu)
{
	static const char *const states[] = {"", "scheduled", "sent", "answered", "cancelled",
					     "skipped"};

	if (!fu->id)
		return json_null();
	return json_pack("{s:s, s:o, s:o}", "state",
			 (unsigned)fu->state < 6 ? states[fu->state] : "",
			 "fixed", fu->fixed < 0 ? json_null() : json_boolean(fu->fixed),
			 "ease", fu->ease ? json_integer(fu->ease) : json_null());
}

/* guided - the step of the case's guided flow the customer may answer. */
static json_t *guided(struct http_req *r, const struct case_ *c)
{
	struct flow_view fv;

	if (c->status >= CASE_RESOLVED ||
	    flows_active(api_req(r)->w->rd, &r->arena, c->id, &fv, NULL) != E_OK)
		return json_null();
	return api_flow_customer_json(&fv);
}

static json_t *view_json(struct http_req *r, const struct status_view *v)
{
	const struct case_ *c = &v->c;
	json_t *j;

	j = json_pack("{s:{s:I, s:s, s:s, s:o, s:o}, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}",
			 "case", "id", (json_int_t)c->id, "subject", c->subject, "status",
			 case_status_name(c->status), "created_at", api_time_json(c->created_at),
			 "updated_at", api_time_json(c->updated_at),
			 "customer_name", v->customer_name ? v->customer_name : "",
			 "standing", v->standing, "next", v->next, "plan", c->plan ? c->plan : "",
			 "promises", promises(v), "timeline", timeline(r, v), "followup",
			 followup(&v->fu), "can_answer", v->can_answer);
	if (j)
		json_object_set_new(j, "guided", guided(r, c));
	return j;
}

void api_h_status_get(struct http_req *r)
{
	struct status_view v;
	struct case_ c;
	enum err e;

	if (!find(r, &c))
		return;
	if ((e = status_view(api_req(r)->w->rd, &r->arena, &c, &v))) {
		api_fail(r, e, NULL);
		return;
	}
	api_json(r, 200, view_json(r, &v));
}

/* refind - the token again, inside the write: a link turned off or
 * replaced since the request was read opens nothing, and the case is
 * judged as it is now. */
static enum err refind(struct store *st, struct status_job *sj)
{
	enum err e = status_find(st, &sj->j.r->arena, sj->token, &sj->c);

	if (e == E_NOTFOUND)
		return fail_set(&sj->j.fail, E_NOTFOUND, NULL, NULL,
				"this link is not valid (any more)");
	return e;
}

static enum err run_message(struct store *st, struct txq_job *tj)
{
	struct status_job *sj = (struct status_job *)tj;
	enum err e = refind(st, sj);

	if (e != E_OK)
		return e;
	sj->j.tell_case = sj->c.id;
	return status_message(st, &sj->j.r->arena, &sj->c, sj->body, &sj->ev, &sj->j.fail);
}

static void resume_message(struct http_req *r)
{
	struct status_job *sj = api_job_of(r);

	if (sj->j.job.result) {
		api_fail(r, sj->j.job.result, &sj->j.fail);
		return;
	}
	/* what the page needs of its own message; no ids but the event's */
	api_json(r, 201, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)sj->ev.id,
				   "type", sj->ev.type, "author", "customer", "body",
				   sj->ev.body ? sj->ev.body : "", "created_at",
				   api_time_json(sj->ev.created_at)));
}

void api_h_status_message(struct http_req *r)
{
	struct status_job *sj = api_alloc(r, sizeof(*sj));

	if (!sj || !find(r, &sj->c) ||
	    !api_get_str(r, api_req(r)->body, "body", "body", true, &sj->body))
		return;
	sj->token = r->params[0];
	sj->j.tells = true;
	api_write(r, &sj->j, run_message, resume_message);
}

static enum err run_answer(struct store *st, struct txq_job *tj)
{
	struct status_job *sj = (struct status_job *)tj;
	enum err e;

	if ((e = refind(st, sj)) != E_OK)
		return e;
	sj->j.tell_case = sj->c.id;
	e = status_answer(st, &sj->j.r->arena, &sj->c, sj->fixed, (int)sj->ease, sj->comment,
			  &sj->j.fail);
	if (e == E_OK)
		e = store_case_get(st, &sj->j.r->arena, sj->c.id, &sj->c);
	if (e == E_OK)
		e = status_view(st, &sj->j.r->arena, &sj->c, &sj->view);
	return e;
}

static void resume_answer(struct http_req *r)
{
	struct status_job *sj = api_job_of(r);

	if (sj->j.job.result) {
		api_fail(r, sj->j.job.result, &sj->j.fail);
		return;
	}
	api_json(r, 200, view_json(r, &sj->view));
}

void api_h_status_followup(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct status_job *sj = api_alloc(r, sizeof(*sj));
	json_t *fixed;

	if (!sj || !find(r, &sj->c))
		return;
	sj->token = r->params[0];
	fixed = json_object_get(q->body, "fixed");
	if (!json_is_boolean(fixed)) {
		api_error(r, E_INVAL, "missing_field", "fixed", "'fixed' is true or false");
		return;
	}
	sj->fixed = json_is_true(fixed);
	if (!api_get_int(r, q->body, "ease", 1, 7, NULL, &sj->ease) ||
	    !api_get_str(r, q->body, "comment", "comment", false, &sj->comment))
		return;
	sj->j.tells = true;
	api_write(r, &sj->j, run_answer, resume_answer);
}
