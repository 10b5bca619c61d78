/*
 * sla.h - service-level targets on business hours, and the calendars they
 * are measured on.
 *
 * A calendar is a time zone, weekly open hours and holidays
 * (domain/calendar.h), kept by name.  A policy applies to a queue and a
 * priority ("any" for every priority of the queue; an exact priority wins)
 * and sets targets in business minutes for the first response, each next
 * response (after a customer's message) and the resolution, the calendar
 * to count on (none: always open), and the escalation on breach: a
 * supervisor is always alerted; the priority may be raised one step and
 * the case reassigned.
 *
 * Clocks, per case and target: they start with the case (first response,
 * resolution) or a customer's message (next response), pause while the
 * case waits on the customer (pending_customer) and resume after, are met
 * by an agent's public reply or the resolution, and breach when their
 * business time runs out (a timer; watch.h).  A case keeps the policy it
 * started with.
 */
#ifndef HEED_DOMAIN_SLA_H
#define HEED_DOMAIN_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/calendar.h"
#include "store/store.h"

#define CAL_NAME_MAX 64
#define SLA_TARGET_MAX_MIN (365 * 24 * 60)

struct sla_policy {
	char *queue;
	enum case_priority priority;  /* 0: any */
	char *calendar;               /* NULL: always open */
	int64_t first_response_ms;    /* business ms; 0: no target */
	int64_t next_response_ms;
	int64_t resolution_ms;
	bool raise_priority;
	int64_t reassign_to;          /* agent id; 0: keep the owner */
	int64_t updated_at;
};

const char *sla_metric_name(enum sla_metric m);
const char *sla_state_name(enum sla_state s);

/* calendars_put - create or replace the calendar called name ([a-z0-9_-],
 * 1..64; field "name") from its JSON parts (see cal_parse).  Writes. */
enum err calendars_put(struct store *st, struct arena *ar, const char *name,
		       const char *tz, const char *hours_json, const char *holidays_json,
		       struct calendar *out, struct fail *f);
/* calendars_get - by name (E_NOTFOUND); calendars_list - all, by name. */
enum err calendars_get(struct store *st, struct arena *ar, const char *name,
		       struct calendar *out, struct fail *f);
enum err calendars_list(struct store *st, struct arena *ar, struct calendar **out,
			size_t *n, struct fail *f);

/* sla_policy_put - create or replace the policy of (queue, priority) from
 * a JSON object text: {"queue", "priority" ("any" or a priority),
 * "calendar" (a calendar's name or null), "first_response_minutes",
 * "next_response_minutes", "resolution_minutes" (each 1..525600 or null;
 * at least one), "escalation": {"raise_priority": bool, "reassign_to": an
 * agent id or null}}.  Refusals name the field.  Writes. */
enum err sla_policy_put(struct store *st, struct arena *ar, const char *json,
			struct sla_policy *out, struct fail *f);
enum err sla_policy_list(struct store *st, struct arena *ar, struct sla_policy **out,
			 size_t *n, struct fail *f);
/* sla_policy_delete - E_NOTFOUND if there was none.  Running clocks keep
 * their targets. */
enum err sla_policy_delete(struct store *st, const char *queue, const char *priority,
			   struct fail *f);

/* sla_clocks - the clocks of a case (E_NOTFOUND for an unknown case). */
enum err sla_clocks(struct store *st, struct arena *ar, int64_t case_id,
		    struct sla_clock_list *out, struct fail *f);

#endif
