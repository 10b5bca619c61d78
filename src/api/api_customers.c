/*
 * api_customers.c - /api/v1/customers: create, search by name or any
 * identifier in any format, look up one identifier, read and correct.
 */
#include "api/internal.h"

#include <stdio.h>
#include <string.h>

#include "domain/customers.h"

struct customer_job {
	struct api_job j;
	int64_t id;
	struct customer_new in;
	struct customer_patch patch;
	struct actor by;
	const char *reason;
	struct customer out;
};

/* read_idents - [{kind, value}, ...] into ident_in pairs. */
static bool read_idents(struct http_req *r, json_t *arr, const char *prefix,
			const struct ident_in **out, size_t *n)
{
	struct ident_in *ids;
	char field[96];
	size_t i;
	json_t *v;

	*out = NULL;
	*n = 0;
	if (!arr)
		return true;
	ids = api_alloc(r, sizeof(*ids) * (json_array_size(arr) + 1));
	if (!ids)
		return false;
	json_array_foreach(arr, i, v) {
		snprintf(field, sizeof(field), "%sidentifiers[%zu]", prefix, i);
		if (!json_is_object(v)) {
			api_error(r, E_INVAL, NULL, field,
				  "each identifier must be an object {kind, value}");
			return false;
		}
		snprintf(field, sizeof(field), "%sidentifiers[%zu].kind", prefix, i);
		if (!api_get_str(r, v, "kind", field, true, &ids[i].kind))
			return false;
		snprintf(field, sizeof(field), "%sidentifiers[%zu].value", prefix, i);
		if (!api_get_str(r, v, "value", field, true, &ids[i].value))
			return false;
	}
	*out = ids;
	*n = json_array_size(arr);
	return true;
}

bool api_read_customer(struct http_req *r, json_t *obj, const char *prefix,
		       struct customer_new *out)
{
	char f_name[64], f_ids[64], msg[96];
	json_t *arr;

	snprintf(f_name, sizeof(f_name), "%sname", prefix);
	snprintf(f_ids, sizeof(f_ids), "%sidentifiers", prefix);
	memset(out, 0, sizeof(*out));
	if (!api_get_str(r, obj, "name", f_name, false, &out->name) ||
	    !api_get_arr(r, obj, "identifiers", f_ids, &arr))
		return false;
	/* A customer must be findable again (story 002): at least one
	 * identifier, not just a name. */
	if (!arr) {
		snprintf(msg, sizeof(msg), "'%s' is required", f_ids);
		api_error(r, E_INVAL, "missing_field", f_ids, msg);
		return false;
	}
	return read_idents(r, arr, prefix, &out->idents, &out->n);
}

static void resume_one(struct http_req *r, int status)
{
	struct customer_job *cj = api_job_of(r);

	if (cj->j.job.result) {
		api_fail(r, cj->j.job.result, &cj->j.fail);
		return;
	}
	api_json(r, status, api_customer_json(&cj->out));
}

static enum err run_create(struct store *st, struct txq_job *tj)
{
	struct customer_job *cj = (struct customer_job *)tj;

	struct customer_by who = { &cj->by, "api", NULL };

	return customers_create_as(st, &cj->j.r->arena, &cj->in, &who, &cj->out,
				   &cj->j.fail);
}

static void resume_create(struct http_req *r)
{
	resume_one(r, 201);
}

void api_h_customer_create(struct http_req *r)
{
	struct customer_job *cj = api_alloc(r, sizeof(*cj));

	if (!cj)
		return;
	if (!api_read_customer(r, api_req(r)->body, "", &cj->in))
		return;
	cj->by = api_req(r)->actor;
	api_write(r, &cj->j, run_create, resume_create);
}

static enum err run_patch(struct store *st, struct txq_job *tj)
{
	struct customer_job *cj = (struct customer_job *)tj;

	struct customer_by who = { &cj->by, "api", cj->reason };

	return customers_update_as(st, &cj->j.r->arena, cj->id, &cj->patch, &who,
				   &cj->out, &cj->j.fail);
}

static void resume_patch(struct http_req *r)
{
	resume_one(r, 200);
}

void api_h_customer_patch(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct customer_job *cj = api_alloc(r, sizeof(*cj));
	struct customer_patch *p;
	json_t *arr;

	if (!cj)
		return;
	p = &cj->patch;
	if (!api_param_id(r, 0, &cj->id))
		return;
	p->has_name = json_object_get(q->body, "name") != NULL;
	if (!api_get_str(r, q->body, "name", "name", p->has_name, &p->name) ||
	    !api_get_arr(r, q->body, "identifiers", "identifiers", &arr) ||
	    !api_get_str(r, q->body, "reason", "reason", false, &cj->reason))
		return;
	p->has_idents = arr != NULL;
	if (!read_idents(r, arr, "", &p->idents, &p->n))
		return;
	cj->by = q->actor;
	api_write(r, &cj->j, run_patch, resume_patch);
}

void api_h_customer_get(struct http_req *r)
{
	struct customer c;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	e = customers_get(api_req(r)->w->rd, &r->arena, id, &c);
	if (e) {
		api_fail(r, e, NULL);
		return;
	}
	api_json(r, 200, api_customer_json(&c));
}

void api_h_customer_lookup(struct http_req *r)
{
	const char *text = http_query(r, "identifier");
	struct fail fail = {0};
	struct customer c;
	enum err e;

	if (!text || !*text) {
		api_error(r, E_INVAL, "missing_field", "identifier",
			  "give ?identifier= (an email, phone or account number)");
		return;
	}
	e = customers_lookup(api_req(r)->w->rd, &r->arena, text, &c, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	api_json(r, 200, api_customer_json(&c));
}

void api_h_customers_list(struct http_req *r)
{
	const char *q = http_query(r, "q");
	struct customer_match *match = NULL;
	struct customer_list list;
	struct fail fail = {0};
	int64_t cursor;
	size_t limit;
	json_t *items, *c;
	enum err e;

	if (!api_query_id(r, "cursor", &cursor) || !api_query_limit(r, &limit))
		return;
	e = customers_search_ranked(api_req(r)->w->rd, &r->arena, q, cursor, limit, &list,
				    &match, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	items = json_array();
	for (size_t i = 0; items && i < list.n; i++) {
		c = api_customer_json(&list.items[i]);
		if (c && match && match[i].by)
			json_object_set_new(c, "match",
					    json_pack("{s:s, s:f}", "by", match[i].by, "score",
						      (double)(int)(match[i].score * 1000 + 0.5) / 1000));
		json_array_append_new(items, c);
	}
	/* with q the cursor is an offset into the ranked results (customers.h) */
	if (list.n && match && match[0].by)
		api_page(r, items, list.n, limit, (cursor > 0 ? cursor : 0) + (int64_t)list.n);
	else
		api_page(r, items, list.n, limit, list.n ? list.items[list.n - 1].id : 0);
}
