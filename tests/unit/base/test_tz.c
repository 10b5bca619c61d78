/* test_tz.c - civil time in IANA zones: Europe/Paris and America/New_York
 * around their 2026 clock changes (the civil time either side, the gap moved
 * forward by its length, the ambiguous hour's first occurrence), UTC, hour
 * 24 and other carried fields, the date arithmetic, names GLib would take
 * but we refuse, and a cross-check of every quarter hour of 2026 against
 * GLib's own GDateTime.
 *
 * Reference instants, by hand: 2026-01-01 00:00Z is 1767225600 s (56 years
 * of 365 days plus 14 leap days since 1970 = 20454 days).  A date's 00:00Z
 * is that plus (day of year - 1) * 86400:
 *   2026-03-08  day  67 -> 1772928000    2026-03-29  day  88 -> 1774742400
 *   2026-10-25  day 298 -> 1792886400    2026-11-01  day 305 -> 1793491200
 * Paris is UTC+1 (CET) in winter, UTC+2 (CEST) in summer, and changes at
 * 01:00Z; New York is UTC-5 (EST) / UTC-4 (EDT) and changes at 02:00 local. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <limits.h>

#include "base/tz.h"

#define MIN_MS  60000LL
#define HOUR_MS 3600000LL

/* 2026-03-29 01:00Z = 1774742400 + 3600: Paris 02:00 CET -> 03:00 CEST */
#define PARIS_SPRING 1774746000000LL
/* 2026-10-25 01:00Z = 1792886400 + 3600: Paris 03:00 CEST -> 02:00 CET */
#define PARIS_FALL 1792890000000LL
/* 2026-03-08 07:00Z = 1772928000 + 7 h: New York 02:00 EST -> 03:00 EDT */
#define NY_SPRING 1772953200000LL
/* 2026-11-01 06:00Z = 1793491200 + 6 h: New York 02:00 EDT -> 01:00 EST */
#define NY_FALL 1793512800000LL

static struct tz *open_zone(const char *name)
{
	struct tz *z = NULL;

	assert_int_equal(tz_open(name, &z), E_OK);
	assert_non_null(z);
	assert_string_equal(tz_name(z), name);
	return z;
}

static void check_civil(const struct tz *z, int64_t ms, int y, int mo, int d,
			int h, int mi, int s, int wday)
{
	struct tz_civil c;

	tz_civil_of(z, ms, &c);
	assert_int_equal(c.year, y);
	assert_int_equal(c.month, mo);
	assert_int_equal(c.day, d);
	assert_int_equal(c.hour, h);
	assert_int_equal(c.minute, mi);
	assert_int_equal(c.second, s);
	assert_int_equal(c.wday, wday);
}

static void test_paris_spring_forward(void **state)
{
	struct tz *z = open_zone("Europe/Paris");

	(void)state;
	/* a Sunday: the last millisecond of CET, then 03:00 CEST */
	check_civil(z, PARIS_SPRING - 1, 2026, 3, 29, 1, 59, 59, 6);
	check_civil(z, PARIS_SPRING, 2026, 3, 29, 3, 0, 0, 6);
	/* 01:59 CET = 00:59Z; 03:00 CEST = 01:00Z */
	assert_int_equal(tz_utc_of(z, 2026, 3, 29, 1, 59),
			 PARIS_SPRING - MIN_MS);
	assert_int_equal(tz_utc_of(z, 2026, 3, 29, 3, 0), PARIS_SPRING);
	/* the gap 02:00-03:00 moves forward by its hour: 02:00 -> 03:00 CEST
	 * (01:00Z), 02:30 -> 03:30 CEST (01:30Z = 1774747800) */
	assert_int_equal(tz_utc_of(z, 2026, 3, 29, 2, 0), PARIS_SPRING);
	assert_int_equal(tz_utc_of(z, 2026, 3, 29, 2, 30), 1774747800000LL);
	check_civil(z, 1774747800000LL, 2026, 3, 29, 3, 30, 0, 6);
	/* midnight starting that day: 00:00 CET = 2026-03-28 23:00Z */
	assert_int_equal(tz_utc_of(z, 2026, 3, 29, 0, 0), 1774738800000LL);
	tz_free(z);
}

static void test_paris_fall_back(void **state)
{
	struct tz *z = open_zone("Europe/Paris");

	(void)state;
	/* the last millisecond of CEST, then 02:00 again in CET */
	check_civil(z, PARIS_FALL - 1, 2026, 10, 25, 2, 59, 59, 6);
	check_civil(z, PARIS_FALL, 2026, 10, 25, 2, 0, 0, 6);
	check_civil(z, PARIS_FALL + 30 * MIN_MS, 2026, 10, 25, 2, 30, 0, 6);
	/* 02:00-03:00 happens twice; the first is CEST: 02:00 CEST = 00:00Z
	 * (1792886400), 02:30 CEST = 00:30Z (1792888200) */
	assert_int_equal(tz_utc_of(z, 2026, 10, 25, 2, 0), 1792886400000LL);
	assert_int_equal(tz_utc_of(z, 2026, 10, 25, 2, 30), 1792888200000LL);
	/* either side of the repeated hour: 01:59 CEST = 2026-10-24 23:59Z,
	 * 03:00 CET = 02:00Z */
	assert_int_equal(tz_utc_of(z, 2026, 10, 25, 1, 59),
			 1792886400000LL - MIN_MS);
	assert_int_equal(tz_utc_of(z, 2026, 10, 25, 3, 0),
			 PARIS_FALL + HOUR_MS);
	tz_free(z);
}

static void test_new_york(void **state)
{
	struct tz *z = open_zone("America/New_York");

	(void)state;
	/* Sunday 2026-03-08: 01:59:59 EST, then 03:00 EDT */
	check_civil(z, NY_SPRING - 1, 2026, 3, 8, 1, 59, 59, 6);
	check_civil(z, NY_SPRING, 2026, 3, 8, 3, 0, 0, 6);
	/* 02:30 is in the gap: 03:30 EDT = 07:30Z (1772955000) */
	assert_int_equal(tz_utc_of(z, 2026, 3, 8, 2, 30), 1772955000000LL);
	/* 12:00 EDT = 16:00Z = 1772928000 + 16 h */
	assert_int_equal(tz_utc_of(z, 2026, 3, 8, 12, 0), 1772985600000LL);

	/* Sunday 2026-11-01: 01:59:59 EDT, then 01:00 EST */
	check_civil(z, NY_FALL - 1, 2026, 11, 1, 1, 59, 59, 6);
	check_civil(z, NY_FALL, 2026, 11, 1, 1, 0, 0, 6);
	/* 01:30 is ambiguous: first, EDT = 05:30Z (1793511000); the second
	 * (EST) would be 06:30Z */
	assert_int_equal(tz_utc_of(z, 2026, 11, 1, 1, 30), 1793511000000LL);
	/* 12:00 EST = 17:00Z = 1793491200 + 17 h */
	assert_int_equal(tz_utc_of(z, 2026, 11, 1, 12, 0), 1793552400000LL);
	tz_free(z);
}

static void test_utc(void **state)
{
	struct tz *z = open_zone("UTC");

	(void)state;
	check_civil(z, 0, 1970, 1, 1, 0, 0, 0, 3);       /* a Thursday */
	check_civil(z, -1, 1969, 12, 31, 23, 59, 59, 2); /* floored */
	check_civil(z, 1767225600000LL, 2026, 1, 1, 0, 0, 0, 3);
	/* 2000-02-29 12:00Z: 30 years, 7 leap days -> 10957 + 59 days */
	assert_int_equal(tz_utc_of(z, 2000, 2, 29, 12, 0), 951825600000LL);
	check_civil(z, 951825600000LL, 2000, 2, 29, 12, 0, 0, 1); /* Tuesday */
	tz_free(z);
}

static void test_carry(void **state)
{
	struct tz *p = open_zone("Europe/Paris"), *u = open_zone("UTC");

	(void)state;
	/* 24:00 is the next midnight: 2026-03-28 24:00 CET = 23:00Z */
	assert_int_equal(tz_utc_of(p, 2026, 3, 28, 24, 0), 1774738800000LL);
	assert_int_equal(tz_utc_of(p, 2026, 3, 28, 24, 0),
			 tz_utc_of(p, 2026, 3, 29, 0, 0));
	/* ... and the day after the fall-back day, 25 h later: 00:00 CET on
	 * 2026-10-26 = 2026-10-25 23:00Z */
	assert_int_equal(tz_utc_of(p, 2026, 10, 25, 24, 0),
			 1792886400000LL + 23 * HOUR_MS);
	/* January 32nd is February 1st (1767225600 + 31 days); month 13 is
	 * January of the next year (+ 365 days) */
	assert_int_equal(tz_utc_of(u, 2026, 1, 32, 0, 0), 1769904000000LL);
	assert_int_equal(tz_utc_of(u, 2026, 13, 1, 0, 0), 1798761600000LL);
	assert_int_equal(tz_utc_of(u, 2026, 0, 1, 0, 0),
			 tz_utc_of(u, 2025, 12, 1, 0, 0));
	tz_free(p);
	tz_free(u);
}

static void test_dates(void **state)
{
	struct tz_civil c, prev;

	(void)state;
	assert_int_equal(tz_days_of(1970, 1, 1), 0);
	assert_int_equal(tz_days_of(1969, 12, 31), -1);
	assert_int_equal(tz_days_of(2000, 3, 1), 11017);
	assert_int_equal(tz_days_of(2026, 1, 1), 20454);
	tz_date_of(-800001, &prev);
	for (int64_t d = -800000; d <= 800000; d++) { /* 0-01-01 .. 4160 */
		tz_date_of(d, &c);
		assert_int_equal(tz_days_of(c.year, c.month, c.day), d);
		assert_int_equal(c.wday, (prev.wday + 1) % 7);
		if (c.day != 1)
			assert_int_equal(c.day, prev.day + 1);
		prev = c;
	}
	/* not a real date: does not come back */
	tz_date_of(tz_days_of(2026, 2, 29), &c);
	assert_int_equal(c.month, 3);
	assert_int_equal(c.day, 1);
}

static void test_unknown(void **state)
{
	static const char *const bad[] = {
		"Mars/Olympus_Mons", "utc", "Europe/paris", "Europe", "",
		"Europe/Paris ", "/etc/passwd", "/usr/share/zoneinfo/UTC",
		"../../../etc/localtime", "Europe/../UTC", ":Europe/Paris",
		"ABC3", "+01:00", "Z", "localtime", "posixrules", "zone.tab",
		"Europe//Paris", "Europe/Paris/", NULL,
	};
	struct tz *z = (struct tz *)&z;

	(void)state;
	/* GLib warns with a g_critical for a file that is not a tzfile: make
	 * any such message fatal, to show we never hand it one */
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tz_open(bad[i], &z), E_NOTFOUND);
		assert_null(z);
	}
	tz_free(NULL);
	/* names in tzdata outside the usual Area/City shape still work */
	tz_free(open_zone("EST5EDT"));
	tz_free(open_zone("Etc/GMT+5"));
	tz_free(open_zone("America/Argentina/Buenos_Aires"));
}

/* Every quarter hour of 2026 (and across each zone's changes): our civil
 * time is GLib's GDateTime's, and tz_utc_of() gives the instant back, or
 * for the second run of a repeated hour the earlier instant showing the
 * same wall time. */
static void cross_check(const char *name)
{
	struct tz *z = open_zone(name);
	GTimeZone *g = g_time_zone_new_identifier(name);
	struct tz_civil c, back;

	for (int64_t t = 1767225600000LL; t < 1798761600000LL;
	     t += 15 * MIN_MS) {
		GDateTime *u = g_date_time_new_from_unix_utc(t / 1000);
		GDateTime *l = g_date_time_to_timezone(u, g);
		int64_t r;

		tz_civil_of(z, t, &c);
		assert_int_equal(c.year, g_date_time_get_year(l));
		assert_int_equal(c.month, g_date_time_get_month(l));
		assert_int_equal(c.day, g_date_time_get_day_of_month(l));
		assert_int_equal(c.hour, g_date_time_get_hour(l));
		assert_int_equal(c.minute, g_date_time_get_minute(l));
		assert_int_equal(c.wday + 1, g_date_time_get_day_of_week(l));
		r = tz_utc_of(z, c.year, c.month, c.day, c.hour, c.minute);
		if (r != t) {
			assert_true(r < t && t - r <= 2 * HOUR_MS);
			tz_civil_of(z, r, &back);
			assert_int_equal(back.hour, c.hour);
			assert_int_equal(back.minute, c.minute);
		}
		g_date_time_unref(l);
		g_date_time_unref(u);
	}
	g_time_zone_unref(g);
	tz_free(z);
}

static void test_matches_glib(void **state)
{
	(void)state;
	cross_check("Europe/Paris");
	cross_check("America/New_York");
	cross_check("Australia/Lord_Howe"); /* half-hour changes */
	cross_check("Asia/Kolkata");        /* +05:30, no changes */
}

static void test_extremes(void **state)
{
	struct tz *z = open_zone("Europe/Paris");
	struct tz_civil c;

	(void)state;
	/* no overflow (UBSan would stop the test); years are clamped */
	tz_civil_of(z, INT64_MAX, &c);
	assert_true(c.year > 200000000);
	tz_civil_of(z, INT64_MIN, &c);
	assert_true(c.year < -200000000);
	assert_true(tz_utc_of(z, INT_MAX, INT_MAX, INT_MAX, INT_MAX, 0) > 0);
	assert_true(tz_utc_of(z, INT_MIN, INT_MIN, INT_MIN, INT_MIN, 0) < 0);
	tz_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paris_spring_forward),
		cmocka_unit_test(test_paris_fall_back),
		cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_carry),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_matches_glib),
		cmocka_unit_test(test_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
