/* bus.c - in-process publish/subscribe across event-loop threads (see bus.h). */
#include "chan/bus.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct mail {
	struct bus_msg *msg;
	struct mail *next;
};

struct bus_endpoint {
	struct bus *bus;
	struct bus_endpoint *next;    /* in the bus's list, under bus->mu */
	pthread_mutex_t mu;           /* guards the mailbox */
	struct mail *head, *tail;
	void (*wake)(void *arg);
	void *wake_arg;
	/* Subscriptions by topic hash, owner thread only.  The table doubles
	 * when it holds twice as many subscriptions as buckets, but never
	 * while delivering (a subscriber may subscribe from its callback). */
	struct bus_sub **buckets;
	size_t n_buckets, n_subs;
	bool draining;
};

struct bus {
	pthread_mutex_t mu; /* guards the endpoint list */
	struct bus_endpoint *endpoints;
};

static void msg_unref(struct bus_msg *m)
{
	if (atomic_fetch_sub(&m->refs, 1) == 1) {
		free(m->topic);
		free(m->data);
		free(m);
	}
}

enum err bus_new(struct bus **out)
{
	struct bus *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (!b)
		return E_NOMEM;
	pthread_mutex_init(&b->mu, NULL);
	*out = b;
	return E_OK;
}

void bus_free(struct bus *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->mu);
	free(b);
}

enum err bus_endpoint_new(struct bus *b, void (*wake)(void *arg), void *arg,
			  struct bus_endpoint **out)
{
	struct bus_endpoint *ep = calloc(1, sizeof(*ep));

	*out = NULL;
	if (!ep)
		return E_NOMEM;
	ep->bus = b;
	ep->wake = wake;
	ep->wake_arg = arg;
	pthread_mutex_init(&ep->mu, NULL);
	pthread_mutex_lock(&b->mu);
	ep->next = b->endpoints;
	b->endpoints = ep;
	pthread_mutex_unlock(&b->mu);
	*out = ep;
	return E_OK;
}

static struct mail *take_mail(struct bus_endpoint *ep)
{
	struct mail *m;

	pthread_mutex_lock(&ep->mu);
	m = ep->head;
	ep->head = ep->tail = NULL;
	pthread_mutex_unlock(&ep->mu);
	return m;
}

void bus_endpoint_free(struct bus_endpoint *ep)
{
	struct bus_endpoint **pp;
	struct mail *m, *next;

	if (!ep)
		return;
	pthread_mutex_lock(&ep->bus->mu);
	for (pp = &ep->bus->endpoints; *pp; pp = &(*pp)->next)
		if (*pp == ep) {
			*pp = ep->next;
			break;
		}
	pthread_mutex_unlock(&ep->bus->mu);
	for (m = take_mail(ep); m; m = next) {
		next = m->next;
		msg_unref(m->msg);
		free(m);
	}
	pthread_mutex_destroy(&ep->mu);
	free(ep->buckets);
	free(ep);
}

static size_t topic_hash(const char *t)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ull;
	return (size_t)h;
}

/* rehash - double the bucket table; on allocation failure keep the old
 * one (longer chains, still correct). */
static void rehash(struct bus_endpoint *ep)
{
	size_t nb = ep->n_buckets ? ep->n_buckets * 2 : 64;
	struct bus_sub **b = calloc(nb, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < ep->n_buckets; i++) {
		struct bus_sub *s = ep->buckets[i], *next;

		for (; s; s = next) {
			size_t k = topic_hash(s->topic) & (nb - 1);

			next = s->next;
			s->next = b[k];
			b[k] = s;
		}
	}
	free(ep->buckets);
	ep->buckets = b;
	ep->n_buckets = nb;
}

void bus_subscribe(struct bus_endpoint *ep, struct bus_sub *sub)
{
	size_t k;

	if (!ep->draining && (ep->n_buckets == 0 || ep->n_subs >= 2 * ep->n_buckets))
		rehash(ep);
	if (ep->n_buckets == 0)
		return; /* cannot allocate even the first table */
	k = topic_hash(sub->topic) & (ep->n_buckets - 1);
	sub->ep = ep;
	sub->next = ep->buckets[k];
	ep->buckets[k] = sub;
	ep->n_subs++;
}

void bus_unsubscribe(struct bus_sub *sub)
{
	struct bus_endpoint *ep = sub->ep;
	struct bus_sub **pp;

	if (!ep)
		return;
	pp = &ep->buckets[topic_hash(sub->topic) & (ep->n_buckets - 1)];
	for (; *pp; pp = &(*pp)->next)
		if (*pp == sub) {
			*pp = sub->next;
			ep->n_subs--;
			break;
		}
	sub->ep = NULL;
	sub->next = NULL;
}

static struct bus_msg *msg_new(const char *topic, const char *data, size_t len,
			       int64_t id)
{
	struct bus_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->topic = strdup(topic);
	m->data = malloc(len + 1);
	if (!m->topic || !m->data) {
		free(m->topic);
		free(m->data);
		free(m);
		return NULL;
	}
	memcpy(m->data, data, len);
	m->data[len] = '\0';
	m->len = len;
	m->id = id;
	atomic_init(&m->refs, 1); /* the publisher's, dropped at the end of bus_publish */
	return m;
}

enum err bus_publish(struct bus *b, const char *topic, const char *data,
		     size_t len, int64_t id)
{
	return bus_publish_from(b, topic, data, len, id, 0);
}

enum err bus_publish_from(struct bus *b, const char *topic, const char *data,
			  size_t len, int64_t id, uint64_t origin)
{
	struct bus_msg *msg = msg_new(topic, data, len, id);
	struct bus_endpoint *ep;
	enum err e = E_OK;

	if (!msg)
		return E_NOMEM;
	msg->origin = origin;
	pthread_mutex_lock(&b->mu); /* the endpoint list must not change */
	for (ep = b->endpoints; ep; ep = ep->next) {
		struct mail *m = malloc(sizeof(*m));

		if (!m) {
			e = E_NOMEM; /* this endpoint misses it; others get it */
			continue;
		}
		atomic_fetch_add(&msg->refs, 1);
		m->msg = msg;
		m->next = NULL;
		pthread_mutex_lock(&ep->mu);
		if (ep->tail)
			ep->tail->next = m;
		else
			ep->head = m;
		ep->tail = m;
		pthread_mutex_unlock(&ep->mu);
		if (ep->wake)
			ep->wake(ep->wake_arg);
	}
	pthread_mutex_unlock(&b->mu);
	msg_unref(msg);
	return e;
}

size_t bus_drain(struct bus_endpoint *ep)
{
	struct mail *m, *next;
	struct bus_sub *s, *snext;
	size_t n = 0;

	ep->draining = true;
	for (m = take_mail(ep); m; m = next) {
		next = m->next;
		s = ep->n_buckets ? ep->buckets[topic_hash(m->msg->topic) &
						 (ep->n_buckets - 1)]
				  : NULL;
		/* snext first: a subscriber may unsubscribe while delivered to. */
		for (; s; s = snext) {
			snext = s->next;
			if (strcmp(s->topic, m->msg->topic) == 0)
				s->deliver(s, m->msg);
		}
		msg_unref(m->msg);
		free(m);
		n++;
	}
	ep->draining = false;
	return n;
}
