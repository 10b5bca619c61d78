/*
 * calendar.h - business-hours calendars: a time zone, open spans for each
 * weekday and holidays, and time arithmetic on them (how much open time lies
 * between two instants, when a given amount of it has elapsed).
 *
 * Spans are local wall-clock times, so an office open 09:00-17:00 is open
 * 8 h on every working day, the days clocks change included.  Arithmetic
 * walks local days, converting each span's ends to UTC (base/tz), so it
 * costs O(days walked); it gives up after CAL_DAYS_MAX days.  A calendar is
 * read-only once built and may be shared between threads.
 */
#ifndef HEED_CALENDAR_H
#define HEED_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/tz.h"

#define CAL_SPANS_MAX    4   /* open spans per weekday */
#define CAL_HOLIDAYS_MAX 400
#define CAL_DAYS_MAX     3700 /* local days walked before giving up */

/* minutes after local midnight, 0 <= start_min < end_min <= 1440 */
struct cal_span {
	int start_min, end_min;
};

struct calendar {
	int64_t id; /* filled by the caller (store), 0 for built-in */
	char *name;
	char *tz_name;
	struct cal_span week[7][CAL_SPANS_MAX]; /* 0 = Monday; sorted */
	int n_spans[7];
	int32_t *holidays; /* sorted local dates as yyyymmdd, e.g. 20261225 */
	size_t n_holidays;
	struct tz *tz; /* freed when the arena is released (arena_on_release) */
};

/* cal_parse - build *out in arena ar from its stored/API form.
 *   tz_name: an IANA name (unknown: E_UNPROC, field "tz").
 *   hours_json: {"mon": ["09:00-12:30", "13:30-17:00"], "tue": [...], ...}
 *     with keys mon tue wed thu fri sat sun; a missing day or [] is closed;
 *     "00:00-24:00" is the whole day.  Spans are "HH:MM-HH:MM", start before
 *     end, not overlapping (touching is fine), at most CAL_SPANS_MAX a day;
 *     they are stored sorted.  The week must have at least one span.
 *     Refusals are E_UNPROC with field "hours", "hours.mon" or "hours.mon[1]".
 *   holidays_json: ["YYYY-MM-DD", ...] (NULL or "" is []), real dates of
 *     years 0001-9999 (E_UNPROC, field "holidays[i]"), at most
 *     CAL_HOLIDAYS_MAX entries counting duplicates (E_TOOBIG, "holidays");
 *     duplicates are collapsed.
 * name is copied (NULL gives "").  The zone is released with the arena. */
enum err cal_parse(struct arena *ar, const char *name, const char *tz_name,
		   const char *hours_json, const char *holidays_json,
		   struct calendar *out, struct fail *f);

/* cal_always - the built-in calendar "always": open all week in UTC. */
enum err cal_always(struct arena *ar, struct calendar *out);

/* cal_hours_json - canonical hours in ar, every day in order, e.g.
 * {"mon":["09:00-17:00"],"tue":[],...}; NULL on allocation failure.
 * cal_parse accepts it and gives back the same spans. */
char *cal_hours_json(struct arena *ar, const struct calendar *c);

/* cal_holidays_json - ["2026-12-25",...] sorted, in ar; NULL on allocation
 * failure. */
char *cal_holidays_json(struct arena *ar, const struct calendar *c);

/* cal_is_open - true when t falls inside an open span (start included, end
 * excluded) of a local date that is not a holiday. */
bool cal_is_open(const struct calendar *c, int64_t t);

/* cal_add - the instant at which business_ms of open time has elapsed,
 * counting from `from` (or from the next opening when closed then).  With
 * business_ms 0 (or less) that is the first open instant >= from.  Ending
 * exactly at a closing gives the closing instant.  INT64_MAX when the sum is
 * not reached within CAL_DAYS_MAX local days. */
int64_t cal_add(const struct calendar *c, int64_t from, int64_t business_ms);

/* cal_day_ms - the open time of an average open day (8 h for 09:00-17:00
 * on weekdays, 24 h for a calendar that never closes): what "one business
 * day" means on this calendar.  Pure. */
int64_t cal_day_ms(const struct calendar *c);

/* cal_between - open time in [from, to) in ms, 0 when to <= from; counts at
 * most CAL_DAYS_MAX local days from `from`.  cal_between(c, from,
 * cal_add(c, from, x)) == x whenever cal_add succeeds. */
int64_t cal_between(const struct calendar *c, int64_t from, int64_t to);

/* cal_next_open - the first open instant >= t (t itself when open);
 * INT64_MAX if none within CAL_DAYS_MAX days. */
int64_t cal_next_open(const struct calendar *c, int64_t t);

#endif
