/*
 * pool.h - a small fixed thread pool for slow CPU work (argon2id password
 * hashing) that must not stall an event loop.  Jobs run in FIFO order; a
 * job's function does the work and reports back itself (e.g. by waking a
 * suspended request).
 */
#ifndef HEED_POOL_H
#define HEED_POOL_H

#include "base/err.h"

struct pool;
struct pool_job {
	void (*run)(struct pool_job *job);
	struct pool_job *next; /* owned by the pool while queued */
};

enum err pool_start(int threads, struct pool **out);
/* pool_submit - thread-safe; the job must live until its run returns. */
void pool_submit(struct pool *p, struct pool_job *job);
/* pool_stop - finish queued jobs, join the threads, free the pool. */
void pool_stop(struct pool *p);

#endif
