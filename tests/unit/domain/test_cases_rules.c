/* test_cases_rules.c - the case status machine and the name tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/cases.h"

#define NS 6 /* statuses CASE_NEW..CASE_CLOSED */

/* The table from the product rules, written out in full: ok[from][to]. */
static const int ok[NS + 1][NS + 1] = {
	/*                    new open pc pi res closed */
	[CASE_NEW]              = { 0, 0, 1, 1, 1, 1, 0 },
	[CASE_OPEN]             = { 0, 0, 0, 1, 1, 1, 0 },
	[CASE_PENDING_CUSTOMER] = { 0, 0, 1, 0, 1, 1, 0 },
	[CASE_PENDING_INTERNAL] = { 0, 0, 1, 1, 0, 1, 0 },
	[CASE_RESOLVED]         = { 0, 0, 1, 0, 0, 0, 1 },
	[CASE_CLOSED]           = { 0, 0, 0, 0, 0, 0, 0 },
};

static bool listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static void test_transitions_exhaustive(void **state)
{
	(void)state;
	for (int from = 0; from <= NS + 1; from++) {
		for (int to = 0; to <= NS + 1; to++) {
			int want = from >= 1 && from <= NS && to >= 1 &&
				   to <= NS && ok[from][to];

			if (case_transition_ok(from, to) != want)
				fail_msg("%d -> %d: want %d", from, to, want);
		}
	}
}

static void test_allowed_matches_table(void **state)
{
	(void)state;
	for (int from = 1; from <= NS; from++) {
		const char *const *a = case_allowed_next(from);
		int n = 0, want = 0;

		for (int to = 1; to <= NS; to++) {
			want += ok[from][to];
			assert_int_equal(listed(a, case_status_name(to)),
					 ok[from][to]);
		}
		for (; a[n]; n++)
			assert_int_not_equal(case_status_parse(a[n]), 0);
		assert_int_equal(n, want);
	}
}

static void test_never_reset_closed_final(void **state)
{
	(void)state;
	for (int from = 1; from <= NS; from++) {
		assert_false(case_transition_ok(from, CASE_NEW));
		assert_false(case_transition_ok(from, from));
	}
	assert_null(case_allowed_next(CASE_CLOSED)[0]);
	assert_null(case_allowed_next(0)[0]);
	assert_null(case_allowed_next(99)[0]);
	assert_string_equal(case_allowed_next(CASE_RESOLVED)[0], "open");
	assert_string_equal(case_allowed_next(CASE_RESOLVED)[1], "closed");
	assert_null(case_allowed_next(CASE_RESOLVED)[2]);
}

static void test_status_names(void **state)
{
	static const char *const want[] = { NULL, "new", "open",
					    "pending_customer",
					    "pending_internal", "resolved",
					    "closed" };

	(void)state;
	for (int s = 1; s <= NS; s++) {
		assert_string_equal(case_status_name(s), want[s]);
		assert_int_equal(case_status_parse(want[s]), s);
	}
	assert_string_equal(case_status_name(0), "unknown");
	assert_string_equal(case_status_name(7), "unknown");
	assert_int_equal(case_status_parse("Open"), 0);
	assert_int_equal(case_status_parse("pending"), 0);
	assert_int_equal(case_status_parse(""), 0);
	assert_int_equal(case_status_parse(NULL), 0);
	assert_int_equal(case_status_parse("unknown"), 0);
}

static void test_priority_names(void **state)
{
	static const char *const want[] = { NULL, "low", "normal", "high",
					    "urgent" };

	(void)state;
	for (int p = PRIO_LOW; p <= PRIO_URGENT; p++) {
		assert_string_equal(case_priority_name(p), want[p]);
		assert_int_equal(case_priority_parse(want[p]), p);
	}
	assert_string_equal(case_priority_name(0), "unknown");
	assert_string_equal(case_priority_name(5), "unknown");
	assert_int_equal(case_priority_parse("critical"), 0);
	assert_int_equal(case_priority_parse(NULL), 0);
}

static void test_other_names(void **state)
{
	(void)state;
	for (int s = SRC_CUSTOMER; s <= SRC_CHANNEL; s++)
		assert_int_equal(fact_source_parse(fact_source_name(s)), s);
	assert_string_equal(fact_source_name(SRC_CHANNEL), "channel");
	assert_int_equal(fact_source_parse("robot"), 0);
	assert_string_equal(fact_source_name(0), "unknown");

	for (int r = ROLE_AGENT; r <= ROLE_ADMIN; r++)
		assert_int_equal(role_parse(role_name(r)), r);
	assert_string_equal(role_name(ROLE_SUPERVISOR), "supervisor");
	assert_int_equal(role_parse("root"), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_string_equal(role_name(ROLE_NONE), "none");

	assert_string_equal(visibility_name(VIS_PUBLIC), "public");
	assert_string_equal(visibility_name(VIS_INTERNAL), "internal");
	assert_string_equal(visibility_name(0), "unknown");
	assert_string_equal(author_kind_name(AUTHOR_SYSTEM), "system");
	assert_string_equal(author_kind_name(AUTHOR_AGENT), "agent");
	assert_string_equal(author_kind_name(AUTHOR_CUSTOMER), "customer");
	assert_string_equal(author_kind_name(0), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions_exhaustive),
		cmocka_unit_test(test_allowed_matches_table),
		cmocka_unit_test(test_never_reset_closed_final),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_priority_names),
		cmocka_unit_test(test_other_names),
	};

	return cmocka_run_group_tests_name("domain/cases_rules", tests, NULL,
					   NULL);
}
