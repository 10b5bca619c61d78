/* test_outbox.c - the retry policy of outgoing email: sent; a permanent
 * refusal fails at once; temporary failures back off 1, 2, 4 ... minutes,
 * capped at an hour, and give up after OUTBOX_MAX_ATTEMPTS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/outbox.h"

#define MIN 60000

static void test_sent(void **state)
{
	struct arena ar;
	struct outbox_msg m = {.state = OUTBOX_PENDING, .last_error = "old"};

	(void)state;
	arena_init(&ar, 1024);
	outbox_next(&m, OUTBOX_OK, NULL, 5000, &ar);
	assert_int_equal(m.state, OUTBOX_SENT);
	assert_int_equal(m.sent_at, 5000);
	assert_int_equal(m.attempts, 1);
	assert_null(m.last_error);
	arena_release(&ar);
}

static void test_permanent(void **state)
{
	struct arena ar;
	struct outbox_msg m = {.state = OUTBOX_PENDING};

	(void)state;
	arena_init(&ar, 1024);
	outbox_next(&m, OUTBOX_PERMANENT, "SMTP 550: no such mailbox", 0, &ar);
	assert_int_equal(m.state, OUTBOX_FAILED);
	assert_string_equal(m.last_error, "SMTP 550: no such mailbox");
	arena_release(&ar);
}

static void test_backoff_then_give_up(void **state)
{
	static const int64_t want_min[] = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60};
	struct arena ar;
	struct outbox_msg m = {.state = OUTBOX_PENDING};
	int64_t now = 1000;

	(void)state;
	arena_init(&ar, 4096);
	for (int i = 0; i < OUTBOX_MAX_ATTEMPTS - 1; i++) {
		outbox_next(&m, OUTBOX_TEMPORARY, "connection refused", now, &ar);
		assert_int_equal(m.state, OUTBOX_PENDING);
		assert_int_equal(m.attempts, i + 1);
		assert_int_equal(m.next_at - now, want_min[i] * MIN);
		now = m.next_at;
	}
	outbox_next(&m, OUTBOX_TEMPORARY, NULL, now, &ar);
	assert_int_equal(m.state, OUTBOX_FAILED);
	assert_int_equal(m.attempts, OUTBOX_MAX_ATTEMPTS);
	assert_string_equal(m.last_error, "unknown error");
	arena_release(&ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sent),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_backoff_then_give_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
