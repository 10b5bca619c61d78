/*
 * api_identity.c - what travels with a case so the customer is not asked
 * twice:
 *   /api/v1/cases/{id}/verifications     who the customer was proved to be,
 *                                        and recording a verification
 *   /api/v1/cases/{id}/effort            what they were made to repeat
 *   /api/v1/cases/{id}/handoff-draft     the transfer summary heed writes
 *   /api/v1/cases/{id}/handoffs          transfers with their summaries
 */
#include "api/internal.h"

#include <string.h>

#include "domain/cases.h"
#include "domain/effort.h"
#include "domain/handoff.h"
#include "domain/verify.h"

struct identity_job {
	struct api_job j;
	int64_t id;
	struct verify_in in;
	struct handoff_in ho;
	struct actor by;
	struct verification v;
	struct event ev;
};

static json_t *verification_json(const struct verification *v)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)v->id, "case_id", (json_int_t)v->case_id, "method", v->method,
			 "level", v->level, "detail", v->detail ? v->detail : "", "via",
			 v->via ? v->via : "", "by", api_author_json(v->by_kind, v->by_id), "reason",
			 v->reason ? json_string(v->reason) : json_null(), "valid_until",
			 api_time_json(v->valid_until), "created_at", api_time_json(v->created_at));
}

static json_t *words(const char *const *list)
{
	json_t *a = json_array();

	for (; a && *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

/* ---- verifications ------------------------------------------------------- */

void api_h_verifications_list(struct http_req *r)
{
	struct verify_state vs;
	struct fail fail = {0};
	json_t *a;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	if ((e = verify_state_of(api_req(r)->w->rd, &r->arena, id, &vs, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < vs.all.n; i++)
		json_array_append_new(a, verification_json(&vs.all.items[i]));
	api_json(r, 200,
		 json_pack("{s:o, s:I, s:I, s:o, s:o}", "current",
			   vs.current ? verification_json(vs.current) : json_null(),
			   "reverifications", (json_int_t)vs.reverifications, "valid_minutes",
			   (json_int_t)(vs.window_ms / 60000), "reasons", words(verify_reasons),
			   "items", a ? a : json_array()));
}

static enum err run_verify(struct store *st, struct txq_job *tj)
{
	struct identity_job *ij = (struct identity_job *)tj;

	ij->j.tell_case = ij->id;
	return verify_record(st, &ij->j.r->arena, ij->id, &ij->in, &ij->by, &ij->v, &ij->j.fail);
}

static void resume_verify(struct http_req *r)
{
	struct identity_job *ij = api_job_of(r);

	if (ij->j.job.result) {
		api_fail(r, ij->j.job.result, &ij->j.fail);
		return;
	}
	api_json(r, 201, verification_json(&ij->v));
}

void api_h_verification_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct identity_job *ij = api_alloc(r, sizeof(*ij));

	if (!ij || !api_param_id(r, 0, &ij->id) ||
	    !api_get_str(r, q->body, "method", "method", true, &ij->in.method) ||
	    !api_get_str(r, q->body, "level", "level", false, &ij->in.level) ||
	    !api_get_str(r, q->body, "detail", "detail", false, &ij->in.detail) ||
	    !api_get_str(r, q->body, "via", "via", false, &ij->in.via) ||
	    !api_get_str(r, q->body, "reason", "reason", false, &ij->in.reason))
		return;
	ij->by = q->actor;
	ij->j.tells = true;
	api_write(r, &ij->j, run_verify, resume_verify);
}

/* ---- customer effort ------------------------------------------------------ */

void api_h_effort_get(struct http_req *r)
{
	struct effort_summary s;
	struct fail fail = {0};
	json_t *a;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	if ((e = effort_of(api_req(r)->w->rd, &r->arena, id, &s, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < s.items.n; i++) {
		const struct effort *x = &s.items.items[i];

		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id",
						   (json_int_t)x->id, "kind", x->kind, "detail",
						   x->detail, "by", api_author_json(x->by_kind, x->by_id),
						   "created_at", api_time_json(x->created_at)));
	}
	api_json(r, 200, json_pack("{s:I, s:I, s:o}", "repeat_questions",
				   (json_int_t)s.repeat_questions, "reverifications",
				   (json_int_t)s.reverifications, "items", a ? a : json_array()));
}

/* ---- handoffs -------------------------------------------------------------- */

void api_h_handoff_draft(struct http_req *r)
{
	struct fail fail = {0};
	char *text;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	if ((e = handoff_draft(api_req(r)->w->rd, &r->arena, id, &text, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	api_json(r, 200, json_pack("{s:I, s:s}", "case_id", (json_int_t)id, "summary", text));
}

void api_h_handoffs_list(struct http_req *r)
{
	struct event_list l;
	struct fail fail = {0};
	size_t limit;
	json_t *a;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id) || !api_query_limit(r, &limit))
		return;
	if ((e = handoff_list(api_req(r)->w->rd, &r->arena, id, limit ? limit : 20, &l, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, api_event_json(&l.items[i]));
	api_json(r, 200, json_pack("{s:o}", "items", a ? a : json_array()));
}

static enum err run_handoff(struct store *st, struct txq_job *tj)
{
	struct identity_job *ij = (struct identity_job *)tj;

	ij->j.tell_case = ij->id;
	return handoff_transfer(st, &ij->j.r->arena, ij->id, &ij->ho, &ij->by, &ij->ev,
				&ij->j.fail);
}

static void resume_handoff(struct http_req *r)
{
	struct identity_job *ij = api_job_of(r);

	if (ij->j.job.result) {
		api_fail(r, ij->j.job.result, &ij->j.fail);
		return;
	}
	api_json(r, 201, api_event_json(&ij->ev));
}

void api_h_handoff_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct identity_job *ij = api_alloc(r, sizeof(*ij));

	if (!ij || !api_param_id(r, 0, &ij->id) ||
	    !api_get_id(r, q->body, "to_agent_id", "to_agent_id", false, NULL,
			&ij->ho.to_agent_id) ||
	    !api_get_str(r, q->body, "queue", "queue", false, &ij->ho.queue) ||
	    !api_get_str(r, q->body, "summary", "summary", true, &ij->ho.summary))
		return;
	ij->by = q->actor;
	ij->j.tells = true;
	api_write(r, &ij->j, run_handoff, resume_handoff);
}
