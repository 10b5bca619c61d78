/* clock.c - wall and monotonic time, pinnable for tests (see clock.h). */
#define _POSIX_C_SOURCE 200809L
#include "base/clock.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OFFSET_READ_EVERY_US 20000

static _Atomic int64_t pinned; /* 0: not pinned */
static char offset_path[512];  /* "": no offset file */
static _Atomic int64_t offset_ms, offset_read_at;

/* file_offset - the offset in the offset file, re-read at most every
 * 20 ms; a missing or unreadable file keeps the last value. */
static int64_t file_offset(void)
{
	int64_t now = clock_mono_us(), v;
	char buf[32];
	ssize_t n;
	int fd;

	if (!offset_path[0])
		return 0;
	if (now - atomic_load(&offset_read_at) < OFFSET_READ_EVERY_US)
		return atomic_load(&offset_ms);
	atomic_store(&offset_read_at, now);
	fd = open(offset_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return atomic_load(&offset_ms);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%" SCNd64, &v) == 1)
			atomic_store(&offset_ms, v);
	}
	return atomic_load(&offset_ms);
}

int64_t clock_now_ms(void)
{
	struct timespec ts;
	int64_t p = atomic_load(&pinned);

	if (p)
		return p;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + file_offset();
}

void clock_offset_file(const char *path)
{
	snprintf(offset_path, sizeof(offset_path), "%s", path ? path : "");
	atomic_store(&offset_read_at, 0);
	atomic_store(&offset_ms, 0);
}

int64_t clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_mono_ms(void)
{
	return clock_mono_us() / 1000;
}

void clock_set_ms(int64_t t)
{
	atomic_store(&pinned, t);
}

void clock_advance_ms(int64_t d)
{
	atomic_fetch_add(&pinned, d);
}

void clock_format(int64_t ms, char *out, size_t n)
{
	time_t secs = (time_t)(ms / 1000);
	int millis = (int)(ms % 1000);
	struct tm tm;

	if (millis < 0) {
		millis += 1000;
		secs -= 1;
	}
	/* past year 9999 (a deadline that never comes): the last instant */
	if (!gmtime_r(&secs, &tm) || tm.tm_year > 9999 - 1900) {
		snprintf(out, n, "9999-12-31T23:59:59.999Z");
		return;
	}
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, millis);
}

/* days_from_civil - days since 1970-01-01 for a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int clock_parse(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, millis = 0, used = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
		   &used) != 6)
		return -1;
	s += used;
	if (*s == '.') {
		int digits = 0;

		s++;
		while (*s >= '0' && *s <= '9') {
			if (digits < 3)
				millis = millis * 10 + (*s - '0');
			digits++;
			s++;
		}
		if (!digits)
			return -1;
		while (digits < 3) {
			millis *= 10;
			digits++;
		}
	}
	if (strcmp(s, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	*ms = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) *
		      60000 + (int64_t)sec * 1000 + millis;
	return 0;
}
