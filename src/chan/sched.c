/*
 * sched.c - the scheduler thread (see sched.h).
 */
#include "chan/sched.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/watch.h"
#include "store/store.h"

#define BATCH 64
#define RETRY_MS 60000

struct sched {
	struct sched_config cfg;
	struct txq *txq;
	struct mail *mail;
	struct store *rd;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

/* One timer to fire; the thread waits for it, so it lives on its stack. */
struct sched_job {
	struct txq_job job;
	const struct timer *t;
	struct arena ar;
	struct fail fail;
	struct sched *owner;
	int64_t last_event;       /* the case's newest event before firing */
	int64_t end_event;        /* ... and after it: what it wrote is between */
	bool mailed, done;
};

static enum err run_fire(struct store *st, struct txq_job *tj)
{
	struct sched_job *j = (struct sched_job *)tj;
	enum err e = store_event_last_id(st, j->t->case_id, &j->last_event);

	if (e == E_OK)
		e = watch_fire(st, &j->ar, j->t, &j->mailed, &j->fail);
	if (e == E_OK)
		e = store_event_last_id(st, j->t->case_id, &j->end_event);
	return e;
}

static void done_fire(struct txq_job *tj)
{
	struct sched_job *j = (struct sched_job *)tj;

	pthread_mutex_lock(&j->owner->mu);
	j->done = true;
	pthread_cond_broadcast(&j->owner->cv);
	pthread_mutex_unlock(&j->owner->mu);
}

/* tell - hand the events the timer wrote to the listener. */
static void tell(struct sched *s, struct sched_job *j)
{
	struct event_list l;

	if (!s->cfg.told)
		return;
	if (store_event_list(s->rd, &j->ar, j->t->case_id, j->last_event, 64, &l) != E_OK)
		return;
	for (size_t i = 0; i < l.n && l.items[i].id <= j->end_event; i++)
		s->cfg.told(s->cfg.ctx, &l.items[i]);
}

static enum err run_postpone(struct store *st, struct txq_job *tj)
{
	struct sched_job *j = (struct sched_job *)tj;
	struct timer t = *j->t;

	t.due_at = clock_now_ms() + RETRY_MS;
	return store_timer_rearm(st, &t);
}

/* submit - one job through the write queue, waiting for its commit. */
static void submit(struct sched *s, struct sched_job *j)
{
	txq_submit(s->txq, &j->job);
	pthread_mutex_lock(&s->mu);
	while (!j->done)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

/* fire - one timer through the write queue, waiting for its commit.  A
 * timer whose work fails (rolled back alone) is tried again RETRY_MS later,
 * so one bad timer neither spins the scheduler nor holds up the rest;
 * false then. */
static bool fire(struct sched *s, const struct timer *t)
{
	struct sched_job j = {.job = {.run = run_fire, .done = done_fire}, .t = t, .owner = s};
	bool ok;

	arena_init(&j.ar, 8192);
	submit(s, &j);
	ok = j.job.result == E_OK || j.job.result == E_CONFLICT;
	if (!ok) {
		struct sched_job p = {.job = {.run = run_postpone, .done = done_fire}, .t = t,
				      .owner = s};

		log_error("sched", "timer %lld (%s, case %lld): %s; trying again in %d s",
			  (long long)t->id, t->kind, (long long)t->case_id,
			  j.fail.msg[0] ? j.fail.msg : err_name(j.job.result), RETRY_MS / 1000);
		submit(s, &p);
	}
	if (j.job.result == E_OK && j.mailed)
		mail_kick(s->mail);
	if (j.job.result == E_OK)
		tell(s, &j);
	arena_release(&j.ar);
	return ok;
}

static bool stopping(struct sched *s)
{
	bool v;

	pthread_mutex_lock(&s->mu);
	v = s->stop;
	pthread_mutex_unlock(&s->mu);
	return v;
}

/* fire_due - every timer due now, a batch at a time; false on a read
 * failure (try again at the next poll). */
static bool fire_due(struct sched *s)
{
	struct timer_list l;
	struct arena ar;
	size_t n, fired;

	do {
		arena_init(&ar, 8192);
		if (store_timer_due(s->rd, &ar, clock_now_ms(), BATCH, &l) != E_OK) {
			arena_release(&ar);
			return false;
		}
		fired = 0;
		for (size_t i = 0; i < l.n && !stopping(s); i++)
			fired += fire(s, &l.items[i]);
		n = l.n;
		arena_release(&ar);
	} while (n == BATCH && fired && !stopping(s));
	return true;
}

static void wait_poll(struct sched *s)
{
	struct timespec until;
	int64_t ms = s->cfg.poll_ms;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->mu);
	while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &until) == 0)
		;
	pthread_mutex_unlock(&s->mu);
}

static void *sched_main(void *arg)
{
	struct sched *s = arg;

	while (!stopping(s)) {
		fire_due(s);
		wait_poll(s);
	}
	return NULL;
}

static void sched_free(struct sched *s)
{
	store_close(s->rd);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

enum err sched_start(const struct sched_config *cfg, struct txq *txq, struct mail *mail,
		     struct sched **out)
{
	struct sched *s;
	enum err e;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return E_NOMEM;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->cfg = *cfg;
	if (s->cfg.poll_ms <= 0)
		s->cfg.poll_ms = 250;
	s->txq = txq;
	s->mail = mail;
	e = store_open(cfg->db_uri, &s->rd);
	if (e == E_OK && pthread_create(&s->th, NULL, sched_main, s) != 0)
		e = E_IO;
	if (e != E_OK) {
		sched_free(s);
		return e;
	}
	*out = s;
	return E_OK;
}

void sched_stop(struct sched *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	sched_free(s);
}
