/*
 * internal.c - helpers shared by the files of domain/ (see internal.h).
 *
 * JSON text for event data is written by hand: the only strings embedded go
 * through jansson's encoder (domain__json_str), so escaping is never ours.
 */
#include "domain/internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

char *domain__trim(struct arena *ar, const char *s)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return arena_strndup(ar, s, n);
}

size_t domain__chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

char *domain__prefix(struct arena *ar, const char *s, size_t max)
{
	size_t n = 0, i = 0;

	/* stop at the lead byte of character max + 1 (as domain__chars counts) */
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max)
			break;
	return arena_strndup(ar, s, i);
}

int domain__index_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

enum err domain__text(struct arena *ar, const char *s, const char *field,
		      size_t min, size_t max, char **out, struct fail *f)
{
	size_t n;
	char *t;

	if (!s)
		s = "";
	n = strlen(s);
	if (!utf8_valid(s, n))
		return fail_set(f, E_UNPROC, NULL, field, "is not valid UTF-8");
	if (n > max * 4 + 1024) /* cheap bound before copying */
		return fail_set(f, E_UNPROC, NULL, field,
				"must be at most %zu characters", max);
	t = domain__trim(ar, s);
	if (!t)
		return domain__nomem(f);
	n = domain__chars(t);
	if (n < min)
		return fail_set(f, E_UNPROC, NULL, field,
				min == 1 ? "must not be empty" :
					   "must be at least %zu characters",
				min);
	if (n > max)
		return fail_set(f, E_UNPROC, NULL, field,
				"must be at most %zu characters", max);
	for (const char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return fail_set(f, E_UNPROC, NULL, field,
					"must not contain control characters");
	*out = t;
	return E_OK;
}

char *domain__json_str(struct arena *ar, const char *s)
{
	json_t *j;
	char *txt, *r;

	if (!s)
		return arena_strdup(ar, "null");
	j = json_string(s); /* NULL for invalid UTF-8 */
	if (!j)
		return NULL;
	txt = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(j);
	if (!txt)
		return NULL;
	r = arena_strdup(ar, txt);
	free(txt);
	return r;
}

char *domain__json_id(struct arena *ar, int64_t id)
{
	return id ? arena_printf(ar, "%lld", (long long)id) :
		    arena_strdup(ar, "null");
}

void domain__field(struct fail *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->field, sizeof(f->field), fmt, ap);
	va_end(ap);
}

enum err domain__nomem(struct fail *f)
{
	return fail_set(f, E_NOMEM, NULL, NULL, "out of memory");
}

enum err domain__io(struct fail *f, enum err e)
{
	if (e == E_NOMEM)
		return domain__nomem(f);
	return fail_set(f, e, NULL, NULL, "storage failure (%s)", err_name(e));
}

void domain__author(const struct actor *by, int64_t customer_id,
		    enum author_kind *kind, int64_t *id)
{
	if (!by || by->kind == AUTHOR_SYSTEM || !by->kind) {
		*kind = AUTHOR_SYSTEM;
		*id = 0;
		return;
	}
	*kind = by->kind;
	*id = by->id;
	if (by->kind == AUTHOR_CUSTOMER && !by->id)
		*id = customer_id;
}

enum err domain__event_add(struct store *st, int64_t case_id,
			   int64_t customer_id, const char *type,
			   const struct actor *by, enum visibility vis,
			   const char *body, const char *data, int64_t now,
			   struct event *out)
{
	struct event e = {
		.case_id = case_id,
		.type = (char *)type,
		.visibility = vis,
		.body = (char *)(body ? body : ""),
		.data = (char *)data,
		.created_at = now,
	};
	enum err rc;

	domain__author(by, customer_id, &e.author_kind, &e.author_id);
	rc = store_event_insert(st, &e);
	if (rc == E_OK)
		rc = track__event(st, &e);
	if (rc == E_OK && out)
		*out = e;
	return rc;
}
