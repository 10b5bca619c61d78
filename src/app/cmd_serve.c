/*
 * cmd_serve.c - `heed serve`: migrate, start the API and the HTTP workers,
 * wait for SIGTERM/SIGINT, then stop in order: stop accepting and let
 * in-flight requests finish, drain the write queue, close the database.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "app/app.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/verify.h"
#include "domain/watch.h"
#include "http/router.h"
#include "http/server.h"

#define GRACE_MS 10000

/* web_dir - the UI files: $HEED_WEB_DIR, else ../web next to the binary
 * (build/heed in a checkout), else /usr/share/heed/web. */
static const char *web_dir(void)
{
	static char dir[1024];
	const char *env = getenv("HEED_WEB_DIR");
	char exe[900];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/../web", exe);
			if (access(dir, R_OK) == 0)
				return dir;
		}
	}
	return "/usr/share/heed/web";
}

/* test_clock - HEED_TEST_CLOCK_FILE names a file holding milliseconds to
 * add to the wall clock, for tests of timers in a running server. */
static void test_clock(void)
{
	const char *path = getenv("HEED_TEST_CLOCK_FILE");

	if (!path || !*path)
		return;
	clock_offset_file(path);
	log_warn("serve", "test clock: the time is moved by the offset in %s", path);
}

/* watch_setup - the settings of promises, SLA and follow-up, before any
 * thread starts. */
static void watch_setup(const struct config *c)
{
	char url[600];
	struct watch_config w = {.public_url = c->public_url,
				 .stale_business_days = c->stale_days,
				 .followup_delay_hours = c->followup_delay_hours,
				 .followup_cooldown_days = c->followup_cooldown_days};

	if (!c->public_url[0]) {
		snprintf(url, sizeof(url), "http://%s", c->listen);
		w.public_url = url;
	}
	watch_configure(&w);
	verify_set_window_ms((int64_t)c->verify_valid_minutes * 60000);
}

int cmd_serve(struct app_opts *o)
{
	static struct api api;
	struct api_config acfg = {.db_uri = o->cfg.db,
				  .session_ttl_ms = o->cfg.session_ttl_s * 1000,
				  .web_dir = web_dir(),
				  .mail = {.smtp_url = o->cfg.smtp_url,
					   .smtp_user = o->cfg.smtp_user,
					   .smtp_password = o->cfg.smtp_password,
					   .from = o->cfg.mail_from,
					   .require_tls = o->cfg.smtp_require_tls},
				  /* resolution powers: the webhook sender */
				  .hooks = {.timeout_s = o->cfg.hook_timeout_s}};
	struct http_server_config hcfg = {
		.listen = o->cfg.listen,
		.workers = o->cfg.workers,
		.max_body = o->cfg.max_body,
		.log_requests = o->cfg.log_requests,
		.dispatch = api_dispatch,
		.worker_init = api_worker_init,
		.worker_fini = api_worker_fini,
		.worker_wakeup = api_worker_wakeup,
		.ws = chat_ws_handler(api_chat_worker),
		.app = &api,
	};
	struct store *st;
	sigset_t sigs;
	int port = 0, sig = 0;
	const char *colon;

	/* Signals are taken by sigwait() below, never by a worker thread. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	test_clock();

	watch_setup(&o->cfg);
	if (app_open_store(&o->cfg, &st) != E_OK)
		return 1;
	store_close(st);
	if (api_start(&api, &acfg) != E_OK) {
		log_error("serve", "cannot start the API on '%s'", o->cfg.db);
		return 1;
	}
	router_set(api_routes());
	if (http_server_start(&hcfg, &port) != E_OK) {
		api_stop(&api);
		return 1;
	}
	colon = strrchr(o->cfg.listen, ':');
	if (!o->cfg.public_url[0]) { /* links in email: the port really bound */
		char url[600];

		snprintf(url, sizeof(url), "http://%.*s:%d", (int)(colon - o->cfg.listen),
			 o->cfg.listen, port);
		watch_set_public_url(url);
	}
	printf("heed: listening on http://%.*s:%d\n",
	       (int)(colon - o->cfg.listen), o->cfg.listen, port);
	fflush(stdout);
	log_info("serve", "database %s, %d worker(s), body limit %zu bytes",
		 o->cfg.db, o->cfg.workers, o->cfg.max_body);
	if (o->cfg.smtp_url[0])
		log_info("serve", "email: sending through SMTP as %s", o->cfg.mail_from);
	else
		log_warn("serve", "email: no smtp_url set; email waits in the outbox");

	sigwait(&sigs, &sig);
	log_info("serve", "%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_server_stop(GRACE_MS);
	api_stop(&api);
	log_info("serve", "stopped cleanly");
	return 0;
}
