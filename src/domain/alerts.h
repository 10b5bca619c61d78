/*
 * alerts.h - what agents and supervisors must look at: a promise about to
 * fall due (to its owner), a promise broken or an SLA breached (to the
 * supervisors), a case quiet too long (to its owner and the supervisors).
 * Written by the watchers (watch.h); read and acknowledged here.
 */
#ifndef HEED_DOMAIN_ALERTS_H
#define HEED_DOMAIN_ALERTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define ALERTS_LIST_MAX 200

/* alerts_list - the alerts for `by`: their own, and the supervisors' when
 * they are a supervisor or admin; open_only leaves out acknowledged ones.
 * Newest first, ids below before_id; limit 1..200.  Read only. */
enum err alerts_list(struct store *st, struct arena *ar, const struct actor *by,
		     bool open_only, int64_t case_id, int64_t before_id, size_t limit,
		     struct alert_list *out, struct fail *f);

/* alerts_ack - mark an alert seen.  An agent may acknowledge their own;
 * supervisors and admins any (E_FORBIDDEN otherwise, E_NOTFOUND for an
 * unknown id).  Acknowledging twice keeps the first.  Writes. */
enum err alerts_ack(struct store *st, struct arena *ar, int64_t id, const struct actor *by,
		    struct alert *out, struct fail *f);

#endif
