/*
 * chat.h - the rules of a live chat contact: its states, hold with
 * consent, transfer with a handoff note, ending, and the timeline events
 * each step writes.
 *
 * States:
 *   queued   -> active (assigned), abandoned (left or gone while waiting)
 *   active   -> on_hold (only after the customer accepts), queued
 *               (transferred to a queue), ended
 *   on_hold  -> active (resumed or transferred to an agent), ended
 *   ended, abandoned: final
 * Hold: an agent asks (hold "asked"); nothing is on hold until the customer
 * accepts.  "No, stay with me" clears the question; "contact me later"
 * ends the chat with the case pending on us.
 *
 * Each function checks a step against a chat_live (the contact as the live
 * hub keeps it), changes it, and fills a chat_change: the events to append
 * and the case and contact writes, for the writer thread to apply
 * (chat_apply) in one transaction.  Nothing here locks, publishes or knows
 * about sockets; strings kept in a chat_live are malloc'd and owned by it,
 * strings in a chat_change live in the change's arena.
 */
#ifndef HEED_DOMAIN_CHAT_H
#define HEED_DOMAIN_CHAT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "domain/routing.h"
#include "store/store.h"

#define CHAT_BODY_MAX 4000    /* characters in a chat message */
#define CHAT_NOTE_MAX 2000    /* characters in a handoff note */
#define CHAT_HOLD_MAX_MIN 60
#define CHAT_SUBJECT_MAX 200
#define CHAT_TRIED_MAX 2000
#define CHAT_REMIND_EVERY_MS (2 * 60 * 1000)

enum hold_state { HOLD_NONE = 0, HOLD_ASKED, HOLD_ON };

struct chat_live {
	struct contact c;        /* strings owned (malloc) */
	char *subject;           /* the case subject */
	char *tried;             /* "what have you already tried", or NULL */
	char *customer_name;
	char *agent_name;        /* of c.agent_id, or NULL */
	char *handoff_from_name;
	enum hold_state hold;
	int hold_minutes;
	int64_t hold_asked_at;
	int64_t hold_started_at;
	int64_t hold_remind_at;  /* next reminder to the agent */
	int64_t agent_read_upto; /* receipts, for the customer's ticks */
	int64_t agent_delivered_upto;
	int customer_conns;      /* open customer sockets */
	int64_t customer_gone_at;/* when the last one closed; 0 if online */
	int position;            /* in its queue, 1-based; 0 if not queued */
	struct est est;          /* the estimate shown now */
};

#define CHAT_MAX_EVENTS 3

struct chat_event {
	const char *type;
	struct actor by;
	enum visibility vis;
	const char *body;
	const char *data;        /* JSON object text or NULL */
};

/* What one step writes, applied by chat_apply on the writer thread. */
struct chat_change {
	struct arena *ar;        /* strings of this change */
	int64_t case_id;
	int64_t customer_id;
	struct chat_event ev[CHAT_MAX_EVENTS];
	size_t n_ev;
	bool write_contact;
	struct contact contact;  /* snapshot to store (strings in ar) */
	bool set_status;
	enum case_status status;
	bool set_owner;
	int64_t owner_id;
	const char *set_queue;   /* NULL: keep */
	struct outbox_msg *mail; /* optional email to queue */
	/* filled by chat_apply: every event the change appended, in order */
	struct event_list written;
};

/* chat_body - a message body: valid UTF-8, 1..CHAT_BODY_MAX characters
 * after trimming (E_UNPROC field "body"; longer: E_TOOBIG).  *out is the
 * trimmed copy in ar. */
enum err chat_body(struct arena *ar, const char *body, char **out,
		   struct fail *f);

/* chat_live_free - release the strings a chat_live owns. */
void chat_live_free(struct chat_live *l);
/* chat_set - replace an owned string with a copy of s (NULL allowed). */
enum err chat_set(char **dst, const char *s);

/* Each step: E_CONFLICT (reason names the state) when the contact is not
 * in a state that allows it, E_UNPROC with a field for a bad value.  On
 * success l is changed and ch filled; on failure neither is touched. */
enum err chat_assign(struct chat_live *l, int64_t agent_id,
		     const char *agent_name, int64_t now,
		     struct chat_change *ch, struct fail *f);
enum err chat_hold_ask(struct chat_live *l, const struct actor *agent,
		       int minutes, int64_t now, struct chat_change *ch,
		       struct fail *f);
/* answer: "accept", "decline" or "later" (field "answer"). */
enum err chat_hold_answer(struct chat_live *l, const char *answer, int64_t now,
			  struct chat_change *ch, struct fail *f);
/* chat_hold_end - resume from hold, or withdraw an unanswered question. */
enum err chat_hold_end(struct chat_live *l, const struct actor *agent,
		       int64_t now, struct chat_change *ch, struct fail *f);
/* chat_transfer - to an agent (to_agent_id > 0, name given) or a queue.
 * note: 1..CHAT_NOTE_MAX characters (field "note"); message: optional
 * words for the customer (field "message"). */
enum err chat_transfer(struct chat_live *l, const struct actor *from,
		       int64_t to_agent_id, const char *to_agent_name,
		       const char *to_queue, const char *note,
		       const char *message, int64_t now,
		       struct chat_change *ch, struct fail *f);
/* chat_end - the agent ends the chat and sets the case status: "resolved",
 * "pending_customer" or "pending_internal" (field "status"). */
enum err chat_end(struct chat_live *l, const struct actor *agent,
		  const char *status, int64_t now, struct chat_change *ch,
		  struct fail *f);
/* chat_leave - the customer ends the chat (gave_up: gone while queued and
 * the system noticed). */
enum err chat_leave(struct chat_live *l, bool gave_up, int64_t now,
		    struct chat_change *ch, struct fail *f);
/* chat_notify - "email me when an agent replies" (field "email"). */
enum err chat_notify(struct chat_live *l, const char *email, int64_t now,
		     struct chat_change *ch, struct fail *f);
/* chat_estimate_shown - remember the first estimate announced. */
void chat_estimate_shown(struct chat_live *l, const struct est *e,
			 struct chat_change *ch);

/* chat_change_event - append an event to ch (at most CHAT_MAX_EVENTS). */
void chat_change_event(struct chat_change *ch, const char *type,
		       const struct actor *by, enum visibility vis,
		       const char *body, const char *data);

/* chat_apply - write ch in the caller's transaction: its events first, then
 * the contact, then the case (status, owner, queue: through the case rules,
 * skipping a status the case may not move to), then the mail.  Fills
 * ch->written with every event appended (the case's own included). */
enum err chat_apply(struct store *st, struct chat_change *ch, int64_t now,
		    struct fail *f);

const char *contact_state_name(enum contact_state s);
const char *hold_state_name(enum hold_state h);

#endif
