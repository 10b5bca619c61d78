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

#include <stdbool.h>
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
	int64_t merged_into; /* customer records: the record this one was
			      * merged into (a tombstone), 0: live */
	int64_t merged_at;
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
	int64_t next_action_at; /* when someone must act next; 0: not set */
	char *plan;       /* what we plan to do, shown to the customer; "" */
	char *status_token; /* the status page's secret, NULL: no live link */
	unsigned char status_hash[32]; /* BLAKE2b-256 of it (lookup key) */
	int64_t created_at;
	int64_t updated_at;
};

enum author_kind { AUTHOR_SYSTEM = 1, AUTHOR_AGENT, AUTHOR_CUSTOMER };
enum visibility { VIS_PUBLIC = 1, VIS_INTERNAL };

/* customer records: one change to a customer's name or identifiers, kept
 * forever (append-only).  `field` is "created", "name", "email", "phone",
 * "account", "merged_from" or "merged_into"; an identifier added has no
 * old value, one removed no new value; a merge names the other record in
 * ref_id and its name in new_value. */
struct customer_change {
	int64_t id;
	int64_t customer_id;
	char *field;
	char *old_value;         /* NULL: none */
	char *new_value;         /* NULL: none */
	int64_t ref_id;          /* 0: none */
	enum author_kind by_kind;
	int64_t by_id;           /* agent or customer id; 0: the system */
	char *via;               /* "api", "case", "chat", "merge", "import" */
	char *reason;            /* what the agent said, NULL: nothing */
	int64_t created_at;
};

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

/* An admin-edited JSON document: a business-hours calendar
 * ("calendar:NAME"), an SLA policy ("sla:QUEUE:PRIORITY"), a setting. */
struct setting {
	char *key;
	char *value;             /* JSON text, validated by the domain */
	int64_t updated_at;
};

enum promise_state {
	PROMISE_PENDING = 1,
	PROMISE_KEPT,
	PROMISE_BROKEN,
	PROMISE_CANCELLED
};

/* A time commitment made to a customer: "we will call you back by 15:00". */
struct promise {
	int64_t id;
	int64_t case_id;
	char *kind;              /* callback, reply, fix, update */
	char *queue;             /* the case's queue when made (for history) */
	char *channel;           /* how it will be kept: phone, email, chat... */
	int64_t owner_id;        /* who must keep it; 0: none */
	enum author_kind by_kind; /* who made it: agent or system */
	int64_t by_id;
	int64_t due_at;
	int64_t proposed_ms;     /* what history suggested when it was made */
	bool short_confirmed;    /* the maker chose less and confirmed it */
	enum promise_state state;
	char *reason;            /* why cancelled, or NULL */
	int64_t revised_due_at;  /* the honest new time told when at risk; 0 */
	int64_t replaces_id;     /* the broken promise this one follows; 0 */
	int64_t kept_event_id;   /* the event that kept it; 0 */
	int64_t origin_at;       /* when the first promise of its chain was made */
	int64_t created_at;
	int64_t closed_at;       /* kept, broken or cancelled at; 0 */
};

enum sla_metric { SLA_FIRST_RESPONSE = 1, SLA_NEXT_RESPONSE, SLA_RESOLUTION };
enum sla_state { SLA_RUNNING = 1, SLA_PAUSED, SLA_MET, SLA_BREACHED };

/* One SLA target being measured on a case, in business time. */
struct sla_clock {
	int64_t id;
	int64_t case_id;
	enum sla_metric metric;
	char *policy;            /* the settings key of the policy */
	char *calendar;          /* the calendar it counts on; NULL: always open */
	int64_t target_ms;       /* business ms allowed */
	int64_t used_ms;         /* business ms used before running_since */
	int64_t running_since;   /* 0: not running */
	int64_t due_at;          /* when it breaches if it keeps running */
	enum sla_state state;
	int64_t met_at;
	int64_t breached_at;
};

/* A deadline: fired once, in due order, by the scheduler. */
struct timer {
	int64_t id;
	char *kind;              /* promise_warn, promise_notice, promise_due,
				  * sla, stale, followup */
	int64_t ref_id;          /* the promise, clock or case it is about */
	int64_t case_id;
	int64_t due_at;
	int64_t fired_at;        /* 0: pending */
};

/* Something an agent or the supervisors must look at. */
struct alert {
	int64_t id;
	int64_t case_id;
	char *kind;              /* promise_warning, promise_broken, sla_breached,
				  * case_stale; approval_requested,
				  * action_decided, delivery_failed (actions) */
	int64_t agent_id;        /* the agent told; 0: every supervisor */
	char *body;
	int64_t created_at;
	int64_t ack_at;          /* 0: not acknowledged */
	int64_t ack_by;
};

enum followup_state {
	FOLLOWUP_SCHEDULED = 1,
	FOLLOWUP_SENT,
	FOLLOWUP_ANSWERED,
	FOLLOWUP_CANCELLED,      /* reopened before it was due */
	FOLLOWUP_SKIPPED         /* customer asked too recently */
};

/* The one "Is your problem fixed?" of a case. */
struct followup {
	int64_t id;
	int64_t case_id;
	int64_t customer_id;
	enum followup_state state;
	int64_t due_at;
	int64_t sent_at;
	int64_t answered_at;
	int fixed;               /* -1: no answer, 0: no, 1: yes */
	int ease;                /* 1..7, 0: not given */
	char *comment;           /* NULL: none */
};

/* ---- never ask twice: verification, customer effort, guided flows ---- */

/* One proof of who the customer is, recorded on a case. */
struct verification {
	int64_t id;
	int64_t case_id;
	char *method;            /* phone_pin, portal_login, signed_widget_identity,
				  * email_link, agent_questions */
	char *level;             /* low, medium, high */
	char *detail;            /* what was checked ("account number and PIN"), "" */
	char *via;               /* where ("phone menu", "chat"), "" */
	enum author_kind by_kind;
	int64_t by_id;           /* the agent, or 0 for heed / a channel */
	char *reason;            /* why it was asked again, NULL: first */
	int64_t valid_until;
	int64_t created_at;
};

/* One thing the customer was made to do twice. */
struct effort {
	int64_t id;
	int64_t case_id;
	char *kind;              /* repeat_question, reverification */
	char *detail;            /* the fact key, or the verification reason */
	enum author_kind by_kind;
	int64_t by_id;
	int64_t created_at;
};

/* One version of a guided flow; `definition` is its JSON (domain/flows.h). */
struct flow {
	char *key;
	int64_t version;
	char *title;
	char *definition;
	int64_t created_by;      /* agent id */
	int64_t created_at;
};

enum flow_run_state { RUN_ACTIVE = 1, RUN_SWITCHED, RUN_FINISHED, RUN_STOPPED };

/* A flow being run on a case, pinned to the version it started with. */
struct flow_run {
	int64_t id;
	int64_t case_id;
	char *flow_key;
	int64_t version;
	enum flow_run_state state;
	char *outcome;           /* the outcome step reached, NULL: none */
	enum author_kind by_kind;
	int64_t by_id;
	int64_t created_at;
	int64_t updated_at;
};

/* ---- resolution powers (actions, approvals, webhooks) ---- */

enum action_state {
	ACTION_PENDING_APPROVAL = 1, /* above the requester's limits */
	ACTION_DECLINED,             /* a supervisor said no */
	ACTION_SENDING,              /* taken; the company system has not
				      * acknowledged its webhook yet */
	ACTION_DONE,
	ACTION_CANCELLED             /* withdrawn, or its delivery given up */
};

enum hook_state { HOOK_PENDING = 1, HOOK_ACKED, HOOK_CANCELLED };

/* Something an agent did for the customer (a credit, a waived fee, a
 * replacement, a longer subscription), with who asked, who decided, why.
 * `amount` is the measure limits count: minor currency units for money
 * kinds, a quantity for replacements, days for extensions. */
struct action {
	int64_t id;
	int64_t case_id;
	int64_t customer_id;     /* the case's customer when taken */
	char *kind;              /* credit, waive_fee, replacement,
				  * extend_subscription */
	int64_t amount;
	char *currency;          /* ISO 4217 for money kinds, else NULL */
	char *item;              /* replacement: what is sent, else NULL */
	char *reason;            /* why (required) */
	char *note;              /* internal note, or NULL */
	char *customer_line;     /* what the customer is told when done */
	char *over;              /* why approval was needed: per_case,
				  * per_month, no_policy; NULL: within */
	enum action_state state;
	int64_t requested_by;    /* agent */
	enum role requested_role;
	int64_t decided_by;      /* approver or decliner; 0: none */
	char *decision_note;     /* NULL: none */
	int64_t decided_at;
	int64_t done_at;
	int64_t created_at;
	int64_t updated_at;
	/* its webhook delivery, read along with it (hook_id 0: none) */
	int64_t hook_id;
	enum hook_state hook_state;
	int hook_attempts;
	int64_t hook_next_at;
	int64_t hook_acked_at;
	char *hook_error;
};

/* One webhook call to the company's system for an action, written in the
 * action's transaction and retried by chan/hooks.c until acknowledged.
 * The URL and secret are those of the policy when the action was taken. */
struct hook_delivery {
	int64_t id;
	int64_t action_id;
	int64_t case_id;
	char *url;
	char *secret;
	char *body;              /* JSON, the same on every attempt */
	enum hook_state state;
	int attempts;
	int64_t created_at;
	int64_t next_at;         /* pending: not before this time */
	int64_t acked_at;        /* 0: not acknowledged */
	char *last_error;        /* why the last attempt failed, or NULL */
};

#endif
