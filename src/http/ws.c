/*
 * ws.c - WebSocket sockets on the server's loops (see ws.h): the upgrade
 * check, message reassembly, the bounded send queue and closing.
 *
 * Life of a socket, all on one loop thread:
 *   FILTER_PROTOCOL_CONNECTION  the path must be the handler's; copy the
 *                               Origin, Host and Cookie headers
 *   ESTABLISHED                 handler->open
 *   RECEIVE                     fragments joined into one message (bounded)
 *   SERVER_WRITEABLE            one queued message per callback; then the
 *                               close frame when asked to close
 *   CLOSED                      handler->close, queue freed
 */
#include "http/internal.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"

struct ws_frame {
	struct ws_frame *next;
	size_t len;
	unsigned char data[]; /* LWS_PRE bytes of room, then the message */
};

struct ws_conn {
	struct lws *wsi;
	void *user;            /* the handler's state; NULL before open */
	uint64_t id;
	struct ws_frame *head, *tail;
	size_t queued;         /* bytes in the queue */
	struct buf rx;         /* the message being reassembled */
	bool rx_too_big;       /* skipping the rest of an oversized message */
	bool closing;
	int close_code;
	char close_reason[64];
	char *origin, *host, *cookie;
	lws_sorted_usec_list_t deadline;
};

static const struct ws_handler *handler;
static atomic_uint_fast64_t next_id;

void ws__configure(const struct ws_handler *h)
{
	handler = h;
}

size_t ws__session_size(void)
{
	return sizeof(struct ws_conn);
}

static char *hdr_copy(struct lws *wsi, enum lws_token_indexes tok)
{
	int len = lws_hdr_total_length(wsi, tok);
	char *s;

	if (len <= 0)
		return NULL;
	s = malloc((size_t)len + 1);
	if (s && lws_hdr_copy(wsi, s, len + 1, tok) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

/* path_ok - the upgrade request asked for the handler's path. */
static bool path_ok(struct lws *wsi)
{
	char uri[128];
	int n = lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);

	return n > 0 && handler && strcmp(uri, handler->path) == 0;
}

static void conn_free(struct ws_conn *c)
{
	struct ws_frame *f, *next;

	lws_sul_cancel(&c->deadline);
	for (f = c->head; f; f = next) {
		next = f->next;
		free(f);
	}
	c->head = c->tail = NULL;
	c->queued = 0;
	buf_release(&c->rx);
	free(c->origin);
	free(c->host);
	free(c->cookie);
	c->origin = c->host = c->cookie = NULL;
}

int ws_send(struct ws_conn *c, const char *data, size_t len)
{
	struct ws_frame *f;

	if (c->closing)
		return -1;
	if (c->queued + len > handler->max_queued) {
		log_warn("ws", "socket %llu does not read; closing it",
			 (unsigned long long)c->id);
		ws_close(c, 1008, "too slow");
		return -1;
	}
	f = malloc(sizeof(*f) + LWS_PRE + len);
	if (!f) {
		ws_close(c, 1011, "out of memory");
		return -1;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data + LWS_PRE, data, len);
	if (c->tail)
		c->tail->next = f;
	else
		c->head = f;
	c->tail = f;
	c->queued += len;
	lws_callback_on_writable(c->wsi);
	return 0;
}

void ws_close(struct ws_conn *c, int code, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_code = code;
	snprintf(c->close_reason, sizeof(c->close_reason), "%s", reason ? reason : "");
	lws_callback_on_writable(c->wsi);
}

static void deadline_fired(lws_sorted_usec_list_t *sul)
{
	struct ws_conn *c = lws_container_of(sul, struct ws_conn, deadline);

	if (c->user && handler->timeout)
		handler->timeout(c->user);
}

void ws_deadline(struct ws_conn *c, int secs)
{
	if (secs <= 0) {
		lws_sul_cancel(&c->deadline);
		return;
	}
	lws_sul_schedule(lws_get_context(c->wsi), 0, &c->deadline, deadline_fired,
			 (lws_usec_t)secs * LWS_US_PER_SEC);
}

const char *ws_origin(const struct ws_conn *c) { return c->origin; }
const char *ws_host(const struct ws_conn *c) { return c->host; }
const char *ws_cookie(const struct ws_conn *c) { return c->cookie; }
uint64_t ws_id(const struct ws_conn *c) { return c->id; }

static int on_receive(struct ws_conn *c, const void *in, size_t len)
{
	if (lws_is_first_fragment(c->wsi)) {
		c->rx.len = 0;
		c->rx_too_big = false;
	}
	if (!c->rx_too_big && buf_add(&c->rx, in, len) != E_OK) {
		c->rx_too_big = true;
		buf_release(&c->rx);
		buf_init(&c->rx, handler->max_message);
	}
	if (!lws_is_final_fragment(c->wsi))
		return 0;
	if (c->rx_too_big) {
		if (c->user && handler->too_big)
			handler->too_big(c->user);
		ws_close(c, 1009, "message too big");
		return 0;
	}
	if (lws_frame_is_binary(c->wsi)) {
		ws_close(c, 1003, "text frames only");
		return 0;
	}
	if (c->user && !c->closing)
		handler->message(c->user, c->rx.data ? c->rx.data : "", c->rx.len);
	c->rx.len = 0;
	return 0;
}

static int on_writeable(struct ws_conn *c)
{
	struct ws_frame *f = c->head;

	if (f) {
		c->head = f->next;
		if (!c->head)
			c->tail = NULL;
		c->queued -= f->len;
		if (lws_write(c->wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT) <
		    (int)f->len) {
			free(f);
			return -1;
		}
		free(f);
		if (c->head || c->closing)
			lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->closing) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
				 (unsigned char *)c->close_reason,
				 strlen(c->close_reason));
		return -1;
	}
	return 0;
}

int ws__callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		 void *in, size_t len)
{
	struct ws_conn *c = user;
	struct http_worker *w = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (!path_ok(wsi))
			return -1;
		memset(c, 0, sizeof(*c));
		c->origin = hdr_copy(wsi, WSI_TOKEN_ORIGIN);
		c->host = hdr_copy(wsi, WSI_TOKEN_HOST);
		c->cookie = hdr_copy(wsi, WSI_TOKEN_HTTP_COOKIE);
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		c->wsi = wsi;
		c->id = atomic_fetch_add(&next_id, 1) + 1;
		buf_init(&c->rx, handler->max_message);
		c->user = handler->open(c, http__worker_data(w));
		return c->user ? 0 : -1;
	case LWS_CALLBACK_RECEIVE:
		return on_receive(c, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(c);
	case LWS_CALLBACK_CLOSED:
		if (c->user)
			handler->close(c->user);
		c->user = NULL;
		conn_free(c);
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		/* Refused during the upgrade: free the copied headers. */
		if (c && !c->wsi) {
			free(c->origin);
			free(c->host);
			free(c->cookie);
			c->origin = c->host = c->cookie = NULL;
		}
		return 0;
	default:
		return 0;
	}
}
