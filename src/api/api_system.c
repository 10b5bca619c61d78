/* api_system.c - /healthz and /metrics, for load balancers and Prometheus. */
#include "api/internal.h"

#include "http/metrics.h"

void api_h_healthz(struct http_req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}";

	http_reply(r, 200, "application/json", ok, sizeof(ok) - 1);
}

void api_h_metrics(struct http_req *r)
{
	struct buf out;

	buf_init(&out, 1u << 20);
	if (metrics_render(&out, store_errors()) != E_OK) {
		buf_release(&out);
		api_error(r, E_NOMEM, NULL, NULL, "cannot render metrics");
		return;
	}
	http_reply(r, 200, "text/plain; version=0.0.4", out.data, out.len);
	buf_release(&out);
}
