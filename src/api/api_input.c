/*
 * api_input.c - reading path parameters, query arguments and JSON members,
 * with a precise 4xx reply (naming the field) when they are wrong.
 * Every function returns false after it has replied.
 */
#include "api/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200

/* parse_id - a positive decimal integer id, nothing else. */
static bool parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || *s < '1' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

bool api_param_id(struct http_req *r, size_t i, int64_t *out)
{
	if (i < r->n_params && parse_id(r->params[i], out))
		return true;
	api_error(r, E_NOTFOUND, NULL, NULL, "no such object");
	return false;
}

bool api_query_id(struct http_req *r, const char *name, int64_t *out)
{
	const char *v = http_query(r, name);
	char msg[96];

	*out = 0;
	if (!v)
		return true;
	if (parse_id(v, out))
		return true;
	snprintf(msg, sizeof(msg), "'%s' must be a positive integer", name);
	api_error(r, E_UNPROC, NULL, name, msg);
	return false;
}

bool api_query_limit(struct http_req *r, size_t *out)
{
	const char *v = http_query(r, "limit");
	char *end;
	long n;

	*out = LIMIT_DEFAULT;
	if (!v)
		return true;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > LIMIT_MAX) {
		api_error(r, E_UNPROC, NULL, "limit", "'limit' must be 1 to 200");
		return false;
	}
	*out = (size_t)n;
	return true;
}

static bool wrong_type(struct http_req *r, const char *field, const char *want)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "'%s' must be %s", field, want);
	api_error(r, E_INVAL, NULL, field, msg);
	return false;
}

bool api_get_str(struct http_req *r, json_t *obj, const char *key,
		 const char *field, bool required, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char msg[128];

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return true;
		snprintf(msg, sizeof(msg), "'%s' is required", field);
		api_error(r, E_INVAL, "missing_field", field, msg);
		return false;
	}
	if (!json_is_string(v))
		return wrong_type(r, field, "a string");
	*out = json_string_value(v);
	return true;
}

bool api_get_id(struct http_req *r, json_t *obj, const char *key,
		const char *field, bool required, bool *present, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[128];

	*out = 0;
	if (present)
		*present = v != NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return true;
		snprintf(msg, sizeof(msg), "'%s' is required", field);
		api_error(r, E_INVAL, "missing_field", field, msg);
		return false;
	}
	if (!json_is_integer(v))
		return wrong_type(r, field, "an integer id");
	*out = json_integer_value(v);
	if (*out <= 0) {
		snprintf(msg, sizeof(msg), "'%s' must be a positive id", field);
		api_error(r, E_UNPROC, NULL, field, msg);
		return false;
	}
	return true;
}

/* get_typed - an optional member that, when present and not null, must
 * pass is_type (an object, an array...). */
static bool get_typed(struct http_req *r, json_t *obj, const char *key,
		      const char *field, int (*is_type)(const json_t *),
		      const char *want, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!is_type(v))
		return wrong_type(r, field, want);
	*out = v;
	return true;
}

static int is_object(const json_t *v)
{
	return json_is_object(v);
}

static int is_array(const json_t *v)
{
	return json_is_array(v);
}

bool api_get_obj(struct http_req *r, json_t *obj, const char *key,
		 const char *field, json_t **out)
{
	return get_typed(r, obj, key, field, is_object, "an object", out);
}

bool api_get_arr(struct http_req *r, json_t *obj, const char *key,
		 const char *field, json_t **out)
{
	return get_typed(r, obj, key, field, is_array, "an array", out);
}

bool api_json_text(struct http_req *r, json_t *v, size_t flags, char **out)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | flags);

	*out = text ? arena_strdup(&r->arena, text) : NULL;
	free(text);
	if (!*out)
		api_error(r, E_NOMEM, NULL, NULL, "out of memory");
	return *out != NULL;
}

void api_page(struct http_req *r, json_t *items, size_t n, size_t limit,
	      int64_t last_id)
{
	char s[32];
	json_t *cursor;

	if (n < limit || n == 0) {
		cursor = json_null();
	} else {
		snprintf(s, sizeof(s), "%lld", (long long)last_id);
		cursor = json_string(s);
	}
	api_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", cursor));
}

bool api_get_time(struct http_req *r, json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[128];

	*out = 0;
	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v) && clock_parse(json_string_value(v), out) == 0 && *out > 0)
		return true;
	snprintf(msg, sizeof(msg), "'%s' must be a time like 2026-11-23T15:00:00Z", key);
	api_error(r, E_UNPROC, NULL, key, msg);
	return false;
}

bool api_get_bool(struct http_req *r, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[96];

	*out = false;
	if (!v || json_is_null(v))
		return true;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return true;
	}
	snprintf(msg, sizeof(msg), "'%s' must be true or false", key);
	api_error(r, E_INVAL, NULL, key, msg);
	return false;
}

bool api_get_int(struct http_req *r, json_t *obj, const char *key, int64_t min,
		 int64_t max, bool *present, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[128];

	*out = 0;
	if (present)
		*present = v && !json_is_null(v);
	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = json_integer_value(v);
		return true;
	}
	snprintf(msg, sizeof(msg), "'%s' must be a whole number from %lld to %lld", key,
		 (long long)min, (long long)max);
	api_error(r, json_is_integer(v) ? E_UNPROC : E_INVAL, NULL, key, msg);
	return false;
}
