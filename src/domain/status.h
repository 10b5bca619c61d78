/*
 * status.h - the customer's status page of a case: a private link (an
 * unguessable token, revocable, no login) to a page that says in plain
 * words where things stand, what happens next and by when, the plan, and
 * the public timeline - never anything internal.  From it the customer can
 * add a message and, once the case is resolved, answer "Is it fixed?".
 *
 * The token is kept with the case (so that every later email can carry
 * the link) and found by its BLAKE2b hash, compared in constant time.
 */
#ifndef HEED_DOMAIN_STATUS_H
#define HEED_DOMAIN_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define STATUS_TOKEN_MAX 64

/* status_link - the case's link, made if it has none (rotate: always a new
 * one, the old one dead at once).  Writes when it makes one. */
enum err status_link(struct store *st, struct arena *ar, int64_t case_id, bool rotate,
		     struct case_ *out, struct fail *f);
/* status_revoke - the case has no link any more. Writes. */
enum err status_revoke(struct store *st, struct arena *ar, int64_t case_id,
		       struct fail *f);
/* status_url - the page's address for a case with a link. */
char *status_url(struct arena *ar, const struct case_ *c);
/* status_url_buf - the same into buf (n bytes; cut if longer). */
void status_url_buf(const struct case_ *c, char *buf, size_t n);

/* status_find - the case a token opens; E_NOTFOUND (nothing else said) for
 * a token that is unknown, revoked or malformed. */
enum err status_find(struct store *st, struct arena *ar, const char *token,
		     struct case_ *out);

/* What the page shows, in plain words. */
struct status_view {
	struct case_ c;
	const char *customer_name;
	const char *standing;     /* "We are working on it." */
	const char *next;         /* what happens next, one sentence */
	struct promise *promises; /* pending ones, soonest first */
	size_t n_promises;
	struct event *events;     /* public timeline, oldest first */
	size_t n_events;
	struct followup fu;       /* fu.id 0: none */
	bool can_answer;          /* "Is it fixed?" may be answered now */
};

/* status_view - the page for case c (found by status_find).  Read only. */
enum err status_view(struct store *st, struct arena *ar, const struct case_ *c,
		     struct status_view *out);

/* status_message - the customer adds a message from the page: a public
 * customer message on the case (a case waiting on the customer goes back
 * to open).  Writes. */
enum err status_message(struct store *st, struct arena *ar, const struct case_ *c,
			const char *body, struct event *out, struct fail *f);

/* status_answer - "Is your problem fixed?" (fixed), with an optional ease
 * 1..7 (0: not given) and comment.  Once per case, and only once resolved
 * (E_CONFLICT otherwise).  "No" reopens the case to the same owner with the
 * comment as the customer's message.  Writes. */
enum err status_answer(struct store *st, struct arena *ar, const struct case_ *c,
		       bool fixed, int ease, const char *comment, struct fail *f);

#endif
