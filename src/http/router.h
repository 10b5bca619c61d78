/*
 * router.h - the route table: method + path pattern -> handler.
 *
 * Patterns are literal segments and `{name}` parameters
 * ("/api/v1/cases/{id}/facts/{key}"), the same text as in the OpenAPI
 * description, so a test can compare the two.  Matching is a linear scan:
 * with a few dozen routes it costs well under a microsecond.
 */
#ifndef HEED_ROUTER_H
#define HEED_ROUTER_H

#include <stddef.h>

#include "http/http.h"

struct route {
	enum http_method method;
	const char *pattern;
	http_handler handler;
	int min_role;   /* opaque to http/: the API's access rule */
	unsigned index; /* position in the table, for metrics */
};

enum router_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* router_set - install the table (static storage, NULL-pattern terminated). */
void router_set(struct route *routes);
/* router_routes - the installed table and its length. */
const struct route *router_routes(size_t *n);
/* router_match - find the route for r->method and r->path; on success set
 * r->route and r->params (pointing into r->arena). */
enum router_result router_match(struct http_req *r);
/* router_method_name - "GET", "POST", ... */
const char *router_method_name(enum http_method m);

#endif
