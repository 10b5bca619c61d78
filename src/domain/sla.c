/*
 * sla.c - calendars and SLA policies kept as settings documents, and the
 * SLA clocks of cases (see sla.h).
 *
 * Keys: "calendar:NAME" holds {"tz","hours","holidays"}; "sla:QUEUE:PRIO"
 * (PRIO "any" or a priority name) holds the policy as sla_policy_put
 * stores it.  Clock arithmetic is business time: a running clock's due
 * time is cal_add(running_since, target - used); pausing adds
 * cal_between(running_since, now) to used.
 *
 * The tracker looks a case's policy and calendar up on every event that
 * can move a clock (up to five reads a create), and they change rarely, so
 * the documents read - found or not - are kept in memory, keyed by
 * settings key, and all forgotten whenever one is written here (the only
 * writer of these keys; a change made behind heed's back is seen after a
 * restart).  Only lookups of single documents go through it - the listing
 * routes read the store - and those run on the writer thread, so what is
 * kept is what the writer's transaction saw.
 */
#include "domain/sla.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/cases.h"
#include "domain/internal.h"

const char *sla_metric_name(enum sla_metric m)
{
	switch (m) {
	case SLA_FIRST_RESPONSE: return "first_response";
	case SLA_NEXT_RESPONSE: return "next_response";
	case SLA_RESOLUTION: return "resolution";
	}
	return "unknown";
}

const char *sla_state_name(enum sla_state s)
{
	switch (s) {
	case SLA_RUNNING: return "running";
	case SLA_PAUSED: return "paused";
	case SLA_MET: return "met";
	case SLA_BREACHED: return "breached";
	}
	return "unknown";
}

static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > CAL_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

/* ---- the documents, remembered ----------------------------------------- */

#define DOCS_MAX 64

static struct {
	char *key;       /* malloc'd; NULL: free slot */
	char *value;     /* malloc'd, NULL: no such document */
	int64_t updated_at;
} docs[DOCS_MAX];
static size_t docs_next;  /* the slot to reuse next when full */
static pthread_mutex_t docs_mu = PTHREAD_MUTEX_INITIALIZER;

/* docs_forget - a document was written: forget everything. */
static void docs_forget(void)
{
	pthread_mutex_lock(&docs_mu);
	for (size_t i = 0; i < DOCS_MAX; i++) {
		free(docs[i].key);
		free(docs[i].value);
		docs[i].key = docs[i].value = NULL;
	}
	docs_next = 0;
	pthread_mutex_unlock(&docs_mu);
}

/* docs_keep - remember key's document (value NULL: there is none). */
static void docs_keep(const char *key, const char *value, int64_t updated_at)
{
	char *k = strdup(key), *v = value ? strdup(value) : NULL;
	size_t i;

	if (!k || (value && !v)) {
		free(k);
		free(v);
		return;
	}
	pthread_mutex_lock(&docs_mu);
	i = docs_next;
	docs_next = (docs_next + 1) % DOCS_MAX;
	free(docs[i].key);
	free(docs[i].value);
	docs[i].key = k;
	docs[i].value = v;
	docs[i].updated_at = updated_at;
	pthread_mutex_unlock(&docs_mu);
}

/* doc_get - store_setting_get through the memory above. */
static enum err doc_get(struct store *st, struct arena *ar, const char *key,
			struct setting *out)
{
	enum err e = E_AGAIN;

	pthread_mutex_lock(&docs_mu);
	for (size_t i = 0; i < DOCS_MAX && e == E_AGAIN; i++) {
		if (!docs[i].key || strcmp(docs[i].key, key) != 0)
			continue;
		if (!docs[i].value) {
			e = E_NOTFOUND;
			break;
		}
		out->key = arena_strdup(ar, key);
		out->value = arena_strdup(ar, docs[i].value);
		out->updated_at = docs[i].updated_at;
		e = out->key && out->value ? E_OK : E_NOMEM;
	}
	pthread_mutex_unlock(&docs_mu);
	if (e != E_AGAIN)
		return e;
	e = store_setting_get(st, ar, key, out);
	if (e == E_OK)
		docs_keep(key, out->value, out->updated_at);
	else if (e == E_NOTFOUND)
		docs_keep(key, NULL, 0);
	return e;
}

/* ---- calendars --------------------------------------------------------- */

/* cal_from_doc - a stored calendar document into *out. */
static enum err cal_from_doc(struct arena *ar, const char *name, const char *doc,
			     struct calendar *out, struct fail *f)
{
	json_t *j = json_loads(doc, 0, NULL);
	char *hours = NULL, *hol = NULL;
	enum err e = E_IO;

	if (!j)
		return fail_set(f, E_IO, NULL, NULL, "calendar %s is not readable", name);
	hours = json_dumps(json_object_get(j, "hours"), JSON_COMPACT);
	hol = json_dumps(json_object_get(j, "holidays"), JSON_COMPACT);
	if (hours)
		e = cal_parse(ar, name, json_string_value(json_object_get(j, "tz")), hours,
			      hol, out, f);
	free(hours);
	free(hol);
	json_decref(j);
	return e;
}

enum err calendars_get(struct store *st, struct arena *ar, const char *name,
		       struct calendar *out, struct fail *f)
{
	struct setting s;
	char *key = arena_printf(ar, "calendar:%s", name ? name : "");
	enum err e;

	if (!key)
		return domain__nomem(f);
	e = doc_get(st, ar, key, &s);
	if (e == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no calendar called %s", name);
	if (e != E_OK)
		return domain__io(f, e);
	return cal_from_doc(ar, name, s.value, out, f);
}

enum err calendars_put(struct store *st, struct arena *ar, const char *name,
		       const char *tz, const char *hours_json, const char *holidays_json,
		       struct calendar *out, struct fail *f)
{
	struct setting s = {.updated_at = clock_now_ms()};
	char *hours, *hol;
	enum err e;

	if (!name_ok(name))
		return fail_set(f, E_UNPROC, NULL, "name",
				"a calendar name is 1 to %d characters of a-z, 0-9, '_' and '-'",
				CAL_NAME_MAX);
	if (!strcmp(name, "always"))
		return fail_set(f, E_UNPROC, NULL, "name", "\"always\" is the built-in 24/7 calendar");
	if ((e = cal_parse(ar, name, tz, hours_json, holidays_json, out, f)) != E_OK)
		return e;
	hours = cal_hours_json(ar, out);
	hol = cal_holidays_json(ar, out);
	s.key = arena_printf(ar, "calendar:%s", name);
	if (!hours || !hol || !s.key)
		return domain__nomem(f);
	s.value = arena_printf(ar, "{\"tz\":%s,\"hours\":%s,\"holidays\":%s}",
			       domain__json_str(ar, out->tz_name), hours, hol);
	if (!s.value)
		return domain__nomem(f);
	docs_forget();
	e = store_setting_put(st, &s);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err calendars_list(struct store *st, struct arena *ar, struct calendar **out,
			size_t *n, struct fail *f)
{
	struct setting_list l;
	enum err e;

	*n = 0;
	if ((e = store_setting_list(st, ar, "calendar:", &l)) != E_OK)
		return domain__io(f, e);
	*out = arena_zalloc(ar, (l.n + 1) * sizeof(**out));
	if (!*out)
		return domain__nomem(f);
	for (size_t i = 0; i < l.n; i++) {
		if ((e = cal_from_doc(ar, l.items[i].key + 9, l.items[i].value, &(*out)[*n],
				      f)) != E_OK)
			return e;
		(*out)[*n].id = (int64_t)i + 1;
		(*n)++;
	}
	return E_OK;
}

/* ---- policies ----------------------------------------------------------- */

static char *policy_key(struct arena *ar, const char *queue, enum case_priority p)
{
	return arena_printf(ar, "sla:%s:%s", queue, p ? case_priority_name(p) : "any");
}

static enum err minutes(json_t *j, const char *key, int64_t *ms, struct fail *f)
{
	json_t *v = json_object_get(j, key);

	*ms = 0;
	if (!v || json_is_null(v))
		return E_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > SLA_TARGET_MAX_MIN)
		return fail_set(f, E_UNPROC, NULL, key,
				"must be a whole number of business minutes from 1 to %d, or null",
				SLA_TARGET_MAX_MIN);
	*ms = json_integer_value(v) * 60000;
	return E_OK;
}

static enum err policy_targets(json_t *j, struct sla_policy *p, struct fail *f)
{
	enum err e;

	if ((e = minutes(j, "first_response_minutes", &p->first_response_ms, f)) != E_OK ||
	    (e = minutes(j, "next_response_minutes", &p->next_response_ms, f)) != E_OK ||
	    (e = minutes(j, "resolution_minutes", &p->resolution_ms, f)) != E_OK)
		return e;
	if (!p->first_response_ms && !p->next_response_ms && !p->resolution_ms)
		return fail_set(f, E_UNPROC, NULL, "first_response_minutes",
				"a policy needs at least one target");
	if (p->next_response_ms && !p->first_response_ms)
		return fail_set(f, E_UNPROC, NULL, "next_response_minutes",
				"a next response follows a first response: set first_response_minutes too");
	return E_OK;
}

static enum err policy_escalation(struct store *st, struct arena *ar, json_t *j,
				  struct sla_policy *p, struct fail *f)
{
	json_t *esc = json_object_get(j, "escalation"), *v;
	struct agent a;
	enum err e;

	if (!esc || json_is_null(esc))
		return E_OK;
	if (!json_is_object(esc))
		return fail_set(f, E_UNPROC, NULL, "escalation", "must be an object");
	v = json_object_get(esc, "raise_priority");
	if (v && !json_is_boolean(v))
		return fail_set(f, E_UNPROC, NULL, "escalation.raise_priority", "must be true or false");
	p->raise_priority = json_is_true(v);
	v = json_object_get(esc, "reassign_to");
	if (!v || json_is_null(v))
		return E_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fail_set(f, E_UNPROC, NULL, "escalation.reassign_to",
				"must be an agent id or null");
	p->reassign_to = json_integer_value(v);
	e = store_agent_get(st, ar, p->reassign_to, &a);
	if (e == E_NOTFOUND)
		return fail_set(f, E_UNPROC, NULL, "escalation.reassign_to", "no agent with id %lld",
				(long long)p->reassign_to);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* policy_read - a policy from its JSON object; validates everything that
 * does not need the store. */
static enum err policy_read(struct arena *ar, json_t *j, struct sla_policy *p,
			    struct fail *f)
{
	const char *q = json_string_value(json_object_get(j, "queue"));
	json_t *prj = json_object_get(j, "priority");
	const char *pr = json_string_value(prj);
	json_t *cal = json_object_get(j, "calendar");

	memset(p, 0, sizeof(*p));
	if (prj && !json_is_null(prj) && !json_is_string(prj))
		return fail_set(f, E_UNPROC, NULL, "priority",
				"expected any, low, normal, high or urgent");
	if (!name_ok(q))
		return fail_set(f, E_UNPROC, NULL, "queue",
				"a queue name is 1 to 64 characters of a-z, 0-9, '_' and '-'");
	p->queue = arena_strdup(ar, q);
	if (pr && strcmp(pr, "any") != 0 && !(p->priority = case_priority_parse(pr)))
		return fail_set(f, E_UNPROC, NULL, "priority",
				"expected any, low, normal, high or urgent");
	if (cal && !json_is_null(cal) && !json_is_string(cal))
		return fail_set(f, E_UNPROC, NULL, "calendar", "must be a calendar's name or null");
	if (json_is_string(cal))
		p->calendar = arena_strdup(ar, json_string_value(cal));
	return policy_targets(j, p, f);
}

static char *policy_doc(struct arena *ar, const struct sla_policy *p)
{
	/* no target is null (0 would not read back: targets are 1 or more) */
	return arena_printf(ar,
			    "{\"queue\":\"%s\",\"priority\":\"%s\",\"calendar\":%s,"
			    "\"first_response_minutes\":%s,\"next_response_minutes\":%s,"
			    "\"resolution_minutes\":%s,\"escalation\":{\"raise_priority\":%s,"
			    "\"reassign_to\":%s}}",
			    p->queue, p->priority ? case_priority_name(p->priority) : "any",
			    domain__json_str(ar, p->calendar),
			    domain__json_id(ar, p->first_response_ms / 60000),
			    domain__json_id(ar, p->next_response_ms / 60000),
			    domain__json_id(ar, p->resolution_ms / 60000),
			    p->raise_priority ? "true" : "false",
			    domain__json_id(ar, p->reassign_to));
}

enum err sla_policy_put(struct store *st, struct arena *ar, const char *json,
			struct sla_policy *out, struct fail *f)
{
	json_t *j = json_loads(json ? json : "", 0, NULL);
	struct setting s = {.updated_at = clock_now_ms()};
	struct calendar cal;
	enum err e;

	if (!json_is_object(j)) {
		json_decref(j);
		return fail_set(f, E_UNPROC, NULL, NULL, "a policy is a JSON object");
	}
	e = policy_read(ar, j, out, f);
	if (e == E_OK)
		e = policy_escalation(st, ar, j, out, f);
	json_decref(j);
	if (e != E_OK)
		return e;
	if (out->calendar && (e = calendars_get(st, ar, out->calendar, &cal, f)) != E_OK) {
		if (e == E_NOTFOUND)
			fail_set(f, E_UNPROC, NULL, "calendar", "no calendar called %s",
				 out->calendar);
		return e == E_NOTFOUND ? E_UNPROC : e;
	}
	out->updated_at = s.updated_at;
	s.key = policy_key(ar, out->queue, out->priority);
	s.value = policy_doc(ar, out);
	if (!s.key || !s.value)
		return domain__nomem(f);
	docs_forget();
	e = store_setting_put(st, &s);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* policy_from_doc - a stored policy document into *out. */
static enum err policy_from_doc(struct arena *ar, const struct setting *s,
				struct sla_policy *out)
{
	json_t *j;
	enum err e;

	if (!(j = json_loads(s->value, 0, NULL)))
		return E_IO;
	e = policy_read(ar, j, out, NULL);
	if (e == E_OK) {
		json_t *esc = json_object_get(j, "escalation");

		out->raise_priority = json_is_true(json_object_get(esc, "raise_priority"));
		out->reassign_to = json_integer_value(json_object_get(esc, "reassign_to"));
		out->updated_at = s->updated_at;
	}
	json_decref(j);
	return e == E_OK ? E_OK : E_IO;
}

/* policy_load - the policy at key (remembered: the writer's lookups). */
static enum err policy_load(struct store *st, struct arena *ar, const char *key,
			    struct sla_policy *out)
{
	struct setting s;
	enum err e;

	if ((e = doc_get(st, ar, key, &s)) != E_OK)
		return e;
	return policy_from_doc(ar, &s, out);
}

enum err sla_policy_list(struct store *st, struct arena *ar, struct sla_policy **out,
			 size_t *n, struct fail *f)
{
	struct setting_list l;
	enum err e;

	*n = 0;
	if ((e = store_setting_list(st, ar, "sla:", &l)) != E_OK)
		return domain__io(f, e);
	if (!(*out = arena_zalloc(ar, (l.n + 1) * sizeof(**out))))
		return domain__nomem(f);
	for (size_t i = 0; i < l.n; i++)
		if (policy_from_doc(ar, &l.items[i], &(*out)[*n]) == E_OK)
			(*n)++;
	return E_OK;
}

enum err sla_policy_delete(struct store *st, const char *queue, const char *priority,
			   struct fail *f)
{
	char key[160];
	enum err e;

	if (!name_ok(queue) || strlen(priority ? priority : "") > 16)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no such policy");
	snprintf(key, sizeof(key), "sla:%s:%s", queue, priority);
	docs_forget();
	e = store_setting_delete(st, key);
	if (e == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no policy for %s / %s", queue, priority);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* policy_for - the policy of a case: exact priority, else "any". */
static enum err policy_for(struct store *st, struct arena *ar, const struct case_ *c,
			   struct sla_policy *out, char **key)
{
	enum err e;

	*key = policy_key(ar, c->queue, c->priority);
	if (!*key)
		return E_NOMEM;
	e = policy_load(st, ar, *key, out);
	if (e != E_NOTFOUND)
		return e;
	*key = policy_key(ar, c->queue, 0);
	return *key ? policy_load(st, ar, *key, out) : E_NOMEM;
}

/* calendar_named - a calendar by name, NULL meaning always open; one that
 * has gone missing counts as always open too. */
static enum err calendar_named(struct store *st, struct arena *ar, const char *name,
			       struct calendar *out)
{
	enum err e;

	if (!name || !strcmp(name, "always"))
		return cal_always(ar, out);
	e = calendars_get(st, ar, name, out, NULL);
	return e == E_NOTFOUND ? cal_always(ar, out) : e;
}

enum err sla__case_calendar(struct store *st, struct arena *ar, const struct case_ *c,
			    struct calendar *out)
{
	struct sla_policy p;
	char *key;
	enum err e = policy_for(st, ar, c, &p, &key);

	if (e == E_OK)
		return calendar_named(st, ar, p.calendar, out);
	if (e != E_NOTFOUND)
		return e;
	e = calendars_get(st, ar, "default", out, NULL);
	return e == E_NOTFOUND ? cal_always(ar, out) : e;
}

/* ---- clocks ------------------------------------------------------------- */

static bool final(enum case_status s)
{
	return s == CASE_RESOLVED || s == CASE_CLOSED;
}

enum err sla_clocks(struct store *st, struct arena *ar, int64_t case_id,
		    struct sla_clock_list *out, struct fail *f)
{
	struct case_ c;
	enum err e = cases__get(st, ar, case_id, &c, f);

	if (e != E_OK)
		return e;
	e = store_sla_clock_list(st, ar, case_id, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

/* run - set k running from now and arm its timer. */
static enum err run(struct store *st, const struct calendar *cal, struct sla_clock *k,
		    int64_t now)
{
	struct timer t = {.kind = "sla", .case_id = k->case_id};
	enum err e;

	k->state = SLA_RUNNING;
	k->running_since = now;
	k->met_at = 0;
	k->due_at = cal_add(cal, now, k->target_ms > k->used_ms ? k->target_ms - k->used_ms : 0);
	if ((e = store_sla_clock_put(st, k)) != E_OK)
		return e;
	t.ref_id = k->id;
	t.due_at = k->due_at;
	return store_timer_rearm(st, &t);
}

static void pause_at(const struct calendar *cal, struct sla_clock *k, int64_t now)
{
	k->used_ms += cal_between(cal, k->running_since, now);
	k->running_since = 0;
	k->state = SLA_PAUSED;
}

static enum err start(struct store *st, const struct calendar *cal, const struct case_ *c,
		      const char *key, enum sla_metric m, int64_t target, int64_t now)
{
	struct sla_clock k = {.case_id = c->id, .metric = m, .policy = (char *)key,
			      .calendar = cal->name && *cal->name && strcmp(cal->name, "always") ?
						  cal->name : NULL,
			      .target_ms = target};

	return target ? run(st, cal, &k, now) : E_OK;
}

enum err sla__on_created(struct store *st, struct arena *ar, const struct case_ *c)
{
	struct sla_policy p;
	struct calendar cal;
	char *key;
	enum err e = policy_for(st, ar, c, &p, &key);

	if (e == E_NOTFOUND)
		return E_OK;
	if (e != E_OK || (e = calendar_named(st, ar, p.calendar, &cal)) != E_OK)
		return e;
	if ((e = start(st, &cal, c, key, SLA_FIRST_RESPONSE, p.first_response_ms,
		       c->created_at)) != E_OK)
		return e;
	return start(st, &cal, c, key, SLA_RESOLUTION, p.resolution_ms, c->created_at);
}

/* clocks_of - the case's clocks, the calendar they started on (kept with
 * them: a policy changed or deleted since does not recount time spent) and
 * the policy as it is now (zeroed if deleted); *n 0 when there are none. */
static enum err clocks_of(struct store *st, struct arena *ar, const struct case_ *c,
			  struct sla_clock_list *l, struct calendar *cal, struct sla_policy *p)
{
	enum err e;

	if ((e = store_sla_clock_list(st, ar, c->id, l)) != E_OK || !l->n)
		return e;
	e = policy_load(st, ar, l->items[0].policy, p);
	if (e == E_NOTFOUND) {
		memset(p, 0, sizeof(*p));
		e = E_OK;
	}
	if (e != E_OK)
		return e;
	return calendar_named(st, ar, l->items[0].calendar, cal);
}

static struct sla_clock *find(struct sla_clock_list *l, enum sla_metric m)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].metric == m)
			return &l->items[i];
	return NULL;
}

/* meet - an agent answered: the clock is met (a breached one keeps its
 * state and records when it was met late). */
static enum err meet(struct store *st, struct sla_clock *k, int64_t now)
{
	if (!k || k->met_at || (k->state != SLA_RUNNING && k->state != SLA_PAUSED &&
				k->state != SLA_BREACHED))
		return E_OK;
	if (k->state != SLA_BREACHED)
		k->state = SLA_MET;
	k->running_since = 0;
	k->met_at = now;
	return store_sla_clock_put(st, k);
}

enum err sla__on_reply(struct store *st, struct arena *ar, const struct case_ *c,
		       bool by_agent, int64_t now)
{
	struct sla_clock_list l;
	struct sla_clock *first, *next;
	struct sla_policy p;
	struct calendar cal;
	enum err e;

	if (final(c->status))
		return E_OK; /* a "thanks" after the resolution owes no answer */
	if ((e = clocks_of(st, ar, c, &l, &cal, &p)) != E_OK || !l.n)
		return e;
	first = find(&l, SLA_FIRST_RESPONSE);
	next = find(&l, SLA_NEXT_RESPONSE);
	if (by_agent) {
		if ((e = meet(st, first, now)) != E_OK)
			return e;
		return meet(st, next, now);
	}
	/* the customer wrote: the next response is owed once a first was given */
	if (!p.next_response_ms || (first && !first->met_at) ||
	    (next && (next->state == SLA_RUNNING || next->state == SLA_PAUSED ||
		      (next->state == SLA_BREACHED && !next->met_at))))
		return E_OK;
	return start(st, &cal, c, l.items[0].policy, SLA_NEXT_RESPONSE, p.next_response_ms,
		     now);
}

/* status_step - what a status change does to one clock. */
static enum err status_step(struct store *st, const struct calendar *cal, struct sla_clock *k,
			    enum case_status from, enum case_status to, int64_t now)
{
	if (k->state == SLA_RUNNING && (to == CASE_PENDING_CUSTOMER || final(to))) {
		pause_at(cal, k, now);
		if (k->metric == SLA_RESOLUTION && final(to)) {
			k->state = SLA_MET;
			k->met_at = now;
		}
		return store_sla_clock_put(st, k);
	}
	if (k->state == SLA_BREACHED && final(to) && k->metric == SLA_RESOLUTION && !k->met_at) {
		k->met_at = now; /* met late: the breach stays on record */
		return store_sla_clock_put(st, k);
	}
	if (k->state == SLA_PAUSED && final(to) && k->metric == SLA_RESOLUTION) {
		k->state = SLA_MET;
		k->met_at = now;
		return store_sla_clock_put(st, k);
	}
	if (to == CASE_PENDING_CUSTOMER || final(to) || !(from == CASE_PENDING_CUSTOMER || final(from)))
		return E_OK;
	/* back to work: resume what was paused, reopen the resolution */
	if (k->state == SLA_PAUSED || (k->state == SLA_MET && k->metric == SLA_RESOLUTION))
		return run(st, cal, k, now);
	return E_OK;
}

enum err sla__on_status(struct store *st, struct arena *ar, const struct case_ *c,
			enum case_status from, enum case_status to, int64_t now)
{
	struct sla_clock_list l;
	struct sla_policy p;
	struct calendar cal;
	enum err e;

	if ((e = clocks_of(st, ar, c, &l, &cal, &p)) != E_OK)
		return e;
	for (size_t i = 0; i < l.n && e == E_OK; i++)
		e = status_step(st, &cal, &l.items[i], from, to, now);
	return e;
}

/* escalate - what the policy says to do on a breach, as the system. */
static enum err escalate(struct store *st, struct arena *ar, const struct case_ *c,
			 const struct sla_policy *p, struct fail *f)
{
	struct case_patch patch = {0};
	struct case_ out;

	if (p->raise_priority && c->priority < PRIO_URGENT) {
		patch.has_priority = true;
		patch.priority = case_priority_name(c->priority + 1);
	}
	if (p->reassign_to && p->reassign_to != c->owner_id) {
		patch.has_owner = true;
		patch.owner_id = p->reassign_to;
	}
	if (!patch.has_priority && !patch.has_owner)
		return E_OK;
	return cases_update(st, ar, c->id, &patch, ACTOR_SYSTEM, &out, f);
}

enum err sla__fire(struct store *st, struct arena *ar, const struct timer *t,
		   struct fail *f)
{
	struct sla_clock k;
	struct sla_policy p;
	struct case_ c;
	int64_t now = clock_now_ms();
	char *body, *data, due[40];
	enum err e;

	e = store_sla_clock_get(st, ar, t->ref_id, &k);
	if (e == E_NOTFOUND || (e == E_OK && (k.state != SLA_RUNNING || k.due_at > now)))
		return E_OK; /* met, paused or moved since */
	if (e != E_OK || (e = store_case_get(st, ar, k.case_id, &c)) != E_OK)
		return domain__io(f, e);
	k.state = SLA_BREACHED;
	k.breached_at = now;
	if ((e = store_sla_clock_put(st, &k)) != E_OK)
		return domain__io(f, e);
	clock_format(k.due_at, due, sizeof(due));
	body = arena_printf(ar, "SLA breached: %s target of case %lld (\"%s\") ran out at %s",
			    sla_metric_name(k.metric), (long long)c.id, c.subject, due);
	data = arena_printf(ar, "{\"metric\":\"%s\",\"due_at\":\"%s\",\"policy\":%s}",
			    sla_metric_name(k.metric), due, domain__json_str(ar, k.policy));
	if (!body || !data)
		return domain__nomem(f);
	if ((e = domain__event_add(st, c.id, c.customer_id, "sla_breached", ACTOR_SYSTEM,
				   VIS_INTERNAL, body, data, now, NULL)) != E_OK ||
	    (e = notify__alert(st, ar, &c, "sla_breached", 0, body)) != E_OK ||
	    (c.owner_id && (e = notify__alert(st, ar, &c, "sla_breached", c.owner_id, body)) != E_OK))
		return domain__io(f, e);
	e = policy_load(st, ar, k.policy, &p);
	if (e == E_NOTFOUND)
		return E_OK;
	if (e != E_OK)
		return domain__io(f, e);
	return escalate(st, ar, &c, &p, f);
}
