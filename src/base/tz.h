/*
 * tz.h - civil time in a named IANA time zone.
 *
 * A thin wrapper over GLib's GTimeZone, which reads Debian's tzdata in
 * /usr/share/zoneinfo (including the rule that continues a zone past its
 * last listed transition).  A struct tz is immutable once opened, so one may
 * be shared by any number of threads.  Only the UTC offset of each instant
 * comes from GLib; the Gregorian calendar arithmetic around it is done here,
 * without allocating, because calendars call it several times a day walked.
 *
 * Local times that do not exist (the hour skipped when clocks go forward) or
 * exist twice (the hour repeated when they go back) get one fixed answer in
 * tz_utc_of(); GLib's own g_date_time_new() rounds the first to the
 * transition and picks the later of the second, which is not what we want.
 */
#ifndef HEED_TZ_H
#define HEED_TZ_H

#include <stdint.h>

#include "base/err.h"

struct tz; /* opaque; wraps a GTimeZone * */

struct tz_civil {
	int year, month, day; /* month 1..12, day 1..31 */
	int hour, minute, second;
	int wday; /* 0 = Monday .. 6 = Sunday */
};

/* tz_open - the zone named name ("Europe/Paris", "America/New_York",
 * "UTC").  Only IANA names of zones in the tzdata directory are accepted:
 * GLib would also take POSIX TZ strings ("ABC3", "+01:00") and file paths
 * ("/etc/localtime", "../x"), which a client must not be able to name.
 * E_NOTFOUND for anything else (NULL included), E_NOMEM. */
enum err tz_open(const char *name, struct tz **out);

/* tz_free - release z; NULL is fine. */
void tz_free(struct tz *z);

/* tz_name - the name z was opened with; owned by z. */
const char *tz_name(const struct tz *z);

/* tz_civil_of - the local civil time at ms milliseconds since the epoch
 * (UTC); milliseconds are dropped (floored, also before 1970). */
void tz_civil_of(const struct tz *z, int64_t ms, struct tz_civil *out);

/* tz_utc_of - ms since the epoch of local civil time y-m-d h:mi:00.  Fields
 * past their range carry as in mktime() (h 24 is midnight of the next day,
 * d 32 of January is February 1st).  A time inside a gap (clocks going
 * forward) is moved forward by the gap: 02:30 on the spring-forward day in
 * Europe/Paris is 03:30 local.  An ambiguous time (clocks going back) is its
 * first, earlier occurrence.  Years are clamped to +-100,000,000. */
int64_t tz_utc_of(const struct tz *z, int y, int m, int d, int h, int mi);

/* tz_days_of - days from 1970-01-01 to the proleptic Gregorian date y-m-d
 * (negative before), carrying fields past their range like tz_utc_of. */
int64_t tz_days_of(int y, int m, int d);

/* tz_date_of - the date `days` after 1970-01-01: year, month, day and wday
 * of out, its time fields 0.  tz_date_of(tz_days_of(y, m, d)) gives back
 * y-m-d exactly when that is a real date. */
void tz_date_of(int64_t days, struct tz_civil *out);

#endif
