/*
 * tz.c - civil time in a named IANA time zone (see tz.h).
 *
 * GLib answers one question: the UTC offset in force at a UTC instant
 * (g_time_zone_find_interval, g_time_zone_get_offset).  Everything else is
 * arithmetic on "local seconds" (UTC seconds plus that offset) with Howard
 * Hinnant's days-from-civil algorithms.  GLib scans a zone's transitions
 * linearly, so a lookup costs a few hundred comparisons; no lookup allocates.
 *
 * Opening a zone reads its tzdata file; calendars are opened for every
 * event on a case that has one, so the zones opened are kept (a few dozen
 * at most in practice; TZ_CACHE_MAX) and shared by reference.
 */
#include "base/tz.h"

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DAY_S 86400
/* Offsets are within +-26 h (RFC 8536 allows less than 25 h), so every
 * candidate UTC instant for a local time lies within this of it. */
#define NEAR_S (27 * 3600)
/* Local seconds are kept where *1000 and +-NEAR_S cannot overflow. */
#define SECS_MAX (INT64_MAX / 1000 - 2 * NEAR_S)
#define YEAR_MAX 100000000
#define NAME_MAX_LEN 64
#define TZ_CACHE_MAX 64

/* Zones opened so far, for the life of the process (never freed: they
 * stay reachable, and are few). */
static struct {
	char name[NAME_MAX_LEN + 1];
	GTimeZone *g;
} cache[TZ_CACHE_MAX];
static size_t n_cache;
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

struct tz {
	GTimeZone *g;
	char name[]; /* as opened */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

int64_t tz_days_of(int y, int m, int d)
{
	int64_t yy = y, mm = (int64_t)m - 1, era, yoe, doy, doe;

	yy += floor_div(mm, 12);
	mm = floor_mod(mm, 12); /* 0 = January */
	if (yy > YEAR_MAX)
		yy = YEAR_MAX;
	if (yy < -YEAR_MAX)
		yy = -YEAR_MAX;
	yy -= mm < 2; /* the year starts in March: leap day last */
	era = floor_div(yy, 400);
	yoe = yy - era * 400;
	doy = (153 * (mm < 2 ? mm + 10 : mm - 2) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + (int64_t)d - 1;
}

void tz_date_of(int64_t days, struct tz_civil *out)
{
	int64_t z = days + 719468, era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	out->year = (int)(yoe + era * 400 + (m <= 2));
	out->month = (int)m;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->hour = out->minute = out->second = 0;
	out->wday = (int)floor_mod(days + 3, 7); /* 1970-01-01 was a Thursday */
}

/* name_ok - an IANA zone name: components of letters, digits, '_', '-'
 * and '+', each starting with a capital letter, joined by '/'.  This keeps
 * out paths, POSIX TZ strings that start with a sign or ':', and tzdata's
 * own non-zone files (zone.tab, posixrules, localtime). */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	bool start = true;

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (; *s; s++) {
		if (start && !(*s >= 'A' && *s <= 'Z'))
			return false;
		start = *s == '/';
		if (!start && !g_ascii_isalnum(*s) && !strchr("_-+", *s))
			return false;
	}
	return !start;
}

/* in_tzdata - true when name is a zone file of the directory GLib reads
 * (TZDIR, else /usr/share/zoneinfo).  Without it GLib would parse a
 * well-formed but unknown name such as "ABC3" as a POSIX rule. */
static bool in_tzdata(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;

	if (strcmp(name, "UTC") == 0) /* GLib needs no file for it */
		return true;
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* cached - a new reference to the zone called name, if it was opened
 * before; NULL if not. */
static GTimeZone *cached(const char *name)
{
	GTimeZone *g = NULL;

	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < n_cache && !g; i++)
		if (!strcmp(cache[i].name, name))
			g = g_time_zone_ref(cache[i].g);
	pthread_mutex_unlock(&cache_mu);
	return g;
}

/* keep - remember g (a reference of its own) while there is room. */
static void keep(const char *name, GTimeZone *g)
{
	pthread_mutex_lock(&cache_mu);
	if (n_cache < TZ_CACHE_MAX && strlen(name) <= NAME_MAX_LEN) {
		snprintf(cache[n_cache].name, sizeof(cache[n_cache].name), "%s", name);
		cache[n_cache++].g = g_time_zone_ref(g);
	}
	pthread_mutex_unlock(&cache_mu);
}

enum err tz_open(const char *name, struct tz **out)
{
	GTimeZone *g = NULL;
	struct tz *z;
	size_t n;

	*out = NULL;
	if (!name || !name_ok(name))
		return E_NOTFOUND;
	if (!(g = cached(name))) {
		if (!in_tzdata(name) || !(g = g_time_zone_new_identifier(name)))
			return E_NOTFOUND;
		keep(name, g);
	}
	n = strlen(name);
	z = malloc(sizeof(*z) + n + 1);
	if (!z)
		goto fail;
	z->g = g;
	memcpy(z->name, name, n + 1);
	*out = z;
	return E_OK;
fail:
	g_time_zone_unref(g);
	return E_NOMEM;
}

void tz_free(struct tz *z)
{
	if (!z)
		return;
	g_time_zone_unref(z->g);
	free(z);
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

static int interval_at(const struct tz *z, int64_t secs)
{
	return g_time_zone_find_interval(z->g, G_TIME_TYPE_UNIVERSAL, secs);
}

static int64_t offset_of(const struct tz *z, int interval)
{
	return g_time_zone_get_offset(z->g, interval);
}

void tz_civil_of(const struct tz *z, int64_t ms, struct tz_civil *out)
{
	int64_t secs = floor_div(ms, 1000), local, rem;

	local = secs + offset_of(z, interval_at(z, secs));
	tz_date_of(floor_div(local, DAY_S), out);
	rem = floor_mod(local, DAY_S);
	out->hour = (int)(rem / 3600);
	out->minute = (int)(rem / 60 % 60);
	out->second = (int)(rem % 60);
}

/* utc_of_local - the UTC second of local second L.  Each interval in force
 * near L proposes L - its offset; a proposal is real when it falls inside
 * its own interval, and the earliest real one wins (ambiguous: the first
 * occurrence).  None is real in a gap: then L lies between interval i's
 * local end and i+1's local start, and L - offset(i) moves it forward by
 * the gap. */
static int64_t utc_of_local(const struct tz *z, int64_t L)
{
	int lo = interval_at(z, L - NEAR_S), hi = interval_at(z, L + NEAR_S);
	int64_t best = INT64_MAX;

	for (int i = lo; i <= hi; i++) {
		int64_t u = L - offset_of(z, i);

		if (u < best && interval_at(z, u) == i)
			best = u;
	}
	if (best != INT64_MAX)
		return best;
	for (int i = lo; i < hi; i++)
		if (interval_at(z, L - offset_of(z, i)) > i &&
		    interval_at(z, L - offset_of(z, i + 1)) <= i)
			return L - offset_of(z, i);
	return L - offset_of(z, interval_at(z, L)); /* not reached */
}

int64_t tz_utc_of(const struct tz *z, int y, int m, int d, int h, int mi)
{
	int64_t L = tz_days_of(y, m, d) * DAY_S + (int64_t)h * 3600 +
		    (int64_t)mi * 60;

	if (L > SECS_MAX)
		L = SECS_MAX;
	if (L < -SECS_MAX)
		L = -SECS_MAX;
	return utc_of_local(z, L) * 1000;
}
