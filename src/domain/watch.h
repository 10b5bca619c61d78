/*
 * watch.h - what heed watches on its own: the deadlines of promises and SLA
 * clocks, quiet cases, and the follow-up after a resolution.
 *
 * Two entry points drive it all:
 *  - every event appended to a case passes through the tracker (track.c),
 *    inside the transaction that appends it: a reply keeps a "reply"
 *    promise, a status change pauses or resumes SLA clocks, a resolution
 *    schedules the follow-up, a customer-visible update re-arms the
 *    quiet-case alert;
 *  - the scheduler (chan/sched.c) hands each timer that fell due to
 *    watch_fire, one transaction per timer, in due order.  The timer is
 *    marked fired in that same transaction, so after a crash or a stop
 *    every deadline that passed fires exactly once, oldest first.
 *
 * Timers that no longer matter (a promise kept early, a clock re-armed)
 * still fire and do nothing.
 */
#ifndef HEED_DOMAIN_WATCH_H
#define HEED_DOMAIN_WATCH_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

struct watch_config {
	const char *public_url;        /* e.g. https://help.example.com, no '/' at end */
	int stale_business_days;       /* quiet-case alert after; default 2 */
	int followup_delay_hours;      /* business hours after resolution; 24 */
	int followup_cooldown_days;    /* per customer; default 30 */
};

/* watch_configure - set once at start, before any thread runs; copies the
 * strings.  Unset fields keep their defaults. */
void watch_configure(const struct watch_config *c);
/* watch_config - the settings in force (public_url: use watch_public_url). */
const struct watch_config *watch_config(void);
/* watch_public_url - the base of links sent to customers. */
const char *watch_public_url(void);
/* watch_set_public_url - change it while threads run (once the real port
 * of "--listen HOST:0" is known).  Thread-safe against readers; call it
 * from one thread. */
void watch_set_public_url(const char *url);

/* watch_fire - act on a timer that fell due: mark it fired and do what its
 * kind says.  E_CONFLICT when it had already fired (nothing done).  *mailed
 * is set when an email was queued.  Writes, inside the caller's
 * transaction. */
enum err watch_fire(struct store *st, struct arena *ar, const struct timer *t,
		    bool *mailed, struct fail *f);

#endif
