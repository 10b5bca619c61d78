/*
 * fill.c - add N synthetic cases to a heed database, for load tests.
 *
 *   build/bench/fill --db PATH [--cases N] [--customers M] [--seed S]
 *
 * Goes through the store_* interface only (open, migrate, begin/commit and
 * the customer, identifier, case and event inserts), so the rows are what
 * the store itself writes, with its indexes and constraints.  It skips the
 * domain layer on purpose: the domain validates one case at a time and
 * would measure itself, not fill a database.
 *
 * Shape of the data: M customers (default N / 20, so 50,000 for a million
 * cases), each with one email identifier; N cases spread uniformly over the
 * customers and over 8 queues, with random statuses and priorities, no
 * owner, created_at rising with the id over the past year; each case has
 * one "created" event like the domain writes.  Rows are committed every
 * 10,000 cases.  Identifiers carry a per-run tag, so filling the same
 * database twice adds rows instead of clashing.
 *
 * Trade-off: a fixed xorshift generator (seeded by --seed) rather than
 * rand(), so two fills with the same seed produce the same rows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "store/store.h"

#define BATCH 10000
#define YEAR_MS (365LL * 24 * 3600 * 1000)

static const char *const queues[] = {
	"billing", "support", "devices", "front-desk",
	"returns", "shipping", "accounts", "technical",
};
#define N_QUEUES (sizeof(queues) / sizeof(queues[0]))

static const char *const priority_names[] = {"", "low", "normal", "high", "urgent"};

static const char *const subjects[] = {
	"Cannot log in after password reset",
	"Charged twice this month",
	"Device will not turn on",
	"Where is my order?",
	"Please update my address",
	"Refund not received",
	"App crashes on start",
	"Question about my invoice",
};
#define N_SUBJECTS (sizeof(subjects) / sizeof(subjects[0]))

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* below - a random number in [0, n). */
static uint64_t below(uint64_t n)
{
	return rng() % n;
}

static double now_s(void)
{
	return (double)clock_mono_us() / 1e6;
}

static int usage(void)
{
	fprintf(stderr, "usage: fill --db PATH [--cases N] [--customers M] [--seed S]\n");
	return 2;
}

static bool parse_count(const char *s, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* commit_batch - commit, then open the next transaction unless done. */
static enum err commit_batch(struct store *st, bool more)
{
	enum err e = store_commit(st);

	if (e == E_OK && more)
		e = store_begin(st);
	return e;
}

static enum err add_customers(struct store *st, long long n, const char *tag,
			      int64_t t0, int64_t *first_id)
{
	char name[64], email[96];
	enum err e = store_begin(st);

	for (long long i = 0; e == E_OK && i < n; i++) {
		struct customer c = {.name = name, .created_at = t0, .updated_at = t0};
		struct ident id = {.kind = IDENT_EMAIL, .value = email, .display = email};

		snprintf(name, sizeof(name), "Customer %lld", i + 1);
		snprintf(email, sizeof(email), "c%lld.%s@bench.example", i + 1, tag);
		e = store_customer_insert(st, &c);
		if (e == E_OK)
			e = store_ident_insert(st, c.id, &id);
		if (e == E_OK && i == 0)
			*first_id = c.id;
		if (e == E_OK && (i + 1) % BATCH == 0)
			e = commit_batch(st, i + 1 < n);
	}
	if (e == E_OK && n % BATCH)
		e = store_commit(st);
	if (e != E_OK)
		store_rollback(st);
	return e;
}

/* add_cases - N cases over customers [first, first + n_cust), ids assumed
 * consecutive (they are: this process is the only writer). */
static enum err add_cases(struct store *st, long long n, int64_t first,
			  long long n_cust, int64_t t0)
{
	struct arena ar;
	enum err e = store_begin(st);

	arena_init(&ar, 4096);
	for (long long i = 0; e == E_OK && i < n; i++) {
		int64_t at = t0 + (int64_t)((double)YEAR_MS * (double)i / (double)n);
		struct case_ c = {
			.customer_id = first + (int64_t)below((uint64_t)n_cust),
			.subject = (char *)subjects[below(N_SUBJECTS)],
			.status = (enum case_status)(1 + below(6)),
			.priority = (enum case_priority)(1 + below(4)),
			.queue = (char *)queues[below(N_QUEUES)],
			.created_at = at,
			.updated_at = at,
		};
		struct event ev = {
			.type = "created",
			.author_kind = AUTHOR_SYSTEM,
			.visibility = VIS_INTERNAL,
			.body = "",
			.created_at = at,
		};

		e = store_case_insert(st, &c);
		if (e != E_OK)
			break;
		ev.case_id = c.id;
		ev.data = arena_printf(&ar,
				       "{\"subject\":\"%s\",\"priority\":\"%s\","
				       "\"queue\":\"%s\",\"owner_id\":null}",
				       c.subject, priority_names[c.priority], c.queue);
		if (!ev.data) {
			e = E_NOMEM;
			break;
		}
		e = store_event_insert(st, &ev);
		arena_reset(&ar);
		if (e == E_OK && (i + 1) % BATCH == 0) {
			e = commit_batch(st, i + 1 < n);
			if ((i + 1) % (25 * BATCH) == 0)
				fprintf(stderr, "fill: %lld of %lld cases\n", i + 1, n);
		}
	}
	if (e == E_OK && n % BATCH)
		e = store_commit(st);
	if (e != E_OK)
		store_rollback(st);
	arena_release(&ar);
	return e;
}

int main(int argc, char **argv)
{
	const char *db = NULL;
	long long n_cases = 1000000, n_cust = 0, seed = 1;
	struct store *st = NULL;
	int64_t first = 0, t0;
	char tag[32];
	double t_start, t_cust, t_end;
	enum err e;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return usage();
		if (!strcmp(a, "--db"))
			db = v;
		else if (!strcmp(a, "--cases") && parse_count(v, 1000000000, &n_cases))
			;
		else if (!strcmp(a, "--customers") && parse_count(v, 1000000000, &n_cust))
			;
		else if (!strcmp(a, "--seed") && parse_count(v, INT64_MAX, &seed))
			;
		else
			return usage();
		i++;
	}
	if (!db)
		return usage();
	if (!n_cust)
		n_cust = n_cases / 20 ? n_cases / 20 : 1;
	rng_state ^= (uint64_t)seed * 0x2545f4914f6cdd1dull;
	t0 = clock_now_ms() - YEAR_MS;
	snprintf(tag, sizeof(tag), "%" PRIx64, (uint64_t)clock_now_ms());

	if ((e = store_open(db, &st)) != E_OK ||
	    (e = store_migrate(st, NULL)) != E_OK) {
		fprintf(stderr, "fill: cannot open or migrate '%s': %s\n", db,
			err_name(e));
		goto out;
	}
	t_start = now_s();
	if ((e = add_customers(st, n_cust, tag, t0, &first)) != E_OK) {
		fprintf(stderr, "fill: adding customers failed: %s\n", err_name(e));
		goto out;
	}
	t_cust = now_s();
	if ((e = add_cases(st, n_cases, first, n_cust, t0)) != E_OK) {
		fprintf(stderr, "fill: adding cases failed: %s\n", err_name(e));
		goto out;
	}
	t_end = now_s();
	printf("fill: %lld customers in %.1f s (%.0f/s), %lld cases + %lld events "
	       "in %.1f s (%.0f cases/s), customer ids from %" PRId64 "\n",
	       n_cust, t_cust - t_start, (double)n_cust / (t_cust - t_start),
	       n_cases, n_cases, t_end - t_cust,
	       (double)n_cases / (t_end - t_cust), first);
	rc = 0;
out:
	store_close(st);
	return rc;
}
