/*
 * http.h - what the API layer sees of HTTP: a request, a reply, and a way to
 * finish a request later from another thread.
 *
 * The server (server.c) runs one libwebsockets event loop per worker thread.
 * A handler runs on that loop thread and either replies at once or suspends
 * the request (http_req_suspend) while work runs elsewhere (the group-commit
 * writer, the password-hashing pool); whoever finishes calls http_req_wake()
 * from any thread, and the resume function then runs back on the loop thread.
 * If the client goes away meanwhile, the request is kept until it is woken
 * and then dropped, so no thread ever touches freed memory.
 *
 * Ownership: the request owns `arena`; everything a handler allocates for a
 * request goes there and is released when the response has been written.
 */
#ifndef HEED_HTTP_H
#define HEED_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

enum http_method {
	HTTP_GET = 1, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE,
	HTTP_HEAD, HTTP_OPTIONS, HTTP_OTHER
};

struct http_req;
struct route;

typedef void (*http_handler)(struct http_req *r);

struct http_query_arg {
	const char *name;
	const char *value; /* percent-decoded, NUL-terminated */
};

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_QUERY 16

struct http_req {
	struct arena arena;
	char id[24];                 /* request id, also in X-Request-Id */
	enum http_method method;
	const char *path;            /* decoded path without the query */
	struct http_query_arg query[HTTP_MAX_QUERY];
	size_t n_query;
	bool query_bad_utf8;         /* some argument was not valid UTF-8 */
	bool query_too_many;
	const char *content_type;    /* NULL if absent */
	const char *authorization;   /* NULL if absent */
	const char *cookie;          /* NULL if absent */
	const char *origin;          /* NULL if absent */
	const char *host;            /* NULL if absent */
	struct buf body;             /* request body, bounded by max_body */

	const struct route *route;   /* matched route, NULL if none */
	const char *params[HTTP_MAX_PARAMS];
	size_t n_params;

	void *worker_data;           /* per worker thread, set by the app */
	void *user;                  /* per request, for the handler */

	/* The response, filled by http_reply_* and written by the server. */
	int status;
	struct buf resp;
	const char *resp_type;
	const char *set_cookie;      /* extra Set-Cookie value or NULL */
	const char *cors_origin;     /* allow this origin (CORS), or NULL */

	/* Server internals. */
	struct http_conn *conn;      /* NULL once the client has gone */
	struct http_worker *worker;
	http_handler resume;
	struct http_req *next_done;  /* link in the worker's wake queue */
	int64_t t_start_us;
	bool dispatched, suspended, replied;
};

/* http_query - the decoded value of query argument name, or NULL. */
const char *http_query(const struct http_req *r, const char *name);
/* http_cookie - the value of cookie `name` in a Cookie header into buf (n
 * bytes); NULL when absent, empty or too long.  Usable for WebSocket
 * upgrades too, which keep their own Cookie header. */
const char *http_cookie(const char *header, const char *name, char *buf, size_t n);

/* http_reply - set status and body (copied); content type as given. */
void http_reply(struct http_req *r, int status, const char *type,
		const void *body, size_t len);

/* http_req_suspend - the handler will finish later: when http_req_wake(r) is
 * called, fn(r) runs on the loop thread and must reply. */
void http_req_suspend(struct http_req *r, http_handler fn);
/* http_req_wake - thread-safe; schedules the resume function. */
void http_req_wake(struct http_req *r);

#endif
