/*
 * api_encode.c - records to JSON.  The one place that decides what a
 * client sees of each record (never a password hash or a token hash).
 */
#include "api/internal.h"

#include "base/clock.h"
#include "domain/auth.h"
#include "domain/cases.h"
#include "domain/ident.h"

json_t *api_time_json(int64_t ms)
{
	char s[40];

	if (!ms)
		return json_null();
	clock_format(ms, s, sizeof(s));
	return json_string(s);
}

static json_t *id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *api_agent_json(const struct agent *a)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "id",
			 (json_int_t)a->id, "name", a->name ? a->name : "", "email",
			 a->email ? a->email : "", "role", role_name(a->role), "skills",
			 a->skills ? a->skills : "", "capacity", a->capacity,
			 "created_at", api_time_json(a->created_at), "updated_at",
			 api_time_json(a->updated_at));
}

json_t *api_customer_json(const struct customer *c)
{
	json_t *ids = json_array();

	for (size_t i = 0; ids && i < c->n_idents; i++) {
		const struct ident *d = &c->idents[i];

		json_array_append_new(
			ids, json_pack("{s:s, s:s, s:s}", "kind", ident_kind_name(d->kind),
				       "value", d->value ? d->value : "", "display",
				       d->display ? d->display : (d->value ? d->value : "")));
	}
	return json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)c->id,
			 "name", c->name ? c->name : "", "identifiers", ids,
			 "created_at", api_time_json(c->created_at), "updated_at",
			 api_time_json(c->updated_at));
}

json_t *api_case_json(const struct case_ *c)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "id",
			 (json_int_t)c->id, "customer_id", (json_int_t)c->customer_id,
			 "subject", c->subject ? c->subject : "", "status",
			 case_status_name(c->status), "priority",
			 case_priority_name(c->priority), "owner_id",
			 id_or_null(c->owner_id), "queue", c->queue ? c->queue : "",
			 "created_at", api_time_json(c->created_at), "updated_at",
			 api_time_json(c->updated_at));
}

/* raw_json - a stored JSON text as a value; null if absent or unreadable. */
static json_t *raw_json(const char *text)
{
	json_t *v;

	if (!text)
		return json_null();
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	return v ? v : json_null();
}

json_t *api_event_json(const struct event *e)
{
	return json_pack("{s:I, s:I, s:s, s:{s:s, s:o}, s:s, s:s, s:o, s:o}", "id",
			 (json_int_t)e->id, "case_id", (json_int_t)e->case_id, "type",
			 e->type ? e->type : "", "author", "kind",
			 author_kind_name(e->author_kind), "id", id_or_null(e->author_id),
			 "visibility", visibility_name(e->visibility),
			 "body", e->body ? e->body : "", "data", raw_json(e->data),
			 "created_at", api_time_json(e->created_at));
}

json_t *api_fact_json(const struct fact *f)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:{s:s, s:o}, s:o}", "id",
			 (json_int_t)f->id, "key", f->key ? f->key : "", "value",
			 raw_json(f->value), "source", fact_source_name(f->source),
			 "recorded_by", "kind", author_kind_name(f->by_kind), "id",
			 id_or_null(f->by_id), "created_at", api_time_json(f->created_at));
}
