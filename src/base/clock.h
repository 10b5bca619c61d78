/*
 * clock.h - the one source of time.
 *
 * Every time-based rule reads clock_now_ms(); tests may pin and advance it
 * with clock_set_ms()/clock_advance_ms() so that timer logic is testable.
 * Times are milliseconds since the Unix epoch, UTC.
 */
#ifndef HEED_CLOCK_H
#define HEED_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* clock_now_ms - wall-clock time in ms (or the pinned test time). */
int64_t clock_now_ms(void);
/* clock_mono_ms - monotonic ms for durations; not affected by pinning. */
int64_t clock_mono_ms(void);
/* clock_mono_us - monotonic microseconds for latency measurement. */
int64_t clock_mono_us(void);
/* clock_set_ms - pin the wall clock at t (0 unpins). For tests. */
void clock_set_ms(int64_t t);
/* clock_advance_ms - move a pinned clock forward. */
void clock_advance_ms(int64_t d);
/* clock_offset_file - add to the wall clock the milliseconds written in
 * the file at path (re-read every 20 ms), so that tests of a running server
 * can move its time forward; NULL stops.  Only `heed serve` with
 * HEED_TEST_CLOCK_FILE set calls it.  Not thread-safe against itself: call
 * before starting threads. */
void clock_offset_file(const char *path);
/* clock_format - RFC 3339 UTC with milliseconds, e.g. 2026-11-23T09:12:45.123Z */
void clock_format(int64_t ms, char *out, size_t n);
/* clock_parse - parse the format above (also without millis); 0 or -1. */
int clock_parse(const char *s, int64_t *ms);

#endif
