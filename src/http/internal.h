/*
 * internal.h - what server.c and ws.c share.  Not for other layers.
 */
#ifndef HEED_HTTP_INTERNAL_H
#define HEED_HTTP_INTERNAL_H

#include <libwebsockets.h>

#include "http/ws.h"

struct http_worker;

/* http__worker_data - the app's per-worker data (from worker_init). */
void *http__worker_data(struct http_worker *w);

/* ws__callback - the lws protocol callback of the WebSocket protocol. */
int ws__callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		 void *in, size_t len);
/* ws__session_size - lws per-session bytes for a socket. */
size_t ws__session_size(void);
/* ws__configure - the handler every socket uses (before the server starts). */
void ws__configure(const struct ws_handler *h);

#endif
