/*
 * chat_config.h - what an admin sets up for live chat (sites that embed the
 * widget, queues with skills), agents' saved replies, and the start of a
 * chat from the widget.
 *
 * Signed identity: the host site computes HMAC-SHA256(key = its secret,
 * message = the customer's id in the site's own system) and passes it to
 * the widget in hex; heed recomputes it and compares in constant time.
 */
#ifndef HEED_CHAT_CONFIG_H
#define HEED_CHAT_CONFIG_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "domain/routing.h"
#include "store/store.h"

#define SITE_SECRET_HEX 64

struct site_in {
	const char *key;      /* [a-z0-9_-], 1..64 */
	const char *name;     /* 1..200 */
	const char *queue;    /* an existing queue */
	const char *origins;  /* space-separated "scheme://host[:port]" */
};

/* sites_create - validate and insert a site with a fresh secret.
 * E_UNPROC with field key/name/queue/origins; E_CONFLICT field "key". */
enum err sites_create(struct store *st, struct arena *ar, const struct site_in *in,
		      struct site *out, struct fail *f);
/* sites_verify - E_OK when sig_hex is HMAC-SHA256(secret, id); else
 * E_FORBIDDEN reason "bad_signature". */
enum err sites_verify(const struct site *s, const char *id, const char *sig_hex,
		      struct fail *f);
/* sites_origin_ok - origin is one of the site's, or (host given) the same
 * host as the request's. */
bool sites_origin_ok(const struct site *s, const char *origin, const char *host);
/* sites_find - the site a widget on the page at origin speaks for: by key
 * when given (E_UNPROC field "site" if unknown), else the one site that
 * lists the origin (or the only site, for a page on heed's own host).
 * Then the origin must be allowed: E_FORBIDDEN reason
 * "origin_not_allowed".  Several sites listing the origin with no key:
 * E_UNPROC field "site".  No key and no Origin: E_UNPROC field "site". */
enum err sites_find(struct store *st, struct arena *ar, const char *key,
		    const char *origin, const char *host, struct site *out,
		    struct fail *f);

/* queues_put - create or change a queue (name as a case queue; skills a
 * skill list, routing_skills_valid).  Fields "name", "skills". */
enum err queues_put(struct store *st, struct arena *ar, const char *name,
		    const char *skills, struct queue_def *out, struct fail *f);

/* replies_create - title 1..100, body 1..4000; shared replies need a
 * supervisor (E_FORBIDDEN). */
enum err replies_create(struct store *st, struct arena *ar, const char *title,
			const char *body, bool shared, const struct actor *by,
			struct saved_reply *out, struct fail *f);
/* replies_delete - own replies; shared ones by a supervisor. */
enum err replies_delete(struct store *st, struct arena *ar, int64_t id,
			const struct actor *by, struct fail *f);

struct chat_start_in {
	int64_t site_id;
	const char *queue;
	const char *name, *email;     /* optional */
	const char *subject;          /* 1..CHAT_SUBJECT_MAX */
	const char *tried;            /* optional, <= CHAT_TRIED_MAX */
	const char *verified_id;      /* a verified identity, or NULL */
	unsigned char token_hash[32];
	struct est est;               /* announced at the start */
};

/* chat_start_check - the values of a start, before anything is written
 * (fields name, email, subject, tried). */
enum err chat_start_check(struct arena *ar, const struct chat_start_in *in,
			  struct fail *f);
/* chat_start - find or create the customer (by verified id, else email),
 * open the case (subject; the subject as the first message; "already
 * tried" as a customer fact), record the verification, and insert the
 * queued contact.  Writes. */
enum err chat_start(struct store *st, struct arena *ar,
		    const struct chat_start_in *in, struct contact *out,
		    struct customer *cust, struct fail *f);

#endif
