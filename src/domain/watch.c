/*
 * watch.c - the settings of watching, and the dispatch of a timer that
 * fell due to its owner (see watch.h).
 */
#include "domain/watch.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/internal.h"

/* Two buffers: a change fills the one not in use, then flips `in_use`, so
 * a reader never sees a half-written address. */
static char urls[2][512] = {"http://127.0.0.1:8080", ""};
static _Atomic int in_use;
static struct watch_config cfg = {
	.stale_business_days = 2,
	.followup_delay_hours = 24,
	.followup_cooldown_days = 30,
};

void watch_set_public_url(const char *url)
{
	int next = !atomic_load(&in_use);
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n >= sizeof(urls[next]))
		n = sizeof(urls[next]) - 1;
	memcpy(urls[next], url, n);
	urls[next][n] = '\0';
	atomic_store(&in_use, next);
}

const char *watch_public_url(void)
{
	return urls[atomic_load(&in_use)];
}

void watch_configure(const struct watch_config *c)
{
	if (c->public_url && *c->public_url)
		watch_set_public_url(c->public_url);
	if (c->stale_business_days > 0)
		cfg.stale_business_days = c->stale_business_days;
	if (c->followup_delay_hours > 0)
		cfg.followup_delay_hours = c->followup_delay_hours;
	if (c->followup_cooldown_days > 0)
		cfg.followup_cooldown_days = c->followup_cooldown_days;
}

const struct watch_config *watch_config(void)
{
	return &cfg;
}

/* stale_fire - a case open with no customer-visible update for N business
 * days: its owner and the supervisors are told. */
static enum err stale_fire(struct store *st, struct arena *ar, const struct timer *t,
			   struct fail *f)
{
	struct case_ c;
	char *body;
	enum err e = store_case_get(st, ar, t->case_id, &c);

	if (e != E_OK)
		return domain__io(f, e);
	if (c.status == CASE_PENDING_CUSTOMER || c.status == CASE_RESOLVED ||
	    c.status == CASE_CLOSED)
		return E_OK;
	body = arena_printf(ar, "No update to the customer for %d business days: case %lld (\"%s\")",
			    cfg.stale_business_days, (long long)c.id, c.subject);
	if (!body)
		return domain__nomem(f);
	if (c.owner_id && (e = notify__alert(st, ar, &c, "case_stale", c.owner_id, body)) != E_OK)
		return domain__io(f, e);
	e = notify__alert(st, ar, &c, "case_stale", 0, body);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err watch_fire(struct store *st, struct arena *ar, const struct timer *t,
		    bool *mailed, struct fail *f)
{
	enum err e = store_timer_fire(st, t->id, t->due_at, clock_now_ms());

	if (e == E_CONFLICT || e == E_NOTFOUND)
		return fail_set(f, E_CONFLICT, "already_fired", NULL, "timer %lld already fired",
				(long long)t->id);
	if (e != E_OK)
		return domain__io(f, e);
	if (!strncmp(t->kind, "promise_", 8))
		return promises__fire(st, ar, t, mailed, f);
	if (!strcmp(t->kind, "sla"))
		return sla__fire(st, ar, t, f);
	if (!strcmp(t->kind, "followup"))
		return followup__fire(st, ar, t, mailed, f);
	if (!strcmp(t->kind, "stale"))
		return stale_fire(st, ar, t, f);
	return E_OK; /* a kind this build does not know: fired, nothing to do */
}
