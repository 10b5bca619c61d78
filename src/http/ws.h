/*
 * ws.h - WebSocket connections on the HTTP server's loops, for one
 * subprotocol named by the app (live chat: "heed-chat.v1").
 *
 * libwebsockets does the upgrade and the framing; this layer adds what a
 * protocol handler needs and lws leaves to each user: whole messages
 * (fragments joined, bounded by max_message), a per-socket send queue
 * (bounded: a socket that does not read is closed rather than allowed to
 * grow without limit), the upgrade request's Origin, Host and Cookie, and
 * a unique socket id.  Every callback and every ws_* call happens on the
 * socket's loop thread.
 */
#ifndef HEED_WS_H
#define HEED_WS_H

#include <stddef.h>
#include <stdint.h>

struct ws_conn;

struct ws_handler {
	const char *protocol;       /* subprotocol name */
	const char *path;           /* the only path it is served on */
	size_t max_message;         /* bytes; larger: too_big, then close 1009 */
	size_t max_queued;          /* bytes waiting to be sent, per socket */
	/* open - return the socket's state, or NULL to close it. */
	void *(*open)(struct ws_conn *c, void *worker_data);
	void (*message)(void *user, const char *data, size_t len);
	/* too_big - a message over max_message arrived (the socket then
	 * closes with 1009 after what is queued has been sent). */
	void (*too_big)(void *user);
	/* timeout - the deadline set with ws_deadline passed. */
	void (*timeout)(void *user);
	/* close - the socket is gone; free the state. */
	void (*close)(void *user);
};

/* ws_send - queue one text message (copied).  Returns -1, and closes the
 * socket, when the queue would exceed max_queued. */
int ws_send(struct ws_conn *c, const char *data, size_t len);
/* ws_close - close after what is queued (code: 1000, 1008, 4401...). */
void ws_close(struct ws_conn *c, int code, const char *reason);
/* ws_deadline - call timeout() after secs unless cleared (secs 0). */
void ws_deadline(struct ws_conn *c, int secs);

const char *ws_origin(const struct ws_conn *c); /* NULL if none */
const char *ws_host(const struct ws_conn *c);   /* NULL if none */
const char *ws_cookie(const struct ws_conn *c); /* NULL if none */
uint64_t ws_id(const struct ws_conn *c);        /* unique in the process */

#endif
