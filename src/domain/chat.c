/*
 * chat.c - the steps of a live chat contact (see chat.h).
 *
 * Every step has the same shape: check the state, check the values, then
 * change the live record and describe the writes.  Checks come first so a
 * refused step changes nothing.
 */
#include "domain/chat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "domain/cases.h"
#include "domain/ident.h"
#include "domain/internal.h"

const char *contact_state_name(enum contact_state s)
{
	static const char *const names[] = {
		[CONTACT_QUEUED] = "queued", [CONTACT_ACTIVE] = "active",
		[CONTACT_ON_HOLD] = "on_hold", [CONTACT_ENDED] = "ended",
		[CONTACT_ABANDONED] = "abandoned",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s]
									  : "unknown";
}

const char *hold_state_name(enum hold_state h)
{
	return h == HOLD_ASKED ? "asked" : h == HOLD_ON ? "on" : "none";
}

enum err chat_set(char **dst, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return E_NOMEM;
	free(*dst);
	*dst = copy;
	return E_OK;
}

void chat_live_free(struct chat_live *l)
{
	free(l->c.channel);
	free(l->c.queue);
	free(l->c.verified_method);
	free(l->c.notify_email);
	free(l->c.handoff_note);
	free(l->subject);
	free(l->tried);
	free(l->customer_name);
	free(l->agent_name);
	free(l->handoff_from_name);
	memset(l, 0, sizeof(*l));
}

/* multiline - text that may span lines: valid UTF-8, 1..max characters
 * after trimming; over max is `over` (E_TOOBIG or E_UNPROC). */
static enum err multiline(struct arena *ar, const char *s, const char *field,
			  size_t max, enum err over, char **out, struct fail *f)
{
	size_t n = s ? strlen(s) : 0;
	char *t;

	if (!s || !utf8_valid(s, n))
		return fail_set(f, E_UNPROC, NULL, field, "must be valid UTF-8 text");
	if (n > max * 4)
		return fail_set(f, over, NULL, field, "must be at most %zu characters", max);
	t = domain__trim(ar, s);
	if (!t)
		return domain__nomem(f);
	if (!*t)
		return fail_set(f, E_UNPROC, NULL, field, "must not be empty");
	if (domain__chars(t) > max)
		return fail_set(f, over, NULL, field, "must be at most %zu characters", max);
	*out = t;
	return E_OK;
}

enum err chat_body(struct arena *ar, const char *body, char **out,
		   struct fail *f)
{
	return multiline(ar, body, "body", CHAT_BODY_MAX, E_TOOBIG, out, f);
}

void chat_change_event(struct chat_change *ch, const char *type,
		       const struct actor *by, enum visibility vis,
		       const char *body, const char *data)
{
	struct chat_event *e;

	if (ch->n_ev >= CHAT_MAX_EVENTS)
		return;
	e = &ch->ev[ch->n_ev++];
	e->type = type;
	e->by = *by;
	e->vis = vis;
	e->body = body ? body : "";
	e->data = data;
}

/* snap - the contact as it now is, into ch (strings copied into ch->ar). */
static void snap(const struct chat_live *l, struct chat_change *ch, int64_t now)
{
	struct contact *c = &ch->contact;

	*c = l->c;
	c->updated_at = now;
	c->channel = arena_strdup(ch->ar, l->c.channel ? l->c.channel : "chat");
	c->queue = arena_strdup(ch->ar, l->c.queue ? l->c.queue : "general");
	c->verified_method = l->c.verified_method
				     ? arena_strdup(ch->ar, l->c.verified_method) : NULL;
	c->notify_email = l->c.notify_email
				  ? arena_strdup(ch->ar, l->c.notify_email) : NULL;
	c->handoff_note = l->c.handoff_note
				  ? arena_strdup(ch->ar, l->c.handoff_note) : NULL;
	ch->write_contact = true;
	ch->case_id = l->c.case_id;
	ch->customer_id = l->c.customer_id;
}

static const struct actor *customer_actor(const struct chat_live *l)
{
	static _Thread_local struct actor a;

	a.kind = AUTHOR_CUSTOMER;
	a.id = l->c.customer_id;
	a.role = ROLE_NONE;
	return &a;
}

static enum err wrong_state(struct fail *f, const struct chat_live *l,
			    const char *what)
{
	return fail_set(f, E_CONFLICT, "wrong_state", NULL, "%s: the chat is %s%s",
			what, contact_state_name(l->c.state),
			l->hold == HOLD_ASKED ? " (a hold is being asked)" : "");
}

/* fmt - printf into ch->ar. */
static const char *fmt(struct chat_change *ch, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
static const char *fmt(struct chat_change *ch, const char *f, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return arena_strdup(ch->ar, buf);
}

/* hold_close - account for a hold that stops now. */
static int64_t hold_close(struct chat_live *l, int64_t now)
{
	int64_t ms = 0;

	if (l->hold == HOLD_ON && l->hold_started_at) {
		ms = now - l->hold_started_at;
		if (ms < 0)
			ms = 0;
		l->c.hold_ms += ms;
	}
	l->hold = HOLD_NONE;
	l->hold_minutes = 0;
	l->hold_asked_at = l->hold_started_at = l->hold_remind_at = 0;
	return ms;
}

enum err chat_assign(struct chat_live *l, int64_t agent_id,
		     const char *agent_name, int64_t now,
		     struct chat_change *ch, struct fail *f)
{
	const char *name = agent_name && *agent_name ? agent_name : "An agent";

	if (l->c.state != CONTACT_QUEUED)
		return wrong_state(f, l, "cannot assign");
	if (chat_set(&l->agent_name, agent_name) != E_OK)
		return domain__nomem(f);
	l->c.state = CONTACT_ACTIVE;
	l->c.agent_id = agent_id;
	l->c.assigned_at = now;
	if (l->c.wait_ms < 0) /* the first wait is the one announced */
		l->c.wait_ms = now - l->c.queued_at;
	l->position = 0;
	snap(l, ch, now);
	chat_change_event(ch, "agent_joined", ACTOR_SYSTEM, VIS_PUBLIC,
			  fmt(ch, "%s joined the chat", name),
			  fmt(ch, "{\"agent_id\":%lld}", (long long)agent_id));
	ch->set_owner = true;
	ch->owner_id = agent_id;
	ch->set_status = true;
	ch->status = CASE_OPEN;
	return E_OK;
}

enum err chat_hold_ask(struct chat_live *l, const struct actor *agent,
		       int minutes, int64_t now, struct chat_change *ch,
		       struct fail *f)
{
	if (l->c.state != CONTACT_ACTIVE || l->hold != HOLD_NONE)
		return wrong_state(f, l, "cannot ask to hold");
	if (minutes < 1 || minutes > CHAT_HOLD_MAX_MIN)
		return fail_set(f, E_UNPROC, NULL, "minutes",
				"must be a whole number of minutes from 1 to %d",
				CHAT_HOLD_MAX_MIN);
	l->hold = HOLD_ASKED;
	l->hold_minutes = minutes;
	l->hold_asked_at = now;
	snap(l, ch, now);
	chat_change_event(ch, "hold_requested", agent, VIS_PUBLIC,
			  fmt(ch, "%s asks to put you on hold for about %d minute%s",
			      l->agent_name ? l->agent_name : "The agent", minutes,
			      minutes == 1 ? "" : "s"),
			  fmt(ch, "{\"minutes\":%d}", minutes));
	return E_OK;
}

static void end_contact(struct chat_live *l, int64_t now)
{
	hold_close(l, now);
	l->c.state = CONTACT_ENDED;
	l->c.ended_at = now;
	l->position = 0;
}

enum err chat_hold_answer(struct chat_live *l, const char *answer, int64_t now,
			  struct chat_change *ch, struct fail *f)
{
	int minutes = l->hold_minutes;

	if (l->hold != HOLD_ASKED)
		return fail_set(f, E_CONFLICT, "no_hold_asked", NULL,
				"nobody asked to put you on hold");
	if (!answer || (strcmp(answer, "accept") && strcmp(answer, "decline") &&
			strcmp(answer, "later")))
		return fail_set(f, E_UNPROC, NULL, "answer",
				"must be accept, decline or later");
	if (!strcmp(answer, "accept")) {
		l->hold = HOLD_ON;
		l->c.state = CONTACT_ON_HOLD;
		l->hold_started_at = now;
		l->hold_remind_at = now + (int64_t)minutes * 60000;
		snap(l, ch, now);
		chat_change_event(ch, "hold_started", customer_actor(l), VIS_PUBLIC,
				  fmt(ch, "On hold for about %d minute%s, as agreed",
				      minutes, minutes == 1 ? "" : "s"),
				  fmt(ch, "{\"minutes\":%d}", minutes));
		return E_OK;
	}
	if (!strcmp(answer, "decline")) {
		hold_close(l, now);
		snap(l, ch, now);
		chat_change_event(ch, "hold_declined", customer_actor(l), VIS_PUBLIC,
				  "The customer asked to stay connected, not to hold",
				  NULL);
		return E_OK;
	}
	end_contact(l, now);
	snap(l, ch, now);
	chat_change_event(ch, "contact_later", customer_actor(l), VIS_PUBLIC,
			  "The customer asked to be contacted later instead of holding",
			  NULL);
	ch->set_status = true;
	ch->status = CASE_PENDING_INTERNAL;
	return E_OK;
}

enum err chat_hold_end(struct chat_live *l, const struct actor *agent,
		       int64_t now, struct chat_change *ch, struct fail *f)
{
	bool withdrawn = l->hold == HOLD_ASKED;
	int64_t ms;

	if (l->hold == HOLD_NONE)
		return fail_set(f, E_CONFLICT, "not_on_hold", NULL,
				"the chat is not on hold");
	ms = hold_close(l, now);
	if (l->c.state == CONTACT_ON_HOLD)
		l->c.state = CONTACT_ACTIVE;
	snap(l, ch, now);
	chat_change_event(ch, "hold_ended", agent, VIS_PUBLIC,
			  withdrawn ? "The request to hold was withdrawn"
				    : fmt(ch, "Back from hold after %lld:%02lld",
					  (long long)(ms / 60000),
					  (long long)(ms / 1000 % 60)),
			  fmt(ch, "{\"seconds\":%lld,\"withdrawn\":%s}",
			      (long long)(ms / 1000), withdrawn ? "true" : "false"));
	return E_OK;
}

enum err chat_transfer(struct chat_live *l, const struct actor *from,
		       int64_t to_agent_id, const char *to_agent_name,
		       const char *to_queue, const char *note,
		       const char *message, int64_t now,
		       struct chat_change *ch, struct fail *f)
{
	char *n = NULL, *msg = NULL, *to_json;
	enum err e;

	if (l->c.state != CONTACT_ACTIVE && l->c.state != CONTACT_ON_HOLD)
		return wrong_state(f, l, "cannot transfer");
	if ((to_agent_id > 0) == (to_queue != NULL))
		return fail_set(f, E_UNPROC, NULL, "to_agent_id",
				"give either to_agent_id or to_queue");
	if (to_agent_id == l->c.agent_id)
		return fail_set(f, E_UNPROC, NULL, "to_agent_id",
				"the chat is already yours");
	e = multiline(ch->ar, note, "note", CHAT_NOTE_MAX, E_UNPROC, &n, f);
	if (e != E_OK)
		return e;
	if (message && *message &&
	    (e = domain__text(ch->ar, message, "message", 1, 500, &msg, f)) != E_OK)
		return e;
	if (chat_set(&l->c.handoff_note, n) != E_OK)
		return domain__nomem(f);
	hold_close(l, now);
	l->c.handoff_from = from->id;
	to_json = to_agent_id > 0 ? (char *)fmt(ch, "\"to_agent_id\":%lld",
						 (long long)to_agent_id)
				  : (char *)fmt(ch, "\"to_queue\":%s",
						domain__json_str(ch->ar, to_queue));
	if (to_agent_id > 0) {
		if (chat_set(&l->agent_name, to_agent_name) != E_OK)
			return domain__nomem(f);
		l->c.agent_id = to_agent_id;
		l->c.assigned_at = now;
		l->c.state = CONTACT_ACTIVE;
	} else {
		if (chat_set(&l->c.queue, to_queue) != E_OK)
			return domain__nomem(f);
		free(l->agent_name);
		l->agent_name = NULL;
		l->c.agent_id = 0;
		l->c.state = CONTACT_QUEUED;
		ch->set_queue = arena_strdup(ch->ar, to_queue);
	}
	snap(l, ch, now);
	chat_change_event(ch, "handoff", from, VIS_INTERNAL, n,
			  fmt(ch, "{\"note\":%s,%s}", domain__json_str(ch->ar, n),
			      to_json));
	chat_change_event(ch, "transfer", ACTOR_SYSTEM, VIS_PUBLIC,
			  to_agent_id > 0
				  ? fmt(ch, "Transferring you to %s%s%s",
					to_agent_name ? to_agent_name : "a colleague",
					msg ? ": " : ". They can see this whole conversation.",
					msg ? msg : "")
				  : fmt(ch, "Transferring you to the %s team%s%s", to_queue,
					msg ? ": " : ". They can see this whole conversation.",
					msg ? msg : ""),
			  fmt(ch, "{%s}", to_json));
	ch->set_owner = true;
	ch->owner_id = to_agent_id > 0 ? to_agent_id : 0;
	return E_OK;
}

enum err chat_end(struct chat_live *l, const struct actor *agent,
		  const char *status, int64_t now, struct chat_change *ch,
		  struct fail *f)
{
	enum case_status st;

	if (l->c.state != CONTACT_ACTIVE && l->c.state != CONTACT_ON_HOLD)
		return wrong_state(f, l, "cannot end");
	if (!status)
		return fail_set(f, E_UNPROC, NULL, "status",
				"must be resolved, pending_customer or pending_internal");
	if (!strcmp(status, "resolved"))
		st = CASE_RESOLVED;
	else if (!strcmp(status, "pending_customer"))
		st = CASE_PENDING_CUSTOMER;
	else if (!strcmp(status, "pending_internal"))
		st = CASE_PENDING_INTERNAL;
	else
		return fail_set(f, E_UNPROC, NULL, "status",
				"must be resolved, pending_customer or pending_internal");
	end_contact(l, now);
	snap(l, ch, now);
	chat_change_event(ch, "chat_ended", agent, VIS_PUBLIC,
			  st == CASE_RESOLVED ? "The chat has ended: resolved"
			  : st == CASE_PENDING_CUSTOMER
				  ? "The chat has ended: we are waiting for your reply"
				  : "The chat has ended: we are working on it and will update you",
			  fmt(ch, "{\"status\":\"%s\",\"by\":\"agent\"}", status));
	ch->set_status = true;
	ch->status = st;
	return E_OK;
}

enum err chat_leave(struct chat_live *l, bool gave_up, int64_t now,
		    struct chat_change *ch, struct fail *f)
{
	bool queued = l->c.state == CONTACT_QUEUED;

	if (l->c.state == CONTACT_ENDED || l->c.state == CONTACT_ABANDONED)
		return wrong_state(f, l, "cannot leave");
	if (queued) {
		l->c.state = CONTACT_ABANDONED;
		l->c.ended_at = now;
		l->c.wait_ms = now - l->c.queued_at;
		l->position = 0;
	} else {
		end_contact(l, now);
	}
	snap(l, ch, now);
	chat_change_event(ch, "customer_left", customer_actor(l), VIS_PUBLIC,
			  gave_up ? "The customer left while waiting"
			  : queued ? "The customer left the queue"
				   : "The customer ended the chat",
			  fmt(ch, "{\"while\":\"%s\"}", queued ? "queued" : "chatting"));
	return E_OK;
}

enum err chat_notify(struct chat_live *l, const char *email, int64_t now,
		     struct chat_change *ch, struct fail *f)
{
	char *norm = NULL;
	enum err e;

	if (l->c.state != CONTACT_QUEUED)
		return wrong_state(f, l, "cannot wait by email");
	e = ident_normalize(ch->ar, IDENT_EMAIL, email ? email : "", &norm, f);
	if (e != E_OK) {
		domain__field(f, "email");
		return e == E_NOMEM ? e : E_UNPROC;
	}
	if (chat_set(&l->c.notify_email, norm) != E_OK)
		return domain__nomem(f);
	snap(l, ch, now);
	chat_change_event(ch, "notify_requested", customer_actor(l), VIS_PUBLIC,
			  "We will email you when an agent replies. You keep your place in the queue.",
			  fmt(ch, "{\"email\":%s}", domain__json_str(ch->ar, norm)));
	return E_OK;
}

void chat_estimate_shown(struct chat_live *l, const struct est *e,
			 struct chat_change *ch)
{
	if (!e->known || l->c.est_low_ms >= 0)
		return;
	l->c.est_ms = e->mean_ms;
	l->c.est_low_ms = e->low_ms;
	l->c.est_high_ms = e->high_ms;
	if (ch)
		snap(l, ch, l->c.updated_at);
}

/* ---- applying a change (writer thread) ---------------------------------- */

static enum err apply_case(struct store *st, struct chat_change *ch,
			   const struct actor *by, struct fail *f)
{
	struct case_patch p = {0};
	struct case_ cur, out;
	enum err e;

	e = cases_get(st, ch->ar, ch->case_id, &cur);
	if (e != E_OK)
		return domain__io(f, e);
	if (ch->set_status && cur.status != ch->status &&
	    case_transition_ok(cur.status, ch->status)) {
		p.has_status = true;
		p.status = case_status_name(ch->status);
	}
	if (ch->set_owner && cur.owner_id != ch->owner_id) {
		p.has_owner = true;
		p.owner_id = ch->owner_id;
	}
	if (ch->set_queue && strcmp(cur.queue, ch->set_queue) != 0) {
		p.has_queue = true;
		p.queue = ch->set_queue;
	}
	if (!p.has_status && !p.has_owner && !p.has_queue)
		return E_OK;
	return cases_update(st, ch->ar, ch->case_id, &p, by, &out, f);
}

enum err chat_apply(struct store *st, struct chat_change *ch, int64_t now,
		    struct fail *f)
{
	int64_t first = 0;
	struct event ev;
	enum err e;

	for (size_t i = 0; i < ch->n_ev; i++) {
		const struct chat_event *c = &ch->ev[i];

		e = domain__event_add(st, ch->case_id, ch->customer_id, c->type,
				      &c->by, c->vis, c->body, c->data, now, &ev);
		if (e != E_OK)
			return domain__io(f, e);
		if (!first)
			first = ev.id;
	}
	if (ch->write_contact &&
	    (e = store_contact_update(st, &ch->contact)) != E_OK)
		return domain__io(f, e);
	if ((ch->set_status || ch->set_owner || ch->set_queue) &&
	    (e = apply_case(st, ch, ch->n_ev ? &ch->ev[0].by : ACTOR_SYSTEM, f)) != E_OK)
		return e;
	if (ch->mail) {
		ch->mail->created_at = now;
		if ((e = store_outbox_insert(st, ch->mail)) != E_OK)
			return domain__io(f, e);
	}
	if (first && (e = store_event_list(st, ch->ar, ch->case_id, first - 1, 32,
					   &ch->written)) != E_OK)
		return domain__io(f, e);
	return E_OK;
}
