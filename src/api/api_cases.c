/*
 * api_cases.c - /api/v1/cases: create (finding or creating the customer),
 * list with filters and a cursor, read, and change status, owner, priority,
 * queue or subject.  Every write goes through the group-commit queue.
 */
#include "api/internal.h"

#include <string.h>

#include "domain/cases.h"

struct case_job {
	struct api_job j;
	struct case_new in;
	struct case_patch patch;
	struct customer_new cust;
	struct actor by;
	int64_t id;
	struct case_ out;
};

/* read_facts - {"key": value, ...} into fact_in pairs (values as JSON text). */
static bool read_facts(struct http_req *r, json_t *obj, struct case_new *in)
{
	const char *key;
	json_t *v;
	struct fact_in *facts;
	size_t i = 0;

	if (!obj)
		return true;
	facts = api_alloc(r, sizeof(*facts) * (json_object_size(obj) + 1));
	if (!facts)
		return false;
	json_object_foreach(obj, key, v) {
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

		if (!text) {
			api_error(r, E_NOMEM, NULL, NULL, "out of memory");
			return false;
		}
		facts[i].key = key; /* lives as long as the body */
		facts[i].value_json = arena_strdup(&r->arena, text);
		free(text);
		i++;
	}
	in->facts = facts;
	in->n_facts = i;
	return true;
}

static enum err run_create(struct store *st, struct txq_job *tj)
{
	struct case_job *cj = (struct case_job *)tj;

	return cases_create(st, &cj->j.r->arena, &cj->in, &cj->by, &cj->out,
			    &cj->j.fail);
}

static void resume_one(struct http_req *r, int status)
{
	struct case_job *cj = api_job_of(r);

	if (cj->j.job.result) {
		api_fail(r, cj->j.job.result, &cj->j.fail);
		return;
	}
	api_json(r, status, api_case_json(&cj->out));
}

static void resume_create(struct http_req *r)
{
	resume_one(r, 201);
}

void api_h_case_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct case_job *cj = api_alloc(r, sizeof(*cj));
	json_t *cust, *facts;

	if (!cj)
		return;
	if (!api_get_id(r, q->body, "customer_id", "customer_id", false, NULL,
			&cj->in.customer_id) ||
	    !api_get_obj(r, q->body, "customer", "customer", &cust) ||
	    !api_get_str(r, q->body, "subject", "subject", true, &cj->in.subject) ||
	    !api_get_str(r, q->body, "priority", "priority", false, &cj->in.priority) ||
	    !api_get_str(r, q->body, "queue", "queue", false, &cj->in.queue) ||
	    !api_get_id(r, q->body, "owner_id", "owner_id", false, NULL,
			&cj->in.owner_id) ||
	    !api_get_str(r, q->body, "message", "message", false, &cj->in.message) ||
	    !api_get_obj(r, q->body, "facts", "facts", &facts) ||
	    !api_get_bool(r, q->body, "confirm_new", &cj->in.confirm_new) ||
	    !read_facts(r, facts, &cj->in))
		return;
	if (!cust == !cj->in.customer_id) {
		api_error(r, E_INVAL, NULL, "customer_id",
			  "give exactly one of 'customer_id' or 'customer'");
		return;
	}
	if (cust) {
		if (!api_read_customer(r, cust, "customer.", &cj->cust))
			return;
		cj->in.customer = &cj->cust;
	}
	cj->by = q->actor;
	api_write(r, &cj->j, run_create, resume_create);
}

void api_h_case_get(struct http_req *r)
{
	struct case_ c;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	e = cases_get(api_req(r)->w->rd, &r->arena, id, &c);
	if (e) {
		api_fail(r, e, NULL);
		return;
	}
	api_json(r, 200, api_case_json(&c));
}

static bool read_filter(struct http_req *r, struct case_filter *f)
{
	const char *status = http_query(r, "status"), *owner = http_query(r, "owner_id");

	memset(f, 0, sizeof(*f));
	if (status && !(f->status = case_status_parse(status))) {
		api_error(r, E_UNPROC, NULL, "status", "unknown status");
		return false;
	}
	if (owner && strcmp(owner, "none") == 0)
		f->owner_id = -1;
	else if (!api_query_id(r, "owner_id", &f->owner_id))
		return false;
	f->queue = http_query(r, "queue");
	return api_query_id(r, "customer_id", &f->customer_id) &&
	       api_query_id(r, "cursor", &f->before_id) &&
	       api_query_limit(r, &f->limit);
}

void api_h_cases_list(struct http_req *r)
{
	struct case_filter f;
	struct case_list list;
	struct fail fail = {0};
	json_t *items;
	enum err e;

	if (!read_filter(r, &f))
		return;
	e = cases_list(api_req(r)->w->rd, &r->arena, &f, &list, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	items = json_array();
	for (size_t i = 0; items && i < list.n; i++)
		json_array_append_new(items, api_case_json(&list.items[i]));
	api_page(r, items, list.n, f.limit,
		 list.n ? list.items[list.n - 1].id : 0);
}

static enum err run_patch(struct store *st, struct txq_job *tj)
{
	struct case_job *cj = (struct case_job *)tj;

	cj->j.tell_case = cj->id;
	return cases_update(st, &cj->j.r->arena, cj->id, &cj->patch, &cj->by,
			    &cj->out, &cj->j.fail);
}

static void resume_patch(struct http_req *r)
{
	resume_one(r, 200);
}

void api_h_case_patch(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct case_job *cj = api_alloc(r, sizeof(*cj));
	struct case_patch *p;
	json_t *owner;

	if (!cj)
		return;
	p = &cj->patch;
	if (!api_param_id(r, 0, &cj->id))
		return;
	p->has_status = json_object_get(q->body, "status") != NULL;
	p->has_priority = json_object_get(q->body, "priority") != NULL;
	p->has_queue = json_object_get(q->body, "queue") != NULL;
	p->has_subject = json_object_get(q->body, "subject") != NULL;
	owner = json_object_get(q->body, "owner_id");
	p->has_owner = owner != NULL;
	if (!api_get_str(r, q->body, "status", "status", p->has_status, &p->status) ||
	    !api_get_str(r, q->body, "priority", "priority", p->has_priority,
			 &p->priority) ||
	    !api_get_str(r, q->body, "queue", "queue", p->has_queue, &p->queue) ||
	    !api_get_str(r, q->body, "subject", "subject", p->has_subject,
			 &p->subject) ||
	    !api_get_id(r, q->body, "owner_id", "owner_id", false, NULL, &p->owner_id) ||
	    !api_get_time(r, q->body, "next_action_at", &p->next_action_at))
		return;
	p->has_next_action = json_object_get(q->body, "next_action_at") != NULL;
	p->has_plan = json_object_get(q->body, "plan") != NULL;
	if (p->has_plan && !json_is_null(json_object_get(q->body, "plan")) &&
	    !api_get_str(r, q->body, "plan", "plan", false, &p->plan))
		return;
	cj->by = q->actor;
	cj->j.tells = true;
	api_write(r, &cj->j, run_patch, resume_patch);
}
