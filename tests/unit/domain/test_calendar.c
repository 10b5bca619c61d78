/* test_calendar.c - business-hours calendars: every refusal of cal_parse
 * with its field path, the canonical JSON round trip, and the arithmetic:
 * cal_add inside hours, before opening, after closing, over a weekend, a
 * holiday and a lunch break, across the 2026 clock changes in Europe/Paris
 * (a 23 h and a 25 h day when open around the clock, 8 h either way for
 * 09:00-17:00), 24 business hours = 3 working days; cal_between agreeing
 * with cal_add; cal_is_open at span edges and on a holiday; cal_next_open;
 * spans cut by the spring-forward gap; giving up; cal_always.
 *
 * Instants are written from the Monday 00:00Z of their week, by hand:
 * 2026-01-01 00:00Z is 1767225600 s, so a date's 00:00Z is that plus
 * (day of year - 1) * 86400:
 *   MAR23  Mon 2026-03-23, day  82 -> 1774224000   (Paris CET,  UTC+1,
 *                                                   CEST from Sun 01:00Z)
 *   JUN15  Mon 2026-06-15, day 166 -> 1781481600   (Paris CEST, UTC+2)
 *   OCT19  Mon 2026-10-19, day 292 -> 1792368000   (Paris CEST, UTC+2,
 *                                                   CET from Sun 01:00Z)
 *   DEC21  Mon 2026-12-21, day 355 -> 1797811200   (Paris CET,  UTC+1)
 * so "Tue 10:00 CEST" is JUN15 + 1 * DAY + 8 * H (10:00 local - 2 h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"

#define MIN   60000LL
#define H     3600000LL
#define DAY   (24 * H)
#define MAR23 1774224000000LL
#define JUN15 1781481600000LL
#define OCT19 1792368000000LL
#define DEC21 1797811200000LL

#define WEEKDAYS(span)                                                        \
	"{\"mon\":[" span "],\"tue\":[" span "],\"wed\":[" span "],"          \
	"\"thu\":[" span "],\"fri\":[" span "]}"
#define EVERY_DAY(span)                                                       \
	"{\"mon\":[" span "],\"tue\":[" span "],\"wed\":[" span "],"          \
	"\"thu\":[" span "],\"fri\":[" span "],\"sat\":[" span "],"           \
	"\"sun\":[" span "]}"

static const char office_hours[] = WEEKDAYS("\"09:00-17:00\"");
static const char split_hours[] = WEEKDAYS("\"13:30-17:00\",\"09:00-12:30\"");

struct cals {
	struct arena ar;
	struct calendar office; /* Mon-Fri 09:00-17:00, Christmas off */
	struct calendar split;  /* Mon-Fri 09:00-12:30, 13:30-17:00 */
	struct calendar allday; /* every day 00:00-24:00 */
	struct calendar daily;  /* every day 09:00-17:00 */
};

static void parse_ok(struct arena *ar, const char *hours, const char *holidays,
		     struct calendar *c)
{
	struct fail f = {0};

	if (cal_parse(ar, "test", "Europe/Paris", hours, holidays, c, &f))
		fail_msg("cal_parse: %s: %s", f.field, f.msg);
}

static int setup(void **state)
{
	struct cals *k = test_calloc(1, sizeof(*k));

	arena_init(&k->ar, 4096);
	parse_ok(&k->ar, office_hours, "[\"2026-12-25\"]", &k->office);
	parse_ok(&k->ar, split_hours, NULL, &k->split);
	parse_ok(&k->ar, EVERY_DAY("\"00:00-24:00\""), "", &k->allday);
	parse_ok(&k->ar, EVERY_DAY("\"09:00-17:00\""), "[]", &k->daily);
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct cals *k = *state;

	arena_release(&k->ar); /* also frees each calendar's zone */
	test_free(k);
	return 0;
}

/* ---- parsing ----------------------------------------------------------- */

struct bad {
	const char *tz, *hours, *holidays;
	enum err code;
	const char *field, *msg; /* msg: a part of the message */
};

static const struct bad bads[] = {
	{"Mars/Olympus_Mons", office_hours, NULL, E_UNPROC, "tz", "time zone"},
	{NULL, office_hours, NULL, E_UNPROC, "tz", "IANA"},
	{"../../etc/localtime", office_hours, NULL, E_UNPROC, "tz", "time zone"},
	{"Europe/Paris", "{", NULL, E_UNPROC, "hours", "not valid JSON"},
	{"Europe/Paris", "[]", NULL, E_UNPROC, "hours", "object of days"},
	{"Europe/Paris", "{\"mon\":[\"09:00-12:00\"],\"mon\":[]}", NULL,
	 E_UNPROC, "hours", "not valid JSON"}, /* duplicate key */
	{"Europe/Paris", "{\"monday\":[\"09:00-17:00\"]}", NULL, E_UNPROC,
	 "hours.monday", "unknown day"},
	{"Europe/Paris", "{\"mon\":\"09:00-17:00\"}", NULL, E_UNPROC,
	 "hours.mon", "list"},
	{"Europe/Paris",
	 "{\"tue\":[\"01:00-02:00\",\"03:00-04:00\",\"05:00-06:00\","
	 "\"07:00-08:00\",\"09:00-10:00\"]}",
	 NULL, E_UNPROC, "hours.tue", "at most 4"},
	{"Europe/Paris", "{\"mon\":[900]}", NULL, E_UNPROC, "hours.mon[0]",
	 "HH:MM-HH:MM"},
	{"Europe/Paris", "{\"tue\":[\"09:00-12:00\",\"9:00-17:00\"]}", NULL,
	 E_UNPROC, "hours.tue[1]", "HH:MM-HH:MM"},
	{"Europe/Paris", "{\"wed\":[\"09:00-25:00\"]}", NULL, E_UNPROC,
	 "hours.wed[0]", "HH:MM-HH:MM"},
	{"Europe/Paris", "{\"wed\":[\"09:60-10:00\"]}", NULL, E_UNPROC,
	 "hours.wed[0]", "HH:MM-HH:MM"},
	{"Europe/Paris", "{\"wed\":[\"09:00-24:30\"]}", NULL, E_UNPROC,
	 "hours.wed[0]", "HH:MM-HH:MM"},
	{"Europe/Paris", "{\"sat\":[\"09:00-17:00 \"]}", NULL, E_UNPROC,
	 "hours.sat[0]", "HH:MM-HH:MM"},
	{"Europe/Paris", "{\"thu\":[\"17:00-09:00\"]}", NULL, E_UNPROC,
	 "hours.thu[0]", "start before"},
	{"Europe/Paris", "{\"thu\":[\"09:00-09:00\"]}", NULL, E_UNPROC,
	 "hours.thu[0]", "start before"},
	{"Europe/Paris", "{\"sun\":[\"24:00-24:00\"]}", NULL, E_UNPROC,
	 "hours.sun[0]", "start before"},
	{"Europe/Paris", "{\"fri\":[\"09:00-12:00\",\"11:00-13:00\"]}", NULL,
	 E_UNPROC, "hours.fri[1]", "overlaps \"09:00-12:00\""},
	{"Europe/Paris", "{\"fri\":[\"13:00-14:00\",\"08:00-18:00\"]}", NULL,
	 E_UNPROC, "hours.fri[1]", "overlaps \"13:00-14:00\""},
	{"Europe/Paris", "{}", NULL, E_UNPROC, "hours", "must be open some time"},
	{"Europe/Paris", "{\"mon\":[],\"sun\":[]}", NULL, E_UNPROC, "hours",
	 "must be open some time"},
	{"Europe/Paris", NULL, NULL, E_UNPROC, "hours", "must be open some time"},
	{"Europe/Paris", office_hours, "[", E_UNPROC, "holidays", "not valid JSON"},
	{"Europe/Paris", office_hours, "{}", E_UNPROC, "holidays", "list"},
	{"Europe/Paris", office_hours, "[\"2026-12-25\",\"2026-02-30\"]",
	 E_UNPROC, "holidays[1]", "real date"},
	{"Europe/Paris", office_hours, "[\"2026-2-3\"]", E_UNPROC, "holidays[0]",
	 "YYYY-MM-DD"},
	{"Europe/Paris", office_hours, "[20261225]", E_UNPROC, "holidays[0]",
	 "YYYY-MM-DD"},
	{"Europe/Paris", office_hours, "[\"2026-13-01\"]", E_UNPROC,
	 "holidays[0]", "real date"},
	{"Europe/Paris", office_hours, "[\"0000-01-01\"]", E_UNPROC,
	 "holidays[0]", "real date"},
	{"Europe/Paris", office_hours, "[\"2026-12-25T00:00\"]", E_UNPROC,
	 "holidays[0]", "YYYY-MM-DD"},
};

static void test_parse_errors(void **state)
{
	struct arena ar;

	(void)state;
	arena_init(&ar, 1024);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		struct calendar c;
		struct fail f = {0};

		if (cal_parse(&ar, "x", b->tz, b->hours, b->holidays, &c, &f) !=
			    b->code ||
		    strcmp(f.field, b->field) != 0 || !strstr(f.msg, b->msg))
			fail_msg("case %zu: got %d %s: %s", i, f.code, f.field,
				 f.msg);
	}
	arena_release(&ar);
}

static void test_parse_limits(void **state)
{
	char text[401 * 13 + 3], *p = text;
	struct calendar c;
	struct fail f = {0};
	struct arena ar;

	(void)state;
	arena_init(&ar, 1024);
	/* the unknown day lists the real ones */
	assert_int_equal(cal_parse(&ar, NULL, "UTC", "{\"lundi\":[]}", NULL, &c,
				   &f),
			 E_UNPROC);
	assert_string_equal(f.field, "hours.lundi");
	assert_non_null(f.allowed);
	assert_string_equal(f.allowed[0], "mon");
	assert_string_equal(f.allowed[6], "sun");
	assert_null(f.allowed[7]);

	/* 400 dates (all of 2026 and 35 days of 2027) pass; one more, even
	 * a duplicate, is too many */
	*p++ = '[';
	for (int i = 0; i < 400; i++) {
		struct tz_civil d;

		tz_date_of(tz_days_of(2026, 1, 1 + i), &d);
		p += sprintf(p, "%s\"%04d-%02d-%02d\"", i ? "," : "", d.year,
			     d.month, d.day);
	}
	strcpy(p, "]");
	assert_int_equal(cal_parse(&ar, NULL, "UTC", office_hours, text, &c, &f),
			 E_OK);
	assert_int_equal(c.n_holidays, 400);
	assert_int_equal(c.holidays[399], 20270204);
	strcpy(p, ",\"2026-01-01\"]");
	assert_int_equal(cal_parse(&ar, NULL, "UTC", office_hours, text, &c, &f),
			 E_TOOBIG);
	assert_string_equal(f.field, "holidays");
	arena_release(&ar);
}

static void test_round_trip(void **state)
{
	static const char hours[] = "{\"fri\":[\"13:30-17:00\",\"09:00-12:30\"],"
				    "\"mon\":[\"00:00-24:00\"],\"sun\":[]}";
	static const char canon[] =
		"{\"mon\":[\"00:00-24:00\"],\"tue\":[],\"wed\":[],\"thu\":[],"
		"\"fri\":[\"09:00-12:30\",\"13:30-17:00\"],\"sat\":[],\"sun\":[]}";
	struct calendar c, d, e;
	struct fail f = {0};
	struct arena ar;

	(void)state;
	arena_init(&ar, 1024);
	assert_int_equal(cal_parse(&ar, NULL, "America/New_York", hours,
				   "[\"2026-12-25\",\"2026-01-01\",\"2026-12-25\"]",
				   &c, &f),
			 E_OK);
	assert_string_equal(c.name, "");
	assert_int_equal(c.id, 0);
	assert_string_equal(c.tz_name, "America/New_York");
	assert_int_equal(c.n_spans[4], 2);
	assert_int_equal(c.week[4][0].start_min, 9 * 60);
	assert_int_equal(c.week[4][1].end_min, 17 * 60);
	assert_int_equal(c.week[0][0].end_min, 1440);
	assert_int_equal(c.n_holidays, 2);
	assert_int_equal(c.holidays[0], 20260101);
	assert_int_equal(c.holidays[1], 20261225);
	assert_string_equal(cal_hours_json(&ar, &c), canon);
	assert_string_equal(cal_holidays_json(&ar, &c),
			    "[\"2026-01-01\",\"2026-12-25\"]");

	/* the canonical text parses to the same calendar */
	assert_int_equal(cal_parse(&ar, "again", c.tz_name,
				   cal_hours_json(&ar, &c),
				   cal_holidays_json(&ar, &c), &d, &f),
			 E_OK);
	assert_memory_equal(d.week, c.week, sizeof(c.week));
	assert_memory_equal(d.n_spans, c.n_spans, sizeof(c.n_spans));
	assert_string_equal(cal_hours_json(&ar, &d), canon);
	assert_string_equal(cal_holidays_json(&ar, &d),
			    "[\"2026-01-01\",\"2026-12-25\"]");

	/* no holidays: NULL, "" and [] alike */
	assert_int_equal(cal_parse(&ar, "n", "UTC", canon, NULL, &e, &f), E_OK);
	assert_string_equal(cal_holidays_json(&ar, &e), "[]");
	assert_int_equal(cal_parse(&ar, "n", "UTC", canon, "", &e, &f), E_OK);
	assert_int_equal(e.n_holidays, 0);
	/* touching spans are not overlapping */
	assert_int_equal(cal_parse(&ar, "t", "UTC",
				   "{\"sat\":[\"12:00-13:00\",\"09:00-12:00\"]}",
				   NULL, &e, &f),
			 E_OK);
	arena_release(&ar);
}

/* ---- arithmetic -------------------------------------------------------- */

static void test_add_working_week(void **state)
{
	struct cals *k = *state;
	const struct calendar *c = &k->office;

	/* inside hours: Tue 10:00 CEST + 2 h = Tue 12:00 */
	assert_int_equal(cal_add(c, JUN15 + DAY + 8 * H, 2 * H),
			 JUN15 + DAY + 10 * H);
	/* before opening: Tue 07:00 + 1 h counts from 09:00 -> 10:00 */
	assert_int_equal(cal_add(c, JUN15 + DAY + 5 * H, 1 * H),
			 JUN15 + DAY + 8 * H);
	/* after closing: Tue 18:00 + 2 h -> Wed 11:00 */
	assert_int_equal(cal_add(c, JUN15 + DAY + 16 * H, 2 * H),
			 JUN15 + 2 * DAY + 9 * H);
	/* ending on the closing gives the closing: Tue 09:00 + 8 h = 17:00 */
	assert_int_equal(cal_add(c, JUN15 + DAY + 7 * H, 8 * H),
			 JUN15 + DAY + 15 * H);
	/* over the weekend: Fri 16:00 + 2 h -> Mon 22 June 10:00 */
	assert_int_equal(cal_add(c, JUN15 + 4 * DAY + 14 * H, 2 * H),
			 JUN15 + 7 * DAY + 8 * H);
	/* 24 business hours are 3 working days: Mon 09:00 -> Wed 17:00, and
	 * Mon 10:00 -> Thu 10:00 */
	assert_int_equal(cal_add(c, JUN15 + 7 * H, 24 * H),
			 JUN15 + 2 * DAY + 15 * H);
	assert_int_equal(cal_add(c, JUN15 + 8 * H, 24 * H),
			 JUN15 + 3 * DAY + 8 * H);
	/* a whole week's hours from Sat noon: Mon 09:00 .. Fri 17:00 */
	assert_int_equal(cal_add(c, JUN15 + 5 * DAY + 10 * H, 40 * H),
			 JUN15 + 11 * DAY + 15 * H);
	assert_int_equal(cal_between(c, JUN15, JUN15 + 7 * DAY), 40 * H);
}

static void test_add_zero_and_next_open(void **state)
{
	struct cals *k = *state;
	const struct calendar *c = &k->office;
	int64_t tue10 = JUN15 + DAY + 8 * H;

	/* open: from itself; closed: the next opening */
	assert_int_equal(cal_add(c, tue10, 0), tue10);
	assert_int_equal(cal_add(c, tue10, -5), tue10);
	assert_int_equal(cal_next_open(c, tue10), tue10);
	/* Tue 17:00 (closing, excluded) -> Wed 09:00 */
	assert_int_equal(cal_next_open(c, JUN15 + DAY + 15 * H),
			 JUN15 + 2 * DAY + 7 * H);
	/* Sat 20 June 12:00 -> Mon 22 June 09:00 */
	assert_int_equal(cal_next_open(c, JUN15 + 5 * DAY + 10 * H),
			 JUN15 + 7 * DAY + 7 * H);
	assert_int_equal(cal_add(c, JUN15 + 5 * DAY + 10 * H, 0),
			 JUN15 + 7 * DAY + 7 * H);
	/* Christmas Eve (Thu) 18:00 CET -> Mon 28 Dec 09:00 CET (08:00Z) */
	assert_int_equal(cal_next_open(c, DEC21 + 3 * DAY + 17 * H),
			 DEC21 + 7 * DAY + 8 * H);
}

static void test_add_holiday(void **state)
{
	struct cals *k = *state;
	const struct calendar *c = &k->office;

	/* Thu 24 Dec 16:00 CET (15:00Z) + 2 h: 1 h that day, Fri 25 is a
	 * holiday, then the weekend: Mon 28 Dec 10:00 CET (09:00Z) */
	assert_int_equal(cal_add(c, DEC21 + 3 * DAY + 15 * H, 2 * H),
			 DEC21 + 7 * DAY + 9 * H);
	/* the same from the calendar without holidays: Fri 25 10:00 CET */
	assert_int_equal(cal_add(&k->split, DEC21 + 3 * DAY + 15 * H, 2 * H),
			 DEC21 + 4 * DAY + 9 * H);
	/* a week with Christmas has 32 h */
	assert_int_equal(cal_between(c, DEC21, DEC21 + 7 * DAY), 32 * H);
}

static void test_add_lunch(void **state)
{
	struct cals *k = *state;
	const struct calendar *c = &k->split;

	/* Tue 12:00 CEST + 1 h: 30 min to 12:30, lunch, 13:30 + 30 min */
	assert_int_equal(cal_add(c, JUN15 + DAY + 10 * H, 1 * H),
			 JUN15 + DAY + 12 * H);
	/* during lunch (12:45) counting starts at 13:30 */
	assert_int_equal(cal_add(c, JUN15 + DAY + 10 * H + 45 * MIN, 1 * H),
			 JUN15 + DAY + 12 * H + 30 * MIN);
	/* exactly 3.5 h from 09:00 ends at 12:30, not 13:30 */
	assert_int_equal(cal_add(c, JUN15 + DAY + 7 * H, 3 * H + 30 * MIN),
			 JUN15 + DAY + 10 * H + 30 * MIN);
	/* 7 h a day */
	assert_int_equal(cal_between(c, JUN15 + DAY, JUN15 + 2 * DAY), 7 * H);
	/* 11:00-14:00 local: 11:00-12:30 and 13:30-14:00 */
	assert_int_equal(cal_between(c, JUN15 + DAY + 9 * H, JUN15 + DAY + 12 * H),
			 2 * H);
}

static void test_dst_around_the_clock(void **state)
{
	struct cals *k = *state;
	const struct calendar *c = &k->allday;
	int64_t sun_mar = MAR23 + 5 * DAY + 23 * H; /* Sun 29 00:00 CET */
	int64_t mon_mar = MAR23 + 6 * DAY + 22 * H; /* Mon 30 00:00 CEST */
	int64_t sun_oct = OCT19 + 5 * DAY + 22 * H; /* Sun 25 00:00 CEST */
	int64_t mon_oct = OCT19 + 6 * DAY + 23 * H; /* Mon 26 00:00 CET */

	/* the spring-forward Sunday is 23 h, the fall-back one 25 h */
	assert_int_equal(cal_between(c, sun_mar, mon_mar), 23 * H);
	assert_int_equal(cal_between(c, sun_oct, mon_oct), 25 * H);
	/* so 24 h from Sunday 00:00 is Monday 01:00 CEST (Sun 23:00Z) in
	 * March, and Sunday 23:00 CET (Sun 22:00Z) in October */
	assert_int_equal(cal_add(c, sun_mar, 24 * H), MAR23 + 6 * DAY + 23 * H);
	assert_int_equal(cal_add(c, sun_oct, 24 * H), OCT19 + 6 * DAY + 22 * H);
	/* always open: business time is real time, across both weekends */
	assert_int_equal(cal_between(c, MAR23, MAR23 + 7 * DAY), 7 * DAY);
	assert_int_equal(cal_between(c, OCT19 + 3 * H, OCT19 + 9 * DAY),
			 9 * DAY - 3 * H);
	assert_int_equal(cal_add(c, MAR23 + 12 * H, 100 * H), MAR23 + 112 * H);
	assert_true(cal_is_open(c, MAR23 + 6 * DAY + 1 * H)); /* 03:00 CEST */
}

static void test_dst_office_hours(void **state)
{
	struct cals *k = *state;
	const struct calendar *d = &k->daily, *o = &k->office;

	/* 09:00-17:00 is 8 h on both Sundays: 07:00Z-15:00Z (CEST) on 29 Mar,
	 * 08:00Z-16:00Z (CET) on 25 Oct */
	assert_int_equal(cal_between(d, MAR23 + 5 * DAY, MAR23 + 7 * DAY),
			 16 * H);
	assert_int_equal(cal_between(d, OCT19 + 5 * DAY, OCT19 + 7 * DAY),
			 16 * H);
	assert_int_equal(cal_add(d, MAR23 + 6 * DAY, 8 * H),
			 MAR23 + 6 * DAY + 15 * H);
	assert_int_equal(cal_add(d, OCT19 + 6 * DAY, 8 * H),
			 OCT19 + 6 * DAY + 16 * H);
	assert_false(cal_is_open(d, MAR23 + 6 * DAY + 7 * H - 1)); /* 08:59:59 */
	assert_true(cal_is_open(d, MAR23 + 6 * DAY + 7 * H));      /* 09:00 */
	assert_true(cal_is_open(d, OCT19 + 6 * DAY + 16 * H - 1)); /* 16:59:59 */
	assert_false(cal_is_open(d, OCT19 + 6 * DAY + 16 * H));    /* 17:00 */

	/* Mon-Fri over each weekend: Fri 16:00 + 8 h -> Mon 16:00.  March:
	 * Fri 27 15:00Z (CET) -> Mon 30 14:00Z (CEST); October: Fri 23
	 * 14:00Z (CEST) -> Mon 26 15:00Z (CET) */
	assert_int_equal(cal_add(o, MAR23 + 4 * DAY + 15 * H, 8 * H),
			 MAR23 + 7 * DAY + 14 * H);
	assert_int_equal(cal_add(o, OCT19 + 4 * DAY + 14 * H, 8 * H),
			 OCT19 + 7 * DAY + 15 * H);
}

static void test_gap_spans(void **state)
{
	struct calendar c;
	struct arena ar;
	int64_t sun = MAR23 + 5 * DAY + 23 * H; /* Sun 29 Mar 00:00 CET */

	(void)state;
	arena_init(&ar, 1024);
	parse_ok(&ar, "{\"sun\":[\"01:00-02:30\",\"03:00-04:00\"]}", NULL, &c);
	/* 02:30 does not exist that day: tz_utc_of moves it to 03:30 CEST
	 * (01:30Z), so the first span runs 01:00 CET (00:00Z) to 01:30Z and
	 * the second, 03:00-04:00 CEST (01:00Z-02:00Z), is clipped to start
	 * there: 01:30 + 00:30 = 2 h, what a wall clock shows (01:00-02:00
	 * CET, 03:00-04:00 CEST), the half hour both claim counted once */
	assert_int_equal(cal_between(&c, sun, sun + DAY), 2 * H);
	assert_int_equal(cal_add(&c, sun, 90 * MIN), sun + 2 * H + 30 * MIN);
	assert_true(cal_is_open(&c, sun + 2 * H + 15 * MIN)); /* 03:15 CEST */
	assert_false(cal_is_open(&c, sun + 3 * H));           /* 04:00 CEST */
	/* a week earlier, a plain Sunday: 2.5 h */
	assert_int_equal(cal_between(&c, sun - 7 * DAY, sun - 6 * DAY),
			 2 * H + 30 * MIN);
	/* in October 02:00-03:00 happens twice and 02:30 is its first run
	 * (00:30Z): 01:00 CEST (Oct 24 23:00Z) to 00:30Z, then 03:00-04:00
	 * CET (02:00Z-03:00Z): 2.5 h */
	assert_int_equal(cal_between(&c, OCT19 + 5 * DAY, OCT19 + 7 * DAY),
			 2 * H + 30 * MIN);
	arena_release(&ar);
}

static void test_is_open(void **state)
{
	struct cals *k = *state;
	int64_t tue = JUN15 + DAY;

	/* start included, end excluded: Tue 09:00 CEST is 07:00Z */
	assert_false(cal_is_open(&k->office, tue + 7 * H - 1));
	assert_true(cal_is_open(&k->office, tue + 7 * H));
	assert_true(cal_is_open(&k->office, tue + 15 * H - 1));
	assert_false(cal_is_open(&k->office, tue + 15 * H));
	/* lunch: 12:30 closed, 13:30 open */
	assert_true(cal_is_open(&k->split, tue + 10 * H + 30 * MIN - 1));
	assert_false(cal_is_open(&k->split, tue + 10 * H + 30 * MIN));
	assert_false(cal_is_open(&k->split, tue + 11 * H + 30 * MIN - 1));
	assert_true(cal_is_open(&k->split, tue + 11 * H + 30 * MIN));
	/* weekend */
	assert_false(cal_is_open(&k->office, JUN15 + 5 * DAY + 10 * H));
	/* Christmas (a Friday) at noon CET is closed, a week before is open */
	assert_false(cal_is_open(&k->office, DEC21 + 4 * DAY + 11 * H));
	assert_true(cal_is_open(&k->office, DEC21 - 3 * DAY + 11 * H));
	assert_true(cal_is_open(&k->split, DEC21 + 4 * DAY + 11 * H));
}

/* cal_between(from, cal_add(from, x)) == x, from various starts and for
 * various amounts, on every test calendar. */
static void test_between_matches_add(void **state)
{
	struct cals *k = *state;
	const struct calendar *cals[] = {&k->office, &k->split, &k->allday,
					 &k->daily};
	const int64_t froms[] = {
		JUN15 + DAY + 8 * H,           JUN15 + 5 * DAY,
		MAR23 + 4 * DAY + 15 * H,      MAR23 + 6 * DAY + 1 * H + 1,
		OCT19 + 5 * DAY + 23 * H + 17, OCT19 + 6 * DAY + 1 * H,
		DEC21 + 3 * DAY + 15 * H,      DEC21 + 4 * DAY,
	};
	const int64_t xs[] = {0, 1, 30 * MIN, 8 * H, 24 * H, 25 * H,
			      100 * H + 7, 1000 * H};

	(void)state;
	for (size_t n = 0; n < 4 * 8 * 8; n++) {
		const struct calendar *c = cals[n / 64];
		int64_t from = froms[n / 8 % 8], x = xs[n % 8];
		int64_t to = cal_add(c, from, x);

		assert_true(to >= from);
		assert_int_equal(cal_between(c, from, to), x);
	}
	assert_int_equal(cal_between(&k->office, JUN15 + DAY, JUN15), 0);
	assert_int_equal(cal_between(&k->office, JUN15, JUN15), 0);
}

static void test_gives_up(void **state)
{
	struct cals *k = *state;
	const struct calendar *c = &k->office;

	/* 40 h a week: 3,700 days hold about 21,000 h */
	assert_int_equal(cal_add(c, JUN15, 20000 * H) < INT64_MAX, true);
	assert_int_equal(cal_add(c, JUN15, 30000 * H), INT64_MAX);
	assert_int_equal(cal_add(c, JUN15, INT64_MAX), INT64_MAX);
	/* no overflow at the ends of time */
	assert_int_equal(cal_add(c, INT64_MAX - 5, 1), INT64_MAX);
	assert_int_equal(cal_next_open(c, INT64_MAX), INT64_MAX);
	assert_false(cal_is_open(c, INT64_MAX));
	assert_false(cal_is_open(c, INT64_MIN));
	assert_true(cal_between(c, INT64_MIN, INT64_MAX) >= 0);
}

static void test_always(void **state)
{
	struct calendar c;
	struct arena ar;

	(void)state;
	arena_init(&ar, 1024);
	assert_int_equal(cal_always(&ar, &c), E_OK);
	assert_int_equal(c.id, 0);
	assert_string_equal(c.name, "always");
	assert_string_equal(c.tz_name, "UTC");
	assert_string_equal(cal_hours_json(&ar, &c),
			    EVERY_DAY("\"00:00-24:00\""));
	assert_string_equal(cal_holidays_json(&ar, &c), "[]");
	assert_true(cal_is_open(&c, 0));
	assert_true(cal_is_open(&c, MAR23 + 6 * DAY + 1 * H));
	assert_int_equal(cal_add(&c, JUN15 + 17, 0), JUN15 + 17);
	assert_int_equal(cal_add(&c, JUN15 + 17, 1000 * H + 3),
			 JUN15 + 1000 * H + 20);
	assert_int_equal(cal_between(&c, MAR23, OCT19), OCT19 - MAR23);
	arena_release(&ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_add_working_week),
		cmocka_unit_test(test_add_zero_and_next_open),
		cmocka_unit_test(test_add_holiday),
		cmocka_unit_test(test_add_lunch),
		cmocka_unit_test(test_dst_around_the_clock),
		cmocka_unit_test(test_dst_office_hours),
		cmocka_unit_test(test_gap_spans),
		cmocka_unit_test(test_is_open),
		cmocka_unit_test(test_between_matches_add),
		cmocka_unit_test(test_gives_up),
		cmocka_unit_test(test_always),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
