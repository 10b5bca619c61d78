/* test_txq.c - the group-commit queue: concurrent jobs all commit, a
 * failing job is rolled back alone, and done() comes after the commit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/txq.h"

#define THREADS 4
#define PER_THREAD 50

struct job {
	struct txq_job job;
	int n;
	bool fail; /* insert, then report failure: must leave nothing */
};

static atomic_int done_ok, done_failed;
static struct txq *q;
static char path[64];

static enum err run(struct store *st, struct txq_job *tj)
{
	struct job *j = (struct job *)tj;
	char name[32], email[64];
	struct agent a = {0};
	enum err e;

	snprintf(name, sizeof(name), "agent %d", j->n);
	snprintf(email, sizeof(email), "a%d@example.com", j->n);
	a.name = name;
	a.email = email;
	a.role = ROLE_AGENT;
	e = store_agent_insert(st, &a);
	return e ? e : j->fail ? E_CONFLICT : E_OK;
}

static void done(struct txq_job *tj)
{
	if (tj->result == E_OK)
		atomic_fetch_add(&done_ok, 1);
	else
		atomic_fetch_add(&done_failed, 1);
	free(tj);
}

static void *submitter(void *arg)
{
	int base = *(int *)arg;

	for (int i = 0; i < PER_THREAD; i++) {
		struct job *j = calloc(1, sizeof(*j));

		j->job.run = run;
		j->job.done = done;
		j->n = base + i;
		j->fail = (j->n % 10) == 3;
		txq_submit(q, &j->job);
	}
	return NULL;
}

static void batches_commit_and_isolate_failures(void **state)
{
	pthread_t th[THREADS];
	int bases[THREADS];
	struct store *st;
	int64_t n = -1;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/heed-txq-%d.db", (int)getpid());
	assert_int_equal(store_open(path, &st), E_OK);
	assert_int_equal(store_migrate(st, NULL), E_OK);
	assert_int_equal(txq_start(path, 64, &q), E_OK);
	for (int i = 0; i < THREADS; i++) {
		bases[i] = i * PER_THREAD;
		pthread_create(&th[i], NULL, submitter, &bases[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	txq_stop(q); /* runs what is queued */
	assert_int_equal(atomic_load(&done_failed), THREADS * PER_THREAD / 10);
	assert_int_equal(atomic_load(&done_ok), THREADS * PER_THREAD * 9 / 10);
	assert_int_equal(store_agent_count(st, &n), E_OK);
	assert_int_equal(n, THREADS * PER_THREAD * 9 / 10);
	store_close(st);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, "-shm");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batches_commit_and_isolate_failures),
	};

	return cmocka_run_group_tests_name("txq", tests, NULL, NULL);
}
