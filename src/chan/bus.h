/*
 * bus.h - the in-process event bus: publish a message on a topic from any
 * thread; it is delivered, in publish order, on the thread of every
 * subscriber of that topic.
 *
 * Each event-loop thread owns one endpoint.  Subscriptions live in the
 * endpoint and are touched only by its thread, so delivery takes no lock;
 * publishing locks each endpoint's mailbox just long enough to append, then
 * calls the endpoint's wake function (for an lws loop: lws_cancel_service),
 * and the loop calls bus_drain().  A message is reference-counted and
 * shared, never copied, between endpoints.
 *
 * Live chat uses topics such as "case:42" and "queue:support".  Spreading
 * events across several heed nodes (PostgreSQL LISTEN/NOTIFY) will be a
 * bridge that publishes what other nodes send, behind this same interface.
 *
 * Trade-off: every message goes to every endpoint's mailbox, and the
 * endpoint filters by topic.  With one endpoint per core this costs a few
 * queue appends per message, and it needs no shared subscription table.
 */
#ifndef HEED_BUS_H
#define HEED_BUS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct bus;
struct bus_endpoint;

struct bus_msg {
	char *topic;
	char *data;  /* payload, NUL-terminated (JSON text for chat) */
	size_t len;
	int64_t id;  /* e.g. the event id, for replay; 0 if none */
	uint64_t origin; /* who published it (e.g. a socket, to skip its own
			  * typing frames); 0 if nobody in particular */
	/* internal */
	atomic_int refs;
};

struct bus_sub;
typedef void (*bus_deliver_fn)(struct bus_sub *sub, const struct bus_msg *m);

/* A subscription, owned (and usually embedded) by the subscriber. */
struct bus_sub {
	const char *topic;   /* not copied: must outlive the subscription */
	bus_deliver_fn deliver;
	void *user;
	struct bus_endpoint *ep;
	struct bus_sub *next;
};

enum err bus_new(struct bus **out);
/* bus_free - free the bus; every endpoint must be freed first. */
void bus_free(struct bus *b);

/* bus_endpoint_new - an endpoint for one thread; wake(arg) is called from
 * any thread when mail arrives. */
enum err bus_endpoint_new(struct bus *b, void (*wake)(void *arg), void *arg,
			  struct bus_endpoint **out);
/* bus_endpoint_free - detach and drop undelivered mail (owner thread). */
void bus_endpoint_free(struct bus_endpoint *ep);

/* bus_subscribe / bus_unsubscribe - owner thread of ep only. */
void bus_subscribe(struct bus_endpoint *ep, struct bus_sub *sub);
void bus_unsubscribe(struct bus_sub *sub);

/* bus_publish - copy topic and data into a message and post it to every
 * endpoint.  Any thread.  E_NOMEM if it cannot allocate (nothing sent). */
enum err bus_publish(struct bus *b, const char *topic, const char *data,
		     size_t len, int64_t id);

/* bus_publish_from - the same, naming the origin. */
enum err bus_publish_from(struct bus *b, const char *topic, const char *data,
			  size_t len, int64_t id, uint64_t origin);

/* bus_drain - deliver the mail waiting at ep (owner thread); returns how
 * many messages were taken from the mailbox. */
size_t bus_drain(struct bus_endpoint *ep);

#endif
