/*
 * outbox.h - what happens to an email after each attempt to send it.
 *
 * Every notification is written to the outbox in the transaction of the
 * event that causes it (so it can't be lost), then sent by chan/mail.c.
 * After an attempt: sent; or a permanent refusal (an SMTP 5xx: no such
 * mailbox, say) fails it at once; or a temporary failure (server down,
 * timeout, 4xx) retries after 1, 2, 4, 8, 16, 32 minutes and then hourly,
 * at most OUTBOX_MAX_ATTEMPTS times.  The case's timeline says so, as
 * internal events: `email_sent`, `email_delayed` (the first temporary
 * failure), `email_failed`.
 */
#ifndef HEED_DOMAIN_OUTBOX_H
#define HEED_DOMAIN_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

#define OUTBOX_MAX_ATTEMPTS 12
#define OUTBOX_FIRST_RETRY_MS 60000
#define OUTBOX_MAX_RETRY_MS 3600000

enum outbox_outcome { OUTBOX_OK, OUTBOX_TEMPORARY, OUTBOX_PERMANENT };

/* outbox_next - apply an attempt's outcome to m (state, attempts,
 * sent_at, next_at, last_error; error is copied into ar). Pure. */
void outbox_next(struct outbox_msg *m, enum outbox_outcome o,
		 const char *error, int64_t now, struct arena *ar);

/* outbox_record - store m as outbox_next left it and note the outcome on
 * its case.  Writes: inside the caller's transaction. */
enum err outbox_record(struct store *st, struct arena *ar,
		       const struct outbox_msg *m, struct fail *f);

#endif
