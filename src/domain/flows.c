/*
 * flows.c - guided-flow definitions: checking one (flows_parse), storing a
 * new version, reading them back (flows.h).  Running them is flow_run.c.
 *
 * A definition is checked completely before it is stored, so a run never
 * meets a step it cannot follow: ids resolve, the graph has no loop, every
 * step is reachable, and a branch can only name a value its step's answer
 * type can produce.  Unknown members are refused rather than ignored, so a
 * typo ("nxet") is reported, not silently dropped.
 */
#include "domain/flows.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/internal.h"

const char *const flow_outcomes[] = {"resolved", "escalate", "replace_unit", NULL};
static const char *const step_types[] = {"question", "action", "outcome", NULL};
static const char *const answers[] = {"yes_no", "choice", "text", "number", NULL};
static const char *const audiences[] = {"customer", "agent", NULL};

#define TITLE_MAX 200
#define DESCRIPTION_MAX 2000
#define LABEL_MAX 100
#define OPTIONS_MAX 20
#define BRANCHES_MAX 20
#define AUTO_MAX 20

const char *flow_step_type_name(enum flow_step_type t)
{
	return t >= STEP_QUESTION && t <= STEP_OUTCOME ? step_types[t - 1] : "unknown";
}

const char *flow_answer_name(enum flow_answer a)
{
	return a >= ANSWER_YES_NO && a <= ANSWER_NUMBER ? answers[a - 1] : "unknown";
}

const char *flow_run_state_name(enum flow_run_state s)
{
	static const char *const names[] = {"active", "switched", "finished", "stopped"};

	return s >= RUN_ACTIVE && s <= RUN_STOPPED ? names[s - 1] : "unknown";
}

/* ---- parsing ------------------------------------------------------------ */

struct parse {
	struct arena *ar;
	struct fail *f;
	char path[48];         /* "steps[3]." or "" */
};

static enum err bad(struct parse *p, enum err e, const char *member, const char *msg,
		    const char *arg)
{
	fail_set(p->f, e, NULL, NULL, msg, arg ? arg : "");
	domain__field(p->f, "%s%s", p->path, member);
	return e;
}

/* text - optional string member `k` of o (required: must be there),
 * max code points, one line or not; NULL when absent. */
static enum err text(struct parse *p, json_t *o, const char *k, bool required, size_t max,
		     char **out)
{
	json_t *v = json_object_get(o, k);
	char field[64];

	*out = NULL;
	if (!v || json_is_null(v))
		return required ? bad(p, E_UNPROC, k, "is required%s", NULL) : E_OK;
	if (!json_is_string(v))
		return bad(p, E_UNPROC, k, "must be a string%s", NULL);
	snprintf(field, sizeof(field), "%s%s", p->path, k);
	return domain__text(p->ar, json_string_value(v), field, required ? 1 : 0, max, out,
			    p->f);
}

/* word - a member that must be one of list; *idx its index (-1 absent). */
static enum err word(struct parse *p, json_t *o, const char *k, const char *const *list,
		     int *idx)
{
	json_t *v = json_object_get(o, k);

	*idx = -1;
	if (!v)
		return E_OK;
	if (!json_is_string(v) || (*idx = domain__index_of(list, json_string_value(v))) < 0) {
		bad(p, E_UNPROC, k, "is not one of the allowed values%s", NULL);
		if (p->f)
			p->f->allowed = list;
		return E_UNPROC;
	}
	return E_OK;
}

static enum err only(struct parse *p, json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		(void)v;
		if (domain__index_of(keys, k) < 0)
			return bad(p, E_UNPROC, k, "is not a member heed knows%s", NULL);
	}
	return E_OK;
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > FLOW_KEY_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

static int step_index(const struct flow_def *d, const char *id)
{
	for (size_t i = 0; id && i < d->n; i++)
		if (!strcmp(d->steps[i].id, id))
			return (int)i;
	return -1;
}

/* value_fits - could an answer of step s be v? */
static bool value_fits(const struct flow_step *s, json_t *v)
{
	switch (s->answer) {
	case ANSWER_YES_NO:
		return json_is_boolean(v);
	case ANSWER_NUMBER:
		return json_is_number(v);
	case ANSWER_TEXT:
		return json_is_string(v);
	case ANSWER_CHOICE:
		for (size_t i = 0; json_is_string(v) && i < s->n_options; i++)
			if (!strcmp(s->options[i], json_string_value(v)))
				return true;
		return false;
	}
	return false;
}

static enum err parse_options(struct parse *p, json_t *o, struct flow_step *s)
{
	json_t *a = json_object_get(o, "options"), *v;
	size_t i;

	if (s->answer != ANSWER_CHOICE)
		return a ? bad(p, E_UNPROC, "options", "is only for answer \"choice\"%s", NULL)
			 : E_OK;
	if (!json_is_array(a) || !json_array_size(a) || json_array_size(a) > OPTIONS_MAX)
		return bad(p, E_UNPROC, "options", "must be 1 to 20 strings%s", NULL);
	s->n_options = json_array_size(a);
	if (!(s->options = arena_alloc(p->ar, s->n_options * sizeof(char *))))
		return domain__nomem(p->f);
	json_array_foreach(a, i, v) {
		char field[32];

		snprintf(field, sizeof(field), "options[%zu]", i);
		if (!json_is_string(v))
			return bad(p, E_UNPROC, field, "must be a string%s", NULL);
		if (domain__text(p->ar, json_string_value(v), field, 1, LABEL_MAX, &s->options[i],
				 p->f))
			return domain__field(p->f, "%s%s", p->path, field), E_UNPROC;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->options[j], s->options[i]))
				return bad(p, E_UNPROC, field, "repeats an earlier option%s", NULL);
	}
	return E_OK;
}

/* parse_branches - the raw branches; targets are resolved later, so
 * `next` holds the index of the branch's JSON object for now. */
static enum err parse_branches(struct parse *p, json_t *o, struct flow_step *s,
			       json_t **targets)
{
	static const char *const keys[] = {"when", "at_least", "next", NULL};
	json_t *a = json_object_get(o, "branches"), *b;
	size_t i;

	if (!a)
		return E_OK;
	if (!json_is_array(a) || json_array_size(a) > BRANCHES_MAX)
		return bad(p, E_UNPROC, "branches", "must be a list of at most 20%s", NULL);
	s->n_branches = json_array_size(a);
	if (!(s->branches = arena_alloc(p->ar, (s->n_branches + 1) * sizeof(*s->branches))))
		return domain__nomem(p->f);
	memset(s->branches, 0, (s->n_branches + 1) * sizeof(*s->branches));
	json_array_foreach(a, i, b) {
		char field[40];
		json_t *when = json_object_get(b, "when");
		char *text;

		snprintf(field, sizeof(field), "branches[%zu]", i);
		if (!json_is_object(b))
			return bad(p, E_UNPROC, field, "must be an object%s", NULL);
		if (s->answer == ANSWER_NUMBER && json_object_get(b, "at_least")) {
			json_t *min = json_object_get(b, "at_least");

			snprintf(field, sizeof(field), "branches[%zu].at_least", i);
			if (!json_is_number(min) || when)
				return bad(p, E_UNPROC, field,
					   "must be a number, instead of \"when\"%s", NULL);
			s->branches[i].has_at_least = true;
			s->branches[i].at_least = json_number_value(min);
			targets[i] = json_object_get(b, "next");
			continue;
		}
		snprintf(field, sizeof(field), "branches[%zu].when", i);
		if (!when || !value_fits(s, when))
			return bad(p, E_UNPROC, field,
				   "must be a value the step's answer can take%s", NULL);
		{
			const char *k;
			json_t *x;

			json_object_foreach(b, k, x) {
				(void)x;
				if (domain__index_of(keys, k) < 0)
					return bad(p, E_UNPROC, field,
						   "takes only \"when\" (or \"at_least\") and \"next\"%s", NULL);
			}
		}
		if (!(text = json_dumps(when, JSON_ENCODE_ANY | JSON_COMPACT)))
			return domain__nomem(p->f);
		s->branches[i].when = arena_strdup(p->ar, text);
		free(text);
		if (!s->branches[i].when)
			return domain__nomem(p->f);
		targets[i] = json_object_get(b, "next");
	}
	return E_OK;
}

static enum err resolve(struct parse *p, struct flow_def *d, json_t *v, const char *member,
			int *out)
{
	if (!json_is_string(v))
		return bad(p, E_UNPROC, member, "must name a step%s", NULL);
	if ((*out = step_index(d, json_string_value(v))) < 0)
		return bad(p, E_UNPROC, member, "names no step of this flow: '%s'",
			   json_string_value(v));
	return E_OK;
}

static enum err parse_step(struct parse *p, struct flow_def *d, json_t *o, size_t i)
{
	static const char *const keys[] = {"id", "type", "fact", "label", "text", "audience",
					   "answer", "options", "branches", "next",
					   "outcome", "queue", NULL};
	struct flow_step *s = &d->steps[i];
	int t, a, aud, oc;
	enum err e;

	snprintf(p->path, sizeof(p->path), "steps[%zu].", i);
	if (!json_is_object(o))
		return bad(p, E_UNPROC, "", "must be an object%s", NULL);
	if ((e = only(p, o, keys)) || (e = text(p, o, "id", true, FLOW_KEY_MAX, &s->id)))
		return e;
	if (!id_ok(s->id))
		return bad(p, E_UNPROC, "id", "must be 1 to 64 of a-z, 0-9, '_' and '-'%s", NULL);
	if (step_index(d, s->id) != (int)i)
		return bad(p, E_UNPROC, "id", "repeats the id of an earlier step%s", NULL);
	if ((e = word(p, o, "type", step_types, &t)))
		return e;
	if (t < 0)
		return bad(p, E_UNPROC, "type", "is required: question, action or outcome%s", NULL);
	s->type = (enum flow_step_type)(t + 1);
	s->next = -1;
	if (s->type == STEP_OUTCOME) {
		static const char *const okeys[] = {"id", "type", "text", "outcome", "queue", NULL};

		if ((e = only(p, o, okeys)) || (e = word(p, o, "outcome", flow_outcomes, &oc)))
			return e;
		if (oc < 0)
			return bad(p, E_UNPROC, "outcome", "is required%s", NULL);
		s->outcome = (char *)flow_outcomes[oc];
		if ((e = text(p, o, "text", false, FLOW_TEXT_MAX, &s->text)))
			return e;
		return text(p, o, "queue", false, 64, &s->queue);
	}
	if (json_object_get(o, "outcome") || json_object_get(o, "queue"))
		return bad(p, E_UNPROC, "outcome", "is only for outcome steps%s", NULL);
	if ((e = text(p, o, "fact", true, 200, &s->fact)))
		return e;
	{
		char *k, *v;

		if (cases__fact_check(p->ar, s->fact, "null", p->path, &k, &v, p->f))
			return domain__field(p->f, "%sfact", p->path), E_UNPROC;
		s->fact = k;
	}
	for (size_t j = 0; j < i; j++)
		if (d->steps[j].fact && !strcmp(d->steps[j].fact, s->fact))
			return bad(p, E_UNPROC, "fact", "is already asked by step '%s'",
				   d->steps[j].id);
	if ((e = text(p, o, "text", true, FLOW_TEXT_MAX, &s->text)) ||
	    (e = text(p, o, "label", false, LABEL_MAX, &s->label)) ||
	    (e = word(p, o, "audience", audiences, &aud)) ||
	    (e = word(p, o, "answer", answers, &a)))
		return e;
	s->customer = aud == 0;
	s->answer = a >= 0 ? (enum flow_answer)(a + 1)
			   : s->type == STEP_ACTION ? ANSWER_YES_NO : ANSWER_TEXT;
	if (!s->label)
		s->label = s->fact;
	if (!json_object_get(o, "next"))
		return bad(p, E_UNPROC, "next", "is required: the step after this one%s", NULL);
	return parse_options(p, o, s);
}

/* acyclic - depth-first from i; colour 1 on the path, 2 done. */
static int loop_at(const struct flow_def *d, int i, unsigned char *colour)
{
	const struct flow_step *s = &d->steps[i];
	int r;

	if (colour[i] == 1)
		return i;
	if (colour[i] == 2)
		return -1;
	colour[i] = 1;
	for (size_t b = 0; b < s->n_branches; b++)
		if ((r = loop_at(d, s->branches[b].next, colour)) >= 0)
			return r;
	if (s->next >= 0 && (r = loop_at(d, s->next, colour)) >= 0)
		return r;
	colour[i] = 2;
	return -1;
}

static enum err check_graph(struct parse *p, struct flow_def *d)
{
	unsigned char *colour = arena_alloc(p->ar, d->n);
	int at;

	if (!colour)
		return domain__nomem(p->f);
	memset(colour, 0, d->n);
	p->path[0] = 0;
	if ((at = loop_at(d, d->start, colour)) >= 0)
		return bad(p, E_UNPROC, "steps", "the steps loop back to '%s'; a flow must end",
			   d->steps[at].id);
	for (size_t i = 0; i < d->n; i++)
		if (!colour[i]) {
			snprintf(p->path, sizeof(p->path), "steps[%zu].", i);
			return bad(p, E_UNPROC, "id", "step '%s' cannot be reached from the start",
				   d->steps[i].id);
		}
	return E_OK;
}

static enum err parse_links(struct parse *p, struct flow_def *d, json_t *steps)
{
	json_t *targets[BRANCHES_MAX + 1];
	enum err e;

	for (size_t i = 0; i < d->n; i++) {
		json_t *o = json_array_get(steps, i);
		struct flow_step *s = &d->steps[i];

		if (s->type == STEP_OUTCOME)
			continue;
		snprintf(p->path, sizeof(p->path), "steps[%zu].", i);
		if ((e = resolve(p, d, json_object_get(o, "next"), "next", &s->next)) ||
		    (e = parse_branches(p, o, s, targets)))
			return e;
		for (size_t b = 0; b < s->n_branches; b++) {
			char field[40];

			snprintf(field, sizeof(field), "branches[%zu].next", b);
			if ((e = resolve(p, d, targets[b], field, &s->branches[b].next)))
				return e;
		}
	}
	return E_OK;
}

static enum err parse_auto(struct parse *p, json_t *root, struct flow_def *d)
{
	json_t *a = json_object_get(root, "auto_queues"), *v;
	size_t i;

	if (!a)
		return E_OK;
	if (!json_is_array(a) || json_array_size(a) > AUTO_MAX)
		return bad(p, E_UNPROC, "auto_queues", "must be a list of at most 20 queue names%s",
			   NULL);
	d->n_auto = json_array_size(a);
	if (!(d->auto_queues = arena_alloc(p->ar, (d->n_auto + 1) * sizeof(char *))))
		return domain__nomem(p->f);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) ||
		    strlen(json_string_value(v)) > 64)
			return bad(p, E_UNPROC, "auto_queues", "must hold queue names%s", NULL);
		if (!(d->auto_queues[i] = arena_strdup(p->ar, json_string_value(v))))
			return domain__nomem(p->f);
	}
	return E_OK;
}

static enum err parse_root(struct parse *p, json_t *root, struct flow_def *d)
{
	static const char *const keys[] = {"title", "description", "start", "steps",
					   "auto_queues", NULL};
	json_t *steps = json_object_get(root, "steps");
	char *start;
	enum err e;

	if (!json_is_object(root))
		return bad(p, E_UNPROC, "definition", "must be a JSON object%s", NULL);
	if ((e = only(p, root, keys)) || (e = text(p, root, "title", true, TITLE_MAX, &d->title)) ||
	    (e = text(p, root, "description", false, DESCRIPTION_MAX, &d->description)) ||
	    (e = text(p, root, "start", true, FLOW_KEY_MAX, &start)) ||
	    (e = parse_auto(p, root, d)))
		return e;
	if (!json_is_array(steps) || !json_array_size(steps))
		return bad(p, E_UNPROC, "steps", "must be a list of at least one step%s", NULL);
	if (json_array_size(steps) > FLOW_STEPS_MAX)
		return bad(p, E_TOOBIG, "steps", "a flow has at most 100 steps%s", NULL);
	d->n = json_array_size(steps);
	if (!(d->steps = arena_alloc(p->ar, d->n * sizeof(*d->steps))))
		return domain__nomem(p->f);
	memset(d->steps, 0, d->n * sizeof(*d->steps));
	for (size_t i = 0; i < d->n; i++)
		if ((e = parse_step(p, d, json_array_get(steps, i), i)))
			return e;
	p->path[0] = 0;
	if ((d->start = step_index(d, start)) < 0)
		return bad(p, E_UNPROC, "start", "names no step of this flow: '%s'", start);
	if ((e = parse_links(p, d, steps)))
		return e;
	return check_graph(p, d);
}

enum err flows_parse(struct arena *ar, const char *json, struct flow_def *out,
		     struct fail *f)
{
	struct parse p = {.ar = ar, .f = f};
	json_error_t jerr;
	json_t *root;
	enum err e;

	memset(out, 0, sizeof(*out));
	if (!json)
		return fail_set(f, E_INVAL, "missing_field", "definition", "give the definition");
	if (strlen(json) > FLOW_DOC_MAX)
		return fail_set(f, E_TOOBIG, NULL, "definition",
				"a flow definition is at most %d bytes", FLOW_DOC_MAX);
	if (!(root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr)))
		return fail_set(f, E_UNPROC, NULL, "definition", "is not valid JSON: %s",
				jerr.text);
	e = parse_root(&p, root, out);
	json_decref(root);
	return e;
}

/* ---- storing and reading ------------------------------------------------ */

enum err flows_put(struct store *st, struct arena *ar, const char *key, const char *json,
		   const struct actor *by, struct flow *out, struct fail *f)
{
	struct flow_def d;
	struct flow x = {0};
	enum err e;

	if (!key || !id_ok(key))
		return fail_set(f, E_UNPROC, NULL, "key",
				"a flow key is 1 to 64 of a-z, 0-9, '_' and '-'");
	if ((e = flows_parse(ar, json, &d, f)) != E_OK)
		return e;
	x.definition = (char *)json; /* stored as given: it was checked just above */
	x.key = (char *)key;
	x.title = d.title;
	x.created_by = by->kind == AUTHOR_AGENT ? by->id : 0;
	x.created_at = clock_now_ms();
	if ((e = store_flow_insert(st, &x)) != E_OK)
		return domain__io(f, e);
	if (out)
		*out = x;
	return E_OK;
}

enum err flows_get(struct store *st, struct arena *ar, const char *key, int64_t version,
		   struct flow *out, struct fail *f)
{
	enum err e = store_flow_get(st, ar, key, version, out);

	if (e == E_NOTFOUND)
		return version ? fail_set(f, e, NULL, NULL, "flow '%s' has no version %lld", key,
					  (long long)version)
			       : fail_set(f, e, NULL, NULL, "no flow '%s'", key);
	return e == E_OK ? E_OK : domain__io(f, e);
}
