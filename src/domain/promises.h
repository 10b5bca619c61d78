/*
 * promises.h - time commitments made to a customer, tracked until kept.
 *
 * A promise has a kind (callback, reply, fix, update), a due time, an
 * owner, a channel, who made it (an agent, or heed itself) and a state:
 * pending, then kept, broken or cancelled (with a reason).
 *
 * The time offered comes from history: for the case's queue and the kind,
 * the time within which 80% of past promises were kept, counted from the
 * first promise of their chain (a broken promise's successor is kept later
 * than it said).  Until PROMISE_HISTORY_MIN have been kept, stated
 * defaults apply (PROMISE_DEFAULT_*).  Promising less than that needs
 * confirm_short; both times are recorded.
 *
 * Only an event keeps a promise, never time passing: a public agent
 * message keeps reply and update promises, a logged call keeps callbacks,
 * resolving the case keeps fix promises.
 *
 * Watched (watch.h): at 75% of its time the owner is warned; at 90% the
 * customer is told, by email and on the status page, that it is at risk,
 * with an honest new time (now plus what history says); at the due time a
 * supervisor is alerted, the promise is broken and heed makes a successor
 * promise for that new time.
 */
#ifndef HEED_DOMAIN_PROMISES_H
#define HEED_DOMAIN_PROMISES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define PROMISE_WARN_PCT 75
#define PROMISE_NOTICE_PCT 90
#define PROMISE_HISTORY_MIN 20
#define PROMISE_HISTORY_MAX 200
#define PROMISE_MAX_MS (90LL * 24 * 3600 * 1000)
#define PROMISE_DEFAULT_CALLBACK_MS (2LL * 3600 * 1000)
#define PROMISE_DEFAULT_REPLY_MS (4LL * 3600 * 1000)
#define PROMISE_DEFAULT_UPDATE_MS (24LL * 3600 * 1000)
#define PROMISE_DEFAULT_FIX_MS (72LL * 3600 * 1000)

/* promise_state_name - "pending", "kept", "broken", "cancelled". */
const char *promise_state_name(enum promise_state s);
/* promise_kind_default_ms - the stated default of a kind; 0 if unknown. */
int64_t promise_kind_default_ms(const char *kind);
/* promise_p80 - the smallest of ms[0..n) such that at least 80% of the
 * values are <= it (sorts ms in place); 0 when n is 0.  Pure. */
int64_t promise_p80(int64_t *ms, size_t n);

struct promise_proposal {
	const char *kind;
	const char *queue;
	int64_t ms;            /* how long to promise */
	bool from_history;     /* false: the stated default */
	size_t samples;        /* kept promises it is based on */
};

/* promises_propose - what to offer for a kind on a queue.  E_UNPROC field
 * "kind" for an unknown kind.  Read only. */
enum err promises_propose(struct store *st, const char *queue, const char *kind,
			  struct promise_proposal *out, struct fail *f);

struct promise_new {
	const char *kind;
	int64_t due_at;        /* absolute, or */
	int64_t in_ms;         /* from now (when due_at is 0) */
	int64_t owner_id;      /* 0: the case's owner, else the maker */
	const char *channel;   /* NULL: phone for callbacks, else email */
	bool confirm_short;    /* sooner than history suggests, knowingly */
};

/* promises_make - record a promise on case_id.  Refusals: unknown case
 * (E_NOTFOUND), a closed case (E_CONFLICT reason "case_closed"), bad kind /
 * channel / owner_id / due time (E_UNPROC with the field; due must be in
 * the future and within 90 days), sooner than the proposal without
 * confirm_short (E_CONFLICT reason "shorter_than_estimate", the message
 * giving the estimate).  Appends a public "promise_made" event, arms the
 * three timers, and brings the case's next-action date forward to the
 * due time.  Writes. */
enum err promises_make(struct store *st, struct arena *ar, int64_t case_id,
		       const struct promise_new *in, const struct actor *by,
		       struct promise *out, struct fail *f);

/* promises_cancel - a pending promise no longer applies (reason required,
 * field "reason").  E_CONFLICT reason "not_pending" otherwise.  Public
 * "promise_cancelled" event.  Writes. */
enum err promises_cancel(struct store *st, struct arena *ar, int64_t id,
			 const char *reason, const struct actor *by,
			 struct promise *out, struct fail *f);

/* promises_revise - tell the customer now that a pending promise will take
 * longer: it is cancelled ("revised") and a successor made for due_at, the
 * customer emailed.  Writes. */
enum err promises_revise(struct store *st, struct arena *ar, int64_t id,
			 int64_t due_at, const char *reason, const struct actor *by,
			 struct promise *out, struct fail *f);

/* promises_get / promises_list - one promise; a case's promises, oldest
 * first (E_NOTFOUND for an unknown case). */
enum err promises_get(struct store *st, struct arena *ar, int64_t id,
		      struct promise *out, struct fail *f);
enum err promises_list(struct store *st, struct arena *ar, int64_t case_id,
		       struct promise_list *out, struct fail *f);

#endif
