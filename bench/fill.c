/*
 * fill.c - add N synthetic cases to a heed database, for load tests.
 *
 *   build/bench/fill --db PATH [--cases N] [--customers M] [--seed S] [--people]
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
 * --people (customer records' search bench): customers get a person's name
 * (first and last name drawn from lists with accents, 160 x 160), a phone
 * number and an account number besides the email, all unique per run.  The
 * name index is filled by the next start of heed (app_open_store indexes
 * customers that are not yet), since this tool skips the domain.
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

/* --people: names for the customer search bench */
static const char *const first_names[] = {
	"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
	"William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
	"Thomas", "Sarah", "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa",
	"Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley",
	"Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
	"José", "María", "Juan", "Ana", "Luis", "Gabriela", "Carlos", "Lucía",
	"Jorge", "Sofía", "Miguel", "Valentina", "Andrés", "Camila", "Raúl", "Inés",
	"François", "Hélène", "Jérôme", "Zoë", "Günter", "Jürgen", "Björn", "Søren",
	"Åsa", "Łukasz", "Małgorzata", "Paweł", "Zoltán", "Ágnes", "Dmitri", "Olga",
	"Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Layla", "Yusuf", "Amira",
	"Wei", "Mei", "Hiroshi", "Yuki", "Kenji", "Sakura", "Min-jun", "Seo-yeon",
	"Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Deepika", "Kwame", "Ama",
	"Chidi", "Ngozi", "Tunde", "Folake", "Sipho", "Thandiwe", "Liam", "Olivia",
	"Noah", "Emma", "Oliver", "Ava", "Elijah", "Charlotte", "Lucas", "Amelia",
	"Mateo", "Mia", "Ethan", "Harper", "Aiden", "Evelyn", "Logan", "Abigail",
	"Sebastián", "Renée", "Noël", "Chloé", "Anaïs", "Maëlle", "Loïc", "Gaëlle",
	"Siobhán", "Seán", "Niamh", "Eoin", "Aoife", "Ciarán", "Pádraig", "Róisín",
	"Giulia", "Lorenzo", "Francesca", "Matteo", "Chiara", "Alessandro", "Elena", "Marco",
	"Joaquim", "Conceição", "João", "Luísa", "Gonçalo", "Leonor", "Tomás", "Beatriz",
	"Nikolai", "Anastasia", "Ivan", "Tatiana", "Sergei", "Natalia", "Alexei", "Irina",
};
static const char *const last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
	"Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
	"Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"López", "Muñoz", "Núñez", "Peña", "Gómez", "Díaz", "Jiménez", "Álvarez",
	"Müller", "Schröder", "Köhler", "Weiß", "Groß", "Böhm", "Krüger", "Schäfer",
	"Østergaard", "Sørensen", "Ångström", "Öberg", "Nørgaard", "Kowalczyk", "Wójcik", "Łukasiewicz",
	"Dubois", "Lefèvre", "Mercier", "Girard", "Bonnet", "Fontaine", "Chevalier", "Rousseau",
	"Nakamura", "Tanaka", "Suzuki", "Watanabe", "Yamamoto", "Kobayashi", "Kim", "Park",
	"Patel", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Okafor", "Adeyemi",
	"Mensah", "Owusu", "Nkosi", "Dlamini", "Haddad", "Khalil", "Mansour", "Nasser",
	"O'Brien", "Murphy", "Kelly", "Ó Súilleabháin", "Byrne", "Ryan", "Walsh", "McCarthy",
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
	"Silva", "Santos", "Oliveira", "Sousa", "Conceição", "Gonçalves", "Magalhães", "Araújo",
	"Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov",
	"Novák", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
	"Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár",
	"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
	"Papadopoulos", "Georgiou", "Dimitriou", "Nikolaou", "Yilmaz", "Kaya", "Demir", "Şahin",
};
#define N_FIRST (sizeof(first_names) / sizeof(first_names[0]))
#define N_LAST (sizeof(last_names) / sizeof(last_names[0]))
static bool people;

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
	fprintf(stderr, "usage: fill --db PATH [--cases N] [--customers M] [--seed S] [--people]\n");
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
	char name[96], email[96], phone[32], acct[48];
	enum err e = store_begin(st);
	uint64_t run = (uint64_t)strtoull(tag, NULL, 16) % 9000 + 1000;

	for (long long i = 0; e == E_OK && i < n; i++) {
		struct customer c = {.name = name, .created_at = t0, .updated_at = t0};
		struct ident id = {.kind = IDENT_EMAIL, .value = email, .display = email};
		struct ident ph = {.kind = IDENT_PHONE, .value = phone, .display = phone};
		struct ident ac = {.kind = IDENT_ACCOUNT, .value = acct, .display = acct};

		snprintf(name, sizeof(name), "Customer %lld", i + 1);
		if (people)
			snprintf(name, sizeof(name), "%s %s", first_names[below(N_FIRST)],
				 last_names[below(N_LAST)]);
		snprintf(email, sizeof(email), "c%lld.%s@bench.example", i + 1, tag);
		/* unique per run: +1 4xx-5xx numbers and AC<run><n> accounts */
		snprintf(phone, sizeof(phone), "+1%03llu%07lld", (unsigned long long)(200 + run % 700), i + 1);
		snprintf(acct, sizeof(acct), "AC%04llu%08lld", (unsigned long long)run, i + 1);
		e = store_customer_insert(st, &c);
		if (e == E_OK)
			e = store_ident_insert(st, c.id, &id);
		if (e == E_OK && people)
			e = store_ident_insert(st, c.id, &ph);
		if (e == E_OK && people)
			e = store_ident_insert(st, c.id, &ac);
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

		if (!strcmp(a, "--people")) {
			people = true;
			continue;
		}
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
