/*
 * hub.h - the live state of chat: who is waiting in which queue, which
 * agents are present with how many chats, holds and their timers - and the
 * one place that changes it.
 *
 * Sockets live on the HTTP loops (chat.c); the hub is shared by all of
 * them behind one mutex, held only for in-memory work (no I/O under it).
 * A step (accept, hold, transfer, a message...) is checked by the rules in
 * domain/chat.c under the lock, the live record is changed at once, and
 * the writes go to the group-commit queue; only after the commit are the
 * resulting events published on the bus, so nobody is ever told about an
 * event that is not on disk.  If a commit fails, the sender gets an
 * `unavailable` error and the hub reloads its live state from the store.
 *
 * A thread of its own ticks every 250 ms: routing, queue positions and
 * estimates (a `contact` frame to each waiting customer whose position or
 * estimate changed, a `queue` frame to agents when anything changed), hold
 * reminders, and customers gone from the queue.
 *
 * Topics (see docs/chat.md for the frames):
 *   case:N          public events of case N          customers, agents
 *   case:N:agents   internal events, customer typing and receipts  agents
 *   contact:N       the customer's view of contact N, agent typing/receipts
 *   agent:N         contacts of agent N, hold reminders
 *   agents          queue frames
 *   conn:N          acks and late errors for socket N
 */
#ifndef HEED_HUB_H
#define HEED_HUB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "chan/bus.h"
#include "domain/routing.h"
#include "store/model.h"
#include "store/txq.h"

struct hub;

struct hub_config {
	const char *db_uri;
	int64_t notify_offer_ms; /* offer "email me" above this wait (5 min) */
	int64_t gone_after_ms;   /* a waiting customer with no socket for this
				  * long, not waiting by email, has left */
	int64_t presence_grace_ms; /* an agent's last socket closing sets them
				    * offline after this (a console reload) */
};

enum hub_op_kind {
	HUB_PRESENCE = 1, HUB_ACCEPT, HUB_MESSAGE, HUB_TYPING, HUB_READ,
	HUB_HOLD_ASK, HUB_HOLD_ANSWER, HUB_HOLD_END, HUB_TRANSFER, HUB_END,
	HUB_NOTIFY, HUB_LEAVE
};

/* Who acts: an agent (agent_id, role) or the customer of contact_id. */
struct hub_who {
	enum author_kind kind;
	int64_t agent_id;
	enum role role;
	int64_t contact_id;
	uint64_t conn;       /* the socket, for acks and to skip own typing */
};

struct hub_op {
	enum hub_op_kind kind;
	struct hub_who who;
	int64_t contact_id;  /* agent ops on a contact */
	int64_t case_id;     /* agent message, typing, read */
	const char *text;    /* message body, presence status, answer, end
			      * status, email */
	bool flag;           /* message: internal; typing: on; read: delivered */
	int64_t number;      /* hold minutes; read: event id; transfer agent */
	const char *queue;   /* transfer to queue */
	const char *note;    /* transfer */
	const char *message; /* transfer: words for the customer */
	const char *cid;     /* client id echoed in the ack */
};

enum err hub_start(const struct hub_config *cfg, struct txq *txq,
		   struct bus *bus, struct hub **out);
void hub_stop(struct hub *h);

/* hub_estimate - the estimate and position a new contact in queue would
 * get now. */
struct est hub_estimate(struct hub *h, const char *queue, int *position);
/* hub_add - a contact was stored: serve it (strings copied). */
enum err hub_add(struct hub *h, const struct contact *c, const char *subject,
		 const char *tried, const char *customer_name);
/* hub_queue_known - a queue of that name exists. */
bool hub_queue_known(struct hub *h, const char *queue);
/* hub_queue_put - a queue was created or changed. */
void hub_queue_put(struct hub *h, const char *name, const char *skills);
/* hub_agent_put - an agent was created or changed (name, role, skills,
 * capacity). */
void hub_agent_put(struct hub *h, const struct agent *a);

/* hub_contact_json - the contact as its customer (agent_view false) or an
 * agent sees it; c is used when the contact is no longer live.  New
 * reference or NULL. */
json_t *hub_contact_json(struct hub *h, const struct contact *c, bool agent_view);
/* hub_customer_attach - a customer socket for contact_id opened (true) or
 * closed (false).  E_NOTFOUND when the contact is not live. */
enum err hub_customer_attach(struct hub *h, int64_t contact_id, bool open);
/* hub_agent_attach - an agent socket opened: *welcome gets the agent and
 * their contacts (new reference). */
enum err hub_agent_attach(struct hub *h, const struct agent *a, json_t **welcome);
void hub_agent_detach(struct hub *h, int64_t agent_id);
/* hub_queue_frame - the current queue frame text (malloc'd) for a new
 * agent socket. */
char *hub_queue_frame(struct hub *h);
/* hub_agent_name - copy of the agent's name into buf ("" if unknown). */
void hub_agent_name(struct hub *h, int64_t agent_id, char *buf, size_t n);
/* hub_live_contact_of_case - the live contact of case_id (0 if none). */
int64_t hub_live_contact_of_case(struct hub *h, int64_t case_id);
/* hub_may_follow - may this agent follow case_id's live chat? */
bool hub_agent_may_act(struct hub *h, const struct hub_who *who, int64_t case_id);

/* hub_do - one step.  Refusals come back at once (E_* with f filled);
 * success is announced on the bus after the commit (an ack to
 * conn:N when cid is set). */
enum err hub_do(struct hub *h, const struct hub_op *op, struct fail *f);

/* hub_publish_event - tell followers of a case about an event written
 * elsewhere (the REST API), after its commit. */
void hub_publish_event(struct hub *h, const struct event *e);
/* hub_event_json - an event as chat frames carry it (author.name added). */
json_t *hub_event_json(struct hub *h, const struct event *e, const char *customer_name);

/* hub_stats - the estimate audit: contacts served in the window and how
 * many waited within the range announced to them. */
struct hub_stats {
	long served, abandoned, with_estimate, inside;
	double model_coverage;  /* over the hub's recent window; -1: none */
	double handle_ms, abandon, z;
};
void hub_stats_model(struct hub *h, struct hub_stats *out);

#endif
