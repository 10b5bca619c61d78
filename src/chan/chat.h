/*
 * chat.h - the live-chat socket protocol ("heed-chat.v1", docs/chat.md):
 * hello and authentication, replay of missed events, following cases,
 * frames in and out, flood control.  The state behind it is the hub's.
 *
 * One chat_worker per HTTP loop thread: its bus endpoint is drained on that
 * loop (chat_worker_drain from the server's wake-up), so every socket's
 * deliveries run on the socket's own thread, without locks.
 */
#ifndef HEED_CHAT_H
#define HEED_CHAT_H

#include "base/err.h"
#include "chan/bus.h"
#include "chan/hub.h"
#include "http/ws.h"
#include "store/store.h"

#define CHAT_PROTOCOL "heed-chat.v1"
#define CHAT_PATH "/ws/chat"
#define CHAT_VISITOR_PREFIX "heedv_"

struct chat_worker;

/* chat_worker_new - rd is the loop's read handle (not owned). */
enum err chat_worker_new(struct hub *hub, struct bus *bus, struct store *rd,
			 void (*wake)(void *arg), void *wake_arg,
			 struct chat_worker **out);
void chat_worker_free(struct chat_worker *w);
void chat_worker_drain(struct chat_worker *w);

/* chat_ws_handler - the handler for the server; worker_of maps the
 * server's per-worker data to the chat_worker. */
const struct ws_handler *chat_ws_handler(struct chat_worker *(*worker_of)(void *));

#endif
