/* metrics.c - counters and histogram (see metrics.h). */
#include "http/metrics.h"

#include <stdatomic.h>

#include "http/router.h"

#define N_STATUS 500 /* codes 100..599 */

static const double bucket_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				   0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define N_BUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

static _Atomic uint64_t by_route[METRICS_MAX_ROUTES + 1][N_STATUS];
static _Atomic uint64_t buckets[N_BUCKETS + 1];
static _Atomic uint64_t dur_sum_us, dur_count;

void metrics_request(int route_index, int status, int64_t dur_us)
{
	int row = route_index < 0 || route_index >= METRICS_MAX_ROUTES
			  ? METRICS_MAX_ROUTES
			  : route_index;
	size_t b = 0;
	double secs = (double)dur_us / 1e6;

	if (status >= 100 && status < 600)
		atomic_fetch_add_explicit(&by_route[row][status - 100], 1,
					  memory_order_relaxed);
	while (b < N_BUCKETS && secs > bucket_le[b])
		b++;
	atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&dur_sum_us, (uint64_t)(dur_us > 0 ? dur_us : 0),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&dur_count, 1, memory_order_relaxed);
}

static enum err render_requests(struct buf *out)
{
	size_t n_routes;
	const struct route *routes = router_routes(&n_routes);
	enum err e = E_OK;

	e = buf_adds(out, "# HELP heed_http_requests_total HTTP requests by route and status.\n"
			  "# TYPE heed_http_requests_total counter\n");
	for (size_t row = 0; row <= METRICS_MAX_ROUTES && !e; row++) {
		const char *method = "", *pattern = "unmatched";

		if (row < METRICS_MAX_ROUTES) {
			if (row >= n_routes)
				continue;
			method = router_method_name(routes[row].method);
			pattern = routes[row].pattern;
		}
		for (int s = 0; s < N_STATUS && !e; s++) {
			uint64_t v = atomic_load_explicit(&by_route[row][s],
							  memory_order_relaxed);
			if (v)
				e = buf_printf(out,
					       "heed_http_requests_total{route=\"%s%s%s\",status=\"%d\"} %llu\n",
					       method, *method ? " " : "", pattern,
					       s + 100, (unsigned long long)v);
		}
	}
	return e;
}

static enum err render_latency(struct buf *out)
{
	uint64_t cum = 0;
	enum err e;

	e = buf_adds(out, "# HELP heed_http_request_duration_seconds Time from request to response.\n"
			  "# TYPE heed_http_request_duration_seconds histogram\n");
	for (size_t b = 0; b < N_BUCKETS && !e; b++) {
		cum += atomic_load_explicit(&buckets[b], memory_order_relaxed);
		e = buf_printf(out, "heed_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			       bucket_le[b], (unsigned long long)cum);
	}
	if (e)
		return e;
	cum += atomic_load_explicit(&buckets[N_BUCKETS], memory_order_relaxed);
	return buf_printf(out,
			  "heed_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
			  "heed_http_request_duration_seconds_sum %.6f\n"
			  "heed_http_request_duration_seconds_count %llu\n",
			  (unsigned long long)cum,
			  (double)atomic_load(&dur_sum_us) / 1e6,
			  (unsigned long long)atomic_load(&dur_count));
}

enum err metrics_render(struct buf *out, uint64_t store_errors)
{
	enum err e = render_requests(out);

	if (!e)
		e = render_latency(out);
	if (!e)
		e = buf_printf(out,
			       "# HELP heed_store_errors_total Storage backend failures.\n"
			       "# TYPE heed_store_errors_total counter\n"
			       "heed_store_errors_total %llu\n",
			       (unsigned long long)store_errors);
	return e;
}
