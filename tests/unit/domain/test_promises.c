/* test_promises.c - the pure rules behind promises and "no second ticket":
 * the 80th percentile that proposes a promise's time (at least 80% of past
 * promises within it, the smallest such value), the stated defaults, and
 * when two case subjects are about the same thing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/cases.h"
#include "domain/promises.h"

static void test_p80(void **state)
{
	int64_t none[1] = {0};
	int64_t one[] = {7};
	int64_t five[] = {50, 10, 40, 20, 30};
	int64_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 100};
	int64_t ties[] = {5, 5, 5, 5, 9};

	(void)state;
	assert_int_equal(promise_p80(none, 0), 0);
	assert_int_equal(promise_p80(one, 1), 7);
	/* 4 of 5 (80%) are <= 40; 30 covers only 3 */
	assert_int_equal(promise_p80(five, 5), 40);
	/* 8 of 10 are <= 9: one slow outlier does not move it */
	assert_int_equal(promise_p80(ten, 10), 9);
	assert_int_equal(promise_p80(ties, 5), 5);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(promise_kind_default_ms("callback"), 2 * 3600 * 1000);
	assert_int_equal(promise_kind_default_ms("reply"), 4 * 3600 * 1000);
	assert_int_equal(promise_kind_default_ms("update"), 24 * 3600 * 1000);
	assert_int_equal(promise_kind_default_ms("fix"), 72LL * 3600 * 1000);
	assert_int_equal(promise_kind_default_ms("teleport"), 0);
	assert_int_equal(promise_kind_default_ms(NULL), 0);
	assert_string_equal(promise_state_name(PROMISE_BROKEN), "broken");
}

static void test_similar(void **state)
{
	(void)state;
	assert_true(cases_similar("Router keeps dropping",
				  "my router is dropping the connection again"));
	assert_true(cases_similar("Invoice shows double charge", "DOUBLE CHARGE on invoice!"));
	assert_true(cases_similar("Printers offline", "printer offline"));
	assert_false(cases_similar("Router keeps dropping", "Invoice is wrong"));
	/* common words alone do not make two problems the same */
	assert_false(cases_similar("Help with a problem please", "please help: a problem"));
	assert_false(cases_similar("", "anything"));
	assert_false(cases_similar("ok", "ok"));
	/* other scripts compare as themselves (letters counted, not bytes:
	 * the two-letter "не" is no word) */
	assert_true(cases_similar("роутер не работает", "роутер снова не работает"));
	assert_false(cases_similar("роутер не работает", "счёт неверный"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p80),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_similar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
