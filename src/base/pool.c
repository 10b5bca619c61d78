/* pool.c - fixed-size worker pool (see pool.h). */
#include "base/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define POOL_MAX 16

struct pool {
	pthread_t threads[POOL_MAX];
	int n;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pool_job *head, *tail;
	bool stop;
};

static void *pool_main(void *arg)
{
	struct pool *p = arg;
	struct pool_job *j;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		j = p->head;
		if (j) {
			p->head = j->next;
			if (!p->head)
				p->tail = NULL;
		}
		pthread_mutex_unlock(&p->mu);
		if (!j)
			return NULL;
		j->run(j);
	}
}

enum err pool_start(int threads, struct pool **out)
{
	struct pool *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return E_NOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (threads < 1)
		threads = 1;
	if (threads > POOL_MAX)
		threads = POOL_MAX;
	for (p->n = 0; p->n < threads; p->n++)
		if (pthread_create(&p->threads[p->n], NULL, pool_main, p))
			break;
	if (p->n == 0) {
		free(p);
		return E_IO;
	}
	*out = p;
	return E_OK;
}

void pool_submit(struct pool *p, struct pool_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
