/*
 * txq.c - group-commit writer thread (see txq.h).
 *
 * Trade-off: one writer means writes are serialised; SQLite allows one
 * writer at a time anyway, and batching makes the fsync - not the SQL - the
 * cost that is shared.  Readers use their own handles and never wait.
 */
#include "store/txq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"

struct txq {
	struct store *st;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct txq_job *head, *tail;
	size_t max_batch;
	bool stop;
	atomic_ulong commits;
};

/* take_batch - wait for work; detach up to max_batch jobs. NULL: stop. */
static struct txq_job *take_batch(struct txq *q)
{
	struct txq_job *first, *j;
	size_t n = 1;

	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	first = q->head;
	if (first) {
		for (j = first; j->next && n < q->max_batch; j = j->next)
			n++;
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		j->next = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return first;
}

static void run_one(struct txq *q, struct txq_job *j)
{
	enum err e = store_savepoint(q->st);

	if (e) {
		j->result = e;
		return;
	}
	j->result = j->run(q->st, j);
	if (j->result != E_OK && store_rollback_to(q->st) != E_OK)
		log_error("txq", "cannot roll back a failed job");
	if (store_release(q->st) != E_OK && j->result == E_OK)
		j->result = E_IO;
}

static void run_batch(struct txq *q, struct txq_job *batch)
{
	struct txq_job *j, *next;
	enum err e = store_begin(q->st);

	if (e != E_OK) {
		for (j = batch; j; j = j->next)
			j->result = e;
	} else {
		for (j = batch; j; j = j->next)
			run_one(q, j);
		e = store_commit(q->st);
		if (e != E_OK) {
			log_error("txq", "commit failed; the batch is lost");
			store_rollback(q->st);
		} else {
			atomic_fetch_add(&q->commits, 1);
		}
	}
	for (j = batch; j; j = next) {
		next = j->next; /* done() may free the job */
		if (e != E_OK && j->result == E_OK)
			j->result = E_IO;
		j->done(j);
	}
}

static void *writer_main(void *arg)
{
	struct txq *q = arg;
	struct txq_job *batch;

	while ((batch = take_batch(q)) != NULL)
		run_batch(q, batch);
	return NULL;
}

enum err txq_start(const char *uri, size_t max_batch, struct txq **out)
{
	struct txq *q = calloc(1, sizeof(*q));
	enum err e;

	*out = NULL;
	if (!q)
		return E_NOMEM;
	q->max_batch = max_batch ? max_batch : 256;
	if ((e = store_open(uri, &q->st)) != E_OK) {
		free(q);
		return e;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->thread, NULL, writer_main, q)) {
		store_close(q->st);
		free(q);
		return E_IO;
	}
	*out = q;
	return E_OK;
}

void txq_submit(struct txq *q, struct txq_job *job)
{
	job->next = NULL;
	job->result = E_OK;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void txq_stop(struct txq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	store_close(q->st);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}

unsigned long txq_commits(struct txq *q)
{
	return atomic_load(&q->commits);
}
