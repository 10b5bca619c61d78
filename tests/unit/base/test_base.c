/* test_base.c - arena, bounded buffer, UTF-8 check and clock formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"

static void arena_grows_and_aligns(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a, 64);
	for (int i = 0; i < 1000; i++) {
		char *p = arena_alloc(&a, (size_t)(i % 97) + 1);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 'x', (size_t)(i % 97) + 1);
	}
	assert_string_equal(arena_printf(&a, "%d-%s", 42, "ok"), "42-ok");
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_null(arena_strdup(&a, NULL));
	arena_release(&a);
}

static int cleanup_calls;
static void count_cleanup(void *arg)
{
	cleanup_calls += *(int *)arg;
}

static void arena_cleanups_run_once(void **state)
{
	struct arena a;
	int one = 1, ten = 10;

	(void)state;
	cleanup_calls = 0;
	arena_init(&a, 0);
	assert_int_equal(arena_on_release(&a, count_cleanup, &one), 0);
	assert_int_equal(arena_on_release(&a, count_cleanup, &ten), 0);
	arena_reset(&a);
	assert_int_equal(cleanup_calls, 11);
	arena_release(&a);
	assert_int_equal(cleanup_calls, 11);
}

static void arena_reset_reuses(void **state)
{
	struct arena a;
	void *first;

	(void)state;
	arena_init(&a, 128);
	first = arena_alloc(&a, 16);
	arena_alloc(&a, 4096); /* forces a second block */
	arena_reset(&a);
	assert_ptr_equal(arena_alloc(&a, 16), first);
	arena_release(&a);
}

static void buf_limit_is_hard(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "hello"), E_OK);
	assert_int_equal(buf_adds(&b, "world"), E_OK);
	assert_int_equal(buf_adds(&b, "!"), E_TOOBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	buf_clear(&b);
	assert_int_equal(buf_printf(&b, "%05d", 42), E_OK);
	assert_string_equal(b.data, "00042");
	buf_release(&b);
}

static void utf8_table(void **state)
{
	static const struct { const char *s; size_t n; bool ok; } cases[] = {
		{"plain", 5, true},
		{"caf\xc3\xa9", 5, true},
		{"\xe2\x82\xac", 3, true},           /* euro sign */
		{"\xf0\x9f\x98\x80", 4, true},       /* emoji */
		{"\xc3\x28", 2, false},              /* bad continuation */
		{"\xc0\xaf", 2, false},              /* overlong */
		{"\xed\xa0\x80", 3, false},          /* surrogate */
		{"\xf4\x90\x80\x80", 4, false},      /* past U+10FFFF */
		{"\xe2\x82", 2, false},              /* truncated */
		{"a\0b", 3, false},                  /* NUL */
		{"\xff", 1, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(utf8_valid(cases[i].s, cases[i].n), cases[i].ok);
}

static void clock_round_trip(void **state)
{
	char s[40];
	int64_t t;

	(void)state;
	clock_format(1795425165123LL, s, sizeof(s));
	assert_string_equal(s, "2026-11-23T09:12:45.123Z");
	assert_int_equal(clock_parse(s, &t), 0);
	assert_int_equal(t, 1795425165123LL);
	assert_int_equal(clock_parse("2026-11-23T09:12:45Z", &t), 0);
	assert_int_equal(t, 1795425165000LL);
	assert_int_equal(clock_parse("2026-13-01T00:00:00Z", &t), -1);
	assert_int_equal(clock_parse("yesterday", &t), -1);
	clock_set_ms(1000);
	clock_advance_ms(500);
	assert_int_equal(clock_now_ms(), 1500);
	clock_set_ms(0);
	assert_true(clock_now_ms() > 1700000000000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_grows_and_aligns),
		cmocka_unit_test(arena_cleanups_run_once),
		cmocka_unit_test(arena_reset_reuses),
		cmocka_unit_test(buf_limit_is_hard),
		cmocka_unit_test(utf8_table),
		cmocka_unit_test(clock_round_trip),
	};

	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
