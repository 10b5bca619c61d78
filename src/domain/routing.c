/*
 * routing.c - agent choice, order of service and wait estimates (see
 * routing.h for the model).
 */
#include "domain/routing.h"

#include <math.h>
#include <string.h>

#define MINUTE_MS 60000
#define Z_MIN 1.0
#define Z_MAX 3.5
#define Z_START 1.645
#define EWMA 0.1

/* has_skill - the comma-separated list holds skill (len bytes). */
static bool has_skill(const char *list, const char *skill, size_t len)
{
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && strncmp(p, skill, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool routing_serves(const char *agent_skills, const char *queue_skills)
{
	const char *p = queue_skills;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n && !has_skill(agent_skills ? agent_skills : "", p, n))
			return false;
		p = end ? end + 1 : NULL;
	}
	return true;
}

bool routing_skills_valid(const char *skills)
{
	size_t len = 0, count = 0;

	if (!skills)
		return false;
	if (!*skills)
		return true;
	for (const char *p = skills;; p++) {
		if (*p == ',' || *p == '\0') {
			if (len == 0 || len > 32 || ++count > 16)
				return false;
			if (*p == '\0')
				return true;
			len = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return false;
		len++;
	}
}

/* better - agent x should get the next contact before agent y. */
static bool better(const struct rt_agent *x, const struct rt_agent *y)
{
	if (x->idle_since != y->idle_since)
		return x->idle_since < y->idle_since;
	if (x->active != y->active)
		return x->active < y->active;
	return x->id < y->id;
}

int routing_pick(const struct rt_agent *a, size_t n, const char *queue_skills)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!a[i].available || a[i].active >= a[i].capacity ||
		    !routing_serves(a[i].skills, queue_skills))
			continue;
		if (best < 0 || better(&a[i], &a[best]))
			best = (int)i;
	}
	return best;
}

int routing_cmp(const struct rt_contact *x, const struct rt_contact *y)
{
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	if (x->queued_at != y->queued_at)
		return x->queued_at < y->queued_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- estimates --------------------------------------------------------- */

void est_init(struct est_model *m)
{
	memset(m, 0, sizeof(*m));
	m->handle_ms = EST_DEFAULT_HANDLE_MS;
	m->abandon = EST_DEFAULT_ABANDON;
	m->z = Z_START;
}

void est_handled(struct est_model *m, int64_t handle_ms)
{
	if (handle_ms <= 0)
		return;
	/* The first few samples replace the default faster than EWMA would. */
	double w = m->handled < 10 ? 1.0 / (double)(m->handled + 2) : EWMA;

	m->handle_ms += w * ((double)handle_ms - m->handle_ms);
	m->handled++;
}

void est_left_queue(struct est_model *m, bool gave_up)
{
	double w = m->left < 20 ? 1.0 / (double)(m->left + 2) : EWMA / 2;

	m->abandon += w * ((gave_up ? 1.0 : 0.0) - m->abandon);
	m->left++;
}

double est_coverage(const struct est_model *m)
{
	size_t in = 0;

	if (m->n == 0)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		in += m->inside[i];
	return (double)in / (double)m->n;
}

void est_outcome(struct est_model *m, int64_t low_ms, int64_t high_ms,
		 int64_t actual_ms)
{
	double cov;

	if (low_ms < 0 || high_ms <= 0 || actual_ms < 0)
		return;
	m->inside[m->next] = actual_ms >= low_ms && actual_ms <= high_ms;
	m->next = (m->next + 1) % EST_WINDOW;
	if (m->n < EST_WINDOW)
		m->n++;
	if (m->n < 20)
		return;
	cov = est_coverage(m);
	/* Aim a little above the target so that noise keeps us over it. */
	if (cov < EST_TARGET + 0.02 && m->z < Z_MAX)
		m->z += 0.05;
	else if (cov > EST_TARGET + 0.06 && m->z > Z_MIN)
		m->z -= 0.02;
}

/* gamma_q - the Wilson-Hilferty approximation of the quantile at standard
 * score z of Gamma(shape k, scale 1). */
static double gamma_q(double k, double z)
{
	double c = 1.0 / (9.0 * k);
	double t = 1.0 - c + z * sqrt(c);

	return t <= 0 ? 0 : k * t * t * t;
}

struct est est_wait(const struct est_model *m, int position, int slots)
{
	struct est e = {0};
	double scale, k, low, high;

	if (slots <= 0 || position <= 0)
		return e;
	k = 1.0 + (double)(position - 1) * (1.0 - m->abandon);
	scale = m->handle_ms / (double)slots; /* mean time between departures */
	e.known = true;
	e.mean_ms = (int64_t)(k * scale);
	low = gamma_q(k, -m->z) * scale;
	high = gamma_q(k, m->z) * scale;
	/* Whole minutes, rounded outwards: what the customer reads is what is
	 * audited. */
	e.low_ms = (int64_t)floor(low / MINUTE_MS) * MINUTE_MS;
	e.high_ms = (int64_t)ceil(high / MINUTE_MS) * MINUTE_MS;
	if (e.high_ms <= e.low_ms)
		e.high_ms = e.low_ms + MINUTE_MS;
	return e;
}
