/*
 * cases.h - cases: the status machine, priorities, and the services that
 * create and change cases and append to their timelines (events, facts).
 *
 * Status machine (a case never resets; closed is final):
 *
 *   new              -> open, pending_customer, pending_internal, resolved
 *   open             -> pending_customer, pending_internal, resolved
 *   pending_customer -> open, pending_internal, resolved
 *   pending_internal -> open, pending_customer, resolved
 *   resolved         -> open, closed
 *   closed           -> (nothing)
 *
 * Moving to the status a case already has is a no-op, not an error.  A new
 * case is always "new", even when created with an owner: assignment says who
 * is accountable, the status says whether work has started.
 *
 * Every real change appends an event authored by the actor.  Event types and
 * their data (JSON object text):
 *   created          system, internal  {"subject","priority","queue","owner_id"}
 *   message          author, public*   body = text            (*unless asked internal)
 *   note             author, internal  body = text
 *   fact             author, internal unless source is customer
 *                                      {"key","value":<json>,"source"}
 *   status_change    author, public    {"from","to"}
 *   assignment       author, internal  {"from":id|null,"to":id|null}
 *   priority_change  author, internal  {"from","to"}
 *   queue_change     author, internal  {"from","to"}
 *   subject_change   author, internal  {"from","to"}
 *   next_action      author, internal  {"from","to"} (times or null)
 *   plan             author, public    body = the plan shown to the customer
 *   call             agent, internal   body = what was said; keeps callbacks
 *
 * No second ticket: creating a case for a customer who has an open case
 * (not resolved or closed) with a similar subject (cases_similar) is
 * refused with E_CONFLICT reason "similar_open_case", f->related_id = that
 * case, unless confirm_new is set (then "created" records the case it was
 * confirmed over).  An open case always has an owner: a case an agent
 * moves to open, pending_customer or pending_internal without one becomes
 * theirs; and a next-action date: one business day on the case's calendar
 * when none is set.
 *
 * All service functions write inside the caller's transaction (or only
 * read); they never begin or commit.
 */
#ifndef HEED_DOMAIN_CASES_H
#define HEED_DOMAIN_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "domain/customers.h"
#include "store/store.h"

#define CASE_SUBJECT_MAX 500
#define CASE_QUEUE_MAX 64
#define CASE_QUEUE_DEFAULT "general"
#define CASE_BODY_MAX 65536
#define CASE_FACTS_MAX 100
#define CASE_LIST_DEFAULT 50
#define CASE_LIST_MAX 200
#define CASE_EVENTS_DEFAULT 100
#define CASE_EVENTS_MAX 500
#define FACT_KEY_MAX 64
#define FACT_VALUE_MAX 4096
#define CASE_PLAN_MAX 2000
#define CASE_SIMILAR_SCAN 50

/* case_status_name - "new", "open", ...; "unknown" if invalid. */
const char *case_status_name(enum case_status s);
/* case_status_parse - the status named s, 0 if none (NULL included). */
enum case_status case_status_parse(const char *s);
/* case_priority_name - "low", "normal", "high", "urgent"; "unknown". */
const char *case_priority_name(enum case_priority p);
/* case_priority_parse - the priority named s, 0 if none. */
enum case_priority case_priority_parse(const char *s);
/* fact_source_name - "customer", "agent", "system", "channel"; "unknown". */
const char *fact_source_name(enum fact_source s);
/* fact_source_parse - the source named s, 0 if none. */
enum fact_source fact_source_parse(const char *s);
/* visibility_name - "public" or "internal"; "unknown". */
const char *visibility_name(enum visibility v);
/* author_kind_name - "system", "agent", "customer"; "unknown". */
const char *author_kind_name(enum author_kind k);

/* cases_similar - true when two subjects are about the same thing: at
 * least half of the significant words of the shorter one (3+ letters, not
 * a common word, plural 's' dropped, case ignored) are in the other.  Pure. */
bool cases_similar(const char *a, const char *b);

/* The significant words of a subject, to compare one with many. */
#define CASES_WORDS_MAX 32
#define CASES_WORD_LEN 24
struct cases_words {
	char w[CASES_WORDS_MAX][CASES_WORD_LEN];
	size_t n;
};
void cases_words(const char *s, struct cases_words *out);
bool cases_similar_words(const struct cases_words *a, const struct cases_words *b);

/* case_transition_ok - true when a case may move from `from` to `to`
 * (false for from == to: that is a no-op, not a transition). */
bool case_transition_ok(enum case_status from, enum case_status to);

/* case_allowed_next - the names of the statuses `from` may move to, as a
 * static NULL-terminated array (empty for closed and invalid statuses). */
const char *const *case_allowed_next(enum case_status from);

/* One fact given with a new case. */
struct fact_in {
	const char *key;
	const char *value_json; /* JSON text of the value, serialised by caller */
};

struct case_new {
	int64_t customer_id;                 /* an existing customer, or */
	const struct customer_new *customer; /* find or create this one */
	const char *subject;                 /* 1..500 characters */
	const char *priority;                /* NULL: normal */
	const char *queue;                   /* NULL: "general" */
	int64_t owner_id;                    /* 0: unassigned */
	const char *message;                 /* first customer message; NULL/"": none */
	const struct fact_in *facts;
	size_t n_facts;
	const char *fact_source;             /* NULL: "customer" */
	bool confirm_new;                    /* a similar open case exists, and
					      * a new one is wanted anyway */
};

/* A change to a case: only fields with has_* set are looked at. */
struct case_patch {
	bool has_status;
	const char *status;
	bool has_priority;
	const char *priority;
	bool has_owner;
	int64_t owner_id; /* 0: unassign */
	bool has_queue;
	const char *queue;
	bool has_subject;
	const char *subject;
	bool has_next_action;
	int64_t next_action_at; /* 0: clear */
	bool has_plan;
	const char *plan;       /* "" clears */
};

/* cases_create - open a case for a customer.  Give exactly one of
 * in->customer_id (unknown: E_UNPROC field "customer_id") or in->customer
 * (customers_find_or_create; refusals carry "customer." field paths; the
 * customer used is out->customer_id).  Validates
 * subject, priority, queue ([a-z0-9_-], 1..64), owner_id (an existing agent,
 * else E_UNPROC field "owner_id"), message (<= 64 KiB: E_TOOBIG), facts
 * (fields "facts[i].key" / "facts[i].value"; over 100 facts: E_TOOBIG) and
 * fact_source, all before writing.  Appends "created", then the message (a
 * public "message" by the customer), then one "fact" event per fact, in
 * that order.  Writes. */
enum err cases_create(struct store *st, struct arena *ar,
		      const struct case_new *in, const struct actor *by,
		      struct case_ *out, struct fail *f);

/* cases_update - apply patch p to case id.  E_NOTFOUND for an unknown id;
 * E_UNPROC for a bad value (field status/priority/owner_id/queue/subject);
 * an illegal status move is E_CONFLICT, reason "illegal_transition",
 * field "status", f->allowed = case_allowed_next(current).  Each real
 * change appends its event (status, assignment, priority, queue, subject in
 * that order) and bumps updated_at; a patch that changes nothing writes
 * nothing.  Writes. */
enum err cases_update(struct store *st, struct arena *ar, int64_t id,
		      const struct case_patch *p, const struct actor *by,
		      struct case_ *out, struct fail *f);

/* cases_get - one case, E_NOTFOUND if none. */
enum err cases_get(struct store *st, struct arena *ar, int64_t id,
		   struct case_ *out);

/* cases_list - cases matching filter (see store.h), newest first.  limit 0
 * means 50; over 200 is E_UNPROC field "limit".  Read only. */
enum err cases_list(struct store *st, struct arena *ar,
		    const struct case_filter *filter, struct case_list *out,
		    struct fail *f);

/* cases_add_event - append a "message" (default public; "internal" allowed)
 * or a "note" (always internal: asking public is E_UNPROC field
 * "visibility") to case_id, authored by `by`.  Other types are E_UNPROC
 * field "type".  body must be valid UTF-8 with a non-space character
 * (E_UNPROC field "body") and at most 64 KiB (E_TOOBIG).  Bumps the case's
 * updated_at.  E_NOTFOUND for an unknown case.  Writes. */
enum err cases_add_event(struct store *st, struct arena *ar, int64_t case_id,
			 const char *type, const char *body,
			 const char *visibility, const struct actor *by,
			 struct event *out, struct fail *f);

/* cases_events - the timeline of case_id, oldest first, ids above after_id;
 * limit 0 means 100, over 500 is E_UNPROC field "limit".  E_NOTFOUND for an
 * unknown case.  Read only. */
enum err cases_events(struct store *st, struct arena *ar, int64_t case_id,
		      int64_t after_id, size_t limit, struct event_list *out,
		      struct fail *f);

/* cases_put_fact - record key = value_json on case_id.  key: 1..64 chars,
 * dot-separated segments of [a-z0-9_], starting with a letter (field
 * "key").  value_json: one JSON value as text, <= 4096 bytes (E_TOOBIG;
 * not JSON: E_UNPROC field "value"); stored as given, trimmed.  source:
 * "customer", "agent", "system", "channel", or NULL for the actor's own kind
 * (field "source").  Appends a "fact" event, internal unless the source is
 * the customer; bumps updated_at.  Older values stay as history.  Writes. */
enum err cases_put_fact(struct store *st, struct arena *ar, int64_t case_id,
			const char *key, const char *value_json,
			const char *source, const struct actor *by,
			struct fact *out, struct fail *f);

/* cases_facts - the current facts of case_id (newest per key, by key) or
 * the whole history (oldest first).  E_NOTFOUND for an unknown case. */
enum err cases_facts(struct store *st, struct arena *ar, int64_t case_id,
		     bool current_only, struct fact_list *out);

#endif
