/* test_routing.c - who takes the next chat (skills, capacity, longest idle,
 * ties), the order of service, skill lists, and the wait estimate: its
 * shape (whole minutes, monotone in position and staffing) and the width
 * adapting to the share of waits that fell inside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/routing.h"

#define MIN 60000

static void test_serves(void **state)
{
	(void)state;
	assert_true(routing_serves("", ""));
	assert_true(routing_serves("billing", ""));
	assert_true(routing_serves("billing,fr", "fr,billing"));
	assert_true(routing_serves("fr,billing,de", "billing"));
	assert_false(routing_serves("", "billing"));
	assert_false(routing_serves("bill", "billing"));
	assert_false(routing_serves("billing", "bill"));
	assert_false(routing_serves("billing", "billing,fr"));
	assert_true(routing_serves(NULL, ""));
}

static void test_skills_valid(void **state)
{
	char many[200] = "";

	(void)state;
	assert_true(routing_skills_valid(""));
	assert_true(routing_skills_valid("billing"));
	assert_true(routing_skills_valid("billing,fr,tier_2,de-at"));
	assert_false(routing_skills_valid(NULL));
	assert_false(routing_skills_valid("Billing"));
	assert_false(routing_skills_valid("billing,"));
	assert_false(routing_skills_valid(",billing"));
	assert_false(routing_skills_valid("a,,b"));
	assert_false(routing_skills_valid("bill ing"));
	assert_false(routing_skills_valid("abcdefghijabcdefghijabcdefghijabc")); /* 33 */
	assert_true(routing_skills_valid("abcdefghijabcdefghijabcdefghijab"));   /* 32 */
	for (int i = 0; i < 16; i++)
		strcat(many, i ? ",s" : "s");
	assert_true(routing_skills_valid(many));
	strcat(many, ",s");
	assert_false(routing_skills_valid(many));
}

static void test_pick_longest_idle_with_skills_and_room(void **state)
{
	struct rt_agent a[] = {
		{1, true, 0, 3, 500, ""},         /* idle since 500 */
		{2, true, 1, 3, 100, "billing"},  /* idle longest, has billing */
		{3, false, 0, 3, 50, "billing"},  /* away */
		{4, true, 3, 3, 10, "billing"},   /* full */
	};

	(void)state;
	assert_int_equal(routing_pick(a, 4, ""), 1);        /* agent 2: idle longest */
	assert_int_equal(routing_pick(a, 4, "billing"), 1);
	a[1].active = 3;                                       /* agent 2 full now */
	assert_int_equal(routing_pick(a, 4, ""), 0);
	assert_int_equal(routing_pick(a, 4, "billing"), -1);  /* nobody with billing */
	assert_int_equal(routing_pick(a, 4, "fr"), -1);
	assert_int_equal(routing_pick(a, 0, ""), -1);
}

static void test_pick_ties(void **state)
{
	struct rt_agent a[] = {
		{7, true, 2, 3, 100, ""},
		{5, true, 1, 3, 100, ""},
		{3, true, 1, 3, 100, ""},
	};

	(void)state;
	/* same idle time: the lighter load, then the lower id */
	assert_int_equal(routing_pick(a, 3, ""), 2);
	a[2].active = 2;
	assert_int_equal(routing_pick(a, 3, ""), 1);
}

static void test_order_of_service(void **state)
{
	struct rt_contact urgent_late = {1, 3, 900}, normal_early = {2, 1, 100},
			  normal_late = {3, 1, 500}, normal_early_b = {4, 1, 100};

	(void)state;
	assert_true(routing_cmp(&urgent_late, &normal_early) < 0);
	assert_true(routing_cmp(&normal_early, &normal_late) < 0);
	assert_true(routing_cmp(&normal_late, &normal_early) > 0);
	assert_true(routing_cmp(&normal_early, &normal_early_b) < 0); /* by id */
	assert_int_equal(routing_cmp(&normal_early, &normal_early), 0);
}

static void test_estimate_shape(void **state)
{
	struct est_model m;
	struct est e, prev = {0};

	(void)state;
	est_init(&m);
	assert_false(est_wait(&m, 1, 0).known); /* nobody serves: no range */
	assert_false(est_wait(&m, 0, 3).known);
	for (int p = 1; p <= 30; p++) {
		e = est_wait(&m, p, 6);
		assert_true(e.known);
		assert_int_equal(e.low_ms % MIN, 0);
		assert_int_equal(e.high_ms % MIN, 0);
		assert_true(e.low_ms < e.high_ms);
		assert_true(e.low_ms <= e.mean_ms && e.mean_ms <= e.high_ms);
		if (p > 1) /* further back waits longer */
			assert_true(e.mean_ms > prev.mean_ms);
		prev = e;
	}
	/* default handling 5 min, 6 slots: position 1 waits ~50 s on average */
	e = est_wait(&m, 1, 6);
	assert_in_range(e.mean_ms, 45000, 55000);
	/* more agents, shorter waits */
	assert_true(est_wait(&m, 10, 12).mean_ms < est_wait(&m, 10, 6).mean_ms);
	/* customers ahead who give up shorten the wait */
	m.abandon = 0.5;
	assert_true(est_wait(&m, 10, 6).mean_ms < prev.mean_ms);
}

static void test_history_moves_the_model(void **state)
{
	struct est_model m;

	(void)state;
	est_init(&m);
	for (int i = 0; i < 50; i++)
		est_handled(&m, 2 * MIN);
	assert_in_range((int64_t)m.handle_ms, 2 * MIN - 1000, 2 * MIN + 1000);
	est_handled(&m, 0); /* ignored */
	est_handled(&m, -5);
	assert_in_range((int64_t)m.handle_ms, 2 * MIN - 1000, 2 * MIN + 1000);
	for (int i = 0; i < 200; i++)
		est_left_queue(&m, i % 4 == 0); /* a quarter give up */
	assert_true(m.abandon > 0.15 && m.abandon < 0.35);
}

static void test_width_adapts_to_coverage(void **state)
{
	struct est_model m;
	double z0;

	(void)state;
	est_init(&m);
	z0 = m.z;
	assert_true(est_coverage(&m) < 0); /* nothing yet */
	/* every wait falls outside: the range must widen */
	for (int i = 0; i < 100; i++)
		est_outcome(&m, 1 * MIN, 2 * MIN, 5 * MIN);
	assert_true(m.z > z0);
	assert_true(est_coverage(&m) == 0.0);
	/* then every wait inside: the coverage climbs back and z narrows */
	double zmax = m.z;

	for (int i = 0; i < EST_WINDOW * 2; i++)
		est_outcome(&m, 1 * MIN, 2 * MIN, 90000);
	assert_true(est_coverage(&m) == 1.0); /* the ring forgot the misses */
	assert_true(m.z < zmax);
	/* bad input is ignored */
	est_outcome(&m, -1, 2 * MIN, 0);
	est_outcome(&m, 0, 0, 0);
	assert_true(est_coverage(&m) == 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serves),
		cmocka_unit_test(test_skills_valid),
		cmocka_unit_test(test_pick_longest_idle_with_skills_and_room),
		cmocka_unit_test(test_pick_ties),
		cmocka_unit_test(test_order_of_service),
		cmocka_unit_test(test_estimate_shape),
		cmocka_unit_test(test_history_moves_the_model),
		cmocka_unit_test(test_width_adapts_to_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
