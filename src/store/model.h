/*
 * model.h - the plain records heed keeps: agents, tokens, customers and their
 * identifiers, cases, events and facts.
 *
 * These are data only.  The rules (which status may follow which, how an
 * identifier is normalised, who may do what) live in domain/; how records are
 * kept lives behind store.h.  Strings in a record are owned by the arena the
 * record was read into, or by the caller when writing.  Times are ms since
 * the epoch (base/clock.h); ids are positive 64-bit integers, 0 meaning none.
 */
#ifndef HEED_MODEL_H
#define HEED_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum role { ROLE_NONE = 0, ROLE_AGENT = 1, ROLE_SUPERVISOR = 2, ROLE_ADMIN = 3 };

struct agent {
	int64_t id;
	char *name;
	char *email;         /* lower-cased */
	enum role role;
	char *password_hash; /* argon2id string from libsodium, NULL if none */
	char *skills;        /* comma-separated skill names, "" if none */
	int capacity;        /* concurrent chats, >= 1 */
	int64_t created_at;
	int64_t updated_at;
};

enum token_kind { TOKEN_API = 1, TOKEN_SESSION = 2 };

/* An API or session token.  Only a hash of the secret is ever stored. */
struct token {
	int64_t id;
	int64_t agent_id;
	enum token_kind kind;
	unsigned char hash[32]; /* BLAKE2b-256 of the secret */
	int64_t created_at;
	int64_t expires_at;     /* 0: never */
	int64_t revoked_at;     /* 0: live */
};

enum ident_kind { IDENT_EMAIL = 1, IDENT_PHONE = 2, IDENT_ACCOUNT = 3 };

/* A typed customer identifier.  `value` is the normalised form used for
 * uniqueness and lookup; `display` is what the user typed. */
struct ident {
	enum ident_kind kind;
	char *value;
	char *display;
};

struct customer {
	int64_t id;
	char *name;
	struct ident *idents;
	size_t n_idents;
	int64_t created_at;
	int64_t updated_at;
};

enum case_status {
	CASE_NEW = 1,
	CASE_OPEN,
	CASE_PENDING_CUSTOMER,
	CASE_PENDING_INTERNAL,
	CASE_RESOLVED,
	CASE_CLOSED
};

enum case_priority { PRIO_LOW = 1, PRIO_NORMAL, PRIO_HIGH, PRIO_URGENT };

struct case_ {
	int64_t id;
	int64_t customer_id;
	char *subject;
	enum case_status status;
	enum case_priority priority;
	int64_t owner_id; /* agent id, 0: unassigned */
	char *queue;      /* queue name, never NULL when stored */
	int64_t created_at;
	int64_t updated_at;
};

enum author_kind { AUTHOR_SYSTEM = 1, AUTHOR_AGENT, AUTHOR_CUSTOMER };
enum visibility { VIS_PUBLIC = 1, VIS_INTERNAL };

/* One append-only timeline entry.  `type` is a short word such as
 * "message", "note", "status_change", "assignment", "fact"; `data` is an
 * optional JSON object text with type-specific details. */
struct event {
	int64_t id;
	int64_t case_id;
	char *type;
	enum author_kind author_kind;
	int64_t author_id; /* agent or customer id, 0 for system */
	enum visibility visibility;
	char *body;        /* may be "" */
	char *data;        /* JSON object text or NULL */
	int64_t created_at;
};

enum fact_source { SRC_CUSTOMER = 1, SRC_AGENT, SRC_SYSTEM, SRC_CHANNEL };

/* One recorded value of a fact.  The newest row per (case, key) is current;
 * older rows are history and are never changed. */
struct fact {
	int64_t id;
	int64_t case_id;
	char *key;
	char *value;      /* JSON text of the value (string, number, bool...) */
	enum fact_source source;
	enum author_kind by_kind;
	int64_t by_id;
	int64_t created_at;
};

/* A queue of work and the skills an agent needs to serve it. */
struct queue_def {
	char *name;
	char *skills;        /* comma-separated; "" means anyone */
	int64_t created_at;
};

/* A web site that embeds the chat widget. */
struct site {
	int64_t id;
	char *key;           /* public name in data-site, e.g. "demo" */
	char *name;
	char *queue;         /* default queue */
	char *origins;       /* space-separated allowed origins */
	char *secret;        /* hex key for signed identities */
	int64_t created_at;
	int64_t updated_at;
};

enum contact_state {
	CONTACT_QUEUED = 1,
	CONTACT_ACTIVE,
	CONTACT_ON_HOLD,
	CONTACT_ENDED,
	CONTACT_ABANDONED
};

/* One customer conversation on one channel, belonging to one case.  The
 * estimate fields keep the first wait announced to the customer, and
 * wait_ms the wait they actually had, so estimates can be audited. */
struct contact {
	int64_t id;
	int64_t case_id;
	int64_t customer_id;
	int64_t site_id;         /* 0: none */
	char *channel;           /* "chat" */
	char *queue;
	enum case_priority priority;
	enum contact_state state;
	int64_t agent_id;        /* 0: none */
	unsigned char token_hash[32]; /* BLAKE2b-256 of the visitor token */
	char *verified_method;   /* NULL: not verified */
	int64_t verified_at;
	char *notify_email;      /* "email me when an agent replies", or NULL */
	int64_t queued_at;       /* place in line; kept across transfers */
	int64_t assigned_at;
	int64_t ended_at;
	int64_t est_ms;          /* first estimate announced: expected wait */
	int64_t est_low_ms;      /* ... and its range; -1: none announced */
	int64_t est_high_ms;
	int64_t wait_ms;         /* actual wait until an agent; -1: unknown */
	int64_t hold_ms;         /* total time on hold */
	char *handoff_note;      /* the last transfer's note, or NULL */
	int64_t handoff_from;    /* agent who wrote it */
	int64_t created_at;
	int64_t updated_at;
};

/* A canned reply: personal (owner_id set) or shared (owner_id 0). */
struct saved_reply {
	int64_t id;
	int64_t owner_id;
	char *title;
	char *body;
	int64_t created_at;
};

enum outbox_state { OUTBOX_PENDING = 1, OUTBOX_SENT, OUTBOX_FAILED };

/* An email to send, written in the transaction of what caused it, sent by
 * chan/mail.c with retries. */
struct outbox_msg {
	int64_t id;
	int64_t case_id;         /* 0: none */
	char *kind;              /* "transcript", "agent_replied" */
	char *to_addr;
	char *subject;
	char *body;
	enum outbox_state state;
	int attempts;
	int64_t created_at;
	int64_t sent_at;         /* 0: not sent */
	int64_t next_at;         /* pending: not before this time */
	char *last_error;        /* why the last attempt failed, or NULL */
};

#endif
