/* bus.c - in-process publish/subscribe across event-loop threads (see bus.h). */
#include "chan/bus.h"

#include <pthread.h>
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
	struct bus_sub *subs;         /* owner thread only */
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
	free(ep);
}

void bus_subscribe(struct bus_endpoint *ep, struct bus_sub *sub)
{
	sub->ep = ep;
	sub->next = ep->subs;
	ep->subs = sub;
}

void bus_unsubscribe(struct bus_sub *sub)
{
	struct bus_sub **pp;

	if (!sub->ep)
		return;
	for (pp = &sub->ep->subs; *pp; pp = &(*pp)->next)
		if (*pp == sub) {
			*pp = sub->next;
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
	struct bus_msg *msg = msg_new(topic, data, len, id);
	struct bus_endpoint *ep;
	enum err e = E_OK;

	if (!msg)
		return E_NOMEM;
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

	for (m = take_mail(ep); m; m = next) {
		next = m->next;
		/* snext first: a subscriber may unsubscribe while delivered to. */
		for (s = ep->subs; s; s = snext) {
			snext = s->next;
			if (strcmp(s->topic, m->msg->topic) == 0)
				s->deliver(s, m->msg);
		}
		msg_unref(m->msg);
		free(m);
		n++;
	}
	return n;
}
