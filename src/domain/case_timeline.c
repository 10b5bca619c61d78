/*
 * case_timeline.c - what is appended to a case: messages, notes and facts
 * (see cases.h).
 *
 * A fact is two writes: the fact row (current value and history) and a
 * "fact" event so the timeline shows when it was learnt and from whom.
 * Customers acting for themselves may only add public messages and
 * customer-sourced facts to their own cases.
 */
#include "domain/cases.h"

#include <jansson.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "domain/internal.h"

enum err cases__source(const char *s, const struct actor *by,
		       const char *field, enum fact_source *out,
		       struct fail *f)
{
	enum author_kind k = by ? by->kind : AUTHOR_SYSTEM;

	if (!s)
		*out = k == AUTHOR_AGENT ? SRC_AGENT :
		       k == AUTHOR_CUSTOMER ? SRC_CUSTOMER : SRC_SYSTEM;
	else if (!(*out = fact_source_parse(s)))
		return fail_set(f, E_UNPROC, NULL, field,
				"unknown source; expected customer, agent, system or channel");
	if (k == AUTHOR_CUSTOMER && *out != SRC_CUSTOMER)
		return fail_set(f, E_FORBIDDEN, NULL, field,
				"a customer can only record what the customer said");
	return E_OK;
}

static bool key_ok(const char *k)
{
	size_t n = strlen(k);
	bool seg_start = true;

	if (n < 1 || n > FACT_KEY_MAX || !(k[0] >= 'a' && k[0] <= 'z') ||
	    k[n - 1] == '.')
		return false;
	for (const char *p = k; *p; p++) {
		if (*p == '.') {
			if (seg_start)
				return false; /* empty segment */
			seg_start = true;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return false;
		seg_start = false;
	}
	return true;
}

enum err cases__fact_check(struct arena *ar, const char *key,
			   const char *value_json, const char *prefix,
			   char **key_out, char **value_out, struct fail *f)
{
	json_error_t jerr;
	json_t *j;
	char *k, *v;
	size_t n;

	k = key && strlen(key) <= FACT_KEY_MAX + 64 ? domain__trim(ar, key) :
						      arena_strdup(ar, "");
	if (!k)
		return domain__nomem(f);
	if (!key_ok(k)) {
		fail_set(f, E_UNPROC, NULL, NULL,
			 "a fact key is 1 to %d characters: dot-separated words of a-z, 0-9 and '_', starting with a letter",
			 FACT_KEY_MAX);
		domain__field(f, "%skey", prefix);
		return E_UNPROC;
	}
	n = value_json ? strlen(value_json) : 0;
	if (n > FACT_VALUE_MAX) {
		fail_set(f, E_TOOBIG, NULL, NULL,
			 "a fact value is at most %d bytes of JSON",
			 FACT_VALUE_MAX);
		domain__field(f, "%svalue", prefix);
		return E_TOOBIG;
	}
	if (!(v = domain__trim(ar, value_json ? value_json : "")))
		return domain__nomem(f);
	if (!utf8_valid(v, strlen(v))) {
		fail_set(f, E_UNPROC, NULL, NULL, "is not valid UTF-8");
		domain__field(f, "%svalue", prefix);
		return E_UNPROC;
	}
	j = json_loads(v, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!j) {
		if (*v)
			fail_set(f, E_UNPROC, NULL, NULL,
				 "a fact value must be one JSON value such as 3, \"text\" or true (error at character %d)",
				 jerr.position + 1);
		else
			fail_set(f, E_UNPROC, NULL, NULL,
				 "a fact value must be one JSON value such as 3, \"text\" or true");
		domain__field(f, "%svalue", prefix);
		return E_UNPROC;
	}
	json_decref(j);
	*key_out = k;
	*value_out = v;
	return E_OK;
}

enum err cases__fact_record(struct store *st, struct arena *ar,
			    const struct case_ *c, const char *key,
			    const char *value, enum fact_source src,
			    const struct actor *by, int64_t now,
			    struct fact *out, struct fail *f)
{
	struct fact fa = {
		.case_id = c->id,
		.key = (char *)key,
		.value = (char *)value,
		.source = src,
		.created_at = now,
	};
	char *data;
	enum err rc;

	domain__author(by, c->customer_id, &fa.by_kind, &fa.by_id);
	rc = store_fact_insert(st, &fa);
	if (rc != E_OK)
		return domain__io(f, rc);
	data = arena_printf(ar, "{\"key\":\"%s\",\"value\":%s,\"source\":\"%s\"}",
			    key, value, fact_source_name(src));
	if (!data)
		return domain__nomem(f);
	rc = domain__event_add(st, c->id, c->customer_id, "fact", by,
			       src == SRC_CUSTOMER ? VIS_PUBLIC : VIS_INTERNAL,
			       "", data, now, NULL);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (out)
		*out = fa;
	return E_OK;
}

enum err cases__get(struct store *st, struct arena *ar, int64_t id, struct case_ *c,
		    struct fail *f)
{
	enum err rc = store_case_get(st, ar, id, c);

	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no case with id %lld", (long long)id);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

/* own_case - a customer actor may only touch its own cases. */
static enum err own_case(const struct actor *by, const struct case_ *c,
			 struct fail *f)
{
	if (by && by->kind == AUTHOR_CUSTOMER && by->id &&
	    by->id != c->customer_id)
		return fail_set(f, E_FORBIDDEN, NULL, NULL,
				"this case belongs to another customer");
	return E_OK;
}

/* touch - bump the case's updated_at. */
static enum err touch(struct store *st, struct case_ *c, int64_t now,
		      struct fail *f)
{
	enum err rc;

	c->updated_at = now;
	rc = store_case_update(st, c);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

enum err cases_add_event(struct store *st, struct arena *ar, int64_t case_id,
			 const char *type, const char *body,
			 const char *visibility, const struct actor *by,
			 struct event *out, struct fail *f)
{
	struct case_ c;
	struct event e;
	enum visibility vis;
	bool note, call;
	size_t n = body ? strlen(body) : 0;
	int64_t now = clock_now_ms();
	enum err rc;

	if (!type || (strcmp(type, "message") && strcmp(type, "note") && strcmp(type, "call")))
		return fail_set(f, E_UNPROC, NULL, "type",
				"an event added by hand is a message, a note or a call");
	call = strcmp(type, "call") == 0;
	if (call && (!by || by->kind != AUTHOR_AGENT))
		return fail_set(f, E_FORBIDDEN, NULL, "type", "only an agent logs a call");
	note = call || strcmp(type, "note") == 0;
	vis = note ? VIS_INTERNAL : VIS_PUBLIC;
	if (visibility) {
		if (strcmp(visibility, "public") == 0)
			vis = VIS_PUBLIC;
		else if (strcmp(visibility, "internal") == 0)
			vis = VIS_INTERNAL;
		else
			return fail_set(f, E_UNPROC, NULL, "visibility",
					"unknown visibility; expected public or internal");
		if (note && vis == VIS_PUBLIC)
			return fail_set(f, E_UNPROC, NULL, "visibility",
					"a %s is always internal; send a message to tell the customer",
					type);
	}
	if (by && by->kind == AUTHOR_CUSTOMER && (note || vis != VIS_PUBLIC))
		return fail_set(f, E_FORBIDDEN, NULL, note ? "type" : "visibility",
				"a customer can only add public messages");
	if (n > CASE_BODY_MAX)
		return fail_set(f, E_TOOBIG, NULL, "body",
				"a %s is at most %d bytes", type, CASE_BODY_MAX);
	if (!utf8_valid(body ? body : "", n))
		return fail_set(f, E_UNPROC, NULL, "body",
				"is not valid UTF-8");
	if (strspn(body ? body : "", " \t\r\n\v\f") == n)
		return fail_set(f, E_UNPROC, NULL, "body", "must not be empty");

	rc = cases__get(st, ar, case_id, &c, f);
	if (rc == E_OK)
		rc = own_case(by, &c, f);
	if (rc != E_OK)
		return rc;
	if (!(body = arena_strdup(ar, body)))
		return domain__nomem(f);
	rc = domain__event_add(st, c.id, c.customer_id, call ? "call" : note ? "note" : "message",
			       by, vis, body, call ? "{\"direction\":\"outbound\"}" : NULL, now, &e);
	if (rc != E_OK)
		return domain__io(f, rc);
	rc = touch(st, &c, now, f);
	if (rc == E_OK && out)
		*out = e;
	return rc;
}

enum err cases_events(struct store *st, struct arena *ar, int64_t case_id,
		      int64_t after_id, size_t limit, struct event_list *out,
		      struct fail *f)
{
	struct case_ c;
	enum err rc;

	if (!limit)
		limit = CASE_EVENTS_DEFAULT;
	if (limit > CASE_EVENTS_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit",
				"must be between 1 and %d", CASE_EVENTS_MAX);
	rc = cases__get(st, ar, case_id, &c, f);
	if (rc != E_OK)
		return rc;
	rc = store_event_list(st, ar, case_id, after_id > 0 ? after_id : 0,
			      limit, out);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

/* flag_repeat - an agent recording what the customer said, for a key whose
 * current value the customer (or their channel: a form, the phone menu)
 * already gave: the customer was asked twice (effort.h).  A value an agent
 * observed and the customer then states is no repeat. */
static enum err flag_repeat(struct store *st, struct arena *ar, const struct case_ *c,
			    const char *key, const struct actor *by, int64_t now,
			    struct fail *f)
{
	struct fact_list l;
	enum err rc = store_fact_list(st, ar, c->id, true, &l);

	if (rc != E_OK)
		return domain__io(f, rc);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.items[i].key, key) &&
		    (l.items[i].source == SRC_CUSTOMER || l.items[i].source == SRC_CHANNEL))
			return effort__note(st, ar, c, "repeat_question", key, by, now, f);
	return E_OK;
}

enum err cases_put_fact(struct store *st, struct arena *ar, int64_t case_id,
			const char *key, const char *value_json,
			const char *source, const struct actor *by,
			struct fact *out, struct fail *f)
{
	struct case_ c;
	enum fact_source src;
	char *k, *v;
	int64_t now = clock_now_ms();
	enum err rc;

	rc = cases__fact_check(ar, key, value_json, "", &k, &v, f);
	if (rc == E_OK)
		rc = cases__source(source, by, "source", &src, f);
	if (rc == E_OK)
		rc = cases__get(st, ar, case_id, &c, f);
	if (rc == E_OK)
		rc = own_case(by, &c, f);
	if (rc == E_OK && by->kind == AUTHOR_AGENT && src == SRC_CUSTOMER)
		rc = flag_repeat(st, ar, &c, k, by, now, f);
	if (rc == E_OK)
		rc = cases__fact_record(st, ar, &c, k, v, src, by, now, out, f);
	if (rc == E_OK)
		rc = touch(st, &c, now, f);
	return rc;
}

enum err cases_facts(struct store *st, struct arena *ar, int64_t case_id,
		     bool current_only, struct fact_list *out)
{
	struct case_ c;
	enum err rc = store_case_get(st, ar, case_id, &c);

	if (rc != E_OK)
		return rc;
	return store_fact_list(st, ar, case_id, current_only, out);
}
