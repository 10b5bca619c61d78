/*
 * actor.h - who is doing something: an agent, a customer or the system.
 *
 * Every domain call that writes to a case timeline takes the actor, so each
 * event and fact records its author.  The API layer builds the actor from the
 * authenticated token (agent), the chat/status-page session (customer) or
 * uses ACTOR_SYSTEM for work heed does by itself (timers, follow-ups).
 */
#ifndef HEED_DOMAIN_ACTOR_H
#define HEED_DOMAIN_ACTOR_H

#include <stdint.h>

#include "store/model.h"

struct actor {
	enum author_kind kind; /* AUTHOR_SYSTEM, AUTHOR_AGENT or AUTHOR_CUSTOMER */
	int64_t id;            /* agent or customer id; 0 for the system.  A
				* customer actor with id 0 means "the case's
				* customer" (e.g. before find-or-create ran). */
	enum role role;        /* the agent's role; ROLE_NONE otherwise */
};

/* ACTOR_SYSTEM - a compound literal for heed acting on its own. */
#define ACTOR_SYSTEM (&(const struct actor){ AUTHOR_SYSTEM, 0, ROLE_NONE })

#endif
