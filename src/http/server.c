/*
 * server.c - libwebsockets glue: listening sockets, the request life cycle,
 * the cross-thread wake queue and shutdown.
 *
 * Life of a request, all on one worker's loop thread:
 *   LWS_CALLBACK_HTTP             new http_req; method, path, query, headers
 *   LWS_CALLBACK_HTTP_BODY*       body into a bounded buffer (413 past it)
 *   dispatch                      the app's handler replies or suspends
 *   (wake queue)                  another thread finished; resume runs here
 *   LWS_CALLBACK_HTTP_WRITEABLE   a deferred reply is written
 *   write_reply                   headers + body, metrics, one log line
 * A request is freed after its reply is written, or - if the client went
 * away while it was suspended - when it is woken.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"
#include "http/metrics.h"
#include "http/internal.h"

#include <ev.h>
#include "http/router.h"

#define MAX_WORKERS 16
#define MAX_RESP (64u << 20)
/* The reply buffer starts with room for lws framing and the headers, so
 * headers and body leave in one write (one send(2)) - a second send costs
 * about a third of a small request's CPU. */
#define HDR_ROOM 2048
#define RESP_PREFIX (LWS_PRE + HDR_ROOM)

struct http_conn {
	struct lws *wsi;
	struct http_req *req;
	bool body_too_big;
	bool close_after; /* close once the reply is written */
};

struct http_worker {
	int index;
	pthread_t thread;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	int listen_fd;
	struct lws *listen_wsi;
	pthread_mutex_t mu;            /* guards the wake queue */
	struct http_req *woken_head, *woken_tail;
	void *data;                    /* from worker_init */
	unsigned long seq;             /* request counter for ids */
	int active;                    /* requests dispatched, not yet done */
	bool stop_seen;
	lws_sorted_usec_list_t tick;
	int ready_fd;                  /* signalled once the loop runs */
	struct ev_loop *evloop;        /* epoll via libev: lws's own poll()
					* walks every socket on each wake-up */
	void *foreign[1];
};

static struct http_server_config cfg;
static struct http_worker workers[MAX_WORKERS];
static int n_workers;
static atomic_bool stopping;
static int64_t stop_deadline_ms;
static unsigned long boot_id;

/* ---- requests ---------------------------------------------------------- */

static struct http_req *req_new(struct http_worker *w, struct http_conn *c)
{
	static const char pre[RESP_PREFIX];
	struct http_req *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	arena_init(&r->arena, 8192);
	buf_init(&r->body, cfg.max_body);
	buf_init(&r->resp, MAX_RESP);
	if (buf_add(&r->resp, pre, sizeof(pre))) { /* framing + headers */
		free(r);
		return NULL;
	}
	r->worker = w;
	r->conn = c;
	r->worker_data = w->data;
	r->t_start_us = clock_mono_us();
	snprintf(r->id, sizeof(r->id), "%lx-%d-%lu", boot_id, w->index, ++w->seq);
	return r;
}

static void req_free(struct http_req *r)
{
	if (!r)
		return;
	buf_release(&r->body);
	buf_release(&r->resp);
	arena_release(&r->arena);
	free(r);
}

const char *http_cookie(const char *header, const char *name, char *buf, size_t n)
{
	size_t name_len = strlen(name);
	const char *c = header;

	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, name, name_len) == 0 && c[name_len] == '=') {
			const char *v = c + name_len + 1;
			size_t len = strcspn(v, ";");

			while (len && v[len - 1] == ' ')
				len--;
			if (!len || len >= n)
				return NULL;
			memcpy(buf, v, len);
			buf[len] = '\0';
			return buf;
		}
		c = strchr(c, ';');
	}
	return NULL;
}

const char *http_query(const struct http_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_query; i++)
		if (strcmp(r->query[i].name, name) == 0)
			return r->query[i].value;
	return NULL;
}

void http_reply(struct http_req *r, int status, const char *type,
		const void *body, size_t len)
{
	r->status = status;
	r->resp_type = type;
	r->resp.len = RESP_PREFIX;
	if (buf_add(&r->resp, body, len) != E_OK) {
		static const char oom[] =
			"{\"error\":{\"code\":\"internal_error\",\"message\":\"response too large\"}}";
		r->status = 500;
		r->resp_type = "application/json";
		r->resp.len = RESP_PREFIX;
		buf_add(&r->resp, oom, sizeof(oom) - 1);
	}
	r->replied = true;
}

void http_req_suspend(struct http_req *r, http_handler fn)
{
	r->suspended = true;
	r->resume = fn;
}

void http_req_wake(struct http_req *r)
{
	struct http_worker *w = r->worker;

	pthread_mutex_lock(&w->mu);
	r->next_done = NULL;
	if (w->woken_tail)
		w->woken_tail->next_done = r;
	else
		w->woken_head = r;
	w->woken_tail = r;
	pthread_mutex_unlock(&w->mu);
	lws_cancel_service(w->ctx);
}

/* ---- reading a request ------------------------------------------------- */

static const char *hdr_dup(struct lws *wsi, struct arena *a,
			   enum lws_token_indexes tok)
{
	int len = lws_hdr_total_length(wsi, tok);
	char *s;

	if (len <= 0)
		return NULL;
	s = arena_alloc(a, (size_t)len + 1);
	if (!s || lws_hdr_copy(wsi, s, len + 1, tok) < 0)
		return NULL;
	return s;
}

static enum http_method method_of(struct lws *wsi)
{
	static const struct { enum lws_token_indexes tok; enum http_method m; } map[] = {
		{WSI_TOKEN_GET_URI, HTTP_GET},       {WSI_TOKEN_POST_URI, HTTP_POST},
		{WSI_TOKEN_PUT_URI, HTTP_PUT},       {WSI_TOKEN_PATCH_URI, HTTP_PATCH},
		{WSI_TOKEN_DELETE_URI, HTTP_DELETE}, {WSI_TOKEN_HEAD_URI, HTTP_HEAD},
		{WSI_TOKEN_OPTIONS_URI, HTTP_OPTIONS},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (lws_hdr_total_length(wsi, map[i].tok) > 0)
			return map[i].m;
	return HTTP_OTHER;
}

/* read_query - split the (already percent-decoded) URI arguments. */
static void read_query(struct lws *wsi, struct http_req *r)
{
	char frag[4096];
	int n;

	for (int i = 0; (n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
						   WSI_TOKEN_HTTP_URI_ARGS, i)) >= 0; i++) {
		char *eq, *s;

		if (r->n_query == HTTP_MAX_QUERY) {
			r->query_too_many = true;
			return;
		}
		if (!utf8_valid(frag, (size_t)n))
			r->query_bad_utf8 = true;
		s = arena_strndup(&r->arena, frag, (size_t)n);
		if (!s)
			return;
		eq = strchr(s, '=');
		if (eq)
			*eq++ = '\0';
		r->query[r->n_query].name = s;
		r->query[r->n_query].value = eq ? eq : "";
		r->n_query++;
	}
}

static int read_request(struct lws *wsi, struct http_req *r, const char *uri,
			size_t len)
{
	r->method = method_of(wsi);
	r->path = arena_strndup(&r->arena, uri, len);
	if (!r->path)
		return -1;
	read_query(wsi, r);
	r->content_type = hdr_dup(wsi, &r->arena, WSI_TOKEN_HTTP_CONTENT_TYPE);
	r->authorization = hdr_dup(wsi, &r->arena, WSI_TOKEN_HTTP_AUTHORIZATION);
	r->cookie = hdr_dup(wsi, &r->arena, WSI_TOKEN_HTTP_COOKIE);
	r->origin = hdr_dup(wsi, &r->arena, WSI_TOKEN_ORIGIN);
	r->host = hdr_dup(wsi, &r->arena, WSI_TOKEN_HOST);
	return 0;
}

/* ---- writing a reply --------------------------------------------------- */

/* log_request - one line per request.  A path parameter named {token} is
 * a credential (a status page's link): such a path is logged as its route's
 * pattern, never as sent. */
static void log_request(struct http_req *r, int64_t dur_us)
{
	const char *path = r->path ? r->path : "-";

	if (r->route && strstr(r->route->pattern, "{token}"))
		path = r->route->pattern;
	if (cfg.log_requests)
		log_info(r->id, "%s %s %d %.3fms", router_method_name(r->method), path, r->status,
			 (double)dur_us / 1000.0);
}

/* add_cors - the CORS headers of a reply the app allowed cross-origin. */
static int add_cors(struct lws *wsi, struct http_req *r, unsigned char **p,
		    unsigned char *end)
{
	static const char methods[] = "GET, POST, OPTIONS";
	static const char headers[] = "authorization, content-type";

	if (!r->cors_origin)
		return 0;
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"access-control-allow-origin:",
					(const unsigned char *)r->cors_origin,
					(int)strlen(r->cors_origin), p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:",
					(const unsigned char *)"Origin", 6, p, end))
		return 1;
	if (r->method != HTTP_OPTIONS)
		return 0;
	return lws_add_http_header_by_name(wsi, (const unsigned char *)"access-control-allow-methods:",
					   (const unsigned char *)methods,
					   (int)sizeof(methods) - 1, p, end) ||
	       lws_add_http_header_by_name(wsi, (const unsigned char *)"access-control-allow-headers:",
					   (const unsigned char *)headers,
					   (int)sizeof(headers) - 1, p, end) ||
	       lws_add_http_header_by_name(wsi, (const unsigned char *)"access-control-max-age:",
					   (const unsigned char *)"600", 3, p, end);
}

/* write_reply - send r's response on wsi and finish the transaction.
 * The headers are built just in front of the body in r->resp, and both go
 * out in one lws_write().  Returns -1 when the connection must close. */
static int write_reply(struct lws *wsi, struct http_conn *c, struct http_req *r)
{
	unsigned char hdr[LWS_PRE + HDR_ROOM], *start = hdr + LWS_PRE, *p = start;
	unsigned char *end = hdr + sizeof(hdr) - 1, *out;
	size_t body_len = r->resp.len - RESP_PREFIX, hdr_len;
	int64_t dur;
	int rc = 0;

	if (lws_add_http_common_headers(wsi, (unsigned)r->status, r->resp_type,
					body_len, &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"x-request-id:",
					(const unsigned char *)r->id,
					(int)strlen(r->id), &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
					(const unsigned char *)"no-store", 8, &p, end) ||
	    lws_add_http_header_by_name(wsi,
					(const unsigned char *)"x-content-type-options:",
					(const unsigned char *)"nosniff", 7, &p, end) ||
	    (r->set_cookie &&
	     lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_SET_COOKIE,
					  (const unsigned char *)r->set_cookie,
					  (int)strlen(r->set_cookie), &p, end)) ||
	    add_cors(wsi, r, &p, end) ||
	    lws_finalize_http_header(wsi, &p, end)) {
		rc = -1;
		goto out;
	}
	hdr_len = (size_t)(p - start);
	if (r->method == HTTP_HEAD)
		body_len = 0;
	out = (unsigned char *)r->resp.data + RESP_PREFIX - hdr_len;
	memcpy(out, start, hdr_len);
	if (lws_write(wsi, out, hdr_len + body_len, LWS_WRITE_HTTP_HEADERS) < 0)
		rc = -1;
out:
	dur = clock_mono_us() - r->t_start_us;
	metrics_request(r->route ? (int)r->route->index : -1, r->status, dur);
	log_request(r, dur);
	c->req = NULL;
	r->worker->active--;
	req_free(r);
	if (c->close_after)
		rc = -1;
	if (rc == 0 && lws_http_transaction_completed(wsi))
		rc = -1;
	return rc;
}

static void reply_error(struct http_req *r, int status, const char *code,
			const char *msg)
{
	char body[256];
	int n = snprintf(body, sizeof(body),
			 "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, msg);

	http_reply(r, status, "application/json", body, (size_t)n);
}

/* dispatch - hand the request to the app; write now unless suspended. */
static int dispatch(struct lws *wsi, struct http_conn *c, struct http_req *r)
{
	r->worker->active++;
	r->dispatched = true;
	if (c->body_too_big)
		reply_error(r, 413, "too_large", "request body is over the size limit");
	else
		cfg.dispatch(r);
	if (r->suspended)
		return 0;
	if (!r->replied)
		reply_error(r, 500, "internal_error", "no response");
	return write_reply(wsi, c, r);
}

/* drain_woken - run resume functions of requests woken by other threads. */
static void drain_woken(struct http_worker *w)
{
	struct http_req *r, *next;

	pthread_mutex_lock(&w->mu);
	r = w->woken_head;
	w->woken_head = w->woken_tail = NULL;
	pthread_mutex_unlock(&w->mu);
	for (; r; r = next) {
		next = r->next_done;
		r->suspended = false;
		if (!r->conn) { /* the client went away meanwhile */
			w->active--;
			req_free(r);
			continue;
		}
		r->resume(r);
		if (r->suspended)
			continue;
		if (!r->replied)
			reply_error(r, 500, "internal_error", "no response");
		lws_callback_on_writable(r->conn->wsi);
	}
}

/* ---- callbacks --------------------------------------------------------- */

static void check_stop(struct http_worker *w)
{
	if (!atomic_load(&stopping))
		return;
	if (!w->stop_seen) {
		w->stop_seen = true;
		if (w->listen_wsi) /* stop accepting: lws closes the socket */
			lws_set_timeout(w->listen_wsi, PENDING_TIMEOUT_USER_OK,
					LWS_TO_KILL_ASYNC);
	}
}

static int cb_http(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	struct http_conn *c = user;
	struct http_worker *w = lws_context_user(lws_get_context(wsi));
	struct http_req *r;
	char cl[32];

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		req_free(c->req);
		c->wsi = wsi;
		c->body_too_big = c->close_after = false;
		c->req = r = req_new(w, c);
		if (!r || read_request(wsi, r, in, len))
			return -1;
		if (lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
		    strtoull(cl, NULL, 10) > 0) {
			unsigned long long n = strtoull(cl, NULL, 10);

			if (n > cfg.max_body)
				c->body_too_big = true;
			if (n > 16ull * cfg.max_body) {
				/* Not worth reading: answer 413, then close. */
				c->close_after = true;
				return dispatch(wsi, c, r);
			}
			return 0; /* wait for the body */
		}
		return dispatch(wsi, c, r);
	case LWS_CALLBACK_HTTP_BODY:
		if (!c->req || c->body_too_big)
			return 0;
		if (buf_add(&c->req->body, in, len) != E_OK) {
			c->body_too_big = true;
			buf_release(&c->req->body);
		}
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!c->req)
			return -1;
		return dispatch(wsi, c, c->req);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (c && c->req && c->req->replied && !c->req->suspended)
			return write_reply(wsi, c, c->req);
		return 0;
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c && c->req) {
			if (c->req->suspended) {
				c->req->conn = NULL; /* freed when woken */
			} else {
				if (c->req->dispatched)
					w->active--;
				req_free(c->req);
			}
			c->req = NULL;
		}
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A WebSocket upgrade that named no protocol of ours lands
		 * here: refuse it rather than talk WebSocket to the REST API. */
		return -1;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (w) {
			drain_woken(w);
			if (cfg.worker_wakeup && w->data)
				cfg.worker_wakeup(w->data);
			check_stop(w);
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* cb_listen - the listening socket is adopted as a raw fd; accept here. */
static int cb_listen(struct lws *wsi, enum lws_callback_reasons reason,
		     void *user, void *in, size_t len)
{
	struct http_worker *w = lws_context_user(lws_get_context(wsi));
	int fd, one = 1;

	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_CLOSE_FILE) {
		w->listen_wsi = NULL;
		w->listen_fd = -1; /* lws closed it */
		return 0;
	}
	if (reason != LWS_CALLBACK_RAW_RX_FILE)
		return 0;
	if (atomic_load(&stopping))
		return 0;
	for (int i = 0; i < 64; i++) {
		fd = accept4(w->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (!lws_adopt_socket_vhost(w->vh, fd))
			log_warn("http", "cannot adopt a connection");
	}
	return 0;
}

/* The WebSocket protocol, when the app has one, is filled in at start. */
static struct lws_protocols protocols[] = {
	{"http", cb_http, sizeof(struct http_conn), 0, 0, NULL, 0},
	{"heed-listen", cb_listen, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

void *http__worker_data(struct http_worker *w)
{
	return w->data;
}

void http_worker_wake(struct http_worker *w)
{
	lws_cancel_service(w->ctx);
}

/* ---- workers ----------------------------------------------------------- */

static void tick(lws_sorted_usec_list_t *sul)
{
	struct http_worker *w = lws_container_of(sul, struct http_worker, tick);

	check_stop(w);
	lws_sul_schedule(w->ctx, 0, &w->tick, tick, 250 * LWS_US_PER_MS);
}

static void *worker_main(void *arg)
{
	struct http_worker *w = arg;
	lws_sock_file_fd_type fd = {.filefd = w->listen_fd};

	w->listen_wsi = lws_adopt_descriptor_vhost(w->vh, LWS_ADOPT_RAW_FILE_DESC,
						   fd, "heed-listen", NULL);
	if (!w->listen_wsi)
		log_error("http", "worker %d cannot watch its listening socket",
			  w->index);
	lws_sul_schedule(w->ctx, 0, &w->tick, tick, 250 * LWS_US_PER_MS);
	for (;;) {
		ev_run(w->evloop, EVRUN_ONCE);
		if (atomic_load(&stopping) &&
		    (w->active == 0 || clock_mono_ms() > stop_deadline_ms))
			break;
	}
	return NULL;
}

/* open_listener - a bound, listening, non-blocking SO_REUSEPORT socket. */
static int open_listener(const struct addrinfo *ai, int port)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, ai->ai_addrlen) || listen(fd, 1024)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* split_listen - "HOST:PORT" or "[V6]:PORT" into host and port. */
static enum err split_listen(const char *s, char *host, size_t n, int *port)
{
	const char *colon = strrchr(s, ':');
	size_t hl;
	char *endp;
	long p;

	if (!colon)
		return E_INVAL;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= n)
		return E_INVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	p = strtol(colon + 1, &endp, 10);
	if (*endp || p < 0 || p > 65535 || endp == colon + 1)
		return E_INVAL;
	*port = (int)p;
	return E_OK;
}

static enum err bind_all(int *port_out)
{
	char host[256];
	int port;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE},
			*ai = NULL;
	enum err e = E_OK;

	if (split_listen(cfg.listen, host, sizeof(host), &port)) {
		log_error("http", "cannot read listen address '%s' (want HOST:PORT)",
			  cfg.listen);
		return E_INVAL;
	}
	if (getaddrinfo(host, NULL, &hints, &ai) || !ai) {
		log_error("http", "cannot resolve '%s'", host);
		return E_INVAL;
	}
	for (int i = 0; i < n_workers; i++) {
		workers[i].listen_fd = open_listener(ai, port);
		if (workers[i].listen_fd < 0) {
			log_error("http", "cannot listen on %s: %s", cfg.listen,
				  strerror(errno));
			e = E_IO;
			goto out;
		}
		if (port == 0) /* the others share the port the first one got */
			port = bound_port(workers[i].listen_fd);
	}
	*port_out = port;
out:
	freeaddrinfo(ai);
	return e;
}

static enum err worker_create(struct http_worker *w, int index)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	w->index = index;
	pthread_mutex_init(&w->mu, NULL);
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.user = w;
	info.count_threads = 1;
	info.max_http_header_data = 8192;
	info.max_http_header_pool = 256;
	info.keepalive_timeout = 30;
	info.timeout_secs = 30;
	/* lws on a libev loop of ours (lws's evlib plugin): epoll, so that a
	 * wake-up costs the same with 10 sockets or 10,000 */
	w->evloop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOENV);
	if (!w->evloop)
		return E_IO;
	w->foreign[0] = w->evloop;
	info.options |= LWS_SERVER_OPTION_LIBEV;
	info.foreign_loops = w->foreign;
	w->ctx = lws_create_context(&info);
	if (!w->ctx)
		return E_IO;
	w->vh = lws_get_vhost_by_name(w->ctx, "default");
	if (!w->vh)
		return E_IO;
	w->data = cfg.worker_init ? cfg.worker_init(index, w, cfg.app) : NULL;
	if (cfg.worker_init && !w->data)
		return E_IO;
	return E_OK;
}

enum err http_server_start(const struct http_server_config *c, int *port_out)
{
	enum err e;

	cfg = *c;
	n_workers = cfg.workers < 1 ? 1 : cfg.workers > MAX_WORKERS ? MAX_WORKERS
								  : cfg.workers;
	boot_id = (unsigned long)(clock_now_ms() / 1000) & 0xffffff;
	lws_set_log_level(LLL_ERR, NULL);
	if (cfg.ws) {
		ws__configure(cfg.ws);
		protocols[2] = (struct lws_protocols){
			cfg.ws->protocol, ws__callback, ws__session_size(), 4096,
			0, NULL, 0};
	}
	if ((e = bind_all(port_out)) != E_OK)
		return e;
	for (int i = 0; i < n_workers; i++) {
		if ((e = worker_create(&workers[i], i)) != E_OK) {
			log_error("http", "cannot create worker %d", i);
			return e;
		}
	}
	for (int i = 0; i < n_workers; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]))
			return E_IO;
	return E_OK;
}

void http_server_stop(int grace_ms)
{
	stop_deadline_ms = clock_mono_ms() + grace_ms;
	atomic_store(&stopping, true);
	for (int i = 0; i < n_workers; i++)
		lws_cancel_service(workers[i].ctx);
	for (int i = 0; i < n_workers; i++) {
		struct http_worker *w = &workers[i];

		pthread_join(w->thread, NULL);
		lws_context_destroy(w->ctx);
		if (w->evloop)
			ev_loop_destroy(w->evloop);
		if (cfg.worker_fini && w->data)
			cfg.worker_fini(w->data);
		if (w->listen_fd >= 0)
			close(w->listen_fd);
		pthread_mutex_destroy(&w->mu);
	}
}
