/*
 * hooks.h - the webhook sender: a thread that delivers what the
 * hook_deliveries table holds to the company's own system, over HTTP(S)
 * with libcurl, until each is acknowledged.
 *
 * A delivery row is written in the transaction of the action it reports
 * (domain/actions_take.c), so nothing is lost if heed or the receiver is
 * down.  The sender picks up every due row (at start, every poll, and at
 * once after hooks_kick), POSTs its JSON body with
 *   Heed-Delivery: <delivery id>      the same on every attempt: the
 *                                     receiver dedupes retries with it
 *   Heed-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">
 * and records the outcome through domain/actions on the write queue.  A
 * 2xx answer within the timeout is the acknowledgement; anything else is
 * retried after 10 s, 30 s, 1 min, 5 min, then every 15 min, until it is
 * acknowledged or someone cancels the action.  Redirects are not
 * followed; only http and https are spoken.
 */
#ifndef HEED_CHAN_HOOKS_H
#define HEED_CHAN_HOOKS_H

#include <stdint.h>

#include "base/err.h"
#include "store/txq.h"

struct hooks;

struct hooks_config {
	const char *db_uri;
	int64_t poll_ms;           /* look for due deliveries this often */
	long timeout_s;            /* per attempt, connection included */
};

/* hooks_start - start the sender thread. */
enum err hooks_start(const struct hooks_config *cfg, struct txq *txq, struct hooks **out);
/* hooks_kick - a delivery was queued: look now, not at the next poll.
 * NULL ok. */
void hooks_kick(struct hooks *h);
/* hooks_stop - cut the attempt under way short (it is not counted and
 * goes again at the next start), stop.  NULL ok. */
void hooks_stop(struct hooks *h);

#endif
