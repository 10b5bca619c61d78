/*
 * flow_run.c - running guided flows on cases (flows.h): start, switch,
 * the walk that skips what the case already knows, answers.
 *
 * Nothing about where a run stands is stored but its state: the walk is
 * recomputed from the definition and the case's current facts each time,
 * so a fact learnt anywhere - the pre-chat form, another flow, another
 * agent, the customer on the status page - moves every run past its step
 * at once, and no question can be asked whose answer the case holds.
 */
#include "domain/flows.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/cases.h"
#include "domain/internal.h"

static const struct fact *fact_of(const struct fact_list *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].key, key))
			return &l->items[i];
	return NULL;
}

/* equal - are two JSON texts the same value?  Integers are read as reals
 * on both sides, as facts are checked, so 3 and 3.0 are one answer. */
static bool equal(const char *a, const char *b)
{
	const size_t fl = JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL;
	json_t *x = json_loads(a, fl, NULL), *y = json_loads(b, fl, NULL);
	bool same = x && y && json_equal(x, y);

	json_decref(x);
	json_decref(y);
	return same;
}

/* at_least - is the JSON text a number >= min? */
static bool at_least(const char *json, double min)
{
	json_t *x = json_loads(json, JSON_DECODE_ANY, NULL);
	bool yes = json_is_number(x) && json_number_value(x) >= min;

	json_decref(x);
	return yes;
}

/* follow - the step after s once its fact has value_json. */
static int follow(const struct flow_step *s, const char *value_json)
{
	for (size_t i = 0; i < s->n_branches; i++) {
		const struct flow_branch *b = &s->branches[i];

		if (b->has_at_least ? at_least(value_json, b->at_least) : equal(b->when, value_json))
			return b->next;
	}
	return s->next;
}

/* walk - from the start, past every step whose fact is known. */
static enum err walk(struct arena *ar, const struct fact_list *facts, struct flow_view *v,
		     struct fail *f)
{
	const struct flow_def *d = &v->def;
	int at = d->start;

	v->known = arena_alloc(ar, d->n * sizeof(*v->known));
	if (!v->known)
		return domain__nomem(f);
	v->n_known = 0;
	v->current = v->end = NULL;
	/* the definition has no loop, so n steps is the longest path */
	for (size_t guard = 0; at >= 0 && guard < d->n; guard++) {
		const struct flow_step *s = &d->steps[at];
		const struct fact *k;

		if (s->type == STEP_OUTCOME) {
			v->end = s;
			break;
		}
		if (!(k = fact_of(facts, s->fact))) {
			v->current = s;
			break;
		}
		v->known[v->n_known].step = s;
		v->known[v->n_known++].fact = *k;
		at = follow(s, k->value);
	}
	return E_OK;
}

/* rewalk - read the case's current facts into v and walk v's definition
 * over them (after an answer, only this part changes). */
static enum err rewalk(struct store *st, struct arena *ar, struct flow_view *v, struct fail *f)
{
	enum err e = store_fact_list(st, ar, v->run.case_id, true, &v->facts);

	return e == E_OK ? walk(ar, &v->facts, v, f) : domain__io(f, e);
}

/* build - the view of run r: its definition and the walk over the facts. */
static enum err build(struct store *st, struct arena *ar, const struct flow_run *r,
		      struct flow_view *v, struct fail *f)
{
	struct flow_run run = *r; /* r may be &v->run */
	enum err e;

	memset(v, 0, sizeof(*v));
	v->run = run;
	if ((e = store_flow_get(st, ar, run.flow_key, run.version, &v->flow)) != E_OK)
		return domain__io(f, e == E_NOTFOUND ? E_IO : e);
	/* stored versions were checked when saved */
	if ((e = flows_parse(ar, v->flow.definition, &v->def, f)) != E_OK)
		return domain__io(f, E_IO);
	return rewalk(st, ar, v, f);
}

static enum err run_event(struct store *st, struct arena *ar, const struct case_ *c,
			  const char *type, const struct actor *by, const char *body,
			  const struct flow_view *v, const char *extra, int64_t now,
			  struct fail *f)
{
	char *data = arena_printf(ar,
				  "{\"run_id\":%lld,\"flow\":\"%s\",\"version\":%lld,"
				  "\"title\":%s%s}",
				  (long long)v->run.id, v->run.flow_key, (long long)v->run.version,
				  domain__json_str(ar, v->def.title), extra ? extra : "");
	enum err e;

	if (!data)
		return domain__nomem(f);
	e = domain__event_add(st, c->id, c->customer_id, type, by, VIS_INTERNAL, body, data,
			      now, NULL);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* settle - a run whose walk reached an outcome is finished, once. */
static enum err settle(struct store *st, struct arena *ar, const struct case_ *c,
		       const struct actor *by, struct flow_view *v, int64_t now,
		       struct fail *f)
{
	char *extra;
	enum err e;

	if (!v->end || v->run.state != RUN_ACTIVE)
		return E_OK;
	v->run.state = RUN_FINISHED;
	v->run.outcome = v->end->outcome;
	v->run.updated_at = now;
	if ((e = store_flow_run_update(st, &v->run)) != E_OK)
		return domain__io(f, e);
	extra = arena_printf(ar, ",\"outcome\":\"%s\",\"step\":\"%s\",\"queue\":%s",
			     v->end->outcome, v->end->id, domain__json_str(ar, v->end->queue));
	if (!extra)
		return domain__nomem(f);
	return run_event(st, ar, c, "flow_outcome", by,
			 v->end->text ? v->end->text : "", v, extra, now, f);
}

static enum err active_run(struct store *st, struct arena *ar, int64_t case_id,
			   struct flow_run *out, struct fail *f)
{
	struct flow_run_list l;
	enum err e = store_flow_run_list(st, ar, case_id, &l);

	if (e != E_OK)
		return domain__io(f, e);
	for (size_t i = 0; i < l.n; i++)
		if (l.items[i].state == RUN_ACTIVE) {
			*out = l.items[i];
			return E_OK;
		}
	return fail_set(f, E_NOTFOUND, "no_active_flow", NULL,
			"no guided flow is running on case %lld", (long long)case_id);
}

/* switch_from - mark the active run r switched to flow `to`. */
static enum err switch_from(struct store *st, struct arena *ar, const struct case_ *c,
			    struct flow_run *r, const char *to, const struct actor *by,
			    int64_t now, struct fail *f)
{
	struct flow_view v;
	char *extra;
	enum err e;

	r->state = RUN_SWITCHED;
	r->updated_at = now;
	if ((e = store_flow_run_update(st, r)) != E_OK)
		return domain__io(f, e);
	if ((e = build(st, ar, r, &v, f)) != E_OK)
		return e;
	if (!(extra = arena_printf(ar, ",\"to\":\"%s\"", to)))
		return domain__nomem(f);
	return run_event(st, ar, c, "flow_switched", by, "", &v, extra, now, f);
}

enum err flows_start(struct store *st, struct arena *ar, int64_t case_id, const char *key,
		     const struct actor *by, struct flow_view *out, bool *created,
		     struct fail *f)
{
	struct flow_run r = {.case_id = case_id, .state = RUN_ACTIVE}, cur;
	struct flow fl;
	struct case_ c;
	int64_t now = clock_now_ms();
	enum err e;

	*created = false;
	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if (c.status == CASE_CLOSED)
		return fail_set(f, E_CONFLICT, "case_closed", NULL, "case %lld is closed",
				(long long)case_id);
	if (!key)
		return fail_set(f, E_INVAL, "missing_field", "flow", "name the flow to run");
	if ((e = flows_get(st, ar, key, 0, &fl, f)) != E_OK) {
		if (e == E_NOTFOUND)
			domain__field(f, "flow");
		return e;
	}
	e = active_run(st, ar, case_id, &cur, f);
	if (e == E_OK && !strcmp(cur.flow_key, fl.key) && cur.version == fl.version)
		return build(st, ar, &cur, out, f);
	if (e == E_OK)
		e = switch_from(st, ar, &c, &cur, fl.key, by, now, f);
	else if (e == E_NOTFOUND)
		e = E_OK;
	if (e != E_OK)
		return e;
	r.flow_key = fl.key;
	r.version = fl.version;
	domain__author(by, c.customer_id, &r.by_kind, &r.by_id);
	r.created_at = r.updated_at = now;
	if ((e = store_flow_run_insert(st, &r)) != E_OK)
		return domain__io(f, e);
	*created = true;
	if ((e = build(st, ar, &r, out, f)) != E_OK ||
	    (e = run_event(st, ar, &c, "flow_started", by, "", out, NULL, now, f)) != E_OK)
		return e;
	return settle(st, ar, &c, by, out, now, f);
}

enum err flows_view(struct store *st, struct arena *ar, int64_t run_id,
		    struct flow_view *out, struct fail *f)
{
	struct flow_run r;
	enum err e = store_flow_run_get(st, ar, run_id, &r);

	if (e == E_NOTFOUND)
		return fail_set(f, e, NULL, NULL, "no flow run with id %lld", (long long)run_id);
	if (e != E_OK)
		return domain__io(f, e);
	return build(st, ar, &r, out, f);
}

enum err flows_active(struct store *st, struct arena *ar, int64_t case_id,
		      struct flow_view *out, struct fail *f)
{
	struct flow_run r;
	enum err e = active_run(st, ar, case_id, &r, f);

	return e == E_OK ? build(st, ar, &r, out, f) : e;
}

static const struct flow_step *step_of(const struct flow_def *d, const char *id)
{
	for (size_t i = 0; id && i < d->n; i++)
		if (!strcmp(d->steps[i].id, id))
			return &d->steps[i];
	return NULL;
}

/* check_value - the answer as JSON text, checked against the step. */
static enum err check_value(struct arena *ar, const struct flow_step *s, const char *json,
			    char **out, struct fail *f)
{
	json_t *v = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
	bool ok = false;
	char *text;

	if (!v)
		return fail_set(f, json ? E_UNPROC : E_INVAL, json ? NULL : "missing_field",
				"value", "give the answer");
	switch (s->answer) {
	case ANSWER_YES_NO:
		ok = json_is_boolean(v);
		break;
	case ANSWER_NUMBER:
		ok = json_is_number(v) && isfinite(json_number_value(v));
		break;
	case ANSWER_TEXT:
		ok = json_is_string(v) && json_string_length(v) > 0 &&
		     domain__chars(json_string_value(v)) <= FLOW_ANSWER_TEXT_MAX;
		break;
	case ANSWER_CHOICE:
		for (size_t i = 0; json_is_string(v) && i < s->n_options; i++)
			ok = ok || !strcmp(s->options[i], json_string_value(v));
		break;
	}
	text = ok ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	json_decref(v);
	if (!ok) {
		fail_set(f, E_UNPROC, NULL, "value", "step '%s' takes %s", s->id,
			 s->answer == ANSWER_YES_NO    ? "true or false"
			 : s->answer == ANSWER_NUMBER ? "a number"
			 : s->answer == ANSWER_TEXT   ? "text of 1 to 500 characters"
						      : "one of its options");
		if (f && s->answer == ANSWER_CHOICE)
			f->allowed = (const char *const *)s->options;
		return E_UNPROC;
	}
	*out = arena_strdup(ar, text);
	free(text);
	return *out ? E_OK : domain__nomem(f);
}

static enum err refuse_known(const struct flow_step *s, const struct fact *k,
			     struct fail *f)
{
	char at[40];

	clock_format(k->created_at, at, sizeof(at));
	return fail_set(f, E_CONFLICT, "already_known", "step",
			"the case already holds %s = %.200s (from the %s at %s); "
			"send ask_again to ask anyway, which counts as customer effort",
			s->fact, k->value, fact_source_name(k->source), at);
}

enum err flows_answer(struct store *st, struct arena *ar, int64_t run_id,
		      const struct flow_answer_in *in, const struct actor *by,
		      struct flow_view *out, struct fail *f)
{
	const struct flow_step *s;
	const struct fact *k;
	enum fact_source src;
	struct case_ c;
	char *value;
	int64_t now = clock_now_ms();
	enum err e;

	if ((e = flows_view(st, ar, run_id, out, f)) != E_OK)
		return e;
	if ((e = cases__get(st, ar, out->run.case_id, &c, f)) != E_OK)
		return e;
	if (by->kind == AUTHOR_CUSTOMER && by->id && by->id != c.customer_id)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no flow run with id %lld",
				(long long)run_id);
	if (out->run.state != RUN_ACTIVE)
		return fail_set(f, E_CONFLICT, "run_not_active", NULL,
				"this run is %s; start the flow again to go on",
				flow_run_state_name(out->run.state));
	if (!in->step)
		return fail_set(f, E_INVAL, "missing_field", "step", "name the step answered");
	if (!(s = step_of(&out->def, in->step)) || s->type == STEP_OUTCOME)
		return fail_set(f, E_UNPROC, NULL, "step", "'%.64s' is not a step that takes an answer",
				in->step);
	if (by->kind == AUTHOR_CUSTOMER && !s->customer)
		return fail_set(f, E_UNPROC, "agent_step", "step",
				"this step is for the agent");
	k = fact_of(&out->facts, s->fact);
	if (k && (!in->ask_again || by->kind != AUTHOR_AGENT))
		return refuse_known(s, k, f);
	if (!k && s != out->current)
		return fail_set(f, E_CONFLICT, "step_not_current", "step",
				"the step to answer now is '%s'",
				out->current ? out->current->id : "(none: the flow has ended)");
	if ((e = check_value(ar, s, in->value, &value, f)) != E_OK)
		return e;
	e = cases__source(in->source ? in->source
		     : by->kind == AUTHOR_CUSTOMER ? NULL
		     : s->customer ? "customer" : "agent",
		     by, "source", &src, f);
	if (e != E_OK)
		return e;
	if (k && (e = effort__note(st, ar, &c, "repeat_question", s->fact, by, now, f)))
		return e;
	if ((e = cases__fact_record(st, ar, &c, s->fact, value, src, by, now, NULL, f)))
		return e;
	if ((e = rewalk(st, ar, out, f)) != E_OK)
		return e;
	return settle(st, ar, &c, by, out, now, f);
}

enum err flows_autostart(struct store *st, struct arena *ar, const struct case_ *c,
			 struct fail *f)
{
	struct flow_list l;
	struct flow_run r;
	struct flow_view v;
	struct flow_def d;
	bool created;
	enum err e;

	e = active_run(st, ar, c->id, &r, f);
	if (e != E_NOTFOUND)
		return e;
	if ((e = store_flow_list(st, ar, NULL, &l)) != E_OK)
		return domain__io(f, e);
	for (size_t i = 0; i < l.n; i++) {
		if (flows_parse(ar, l.items[i].definition, &d, NULL) != E_OK)
			continue;
		for (size_t q = 0; q < d.n_auto; q++)
			if (!strcmp(d.auto_queues[q], c->queue))
				return flows_start(st, ar, c->id, l.items[i].key, ACTOR_SYSTEM, &v,
						   &created, f);
	}
	return E_OK;
}
