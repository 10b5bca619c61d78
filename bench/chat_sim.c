/*
 * chat_sim.c - a simulated busy hour for the chat wait estimates.
 *
 * Runs the code the live hub runs (domain/routing.c: routing_pick,
 * est_wait, est_handled, est_left_queue, est_outcome) against a queue with
 * random arrivals, handling times and customers who give up, and reports
 * the share of actual waits that fell inside the range each customer was
 * shown first - the figure GET /api/v1/chat/stats reports in production.
 *
 * The day: a warm-up hour at moderate load (history for the model, not
 * counted), then the busy hour, counted: arrivals ramp from 70% of the
 * team's capacity to 115% and back, one agent takes a 15-minute break in
 * the middle, handling times are log-normal (mean 6 min, CV 0.8) and each
 * waiting customer gives up after an exponential patience (mean 12 min).
 * Time advances in 1 s steps, like the hub's tick (which is 250 ms).
 *
 *   chat_sim [-s SEEDS] [-a AGENTS] [-c CAPACITY] [-p PEAK_LOAD]
 *
 * One line per seed, then the medians.  Deterministic for given options.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/routing.h"

#define MIN_MS 60000.0
#define MAX_AGENTS 64
#define MAX_CONTACTS 20000
#define STEP_MS 1000

struct opts {
	int seeds, agents, capacity;
	double peak;             /* arrivals at the peak / service capacity */
	double handle_min, cv;   /* handling time: mean minutes, coefficient */
	double patience_min;     /* mean patience of a waiting customer */
};

struct contact {
	int64_t arrived, patience_ms, handle_ms, done_at;
	int agent;               /* -1 while waiting */
	struct est shown;        /* the first estimate, as announced */
	int state;               /* 0 waiting, 1 served, 2 gave up, 3 done */
	int counted;             /* arrived in the busy hour */
};

struct sim {
	const struct opts *o;
	uint64_t rng;
	struct est_model m;
	struct rt_agent ag[MAX_AGENTS];
	struct contact *c;
	size_t n;
	size_t head;             /* first contact that may still be waiting */
	/* results for the busy hour */
	long shown, inside, waited, waited_inside, gave_up, served;
	double width_sum;
};

/* ---- random numbers (splitmix64) -------------------------------------- */

static double uniform(struct sim *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double expo(struct sim *s, double mean)
{
	return -mean * log(uniform(s));
}

static double normal(struct sim *s)
{
	return sqrt(-2.0 * log(uniform(s))) * cos(2.0 * M_PI * uniform(s));
}

/* lognormal - mean and coefficient of variation as given. */
static double lognormal(struct sim *s, double mean, double cv)
{
	double sigma2 = log(1.0 + cv * cv);

	return mean * exp(sqrt(sigma2) * normal(s) - sigma2 / 2.0);
}

static int poisson(struct sim *s, double lambda)
{
	double l = exp(-lambda), p = 1.0;
	int k = 0;

	do {
		k++;
		p *= uniform(s);
	} while (p > l);
	return k - 1;
}

/* ---- the day ----------------------------------------------------------- */

/* load_at - arrivals as a share of the team's service rate at time t. */
static double load_at(const struct opts *o, int64_t t)
{
	double h = (double)t / 3600000.0;

	if (h < 1.0)
		return 0.8; /* warm-up hour */
	h -= 1.0;       /* the busy hour: up, a plateau, down */
	if (h < 0.3)
		return 0.7 + (o->peak - 0.7) * h / 0.3;
	if (h < 0.7)
		return o->peak;
	return o->peak - (o->peak - 0.7) * (h - 0.7) / 0.3;
}

static int slots(const struct sim *s)
{
	int n = 0;

	for (int i = 0; i < s->o->agents; i++)
		if (s->ag[i].available)
			n += s->ag[i].capacity;
	return n;
}

static int waiting_ahead(const struct sim *s)
{
	int n = 0;

	for (size_t i = s->head; i < s->n; i++)
		n += s->c[i].state == 0;
	return n;
}

static void arrive(struct sim *s, int64_t now, bool busy_hour)
{
	struct contact *c;

	if (s->n == MAX_CONTACTS)
		return;
	c = &s->c[s->n++];
	memset(c, 0, sizeof(*c));
	c->arrived = now;
	c->agent = -1;
	c->patience_ms = (int64_t)(expo(s, s->o->patience_min) * MIN_MS);
	c->handle_ms = (int64_t)(lognormal(s, s->o->handle_min, s->o->cv) * MIN_MS);
	if (c->handle_ms < 20000)
		c->handle_ms = 20000;
	c->counted = busy_hour;
	/* as chat_start: the estimate at the position the customer joins */
	c->shown = est_wait(&s->m, waiting_ahead(s), slots(s));
}

/* finish - chats whose handling time is over end; agents free up. */
static void finish(struct sim *s, int64_t now)
{
	for (size_t i = 0; i < s->n; i++) {
		struct contact *c = &s->c[i];

		if (c->state != 1 || c->done_at > now)
			continue;
		c->state = 3;
		s->ag[c->agent].active--;
		est_handled(&s->m, c->handle_ms);
	}
}

static void give_up(struct sim *s, int64_t now)
{
	for (size_t i = s->head; i < s->n; i++) {
		struct contact *c = &s->c[i];

		if (c->state != 0 || now - c->arrived < c->patience_ms)
			continue;
		c->state = 2;
		est_left_queue(&s->m, true);
		s->gave_up += c->counted;
	}
}

static void record(struct sim *s, const struct contact *c, int64_t waited)
{
	bool in = waited >= c->shown.low_ms && waited <= c->shown.high_ms;

	if (!c->counted || !c->shown.known)
		return;
	s->shown++;
	s->inside += in;
	s->width_sum += (double)(c->shown.high_ms - c->shown.low_ms) / MIN_MS;
	if (waited >= STEP_MS) { /* had to wait at least one step */
		s->waited++;
		s->waited_inside += in;
	}
}

/* route - oldest waiting first, to the agent routing_pick chooses. */
static void route(struct sim *s, int64_t now)
{
	for (size_t i = s->head; i < s->n; i++) {
		struct contact *c = &s->c[i];
		int k;

		if (c->state != 0)
			continue;
		k = routing_pick(s->ag, (size_t)s->o->agents, "");
		if (k < 0)
			break;
		c->state = 1;
		c->agent = k;
		c->done_at = now + c->handle_ms;
		s->ag[k].active++;
		s->ag[k].idle_since = now;
		est_left_queue(&s->m, false);
		if (c->shown.known)
			est_outcome(&s->m, c->shown.low_ms, c->shown.high_ms, now - c->arrived);
		record(s, c, now - c->arrived);
		s->served += c->counted;
	}
	while (s->head < s->n && s->c[s->head].state != 0)
		s->head++;
}

static void run(struct sim *s)
{
	const struct opts *o = s->o;
	double rate = o->agents * o->capacity / (o->handle_min * MIN_MS); /* per ms */
	int64_t end = 2 * 3600000LL, brk = 3600000LL + 1500000LL;

	for (int64_t t = 0; t < end; t += STEP_MS) {
		/* one agent takes a 15-minute break in the busy hour */
		s->ag[0].available = !(t >= brk && t < brk + 900000);
		finish(s, t);
		give_up(s, t);
		for (int k = poisson(s, load_at(o, t) * rate * STEP_MS); k > 0; k--) {
			arrive(s, t, t >= 3600000);
			route(s, t); /* the hub routes on the same step */
		}
		route(s, t);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static int usage(void)
{
	fprintf(stderr, "usage: chat_sim [-s SEEDS] [-a AGENTS] [-c CAPACITY] [-p PEAK_LOAD]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = {.seeds = 21, .agents = 8, .capacity = 3, .peak = 1.15,
			 .handle_min = 6.0, .cv = 0.8, .patience_min = 12.0};
	double *cov, *cov_w, *width, lo = 1;
	long all_shown = 0, all_inside = 0;
	int ch, rc = 1;

	while ((ch = getopt(argc, argv, "s:a:c:p:")) != -1) {
		switch (ch) {
		case 's': o.seeds = atoi(optarg); break;
		case 'a': o.agents = atoi(optarg); break;
		case 'c': o.capacity = atoi(optarg); break;
		case 'p': o.peak = atof(optarg); break;
		default: return usage();
		}
	}
	if (o.seeds < 1 || o.agents < 1 || o.agents > MAX_AGENTS || o.capacity < 1 ||
	    o.peak <= 0)
		return usage();
	cov = calloc((size_t)o.seeds, sizeof(double));
	cov_w = calloc((size_t)o.seeds, sizeof(double));
	width = calloc((size_t)o.seeds, sizeof(double));
	if (!cov || !cov_w || !width)
		goto out;
	printf("busy hour: %d agents x %d chats, peak load %.2f, handle %.0f min (cv %.1f), "
	       "patience %.0f min\n", o.agents, o.capacity, o.peak, o.handle_min, o.cv,
	       o.patience_min);
	printf("%4s %8s %8s %8s %9s %10s %9s\n", "seed", "served", "gave_up", "shown",
	       "inside", "waited:in", "width_min");
	for (int seed = 0; seed < o.seeds; seed++) {
		struct sim s = {.o = &o, .rng = 0x5eed0000u + (uint64_t)seed};

		s.c = calloc(MAX_CONTACTS, sizeof(*s.c));
		if (!s.c)
			goto out;
		est_init(&s.m);
		for (int i = 0; i < o.agents; i++)
			s.ag[i] = (struct rt_agent){i + 1, true, 0, o.capacity, 0, ""};
		run(&s);
		cov[seed] = s.shown ? (double)s.inside / (double)s.shown : 0;
		cov_w[seed] = s.waited ? (double)s.waited_inside / (double)s.waited : 0;
		width[seed] = s.shown ? s.width_sum / (double)s.shown : 0;
		all_shown += s.shown;
		all_inside += s.inside;
		lo = cov[seed] < lo ? cov[seed] : lo;
		printf("%4d %8ld %8ld %8ld %8.1f%% %9.1f%% %9.2f\n", seed, s.served, s.gave_up,
		       s.shown, 100 * cov[seed], 100 * cov_w[seed], width[seed]);
		free(s.c);
	}
	printf("median over %d seeds: inside %.1f%% (of those who waited: %.1f%%), "
	       "mean range width %.2f min\n", o.seeds, 100 * median(cov, o.seeds),
	       100 * median(cov_w, o.seeds), median(width, o.seeds));
	printf("all seeds together: %ld of %ld inside (%.1f%%); lowest seed %.1f%%\n",
	       all_inside, all_shown, all_shown ? 100.0 * (double)all_inside / (double)all_shown : 0,
	       100 * lo);
	rc = 0;
out:
	free(cov);
	free(cov_w);
	free(width);
	return rc;
}
