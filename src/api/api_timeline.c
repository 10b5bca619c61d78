/*
 * api_timeline.c - a case's timeline and facts:
 *   /api/v1/cases/{id}/events       read the timeline, add a message or note
 *   /api/v1/cases/{id}/facts[/key]  current facts with history, record one
 */
#include "api/internal.h"

#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"

struct timeline_job {
	struct api_job j;
	int64_t case_id;
	const char *type, *body, *visibility; /* events */
	const char *key, *value_json, *source; /* facts */
	struct actor by;
	struct event event;
	struct fact fact;
};

void api_h_events_list(struct http_req *r)
{
	struct event_list list;
	struct fail fail = {0};
	int64_t id, after;
	size_t limit;
	json_t *items;
	enum err e;

	if (!api_param_id(r, 0, &id) || !api_query_id(r, "after", &after) ||
	    !api_query_limit(r, &limit))
		return;
	if (!after && !api_query_id(r, "cursor", &after))
		return;
	e = cases_events(api_req(r)->w->rd, &r->arena, id, after, limit, &list, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	items = json_array();
	for (size_t i = 0; items && i < list.n; i++)
		json_array_append_new(items, api_event_json(&list.items[i]));
	api_page(r, items, list.n, limit,
		 list.n ? list.items[list.n - 1].id : 0);
}

static enum err run_event(struct store *st, struct txq_job *tj)
{
	struct timeline_job *tl = (struct timeline_job *)tj;

	tl->j.tell_case = tl->case_id; /* with what it kept or met */
	return cases_add_event(st, &tl->j.r->arena, tl->case_id, tl->type, tl->body,
			       tl->visibility, &tl->by, &tl->event, &tl->j.fail);
}

static void resume_event(struct http_req *r)
{
	struct timeline_job *tl = api_job_of(r);

	if (tl->j.job.result) {
		api_fail(r, tl->j.job.result, &tl->j.fail);
		return;
	}
	api_json(r, 201, api_event_json(&tl->event));
}

void api_h_event_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct timeline_job *tl = api_alloc(r, sizeof(*tl));

	if (!tl)
		return;
	if (!api_param_id(r, 0, &tl->case_id) ||
	    !api_get_str(r, q->body, "type", "type", true, &tl->type) ||
	    !api_get_str(r, q->body, "body", "body", true, &tl->body) ||
	    !api_get_str(r, q->body, "visibility", "visibility", false,
			 &tl->visibility))
		return;
	tl->by = q->actor;
	tl->j.tells = true;
	api_write(r, &tl->j, run_event, resume_event);
}

static json_t *facts_array(const struct fact_list *list)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < list->n; i++)
		json_array_append_new(a, api_fact_json(&list->items[i]));
	return a;
}

void api_h_facts_list(struct http_req *r)
{
	struct store *rd = api_req(r)->w->rd;
	struct fact_list cur, hist;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	e = cases_facts(rd, &r->arena, id, true, &cur);
	if (!e)
		e = cases_facts(rd, &r->arena, id, false, &hist);
	if (e) {
		api_fail(r, e, NULL);
		return;
	}
	api_json(r, 200, json_pack("{s:o, s:o}", "current", facts_array(&cur),
				   "history", facts_array(&hist)));
}

static enum err run_fact(struct store *st, struct txq_job *tj)
{
	struct timeline_job *tl = (struct timeline_job *)tj;

	tl->j.tell_case = tl->case_id;
	return cases_put_fact(st, &tl->j.r->arena, tl->case_id, tl->key,
			      tl->value_json, tl->source, &tl->by, &tl->fact,
			      &tl->j.fail);
}

static void resume_fact(struct http_req *r)
{
	struct timeline_job *tl = api_job_of(r);

	if (tl->j.job.result) {
		api_fail(r, tl->j.job.result, &tl->j.fail);
		return;
	}
	api_json(r, 200, api_fact_json(&tl->fact));
}

void api_h_fact_put(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct timeline_job *tl = api_alloc(r, sizeof(*tl));
	json_t *value;
	char *text;

	if (!tl)
		return;
	if (!api_param_id(r, 0, &tl->case_id) ||
	    !api_get_str(r, q->body, "source", "source", false, &tl->source))
		return;
	tl->key = r->params[1];
	value = json_object_get(q->body, "value");
	if (!value) {
		api_error(r, E_INVAL, "missing_field", "value", "'value' is required");
		return;
	}
	if (!api_json_text(r, value, 0, &text))
		return;
	tl->value_json = text;
	tl->by = q->actor;
	tl->j.tells = true;
	api_write(r, &tl->j, run_fact, resume_fact);
}
