/*
 * server.h - the HTTP server: N worker threads, each with its own
 * libwebsockets context and its own SO_REUSEPORT listening socket.
 *
 * libwebsockets in Debian is built with one service thread per context, so
 * using both cores means one context per thread; the kernel spreads new
 * connections over the sockets.  We create and bind the listening sockets
 * ourselves (lws would ignore a numeric interface and bind every address)
 * and hand accepted connections to lws.
 */
#ifndef HEED_SERVER_H
#define HEED_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "http/http.h"
#include "http/ws.h"

struct http_worker;

struct http_server_config {
	const char *listen;     /* "HOST:PORT"; port 0 picks a free one */
	int workers;            /* event-loop threads, >= 1 */
	size_t max_body;        /* request body limit in bytes */
	bool log_requests;      /* one log line per request */
	http_handler dispatch;  /* runs every request on its loop thread */
	/* per-thread data, made on the new loop (w can be woken from then on) */
	void *(*worker_init)(int index, struct http_worker *w, void *app);
	void (*worker_fini)(void *data);
	/* worker_wakeup - runs on the loop after every http_worker_wake() */
	void (*worker_wakeup)(void *data);
	const struct ws_handler *ws; /* WebSocket protocol, or NULL */
	void *app;
};

/* http_server_start - bind, start the workers; returns when serving.
 * *port_out gets the bound port. */
enum err http_server_start(const struct http_server_config *cfg, int *port_out);
/* http_worker_wake - thread-safe: make w's loop run worker_wakeup soon. */
void http_worker_wake(struct http_worker *w);
/* http_server_stop - stop accepting, let in-flight requests finish (at
 * most grace_ms), then stop the workers.  Call from one thread, once. */
void http_server_stop(int grace_ms);

#endif
