/*
 * outbox.c - the retry policy of outgoing email and its trace on the case
 * (see outbox.h).
 */
#include "domain/outbox.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/internal.h"

void outbox_next(struct outbox_msg *m, enum outbox_outcome o,
		 const char *error, int64_t now, struct arena *ar)
{
	int64_t delay = OUTBOX_FIRST_RETRY_MS;

	m->attempts++;
	if (o == OUTBOX_OK) {
		m->state = OUTBOX_SENT;
		m->sent_at = now;
		m->last_error = NULL;
		return;
	}
	m->last_error = arena_strdup(ar, error && *error ? error : "unknown error");
	if (o == OUTBOX_PERMANENT || m->attempts >= OUTBOX_MAX_ATTEMPTS) {
		m->state = OUTBOX_FAILED;
		return;
	}
	for (int i = 1; i < m->attempts && delay < OUTBOX_MAX_RETRY_MS; i++)
		delay *= 2;
	m->next_at = now + (delay < OUTBOX_MAX_RETRY_MS ? delay : OUTBOX_MAX_RETRY_MS);
}

/* trace - the internal event for this outcome, or NULL for none. */
static const char *trace(const struct outbox_msg *m, char *body, size_t n)
{
	const char *kind = m->kind ? m->kind : "email";

	if (m->state == OUTBOX_SENT) {
		snprintf(body, n, "Emailed the %s to %s", kind, m->to_addr);
		return "email_sent";
	}
	if (m->state == OUTBOX_FAILED) {
		snprintf(body, n, "Could not email the %s to %s after %d attempt%s: %s", kind,
			 m->to_addr, m->attempts, m->attempts == 1 ? "" : "s",
			 m->last_error ? m->last_error : "");
		return "email_failed";
	}
	if (m->attempts == 1) {
		snprintf(body, n, "The %s to %s is delayed (%s); retrying", kind, m->to_addr,
			 m->last_error ? m->last_error : "");
		return "email_delayed";
	}
	return NULL;
}

enum err outbox_record(struct store *st, struct arena *ar,
		       const struct outbox_msg *m, struct fail *f)
{
	char body[600], *data;
	const char *type;
	enum err e;

	if ((e = store_outbox_update(st, m)) != E_OK)
		return domain__io(f, e);
	type = trace(m, body, sizeof(body));
	if (!type || !m->case_id)
		return E_OK;
	data = arena_printf(ar, "{\"outbox_id\":%lld,\"attempts\":%d}", (long long)m->id,
			     m->attempts);
	if (!data)
		return domain__nomem(f);
	e = domain__event_add(st, m->case_id, 0, type, ACTOR_SYSTEM, VIS_INTERNAL, body, data,
			      clock_now_ms(), NULL);
	return e == E_OK ? E_OK : domain__io(f, e);
}
