/* test_imap.c - the id map of the live chat state: put, replace, get,
 * delete with backward shift (no lost neighbours after deletes in a probe
 * run), growth, and keys that collide in the low bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/imap.h"

#define N 20000

static void *val(int64_t k)
{
	return (void *)(uintptr_t)(k * 2 + 1);
}

static void test_put_get_replace(void **state)
{
	struct imap m;

	(void)state;
	imap_init(&m);
	assert_null(imap_get(&m, 1)); /* empty map */
	assert_null(imap_del(&m, 1));
	assert_int_equal(imap_put(&m, 5, val(5)), E_OK);
	assert_ptr_equal(imap_get(&m, 5), val(5));
	assert_int_equal(imap_put(&m, 5, val(6)), E_OK);
	assert_ptr_equal(imap_get(&m, 5), val(6));
	assert_int_equal(m.n, 1);
	assert_null(imap_get(&m, 6));
	imap_free(&m);
}

static void test_many_with_deletes(void **state)
{
	struct imap m;

	(void)state;
	imap_init(&m);
	for (int64_t k = 1; k <= N; k++)
		assert_int_equal(imap_put(&m, k, val(k)), E_OK);
	assert_int_equal(m.n, N);
	assert_true(m.cap >= 2 * N); /* grows at 50% */
	for (int64_t k = 1; k <= N; k += 2)
		assert_ptr_equal(imap_del(&m, k), val(k));
	assert_int_equal(m.n, N / 2);
	for (int64_t k = 1; k <= N; k++)
		if (k % 2)
			assert_null(imap_get(&m, k));
		else
			assert_ptr_equal(imap_get(&m, k), val(k));
	for (int64_t k = 1; k <= N; k += 2)
		assert_int_equal(imap_put(&m, k, val(k)), E_OK);
	for (int64_t k = 1; k <= N; k++)
		assert_ptr_equal(imap_get(&m, k), val(k));
	imap_free(&m);
}

static void test_colliding_keys(void **state)
{
	struct imap m;
	int64_t step = (int64_t)1 << 32; /* same low bits */

	(void)state;
	imap_init(&m);
	for (int64_t i = 1; i <= 64; i++)
		assert_int_equal(imap_put(&m, i * step, val(i)), E_OK);
	/* delete from the middle of the probe runs; the rest stay reachable */
	for (int64_t i = 1; i <= 64; i += 3)
		assert_ptr_equal(imap_del(&m, i * step), val(i));
	for (int64_t i = 1; i <= 64; i++)
		if ((i - 1) % 3 == 0)
			assert_null(imap_get(&m, i * step));
		else
			assert_ptr_equal(imap_get(&m, i * step), val(i));
	imap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_replace),
		cmocka_unit_test(test_many_with_deletes),
		cmocka_unit_test(test_colliding_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
