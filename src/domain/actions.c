/*
 * actions.c - the kinds of resolution power, the pure rules (limits, money
 * text, webhook signature and backoff) and the per-kind policy documents
 * (see actions.h).  Taking and deciding actions is in actions_take.c.
 *
 * A policy is stored as settings "action_policy:KIND" in the shape the API
 * takes, secret included; only actions_policy_get's caller decides what
 * leaves (the API shows has_secret, never the secret).
 */
#include "domain/actions.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/internal.h"

static const char *const kinds[ACTION_KINDS] = {"credit", "waive_fee", "replacement",
						 "extend_subscription"};

const char *action_kind_name(size_t i)
{
	return i < ACTION_KINDS ? kinds[i] : NULL;
}

bool action_kind_known(const char *name)
{
	for (size_t i = 0; name && i < ACTION_KINDS; i++)
		if (!strcmp(kinds[i], name))
			return true;
	return false;
}

bool action_kind_money(const char *kind)
{
	return kind && (!strcmp(kind, "credit") || !strcmp(kind, "waive_fee"));
}

static const char *const state_names[] = {
	[ACTION_PENDING_APPROVAL] = "pending_approval", [ACTION_DECLINED] = "declined",
	[ACTION_SENDING] = "sending", [ACTION_DONE] = "done", [ACTION_CANCELLED] = "cancelled",
};

const char *action_state_name(enum action_state s)
{
	return s >= ACTION_PENDING_APPROVAL && s <= ACTION_CANCELLED ? state_names[s] : "unknown";
}

enum action_state action_state_parse(const char *s)
{
	for (int i = ACTION_PENDING_APPROVAL; s && i <= ACTION_CANCELLED; i++)
		if (!strcmp(state_names[i], s))
			return (enum action_state)i;
	return 0;
}

const char *hook_state_name(enum hook_state s)
{
	switch (s) {
	case HOOK_PENDING: return "pending";
	case HOOK_ACKED: return "acknowledged";
	case HOOK_CANCELLED: return "cancelled";
	}
	return "unknown";
}

/* ---- pure rules ---------------------------------------------------------- */

/* room - what is left under limit after used (NO_LIMIT: unlimited). */
static int64_t room(int64_t limit, int64_t used)
{
	if (limit == NO_LIMIT)
		return NO_LIMIT;
	return used >= limit ? 0 : limit - used;
}

enum action_verdict action_check(const struct action_limits *l, int64_t case_used,
				 int64_t month_used, int64_t amount, int64_t *left)
{
	int64_t c, m;

	if (!l || !l->set) {
		if (left)
			*left = 0;
		return ACTION_NO_POLICY;
	}
	c = room(l->per_case, case_used);
	m = room(l->per_month, month_used);
	if (left)
		*left = c == NO_LIMIT ? m : m == NO_LIMIT ? c : c < m ? c : m;
	if (c != NO_LIMIT && amount > c)
		return ACTION_OVER_CASE;
	if (m != NO_LIMIT && amount > m)
		return ACTION_OVER_MONTH;
	return ACTION_WITHIN;
}

const char *action_verdict_name(enum action_verdict v)
{
	switch (v) {
	case ACTION_WITHIN: return NULL;
	case ACTION_OVER_CASE: return "per_case";
	case ACTION_OVER_MONTH: return "per_month";
	case ACTION_NO_POLICY: return "no_policy";
	}
	return NULL;
}

/* digits - minor-unit digits of an ISO 4217 currency. */
static int digits(const char *cur)
{
	static const char *const zero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF",
					   "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
					   "XAF", "XOF", "XPF", NULL};
	static const char *const three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
					    NULL};

	for (size_t i = 0; cur && zero[i]; i++)
		if (!strcmp(zero[i], cur))
			return 0;
	for (size_t i = 0; cur && three[i]; i++)
		if (!strcmp(three[i], cur))
			return 3;
	return 2;
}

void action_money(int64_t minor, const char *currency, char *out, size_t n)
{
	int d = digits(currency);
	int64_t scale = d == 0 ? 1 : d == 3 ? 1000 : 100;
	const char *sign = minor < 0 ? "-" : "";
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;

	if (d == 0)
		snprintf(out, n, "%s%llu %s", sign, (unsigned long long)v, currency ? currency : "");
	else
		snprintf(out, n, "%s%llu.%0*llu %s", sign, (unsigned long long)(v / (uint64_t)scale),
			 d, (unsigned long long)(v % (uint64_t)scale), currency ? currency : "");
}

void action_signature(const char *secret, int64_t t, const char *body, char *out, size_t n)
{
	crypto_auth_hmacsha256_state h;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * crypto_auth_hmacsha256_BYTES + 1];

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&h, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, n, "t=%s,v1=%s", ts, hex);
	sodium_memzero(&h, sizeof(h));
}

void action_hook_next(struct hook_delivery *d, bool ok, const char *error, int64_t now,
		      struct arena *ar)
{
	static const int64_t steps[] = {10000, 30000, 60000, 300000};
	const int64_t every = 900000;
	int i;

	d->attempts++;
	if (ok) {
		d->state = HOOK_ACKED;
		d->acked_at = now;
		d->last_error = NULL;
		return;
	}
	d->last_error = arena_strdup(ar, error && *error ? error : "unknown error");
	i = d->attempts - 1;
	d->next_at = now + (i < 4 ? steps[i] : every);
}

/* ---- policies ------------------------------------------------------------ */

static const char *const role_keys[] = {[ROLE_AGENT] = "agent",
					[ROLE_SUPERVISOR] = "supervisor",
					[ROLE_ADMIN] = "admin"};

static char *policy_key(struct arena *ar, const char *kind)
{
	return arena_printf(ar, "action_policy:%s", kind);
}

static bool currency_ok(const char *c)
{
	return c && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' &&
	       c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
}

/* bad_at - E_UNPROC with msg, at the field path formatted from fmt. */
static enum err bad_at(struct fail *f, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum err bad_at(struct fail *f, const char *msg, const char *fmt, ...)
{
	char field[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(field, sizeof(field), fmt, ap);
	va_end(ap);
	return fail_set(f, E_UNPROC, NULL, field, "%s", msg);
}

/* read_limit - one of per_case / per_month: a whole number >= 0 or null. */
static enum err read_limit(json_t *o, const char *role, const char *key, int64_t max,
			   int64_t *out, struct fail *f)
{
	json_t *v = json_object_get(o, key);

	*out = NO_LIMIT;
	if (!v || json_is_null(v))
		return E_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
	{
		char msg[80];

		snprintf(msg, sizeof(msg), "must be a whole number from 0 to %lld, or null",
			 (long long)max);
		return bad_at(f, msg, "limits.%s.%s", role, key);
	}
	*out = json_integer_value(v);
	return E_OK;
}

static int64_t measure_max(const char *kind)
{
	return action_kind_money(kind) ? ACTION_AMOUNT_MAX :
	       !strcmp(kind, "replacement") ? ACTION_QUANTITY_MAX * 1000LL :
					      ACTION_DAYS_MAX * 100LL;
}

static enum err read_limits(const char *kind, json_t *j, struct action_policy *p,
			    struct fail *f)
{
	json_t *lim = json_object_get(j, "limits"), *v;
	const char *key;
	enum err e;

	if (lim && !json_is_null(lim) && !json_is_object(lim))
		return fail_set(f, E_UNPROC, NULL, "limits",
				"an object of roles: agent, supervisor, admin");
	json_object_foreach(lim, key, v) {
		int r = !strcmp(key, "agent") ? ROLE_AGENT :
			!strcmp(key, "supervisor") ? ROLE_SUPERVISOR :
			!strcmp(key, "admin") ? ROLE_ADMIN : 0;
		const char *k2;
		json_t *v2;

		if (!r)
			return fail_set(f, E_UNPROC, NULL, "limits",
					"unknown role '%.40s'; expected agent, supervisor or admin",
					key);
		if (json_is_null(v))
			continue; /* same as absent: approval for any amount */
		if (!json_is_object(v))
			return bad_at(f, "an object {per_case, per_month}", "limits.%s", key);
		json_object_foreach(v, k2, v2) {
			if (strcmp(k2, "per_case") && strcmp(k2, "per_month"))
				return bad_at(f, "unknown limit; expected per_case or per_month",
					      "limits.%s.%.30s", key, k2);
		}
		p->limits[r].set = true;
		if ((e = read_limit(v, role_keys[r], "per_case", measure_max(kind),
				    &p->limits[r].per_case, f)) != E_OK ||
		    (e = read_limit(v, role_keys[r], "per_month", measure_max(kind),
				    &p->limits[r].per_month, f)) != E_OK)
			return e;
	}
	if (!p->limits[ROLE_ADMIN].set) /* admins: unlimited unless named */
		p->limits[ROLE_ADMIN] = (struct action_limits){true, NO_LIMIT, NO_LIMIT};
	return E_OK;
}

/* url_ok - an absolute http or https URL with a host, parsed by libcurl. */
static bool url_ok(const char *u)
{
	CURLU *h = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = false;

	if (!h)
		return false;
	if (curl_url_set(h, CURLUPART_URL, u, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		ok = (!strcmp(scheme, "http") || !strcmp(scheme, "https")) && host[0];
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(h);
	return ok;
}

/* read_webhook - {url, secret?}; a missing secret keeps old_secret. */
static enum err read_webhook(struct arena *ar, json_t *j, const char *old_secret,
			     struct action_policy *p, struct fail *f)
{
	json_t *w = json_object_get(j, "webhook"), *v;
	const char *key;
	char *url, *secret;
	enum err e;

	if (!w || json_is_null(w))
		return E_OK;
	if (!json_is_object(w))
		return fail_set(f, E_UNPROC, NULL, "webhook", "an object {url, secret} or null");
	json_object_foreach(w, key, v) {
		if (strcmp(key, "url") && strcmp(key, "secret"))
			return fail_set(f, E_UNPROC, NULL, "webhook",
					"unknown member; expected url and secret");
	}
	v = json_object_get(w, "url");
	if (!json_is_string(v))
		return fail_set(f, E_UNPROC, NULL, "webhook.url", "an http or https URL is required");
	if ((e = domain__text(ar, json_string_value(v), "webhook.url", 1, ACTION_URL_MAX, &url,
			      f)) != E_OK)
		return e;
	if (strpbrk(url, " \"'<>\\") || !url_ok(url))
		return fail_set(f, E_UNPROC, NULL, "webhook.url",
				"must be an absolute http:// or https:// URL with a host");
	v = json_object_get(w, "secret");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return fail_set(f, E_UNPROC, NULL, "webhook.secret", "must be a string");
		if ((e = domain__text(ar, json_string_value(v), "webhook.secret", ACTION_SECRET_MIN,
				      ACTION_SECRET_MAX, &secret, f)) != E_OK)
			return e;
	} else if (old_secret) {
		secret = arena_strdup(ar, old_secret);
	} else {
		return fail_set(f, E_UNPROC, NULL, "webhook.secret",
				"a secret of %d to %d characters is required", ACTION_SECRET_MIN,
				ACTION_SECRET_MAX);
	}
	p->hook_url = url;
	p->hook_secret = secret;
	return secret ? E_OK : domain__nomem(f);
}

/* policy_read - a policy of kind from its document; old_secret as above. */
static enum err policy_read(struct arena *ar, const char *kind, json_t *j,
			    const char *old_secret, struct action_policy *p, struct fail *f)
{
	json_t *cur = json_object_get(j, "currency"), *v;
	const char *key;
	enum err e;

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->configured = true;
	json_object_foreach(j, key, v) {
		if (strcmp(key, "currency") && strcmp(key, "limits") && strcmp(key, "webhook") &&
		    strcmp(key, "kind"))
			return bad_at(f, "unknown member; expected currency, limits and webhook",
				      "%.60s", key);
	}
	v = json_object_get(j, "kind");
	if (v && !(json_is_string(v) && !strcmp(json_string_value(v), kind)))
		return fail_set(f, E_UNPROC, NULL, "kind", "must be %s, as in the path", kind);
	if (action_kind_money(kind)) {
		if (!currency_ok(json_string_value(cur)))
			return fail_set(f, E_UNPROC, NULL, "currency",
					"a three-letter ISO 4217 code such as EUR is required");
		p->currency = arena_strdup(ar, json_string_value(cur));
	} else if (cur && !json_is_null(cur)) {
		return fail_set(f, E_UNPROC, NULL, "currency", "%s is not an amount of money", kind);
	}
	if ((e = read_limits(kind, j, p, f)) != E_OK)
		return e;
	return read_webhook(ar, j, old_secret, p, f);
}

/* limit_json - one role's limits as JSON text ("null": unset). */
static char *limit_json(struct arena *ar, const struct action_limits *l)
{
	if (!l->set)
		return "null";
	return arena_printf(ar, "{\"per_case\":%s,\"per_month\":%s}",
			    l->per_case == NO_LIMIT ? "null" :
			    arena_printf(ar, "%lld", (long long)l->per_case),
			    l->per_month == NO_LIMIT ? "null" :
			    arena_printf(ar, "%lld", (long long)l->per_month));
}

static char *policy_doc(struct arena *ar, const struct action_policy *p)
{
	char *hook = p->hook_url ? arena_printf(ar, "{\"url\":%s,\"secret\":%s}",
						domain__json_str(ar, p->hook_url),
						domain__json_str(ar, p->hook_secret)) :
				   "null";

	return arena_printf(ar,
			    "{\"kind\":\"%s\",\"currency\":%s,\"limits\":{\"agent\":%s,"
			    "\"supervisor\":%s,\"admin\":%s},\"webhook\":%s}",
			    p->kind, domain__json_str(ar, p->currency),
			    limit_json(ar, &p->limits[ROLE_AGENT]),
			    limit_json(ar, &p->limits[ROLE_SUPERVISOR]),
			    limit_json(ar, &p->limits[ROLE_ADMIN]), hook);
}

/* canonical - the kind's name from the fixed table (static storage). */
static const char *canonical(const char *kind)
{
	for (size_t i = 0; kind && i < ACTION_KINDS; i++)
		if (!strcmp(kinds[i], kind))
			return kinds[i];
	return NULL;
}

enum err actions_policy_get(struct store *st, struct arena *ar, const char *kind,
			    struct action_policy *out, struct fail *f)
{
	const char *k = canonical(kind);
	struct setting s;
	json_t *j;
	enum err e;

	memset(out, 0, sizeof(*out));
	if (!k)
		return fail_set(f, E_NOTFOUND, NULL, "kind",
				"no action kind '%.40s'; expected credit, waive_fee, replacement "
				"or extend_subscription", kind ? kind : "");
	out->kind = k;
	out->limits[ROLE_ADMIN] = (struct action_limits){true, NO_LIMIT, NO_LIMIT};
	e = store_setting_get(st, ar, policy_key(ar, k), &s);
	if (e == E_NOTFOUND)
		return E_OK;
	if (e != E_OK)
		return domain__io(f, e);
	if (!(j = json_loads(s.value, 0, NULL)))
		return fail_set(f, E_IO, NULL, NULL, "the stored policy of %s is unreadable", k);
	e = policy_read(ar, k, j, NULL, out, f);
	json_decref(j);
	out->updated_at = s.updated_at;
	return e == E_OK ? E_OK : fail_set(f, E_IO, NULL, NULL,
					   "the stored policy of %s is invalid", k);
}

enum err actions_policy_put(struct store *st, struct arena *ar, const char *kind,
			    const char *json, struct action_policy *out, struct fail *f)
{
	struct action_policy old;
	struct setting s = {.updated_at = clock_now_ms()};
	json_t *j;
	enum err e;

	if ((e = actions_policy_get(st, ar, kind, &old, f)) != E_OK)
		return e;
	j = json_loads(json ? json : "", 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return fail_set(f, E_UNPROC, NULL, NULL, "a policy is a JSON object");
	}
	e = policy_read(ar, old.kind, j, old.hook_secret, out, f);
	json_decref(j);
	if (e != E_OK)
		return e;
	out->updated_at = s.updated_at;
	s.key = policy_key(ar, out->kind);
	s.value = policy_doc(ar, out);
	if (!s.key || !s.value)
		return domain__nomem(f);
	e = store_setting_put(st, &s);
	return e == E_OK ? E_OK : domain__io(f, e);
}
