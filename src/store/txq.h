/*
 * txq.h - the write queue: every write runs on one writer thread, and the
 * writes queued while the previous commit was syncing share one transaction
 * (group commit).
 *
 * Durability costs one fsync per commit; by batching, N concurrent writes
 * cost one fsync instead of N.  Each job runs inside its own savepoint, so a
 * job that fails (bad input found late, a uniqueness clash) is rolled back
 * alone and the rest of the batch still commits.  A job's `done` is called
 * on the writer thread after the commit has reached the disk (or failed),
 * never before: a client is told "created" only once it is durable.
 */
#ifndef HEED_TXQ_H
#define HEED_TXQ_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

struct txq;
struct txq_job;

typedef enum err (*txq_run_fn)(struct store *st, struct txq_job *job);
typedef void (*txq_done_fn)(struct txq_job *job);

struct txq_job {
	txq_run_fn run;       /* the work, inside a savepoint */
	txq_done_fn done;     /* after commit; job->result is final */
	enum err result;
	struct txq_job *next; /* queue link, owned by txq */
};

/* txq_start - open a write handle on uri and start the writer thread. */
enum err txq_start(const char *uri, size_t max_batch, struct txq **out);
/* txq_submit - thread-safe; the job must live until done is called. */
void txq_submit(struct txq *q, struct txq_job *job);
/* txq_stop - run what is queued, stop the thread, close the handle. */
void txq_stop(struct txq *q);
/* txq_commits - number of commits so far (for metrics and benchmarks). */
unsigned long txq_commits(struct txq *q);

#endif
