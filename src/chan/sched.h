/*
 * sched.h - the scheduler: a thread that fires the timers that fell due
 * (domain/watch.h), one write-queue job per timer, oldest first.
 *
 * It polls the timers' partial index every poll_ms (a timer is due when
 * clock_now_ms() reaches it, so a test clock that jumps fires everything
 * it passed, in order).  At start it first fires whatever fell due while
 * heed was down.  A timer is marked fired in the transaction of what it
 * does, so a crash between the two cannot fire it twice or lose it.
 */
#ifndef HEED_CHAN_SCHED_H
#define HEED_CHAN_SCHED_H

#include <stdint.h>

#include "base/err.h"
#include "chan/mail.h"
#include "store/txq.h"

struct sched;

struct event;

struct sched_config {
	const char *db_uri;
	int64_t poll_ms;           /* default 250 */
	/* told - called on the scheduler thread for each event a fired timer
	 * wrote, after the commit (the chat hub tells the case's followers);
	 * NULL: nobody. */
	void (*told)(void *ctx, const struct event *e);
	void *ctx;
};

/* sched_start - start the thread; mail (may be NULL) is kicked whenever a
 * timer queued an email. */
enum err sched_start(const struct sched_config *cfg, struct txq *txq, struct mail *mail,
		     struct sched **out);
/* sched_stop - finish the timer under way, stop.  NULL ok. */
void sched_stop(struct sched *s);

#endif
