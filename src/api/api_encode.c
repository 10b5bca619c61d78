/*
 * api_encode.c - records to JSON.  The one place that decides what a
 * client sees of each record (never a password hash or a token hash).
 */
#include "api/internal.h"

#include <string.h>

#include "base/clock.h"
#include "domain/actions.h" /* resolution powers */
#include "domain/auth.h"
#include "domain/cases.h"
#include "domain/ident.h"
#include "domain/promises.h"
#include "domain/sla.h"
#include "domain/status.h"

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

json_t *api_author_json(enum author_kind kind, int64_t id)
{
	return json_pack("{s:s, s:o}", "kind", author_kind_name(kind), "id", id_or_null(id));
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
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)c->id,
			 "name", c->name ? c->name : "", "identifiers", ids,
			 "created_at", api_time_json(c->created_at), "updated_at",
			 api_time_json(c->updated_at),
			 /* customer records: the record a tombstone went to */
			 "merged_into", id_or_null(c->merged_into));
}

json_t *api_case_json(const struct case_ *c)
{
	char url[STATUS_TOKEN_MAX + 600];
	json_t *j = json_null();

	if (c->status_token) {
		status_url_buf(c, url, sizeof(url));
		json_decref(j);
		j = json_string(url);
	}
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:o, s:o, s:o}", "id",
			 (json_int_t)c->id, "customer_id", (json_int_t)c->customer_id,
			 "subject", c->subject ? c->subject : "", "status",
			 case_status_name(c->status), "priority",
			 case_priority_name(c->priority), "owner_id",
			 id_or_null(c->owner_id), "queue", c->queue ? c->queue : "",
			 "next_action_at", api_time_json(c->next_action_at),
			 "plan", c->plan ? c->plan : "", "status_url", j,
			 "created_at", api_time_json(c->created_at), "updated_at",
			 api_time_json(c->updated_at));
}

json_t *api_raw_json(const char *text)
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
			 "body", e->body ? e->body : "", "data", api_raw_json(e->data),
			 "created_at", api_time_json(e->created_at));
}

json_t *api_fact_json(const struct fact *f)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:{s:s, s:o}, s:o}", "id",
			 (json_int_t)f->id, "key", f->key ? f->key : "", "value",
			 api_raw_json(f->value), "source", fact_source_name(f->source),
			 "recorded_by", "kind", author_kind_name(f->by_kind), "id",
			 id_or_null(f->by_id), "created_at", api_time_json(f->created_at));
}

json_t *api_promise_json(const struct promise *p)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:{s:s, s:o}, s:I, s:b,"
			 " s:o, s:o, s:o, s:o, s:o, s:s}",
			 "id", (json_int_t)p->id, "case_id", (json_int_t)p->case_id,
			 "kind", p->kind ? p->kind : "", "state", promise_state_name(p->state),
			 "due_at", api_time_json(p->due_at),
			 "revised_due_at", api_time_json(p->revised_due_at),
			 "owner_id", id_or_null(p->owner_id), "channel", p->channel ? p->channel : "",
			 "made_by", "kind", author_kind_name(p->by_kind), "id", id_or_null(p->by_id),
			 "proposed_minutes", (json_int_t)(p->proposed_ms / 60000),
			 "short_confirmed", p->short_confirmed,
			 "reason", p->reason ? json_string(p->reason) : json_null(),
			 "replaces_id", id_or_null(p->replaces_id),
			 "kept_event_id", id_or_null(p->kept_event_id),
			 "created_at", api_time_json(p->created_at),
			 "closed_at", api_time_json(p->closed_at), "queue", p->queue ? p->queue : "");
}

json_t *api_clock_json(const struct sla_clock *k)
{
	int64_t used = k->used_ms;

	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:s}", "id", (json_int_t)k->id,
			 "metric", sla_metric_name(k->metric), "state", sla_state_name(k->state),
			 "due_at", k->state == SLA_RUNNING ? api_time_json(k->due_at) : json_null(),
			 "target_minutes", (json_int_t)(k->target_ms / 60000),
			 "used_minutes", (json_int_t)(used / 60000),
			 "met_at", api_time_json(k->met_at), "breached_at", api_time_json(k->breached_at),
			 "policy", k->policy ? k->policy : "");
}

json_t *api_alert_json(const struct alert *a)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)a->id,
			 "case_id", (json_int_t)a->case_id, "kind", a->kind ? a->kind : "",
			 "to", a->agent_id ? json_integer(a->agent_id) : json_string("supervisors"),
			 "body", a->body ? a->body : "", "created_at", api_time_json(a->created_at),
			 "ack_at", api_time_json(a->ack_at), "ack_by", id_or_null(a->ack_by));
}

/* ---- resolution powers -------------------------------------------------- */

static json_t *delivery_json(const struct action *a)
{
	if (!a->hook_id)
		return json_null();
	return json_pack("{s:I, s:s, s:i, s:s?, s:o, s:o}", "id", (json_int_t)a->hook_id,
			 "state", hook_state_name(a->hook_state), "attempts", a->hook_attempts,
			 "last_error", a->hook_error, "next_attempt_at",
			 a->hook_state == HOOK_PENDING ? api_time_json(a->hook_next_at) : json_null(),
			 "acknowledged_at", api_time_json(a->hook_acked_at));
}

json_t *api_action_json(const struct action *a)
{
	bool money = action_kind_money(a->kind), repl = a->kind && !strcmp(a->kind, "replacement");
	json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:o, s:s?, s:s?, s:o, s:o, s:s, s:s?, s:s,"
			      " s:s, s:s?}",
			      "id", (json_int_t)a->id, "case_id", (json_int_t)a->case_id,
			      "customer_id", (json_int_t)a->customer_id, "kind", a->kind,
			      "amount", money ? json_integer(a->amount) : json_null(),
			      "currency", a->currency, "item", a->item,
			      "quantity", repl ? json_integer(a->amount) : json_null(),
			      "days", !money && !repl ? json_integer(a->amount) : json_null(),
			      "reason", a->reason ? a->reason : "", "note", a->note,
			      "customer_line", a->customer_line ? a->customer_line : "",
			      "state", action_state_name(a->state), "over", a->over);

	if (j && json_object_update_new(j, json_pack(
			 "{s:I, s:s, s:o, s:o, s:s?, s:o, s:o, s:o}", "requested_by",
			 (json_int_t)a->requested_by, "requested_role",
			 role_name(a->requested_role), "decided_by", id_or_null(a->decided_by),
			 "decided_at", api_time_json(a->decided_at), "decision_note",
			 a->decision_note, "done_at", api_time_json(a->done_at), "created_at",
			 api_time_json(a->created_at), "delivery", delivery_json(a))) != 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}
