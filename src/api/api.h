/*
 * api.h - REST API v1: the route table, access rules, and the plumbing every
 * resource file shares (JSON in and out, errors, writes through the queue).
 *
 * Each resource lives in its own file (api_cases.c, api_customers.c, ...)
 * and exports its handlers through internal.h.  Access is decided in one
 * place, api_dispatch(), from the route table's min_role; handlers never
 * check roles themselves.
 */
#ifndef HEED_API_H
#define HEED_API_H

#include <stddef.h>
#include <stdint.h>

#include "base/pool.h"
#include "chan/bus.h"
#include "chan/chat.h"
#include "chan/hooks.h"
#include "chan/hub.h"
#include "chan/mail.h"
#include "http/http.h"
#include "store/store.h"
#include "store/txq.h"

struct api_config {
	const char *db_uri;
	int64_t session_ttl_ms;
	const char *web_dir;  /* static files: widget, console, demo page */
	struct mail_config mail; /* its db_uri is db_uri */
	struct hooks_config hooks; /* resolution powers; its db_uri is db_uri */
};

/* Shared by every worker thread. */
struct api {
	struct api_config cfg;
	struct txq *txq;     /* all writes */
	struct pool *slow;   /* password hashing; one thread */
	struct store *slow_st; /* read handle used only by that thread */
	struct bus *bus;     /* events to the loops' sockets */
	struct hub *hub;     /* live chat state */
	struct mail *mail;   /* the email sender, or NULL when not configured */
	struct sched *sched; /* fires the timers of promises, SLAs, follow-ups */
	struct hooks *hooks; /* resolution powers: the webhook sender */
};

/* Per worker thread. */
struct api_worker {
	struct api *api;
	struct store *rd; /* read handle for this thread only */
	struct chat_worker *chat;
};

/* api_start - open the write queue and the slow pool. */
enum err api_start(struct api *a, const struct api_config *cfg);
void api_stop(struct api *a);

/* api_worker_init / api_worker_fini - for http_server_config. */
struct http_worker;
void *api_worker_init(int index, struct http_worker *hw, void *api);
void api_worker_fini(void *w);
/* api_worker_wakeup - deliver this loop's bus mail (server wake-up hook). */
void api_worker_wakeup(void *w);
/* api_chat_worker - the chat state of a loop, for the socket handler. */
struct chat_worker *api_chat_worker(void *w);

/* api_dispatch - route, authenticate, authorise, run the handler. */
void api_dispatch(struct http_req *r);

/* api_routes - the route table (for `heed routes` and the server). */
struct route *api_routes(void);

#endif
