/*
 * metrics.h - request counters and a latency histogram, shared by all
 * worker threads (relaxed atomics), rendered in Prometheus text format.
 *
 * Counters are kept per route (by its index in the route table; unmatched
 * requests have their own row) and per status code.  The table is static
 * and mostly untouched, so it costs resident memory only for what is used.
 */
#ifndef HEED_METRICS_H
#define HEED_METRICS_H

#include <stdint.h>

#include "base/buf.h"

#define METRICS_MAX_ROUTES 64

/* metrics_request - count one finished request. route_index < 0: unmatched. */
void metrics_request(int route_index, int status, int64_t dur_us);
/* metrics_render - append the Prometheus exposition text to out. */
enum err metrics_render(struct buf *out, uint64_t store_errors);

#endif
