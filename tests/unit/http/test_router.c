/* test_router.c - route matching: parameters, 404 versus 405, HEAD. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "http/http.h"
#include "http/router.h"

static void h(struct http_req *r) { (void)r; }

static struct route routes[] = {
	{HTTP_GET, "/api/v1/cases", h, 0, 0},
	{HTTP_GET, "/api/v1/customers/lookup", h, 0, 0},
	{HTTP_GET, "/api/v1/customers/{id}", h, 0, 0},
	{HTTP_GET, "/api/v1/cases/{id}", h, 0, 0},
	{HTTP_PUT, "/api/v1/cases/{id}/facts/{key}", h, 0, 0},
	{0, NULL, NULL, 0, 0},
};

static enum router_result match(struct http_req *r, enum http_method m,
				const char *path)
{
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena, 256);
	r->method = m;
	r->path = path;
	return router_match(r);
}

static void matches(void **state)
{
	struct http_req r;

	(void)state;
	memset(&r, 0, sizeof(r));
	router_set(routes);
	assert_int_equal(match(&r, HTTP_GET, "/api/v1/cases"), ROUTE_FOUND);
	assert_int_equal(r.route->index, 0);
	assert_int_equal(match(&r, HTTP_GET, "/api/v1/cases/17"), ROUTE_FOUND);
	assert_string_equal(r.params[0], "17");
	assert_int_equal(match(&r, HTTP_PUT, "/api/v1/cases/3/facts/tried.reboot"),
			 ROUTE_FOUND);
	assert_int_equal(r.n_params, 2);
	assert_string_equal(r.params[1], "tried.reboot");
	assert_int_equal(match(&r, HTTP_GET, "/api/v1/customers/lookup"), ROUTE_FOUND);
	assert_int_equal(r.route->index, 1); /* literal wins: listed first */
	assert_int_equal(match(&r, HTTP_HEAD, "/api/v1/cases"), ROUTE_FOUND);
	assert_int_equal(match(&r, HTTP_DELETE, "/api/v1/cases/1"), ROUTE_BAD_METHOD);
	assert_int_equal(match(&r, HTTP_GET, "/api/v1/cases/"), ROUTE_NOT_FOUND);
	assert_int_equal(match(&r, HTTP_GET, "/api/v1/cases/1/"), ROUTE_NOT_FOUND);
	assert_int_equal(match(&r, HTTP_GET, "/api/v1/casesx"), ROUTE_NOT_FOUND);
	assert_int_equal(match(&r, HTTP_GET, "/"), ROUTE_NOT_FOUND);
	arena_release(&r.arena);
}

/* cookies - the one Cookie header reader (REST and WebSocket upgrades). */
static void cookies(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(http_cookie("heed_session=abc", "heed_session", buf, sizeof(buf)),
			    "abc");
	assert_string_equal(http_cookie("a=1; heed_session=abc ; b=2", "heed_session", buf,
					sizeof(buf)), "abc");
	assert_null(http_cookie("myheed_session=abc", "heed_session", buf, sizeof(buf)));
	assert_null(http_cookie("heed_session=", "heed_session", buf, sizeof(buf)));
	assert_null(http_cookie("heed_session=0123456789abcdef", "heed_session", buf,
				sizeof(buf))); /* too long for buf */
	assert_null(http_cookie("", "heed_session", buf, sizeof(buf)));
	assert_null(http_cookie(NULL, "heed_session", buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(matches), cmocka_unit_test(cookies)};

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
