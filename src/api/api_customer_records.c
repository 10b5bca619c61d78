/*
 * api_customer_records.c - customer records (issue 5, story 002):
 *   GET  /api/v1/customers/{id}/history   every correction, newest first
 *   POST /api/v1/customers/{id}/merge     merge a duplicate into this record
 * Correcting (PATCH with a reason) and searching stay in api_customers.c.
 */
#include "api/internal.h"

#include "domain/customers.h"

struct merge_job {
	struct api_job j;
	int64_t into, from;
	const char *reason;
	struct actor by;
	struct customer_merged out;
};

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *author_word(enum author_kind k)
{
	switch (k) {
	case AUTHOR_AGENT: return "agent";
	case AUTHOR_CUSTOMER: return "customer";
	case AUTHOR_SYSTEM: break;
	}
	return "system";
}

/* change_json - one history entry. */
static json_t *change_json(const struct customer_change *c)
{
	json_t *by = json_pack("{s:s, s:o}", "kind", author_word(c->by_kind), "id",
			       c->by_id > 0 ? json_integer(c->by_id) : json_null());

	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o}",
			 "id", (json_int_t)c->id, "customer_id", (json_int_t)c->customer_id,
			 "field", c->field ? c->field : "", "old", str_or_null(c->old_value),
			 "new", str_or_null(c->new_value), "other_customer_id",
			 c->ref_id > 0 ? json_integer(c->ref_id) : json_null(), "by", by,
			 "via", c->via ? c->via : "", "reason", str_or_null(c->reason),
			 "at", api_time_json(c->created_at));
}

void api_h_customer_history(struct http_req *r)
{
	struct customer_change_list l;
	struct fail fail = {0};
	int64_t id, before;
	size_t limit;
	json_t *items;
	enum err e;

	if (!api_param_id(r, 0, &id) || !api_query_id(r, "cursor", &before) ||
	    !api_query_limit(r, &limit))
		return;
	e = customers_history(api_req(r)->w->rd, &r->arena, id, before, limit, &l, &fail);
	if (e) {
		api_fail(r, e, &fail);
		return;
	}
	items = json_array();
	for (size_t i = 0; items && i < l.n; i++)
		json_array_append_new(items, change_json(&l.items[i]));
	api_page(r, items, l.n, limit, l.n ? l.items[l.n - 1].id : 0);
}

static enum err run_merge(struct store *st, struct txq_job *tj)
{
	struct merge_job *mj = (struct merge_job *)tj;
	struct customer_by who = { &mj->by, "api", mj->reason };

	return customers_merge(st, &mj->j.r->arena, mj->into, mj->from, &who, &mj->out,
			       &mj->j.fail);
}

static void resume_merge(struct http_req *r)
{
	struct merge_job *mj = api_job_of(r);
	json_t *cases;

	if (mj->j.job.result) {
		api_fail(r, mj->j.job.result, &mj->j.fail);
		return;
	}
	cases = json_array();
	for (size_t i = 0; cases && i < mj->out.moved.cases; i++)
		json_array_append_new(cases, json_integer(mj->out.case_ids[i]));
	api_json(r, 200, json_pack("{s:o, s:o, s:{s:o, s:I, s:I, s:I}}",
				   "customer", api_customer_json(&mj->out.into),
				   "merged", api_customer_json(&mj->out.from),
				   "moved", "cases", cases ? cases : json_array(),
				   "contacts", (json_int_t)mj->out.moved.contacts,
				   "followups", (json_int_t)mj->out.moved.followups,
				   "identifiers", (json_int_t)mj->out.moved.identifiers));
}

void api_h_customer_merge(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct merge_job *mj = api_alloc(r, sizeof(*mj));

	if (!mj || !api_param_id(r, 0, &mj->into) ||
	    !api_get_id(r, q->body, "from_id", "from_id", true, NULL, &mj->from) ||
	    !api_get_str(r, q->body, "reason", "reason", false, &mj->reason))
		return;
	mj->by = q->actor;
	api_write(r, &mj->j, run_merge, resume_merge);
}
