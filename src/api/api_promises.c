/*
 * api_promises.c - commitments and the clocks that watch them:
 *   /api/v1/cases/{id}/promises        list, make one
 *   /api/v1/promises/proposal          what history says to promise
 *   /api/v1/promises/{id}/cancel|revise
 *   /api/v1/cases/{id}/sla             the case's SLA clocks
 *   /api/v1/alerts[/{id}/ack]          alerts for the caller
 *   /api/v1/calendars[/{name}]         business-hours calendars
 *   /api/v1/sla-policies[/{queue}/{priority}]
 */
#include "api/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/alerts.h"
#include "domain/cases.h"
#include "domain/promises.h"
#include "domain/sla.h"

struct promise_job {
	struct api_job j;
	int64_t id;
	struct promise_new in;
	const char *reason;
	int64_t due_at;
	const char *name, *tz, *hours, *holidays, *doc;
	struct actor by;
	struct promise out;
	struct alert alert;
	struct calendar cal;
	struct sla_policy policy;
};

static json_t *items_of(json_t *a)
{
	return json_pack("{s:o}", "items", a ? a : json_array());
}

/* ---- promises ----------------------------------------------------------- */

void api_h_promises_list(struct http_req *r)
{
	struct promise_list l;
	struct fail fail = {0};
	json_t *a = json_array();
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id)) {
		json_decref(a);
		return;
	}
	e = promises_list(api_req(r)->w->rd, &r->arena, id, &l, &fail);
	if (e) {
		json_decref(a);
		api_fail(r, e, &fail);
		return;
	}
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, api_promise_json(&l.items[i]));
	api_json(r, 200, items_of(a));
}

static void resume_promise(struct http_req *r, int status)
{
	struct promise_job *pj = api_job_of(r);

	if (pj->j.job.result) {
		api_fail(r, pj->j.job.result, &pj->j.fail);
		return;
	}
	api_json(r, status, api_promise_json(&pj->out));
}

static void resume_created(struct http_req *r)
{
	resume_promise(r, 201);
}

static void resume_ok(struct http_req *r)
{
	resume_promise(r, 200);
}

static enum err run_make(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;

	pj->j.tell_case = pj->id;
	return promises_make(st, &pj->j.r->arena, pj->id, &pj->in, &pj->by, &pj->out,
			     &pj->j.fail);
}

void api_h_promise_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct promise_job *pj = api_alloc(r, sizeof(*pj));
	int64_t minutes;

	if (!pj || !api_param_id(r, 0, &pj->id) ||
	    !api_get_str(r, q->body, "kind", "kind", true, &pj->in.kind) ||
	    !api_get_time(r, q->body, "due_at", &pj->in.due_at) ||
	    !api_get_int(r, q->body, "in_minutes", 1, 90 * 24 * 60, NULL, &minutes) ||
	    !api_get_id(r, q->body, "owner_id", "owner_id", false, NULL, &pj->in.owner_id) ||
	    !api_get_str(r, q->body, "channel", "channel", false, &pj->in.channel) ||
	    !api_get_bool(r, q->body, "confirm_short", &pj->in.confirm_short))
		return;
	if (!pj->in.due_at == !minutes) {
		api_error(r, E_INVAL, "missing_field", "due_at",
			  "give exactly one of 'due_at' or 'in_minutes'");
		return;
	}
	pj->in.in_ms = minutes * 60000;
	pj->by = q->actor;
	pj->j.tells = true;
	api_write(r, &pj->j, run_make, resume_created);
}

void api_h_promise_proposal(struct http_req *r)
{
	struct promise_proposal pr;
	struct fail fail = {0};
	struct case_ c;
	const char *kind = http_query(r, "kind");
	int64_t id;
	enum err e;

	if (!api_query_id(r, "case_id", &id))
		return;
	if (!id || !kind) {
		api_error(r, E_INVAL, "missing_field", id ? "kind" : "case_id",
			  "give case_id and kind");
		return;
	}
	e = cases_get(api_req(r)->w->rd, &r->arena, id, &c);
	if (e == E_OK)
		e = promises_propose(api_req(r)->w->rd, c.queue, kind, &pr, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	api_json(r, 200, json_pack("{s:s, s:s, s:I, s:o, s:s, s:I}", "kind", pr.kind, "queue",
				   pr.queue, "minutes", (json_int_t)(pr.ms / 60000), "due_at",
				   api_time_json(clock_now_ms() + pr.ms), "basis",
				   pr.from_history ? "history" : "default", "samples",
				   (json_int_t)pr.samples));
}

static enum err run_cancel(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;
	enum err e = promises_cancel(st, &pj->j.r->arena, pj->id, pj->reason, &pj->by,
				     &pj->out, &pj->j.fail);

	pj->j.tell_case = pj->out.case_id;
	return e;
}

void api_h_promise_cancel(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct promise_job *pj = api_alloc(r, sizeof(*pj));

	if (!pj || !api_param_id(r, 0, &pj->id) ||
	    !api_get_str(r, q->body, "reason", "reason", true, &pj->reason))
		return;
	pj->by = q->actor;
	pj->j.tells = true;
	api_write(r, &pj->j, run_cancel, resume_ok);
}

static enum err run_revise(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;
	enum err e = promises_revise(st, &pj->j.r->arena, pj->id, pj->due_at, pj->reason,
				     &pj->by, &pj->out, &pj->j.fail);

	pj->j.tell_case = pj->out.case_id;
	return e;
}

static void resume_revise(struct http_req *r)
{
	struct promise_job *pj = api_job_of(r);

	if (!pj->j.job.result)
		mail_kick(api_req(r)->w->api->mail);
	resume_promise(r, 201);
}

void api_h_promise_revise(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct promise_job *pj = api_alloc(r, sizeof(*pj));

	if (!pj || !api_param_id(r, 0, &pj->id) ||
	    !api_get_time(r, q->body, "due_at", &pj->due_at) ||
	    !api_get_str(r, q->body, "reason", "reason", true, &pj->reason))
		return;
	if (!pj->due_at) {
		api_error(r, E_INVAL, "missing_field", "due_at", "'due_at' is required");
		return;
	}
	pj->by = q->actor;
	pj->j.tells = true;
	api_write(r, &pj->j, run_revise, resume_revise);
}

/* ---- SLA clocks and alerts --------------------------------------------- */

void api_h_case_sla(struct http_req *r)
{
	struct sla_clock_list l;
	struct fail fail = {0};
	json_t *a;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	if ((e = sla_clocks(api_req(r)->w->rd, &r->arena, id, &l, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, api_clock_json(&l.items[i]));
	api_json(r, 200, items_of(a));
}

void api_h_alerts_list(struct http_req *r)
{
	struct alert_list l;
	struct fail fail = {0};
	const char *open = http_query(r, "open");
	int64_t before, case_id;
	size_t limit;
	json_t *a;
	enum err e;

	if (!api_query_id(r, "cursor", &before) || !api_query_id(r, "case_id", &case_id) ||
	    !api_query_limit(r, &limit))
		return;
	if (open && strcmp(open, "true") && strcmp(open, "false")) {
		api_error(r, E_UNPROC, NULL, "open", "'open' is true or false");
		return;
	}
	e = alerts_list(api_req(r)->w->rd, &r->arena, &api_req(r)->actor,
			open && !strcmp(open, "true"), case_id, before, limit, &l, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < l.n; i++)
		json_array_append_new(a, api_alert_json(&l.items[i]));
	api_page(r, a, l.n, limit, l.n ? l.items[l.n - 1].id : 0);
}

static enum err run_ack(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;

	return alerts_ack(st, &pj->j.r->arena, pj->id, &pj->by, &pj->alert, &pj->j.fail);
}

static void resume_ack(struct http_req *r)
{
	struct promise_job *pj = api_job_of(r);

	if (pj->j.job.result) {
		api_fail(r, pj->j.job.result, &pj->j.fail);
		return;
	}
	api_json(r, 200, api_alert_json(&pj->alert));
}

void api_h_alert_ack(struct http_req *r)
{
	struct promise_job *pj = api_alloc(r, sizeof(*pj));

	if (!pj || !api_param_id(r, 0, &pj->id))
		return;
	pj->by = api_req(r)->actor;
	api_write(r, &pj->j, run_ack, resume_ack);
}

/* ---- calendars and policies --------------------------------------------- */

static json_t *calendar_json(struct arena *ar, const struct calendar *c)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "name", c->name ? c->name : "", "tz",
			 c->tz_name ? c->tz_name : "", "hours", api_raw_json(cal_hours_json(ar, c)),
			 "holidays", api_raw_json(cal_holidays_json(ar, c)));
}

void api_h_calendars_list(struct http_req *r)
{
	struct calendar *cals;
	struct fail fail = {0};
	size_t n;
	json_t *a;
	enum err e;

	if ((e = calendars_list(api_req(r)->w->rd, &r->arena, &cals, &n, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, calendar_json(&r->arena, &cals[i]));
	api_json(r, 200, items_of(a));
}

/* dump - a member as JSON text in the arena (NULL when absent). */
static const char *dump(struct http_req *r, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	char *t, *c;

	if (!v)
		return NULL;
	if (!(t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT)))
		return NULL;
	c = arena_strdup(&r->arena, t);
	free(t);
	return c;
}

static enum err run_calendar(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;

	return calendars_put(st, &pj->j.r->arena, pj->name, pj->tz, pj->hours, pj->holidays,
			     &pj->cal, &pj->j.fail);
}

static void resume_calendar(struct http_req *r)
{
	struct promise_job *pj = api_job_of(r);

	if (pj->j.job.result) {
		api_fail(r, pj->j.job.result, &pj->j.fail);
		return;
	}
	api_json(r, 200, calendar_json(&r->arena, &pj->cal));
}

void api_h_calendar_put(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct promise_job *pj = api_alloc(r, sizeof(*pj));

	if (!pj || !api_get_str(r, q->body, "tz", "tz", true, &pj->tz))
		return;
	if (!json_is_object(json_object_get(q->body, "hours"))) {
		api_error(r, E_INVAL, "missing_field", "hours",
			  "'hours' is an object such as {\"mon\": [\"09:00-17:00\"]}");
		return;
	}
	pj->name = r->params[0];
	pj->hours = dump(r, q->body, "hours");
	pj->holidays = dump(r, q->body, "holidays");
	api_write(r, &pj->j, run_calendar, resume_calendar);
}

static json_t *policy_json(struct arena *ar, const struct sla_policy *p)
{
	(void)ar;
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:{s:b, s:o}, s:o}", "queue", p->queue,
			 "priority", p->priority ? case_priority_name(p->priority) : "any",
			 "calendar", p->calendar ? json_string(p->calendar) : json_null(),
			 "first_response_minutes",
			 p->first_response_ms ? json_integer(p->first_response_ms / 60000) : json_null(),
			 "next_response_minutes",
			 p->next_response_ms ? json_integer(p->next_response_ms / 60000) : json_null(),
			 "resolution_minutes",
			 p->resolution_ms ? json_integer(p->resolution_ms / 60000) : json_null(),
			 "escalation", "raise_priority", p->raise_priority, "reassign_to",
			 p->reassign_to ? json_integer(p->reassign_to) : json_null(),
			 "updated_at", api_time_json(p->updated_at));
}

void api_h_sla_policies_list(struct http_req *r)
{
	struct sla_policy *ps;
	struct fail fail = {0};
	size_t n;
	json_t *a;
	enum err e;

	if ((e = sla_policy_list(api_req(r)->w->rd, &r->arena, &ps, &n, &fail))) {
		api_fail(r, e, &fail);
		return;
	}
	a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, policy_json(&r->arena, &ps[i]));
	api_json(r, 200, items_of(a));
}

static enum err run_policy(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;

	return sla_policy_put(st, &pj->j.r->arena, pj->doc, &pj->policy, &pj->j.fail);
}

static void resume_policy(struct http_req *r)
{
	struct promise_job *pj = api_job_of(r);

	if (pj->j.job.result) {
		api_fail(r, pj->j.job.result, &pj->j.fail);
		return;
	}
	api_json(r, 200, policy_json(&r->arena, &pj->policy));
}

void api_h_sla_policy_put(struct http_req *r)
{
	struct promise_job *pj = api_alloc(r, sizeof(*pj));
	char *t;

	if (!pj)
		return;
	t = json_dumps(api_req(r)->body, JSON_COMPACT);
	pj->doc = t ? arena_strdup(&r->arena, t) : NULL;
	free(t);
	if (!pj->doc) {
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
		return;
	}
	api_write(r, &pj->j, run_policy, resume_policy);
}

static enum err run_policy_delete(struct store *st, struct txq_job *tj)
{
	struct promise_job *pj = (struct promise_job *)tj;

	return sla_policy_delete(st, pj->name, pj->reason, &pj->j.fail);
}

static void resume_deleted(struct http_req *r)
{
	struct promise_job *pj = api_job_of(r);

	if (pj->j.job.result) {
		api_fail(r, pj->j.job.result, &pj->j.fail);
		return;
	}
	http_reply(r, 204, "application/json", "", 0);
}

void api_h_sla_policy_delete(struct http_req *r)
{
	struct promise_job *pj = api_alloc(r, sizeof(*pj));

	if (!pj)
		return;
	pj->name = r->params[0];
	pj->reason = r->params[1];
	api_write(r, &pj->j, run_policy_delete, resume_deleted);
}
