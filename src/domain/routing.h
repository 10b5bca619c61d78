/*
 * routing.h - who takes the next chat, and how long a waiting customer
 * should expect to wait.  Pure functions over plain values: no threads, no
 * storage, no clock (callers pass `now`), so the live hub, the tests and the
 * busy-hour simulation in bench/ all run exactly this code.
 *
 * Order of service: higher priority first, then earlier arrival (a
 * transferred contact keeps its arrival time).  Agent choice: among agents
 * who are available, have every skill the queue needs and a free slot, the
 * one idle longest (idle_since: their last assignment, or when they became
 * available), ties to the lighter load, then the lower id.
 *
 * Estimates: the contacts ahead leave the queue as slots free up.  With S
 * slots serving the queue (the capacity of its available agents) and a mean
 * handling time H, slots free at rate S/H; a customer at position p needs
 * k = 1 + (p - 1)(1 - a) departures (a: the share of waiting customers who
 * give up), so the wait is roughly Gamma(k, S/H): mean kH/S.  The announced
 * range is that distribution's central interval at +-z standard scores
 * (Wilson-Hilferty), widened to whole minutes, and z adapts so that the
 * recent share of actual waits inside their range stays at or above 90%.
 */
#ifndef HEED_DOMAIN_ROUTING_H
#define HEED_DOMAIN_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_agent {
	int64_t id;
	bool available;
	int active;         /* chats now */
	int capacity;
	int64_t idle_since;
	const char *skills; /* comma-separated */
};

struct rt_contact {
	int64_t id;
	int priority;       /* enum case_priority: higher goes first */
	int64_t queued_at;
};

/* routing_serves - agent_skills holds every skill in queue_skills. */
bool routing_serves(const char *agent_skills, const char *queue_skills);
/* routing_pick - index of the agent to take a contact needing
 * queue_skills, or -1 when nobody can. */
int routing_pick(const struct rt_agent *a, size_t n, const char *queue_skills);
/* routing_cmp - qsort order of service: <0 when x goes before y. */
int routing_cmp(const struct rt_contact *x, const struct rt_contact *y);

/* A skill list: comma-separated names of [a-z0-9_-], 1..32 chars each, at
 * most 16.  Returns false for anything else. */
bool routing_skills_valid(const char *skills);

#define EST_WINDOW 200               /* outcomes remembered */
#define EST_TARGET 0.90              /* share of waits inside the range */
#define EST_DEFAULT_HANDLE_MS 300000 /* until there is history: 5 min */
#define EST_DEFAULT_ABANDON 0.10

struct est_model {
	double handle_ms;      /* mean handling time (EWMA) */
	double abandon;        /* share of waiting customers who leave (EWMA) */
	double z;              /* half-width of the range in standard scores */
	unsigned char inside[EST_WINDOW];
	size_t n, next;        /* outcomes kept, ring position */
	long handled, left;    /* counts seen */
};

struct est {
	bool known;            /* false when nobody serves the queue now */
	int64_t mean_ms;
	int64_t low_ms;        /* whole minutes, low < high */
	int64_t high_ms;
};

void est_init(struct est_model *m);
/* est_handled - a chat was handled for handle_ms (assigned to ended). */
void est_handled(struct est_model *m, int64_t handle_ms);
/* est_left_queue - a contact left the queue: served or gave up. */
void est_left_queue(struct est_model *m, bool gave_up);
/* est_outcome - a served contact had been told [low, high] and waited
 * actual: record whether it fell inside, and adapt the width. */
void est_outcome(struct est_model *m, int64_t low_ms, int64_t high_ms,
		 int64_t actual_ms);
/* est_coverage - share of remembered outcomes inside their range (-1 if
 * none). */
double est_coverage(const struct est_model *m);
/* est_wait - the estimate for position (1-based) with `slots` serving. */
struct est est_wait(const struct est_model *m, int position, int slots);

#endif
