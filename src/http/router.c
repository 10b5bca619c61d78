/* router.c - route table and matching (see router.h). */
#include "http/router.h"

#include <string.h>

static struct route *table;
static size_t table_len;

void router_set(struct route *routes)
{
	size_t i;

	for (i = 0; routes[i].pattern; i++)
		routes[i].index = (unsigned)i;
	table = routes;
	table_len = i;
}

const struct route *router_routes(size_t *n)
{
	*n = table_len;
	return table;
}

const char *router_method_name(enum http_method m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_PATCH: return "PATCH";
	case HTTP_DELETE: return "DELETE";
	case HTTP_HEAD: return "HEAD";
	case HTTP_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}

/* match_path - compare a pattern with a path segment by segment; parameter
 * values are copied into the arena.  Returns the number of params or -1. */
static int match_path(const char *pat, const char *path, struct http_req *r,
		      const char **params)
{
	int n = 0;

	while (*pat && *path) {
		const char *pe, *se;

		if (*pat != '/' || *path != '/')
			return -1;
		pat++;
		path++;
		pe = strchr(pat, '/');
		se = strchr(path, '/');
		if (!pe)
			pe = pat + strlen(pat);
		if (!se)
			se = path + strlen(path);
		if (*pat == '{') {
			if (se == path || n >= HTTP_MAX_PARAMS)
				return -1;
			params[n] = arena_strndup(&r->arena, path, (size_t)(se - path));
			if (!params[n])
				return -1;
			n++;
		} else if (pe - pat != se - path ||
			   memcmp(pat, path, (size_t)(pe - pat)) != 0) {
			return -1;
		}
		pat = pe;
		path = se;
	}
	return (*pat || *path) ? -1 : n;
}

enum router_result router_match(struct http_req *r)
{
	const char *params[HTTP_MAX_PARAMS];
	bool path_seen = false;
	enum http_method want = r->method == HTTP_HEAD ? HTTP_GET : r->method;

	for (size_t i = 0; i < table_len; i++) {
		int n = match_path(table[i].pattern, r->path, r, params);

		if (n < 0)
			continue;
		path_seen = true;
		if (table[i].method != want)
			continue;
		r->route = &table[i];
		r->n_params = (size_t)n;
		memcpy(r->params, params, sizeof(params[0]) * (size_t)n);
		return ROUTE_FOUND;
	}
	return path_seen ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}
