/* test_bus.c - the event bus: delivery on the subscriber's thread, in
 * publish order, by topic; unsubscribing stops delivery; nothing leaks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chan/bus.h"

#define N_MSGS 20000
#define N_LOOPS 2

/* A stand-in for an event-loop thread: sleeps on a condition variable
 * until woken, then drains its endpoint. */
struct loop {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool woken, stop;
	struct bus_endpoint *ep;
	struct bus_sub even, odd;
	int64_t last_even, last_odd;  /* ids seen, to check order */
	long n_even, n_odd;
	bool out_of_order, wrong_thread;
	pthread_t self;
	atomic_bool ready;
};

static void wake(void *arg)
{
	struct loop *l = arg;

	pthread_mutex_lock(&l->mu);
	l->woken = true;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

static void on_msg(struct bus_sub *s, const struct bus_msg *m)
{
	struct loop *l = s->user;
	bool even = s == &l->even;
	int64_t *last = even ? &l->last_even : &l->last_odd;

	if (!pthread_equal(pthread_self(), l->self))
		l->wrong_thread = true;
	if (m->id <= *last || (m->id % 2 == 0) != even ||
	    strcmp(m->topic, even ? "case:even" : "case:odd") != 0)
		l->out_of_order = true;
	*last = m->id;
	if (even)
		l->n_even++;
	else
		l->n_odd++;
}

static void *loop_main(void *arg)
{
	struct loop *l = arg;

	l->self = pthread_self();
	l->even = (struct bus_sub){.topic = "case:even", .deliver = on_msg, .user = l};
	l->odd = (struct bus_sub){.topic = "case:odd", .deliver = on_msg, .user = l};
	bus_subscribe(l->ep, &l->even);
	bus_subscribe(l->ep, &l->odd);
	atomic_store(&l->ready, true);
	for (;;) {
		bool stop;

		pthread_mutex_lock(&l->mu);
		while (!l->woken && !l->stop)
			pthread_cond_wait(&l->cv, &l->mu);
		l->woken = false;
		stop = l->stop;
		pthread_mutex_unlock(&l->mu);
		bus_drain(l->ep);
		if (stop)
			break;
	}
	return NULL;
}

static void delivers_in_order_on_each_loop(void **state)
{
	struct bus *b;
	struct loop loops[N_LOOPS];
	char data[64];

	(void)state;
	assert_int_equal(bus_new(&b), E_OK);
	memset(loops, 0, sizeof(loops));
	for (int i = 0; i < N_LOOPS; i++) {
		pthread_mutex_init(&loops[i].mu, NULL);
		pthread_cond_init(&loops[i].cv, NULL);
		assert_int_equal(bus_endpoint_new(b, wake, &loops[i], &loops[i].ep), E_OK);
		pthread_create(&loops[i].th, NULL, loop_main, &loops[i]);
	}
	/* Let the loops subscribe before the first publish. */
	for (int i = 0; i < N_LOOPS; i++)
		while (!atomic_load(&loops[i].ready))
			sched_yield();
	for (int64_t id = 1; id <= N_MSGS; id++) {
		int n = snprintf(data, sizeof(data), "{\"event\":%lld}", (long long)id);

		assert_int_equal(bus_publish(b, id % 2 ? "case:odd" : "case:even", data,
					     (size_t)n, id), E_OK);
		if (id == N_MSGS / 2)
			assert_int_equal(bus_publish(b, "case:nobody", "x", 1, 0), E_OK);
	}
	for (int i = 0; i < N_LOOPS; i++) {
		pthread_mutex_lock(&loops[i].mu);
		loops[i].stop = true;
		pthread_cond_signal(&loops[i].cv);
		pthread_mutex_unlock(&loops[i].mu);
		pthread_join(loops[i].th, NULL);
		assert_false(loops[i].out_of_order);
		assert_false(loops[i].wrong_thread);
		assert_int_equal(loops[i].n_even, N_MSGS / 2);
		assert_int_equal(loops[i].n_odd, N_MSGS / 2);
		bus_endpoint_free(loops[i].ep);
		pthread_mutex_destroy(&loops[i].mu);
		pthread_cond_destroy(&loops[i].cv);
	}
	bus_free(b);
}

static int hits;
static void count(struct bus_sub *s, const struct bus_msg *m)
{
	(void)m;
	hits++;
	if (hits == 2)
		bus_unsubscribe(s); /* from inside its own delivery */
}

static void unsubscribe_stops_delivery(void **state)
{
	struct bus *b;
	struct bus_endpoint *ep;
	struct bus_sub s = {.topic = "queue:support", .deliver = count};

	(void)state;
	hits = 0;
	assert_int_equal(bus_new(&b), E_OK);
	assert_int_equal(bus_endpoint_new(b, NULL, NULL, &ep), E_OK);
	bus_subscribe(ep, &s);
	for (int i = 0; i < 5; i++)
		bus_publish(b, "queue:support", "m", 1, i + 1);
	assert_int_equal(bus_drain(ep), 5);
	assert_int_equal(hits, 2);
	bus_publish(b, "queue:support", "m", 1, 9);
	bus_endpoint_free(ep); /* undelivered mail is dropped, not leaked */
	bus_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delivers_in_order_on_each_loop),
		cmocka_unit_test(unsubscribe_stops_delivery),
	};

	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
