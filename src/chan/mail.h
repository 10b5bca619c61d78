/*
 * mail.h - the email sender: a thread that sends what the outbox holds,
 * over SMTP with libcurl (STARTTLS when the server offers it, or required
 * with an smtps:// URL or require_tls; authentication when a user is set).
 *
 * The outbox row is written in the transaction of whatever caused the mail,
 * so nothing is lost if heed or the mail server is down: the sender picks up
 * every due row (at start, every poll, and at once after mail_kick), sends
 * it, and records the outcome through domain/outbox.c on the write queue
 * (sent, retry later, or failed - with an internal event on the case).
 *
 * Each message carries a Message-ID made from its outbox id, the same on
 * every attempt, so that a copy sent twice (accepted by the server just as
 * heed died, before "sent" was committed) is one message to the mail
 * system.  Without an SMTP URL the sender does not run and mail waits.
 */
#ifndef HEED_CHAN_MAIL_H
#define HEED_CHAN_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/txq.h"

struct mail;

struct mail_config {
	const char *db_uri;
	const char *smtp_url;      /* smtp://host:port or smtps://...; "": off */
	const char *smtp_user;     /* "": no authentication */
	const char *smtp_password;
	const char *from;          /* an address, e.g. help@example.com */
	bool require_tls;          /* refuse to send without TLS */
	int64_t poll_ms;           /* look for due mail this often */
	long timeout_s;            /* per attempt */
};

/* mail_start - start the sender (*out is NULL, and E_OK, when no SMTP URL
 * is configured). */
enum err mail_start(const struct mail_config *cfg, struct txq *txq, struct mail **out);
/* mail_kick - mail was queued: look now, not at the next poll. NULL ok. */
void mail_kick(struct mail *m);
/* mail_stop - finish the attempt under way, stop. NULL ok. */
void mail_stop(struct mail *m);

#endif
