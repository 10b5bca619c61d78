/*
 * chat.c - one chat socket: hello, replay, frames (see chat.h and
 * docs/chat.md).
 *
 * A socket is a customer (its visitor token names one contact) or an agent
 * (token or session cookie).  Deliveries from the bus are deduplicated by
 * event id per followed case: a socket subscribes before it replays from the
 * store, so an event committed meanwhile arrives twice and is sent once.
 */
#include "chan/chat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/auth.h"
#include "domain/cases.h"
#include "domain/chat_config.h"
#include "http/http.h"

#define MAX_FOLLOW 32
#define HELLO_SECS 10
#define REPLAY_PAGE 200
#define FRAME_BURST 40.0
#define FRAME_RATE 20.0    /* per second */
#define MSG_BURST 10.0
#define MSG_RATE 5.0

struct chat_worker {
	struct hub *hub;
	struct bus_endpoint *ep;
	struct store *rd;
};

struct follow {
	struct chat_conn *c;
	int64_t case_id;
	int64_t last_id;       /* highest event id sent */
	char t_pub[40], t_agents[40];
	struct bus_sub s_pub, s_agents;
	bool used;
};

enum conn_role { ROLE_NEW = 0, ROLE_CUST, ROLE_AGT };

struct chat_conn {
	struct chat_worker *w;
	struct ws_conn *ws;
	enum conn_role role;
	struct hub_who who;
	char customer_name[128];
	char t_conn[40], t_own[40];          /* conn:N; contact:N or agent:N */
	struct bus_sub s_conn, s_own, s_agents;
	struct follow *follow;     /* cases followed: 1 slot for a customer, MAX_FOLLOW for an agent */
	size_t n_follow;
	double tokens, msg_tokens;
	int64_t refill_at;
	int refused;
};

static struct chat_worker *(*worker_of)(void *);

/* ---- sending ----------------------------------------------------------- */

static void send_json(struct chat_conn *c, json_t *j)
{
	char *s;

	if (!j)
		return;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s)
		ws_send(c->ws, s, strlen(s));
	free(s);
}

static void send_error(struct chat_conn *c, const char *code, const char *msg,
		       json_t *req)
{
	json_t *e = json_pack("{s:s, s:s, s:s}", "type", "error", "code", code,
			      "message", msg);
	json_t *v;

	if (e && req && (v = json_object_get(req, "ref")) && json_is_string(v))
		json_object_set(e, "ref", v);
	if (e && req && (v = json_object_get(req, "cid")) && json_is_string(v))
		json_object_set(e, "cid", v);
	send_json(c, e);
}

/* code_of - the frame error code for a refusal. */
static const char *code_of(enum err e, const struct fail *f)
{
	if (f->reason && !strcmp(f->reason, "at_capacity"))
		return "at_capacity";
	switch (e) {
	case E_INVAL: return "bad_frame";
	case E_UNPROC: return "invalid_value";
	case E_TOOBIG: return "too_large";
	case E_FORBIDDEN: return "forbidden";
	case E_NOTFOUND: return "not_found";
	case E_CONFLICT: return "conflict";
	case E_AUTH: return "unauthorized";
	default: return "unavailable";
	}
}

static void send_fail(struct chat_conn *c, enum err e, const struct fail *f,
		      json_t *req)
{
	char msg[sizeof(f->msg) + 80];

	if (f->field[0])
		snprintf(msg, sizeof(msg), "%s: %s", f->field, f->msg);
	else
		snprintf(msg, sizeof(msg), "%s", f->msg[0] ? f->msg : err_name(e));
	send_error(c, code_of(e, f), msg, req);
}

/* ---- deliveries -------------------------------------------------------- */

static void deliver_plain(struct bus_sub *s, const struct bus_msg *m)
{
	struct chat_conn *c = s->user;

	if (m->origin && m->origin == c->who.conn)
		return; /* our own typing or receipt */
	ws_send(c->ws, m->data, m->len);
}

static void deliver_case(struct bus_sub *s, const struct bus_msg *m)
{
	struct follow *fw = s->user;
	struct chat_conn *c = fw->c;

	if (m->origin && m->origin == c->who.conn)
		return;
	if (m->id > 0) {
		if (m->id <= fw->last_id)
			return; /* already sent by the replay */
		fw->last_id = m->id;
	}
	ws_send(c->ws, m->data, m->len);
}

/* sub - subscribe s to topic; user is what fn gets back in s->user. */
static void sub(struct chat_conn *c, struct bus_sub *s, const char *topic,
		bus_deliver_fn fn, void *user)
{
	s->topic = topic;
	s->deliver = fn;
	s->user = user;
	bus_subscribe(c->w->ep, s);
}

/* ---- following a case -------------------------------------------------- */

static struct follow *follow_find(struct chat_conn *c, int64_t case_id)
{
	for (size_t i = 0; i < c->n_follow; i++)
		if (c->follow[i].used && c->follow[i].case_id == case_id)
			return &c->follow[i];
	return NULL;
}

static void unfollow(struct follow *fw)
{
	if (!fw->used)
		return;
	bus_unsubscribe(&fw->s_pub);
	bus_unsubscribe(&fw->s_agents);
	fw->used = false;
}

/* replay - send the events of fw's case after after_id (public only for
 * customers), from this loop's read handle. */
/* replay - the case's events after after_id that this socket has not had;
 * cust_name names the customer's messages (NULL: no name). */
static enum err replay(struct chat_conn *c, struct follow *fw, int64_t after_id,
		       bool internal_too, const char *cust_name)
{
	struct arena ar;
	struct event_list el;
	enum err e;

	arena_init(&ar, 16384);
	do {
		e = store_event_list(c->w->rd, &ar, fw->case_id, after_id, REPLAY_PAGE, &el);
		for (size_t i = 0; e == E_OK && i < el.n; i++) {
			const struct event *ev = &el.items[i];

			after_id = ev->id;
			if (ev->visibility != VIS_PUBLIC && !internal_too)
				continue;
			if (ev->id <= fw->last_id)
				continue;
			fw->last_id = ev->id;
			send_json(c, json_pack("{s:s, s:o}", "type", "event", "event",
					       hub_event_json(c->w->hub, ev, cust_name)));
		}
		arena_reset(&ar);
	} while (e == E_OK && el.n == REPLAY_PAGE);
	arena_release(&ar);
	return e;
}

static struct follow *follow_start(struct chat_conn *c, int64_t case_id,
				   int64_t last_id)
{
	struct follow *fw = follow_find(c, case_id);

	if (fw)
		return fw;
	if (!c->follow) {
		c->n_follow = c->role == ROLE_AGT ? MAX_FOLLOW : 1;
		c->follow = calloc(c->n_follow, sizeof(*c->follow));
		if (!c->follow) {
			c->n_follow = 0;
			return NULL;
		}
	}
	for (size_t i = 0; i < c->n_follow && !fw; i++)
		if (!c->follow[i].used)
			fw = &c->follow[i];
	if (!fw)
		return NULL;
	memset(fw, 0, sizeof(*fw));
	fw->c = c;
	fw->used = true;
	fw->case_id = case_id;
	fw->last_id = last_id > 0 ? last_id : 0;
	snprintf(fw->t_pub, sizeof(fw->t_pub), "case:%lld", (long long)case_id);
	snprintf(fw->t_agents, sizeof(fw->t_agents), "case:%lld:agents",
		 (long long)case_id);
	sub(c, &fw->s_pub, fw->t_pub, deliver_case, fw);
	if (c->role == ROLE_AGT)
		sub(c, &fw->s_agents, fw->t_agents, deliver_case, fw);
	return fw;
}

/* ---- hello ------------------------------------------------------------- */

/* origin_ok - a browser socket for a contact of a site must come from one
 * of the site's origins or from heed's own (sites_origin_ok). */
static bool origin_ok(struct chat_conn *c, struct arena *ar, int64_t site_id)
{
	struct site s;

	if (!ws_origin(c->ws) || !site_id)
		return true; /* not a browser, or no site rules */
	return store_site_get(c->w->rd, ar, site_id, &s) == E_OK &&
	       sites_origin_ok(&s, ws_origin(c->ws), ws_host(c->ws));
}

static bool hello_customer(struct chat_conn *c, struct arena *ar,
			   const char *token, int64_t last_id)
{
	unsigned char hash[32];
	struct contact ct;
	struct customer cu;
	struct case_ cs;
	struct follow *fw;
	json_t *welcome;

	auth_token_hash(token, hash);
	if (store_contact_by_token(c->w->rd, ar, hash, &ct) != E_OK)
		return false;
	if (!origin_ok(c, ar, ct.site_id)) {
		send_error(c, "forbidden", "this page's origin may not use this chat", NULL);
		ws_close(c->ws, 4403, "origin not allowed");
		return true;
	}
	if (store_case_get(c->w->rd, ar, ct.case_id, &cs) != E_OK)
		return false;
	if (store_customer_get(c->w->rd, ar, ct.customer_id, &cu) == E_OK)
		snprintf(c->customer_name, sizeof(c->customer_name), "%s", cu.name);
	c->role = ROLE_CUST;
	c->who.kind = AUTHOR_CUSTOMER;
	c->who.contact_id = ct.id;
	snprintf(c->t_own, sizeof(c->t_own), "contact:%lld", (long long)ct.id);
	sub(c, &c->s_own, c->t_own, deliver_plain, c);
	fw = follow_start(c, ct.case_id, 0);
	hub_customer_attach(c->w->hub, ct.id, true);
	welcome = json_pack("{s:s, s:s, s:o, s:{s:I, s:s, s:s}}", "type", "welcome",
			    "role", "customer", "contact",
			    hub_contact_json(c->w->hub, &ct, false), "case", "id",
			    (json_int_t)cs.id, "subject", cs.subject, "status",
			    case_status_name(cs.status));
	send_json(c, welcome);
	if (fw) {
		replay(c, fw, last_id, false,
		       c->customer_name[0] ? c->customer_name : NULL);
		send_json(c, json_pack("{s:s, s:I}", "type", "replayed", "last_event_id",
				       (json_int_t)fw->last_id));
	}
	return true;
}

static bool hello_agent(struct chat_conn *c, struct arena *ar, const char *token)
{
	struct agent a;
	json_t *welcome = NULL;
	char *q;

	if (auth_authenticate(c->w->rd, ar, token, &a, NULL) != E_OK)
		return false;
	if (hub_agent_attach(c->w->hub, &a, &welcome) != E_OK)
		return false;
	c->role = ROLE_AGT;
	c->who.kind = AUTHOR_AGENT;
	c->who.agent_id = a.id;
	c->who.role = a.role;
	snprintf(c->t_own, sizeof(c->t_own), "agent:%lld", (long long)a.id);
	sub(c, &c->s_own, c->t_own, deliver_plain, c);
	sub(c, &c->s_agents, "agents", deliver_plain, c);
	send_json(c, welcome);
	q = hub_queue_frame(c->w->hub);
	if (q)
		ws_send(c->ws, q, strlen(q));
	free(q);
	return true;
}

/* same_host - the Origin is heed's own host (or absent: not a browser). */
static bool same_host(const char *origin, const char *host)
{
	const char *p = origin ? strstr(origin, "://") : NULL;

	if (!origin)
		return true;
	return p && host && strcasecmp(p + 3, host) == 0;
}

static void on_hello(struct chat_conn *c, json_t *req)
{
	const char *token = json_string_value(json_object_get(req, "token"));
	json_int_t last = json_integer_value(json_object_get(req, "last_event_id"));
	char cookie[128];
	struct arena ar;
	bool ok;

	if (!token) {
		/* the console's cookie: only from a page of heed itself, so that
		 * another site (even a sibling subdomain) cannot ride on it */
		if (!same_host(ws_origin(c->ws), ws_host(c->ws))) {
			send_error(c, "forbidden", "sign in with a token from this page", req);
			ws_close(c->ws, 4403, "forbidden");
			return;
		}
		token = http_cookie(ws_cookie(c->ws), "heed_session", cookie, sizeof(cookie));
	}
	if (!token) {
		send_error(c, "unauthorized", "send a token, or sign in to the console", req);
		ws_close(c->ws, 4401, "unauthorized");
		return;
	}
	arena_init(&ar, 8192);
	if (store_read_begin(c->w->rd) != E_OK) {
		arena_release(&ar);
		send_error(c, "unavailable", "storage failure", req);
		return;
	}
	ok = strncmp(token, CHAT_VISITOR_PREFIX, strlen(CHAT_VISITOR_PREFIX)) == 0
		     ? hello_customer(c, &ar, token, last)
		     : hello_agent(c, &ar, token);
	store_read_end(c->w->rd);
	arena_release(&ar);
	if (!ok) {
		send_error(c, "unauthorized", "the token is unknown, expired or revoked", req);
		ws_close(c->ws, 4401, "unauthorized");
		return;
	}
	ws_deadline(c->ws, 0);
}

/* ---- frames ------------------------------------------------------------ */

static bool budget(struct chat_conn *c, bool message)
{
	int64_t now = clock_mono_ms();
	double dt = (double)(now - c->refill_at) / 1000.0;

	c->refill_at = now;
	c->tokens = c->tokens + dt * FRAME_RATE;
	if (c->tokens > FRAME_BURST)
		c->tokens = FRAME_BURST;
	c->msg_tokens = c->msg_tokens + dt * MSG_RATE;
	if (c->msg_tokens > MSG_BURST)
		c->msg_tokens = MSG_BURST;
	if (c->tokens < 1 || (message && c->msg_tokens < 1))
		return false;
	c->tokens -= 1;
	if (message)
		c->msg_tokens -= 1;
	return true;
}

static int64_t get_id(json_t *req, const char *key)
{
	json_t *v = json_object_get(req, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
}

static const char *get_str(json_t *req, const char *key)
{
	return json_string_value(json_object_get(req, key));
}

/* on_open_case - an agent follows a case: the case, facts, contact, then
 * its events after last_event_id, then live. */
static void on_open_case(struct chat_conn *c, json_t *req)
{
	int64_t case_id = get_id(req, "case_id"), contact_id;
	struct arena ar;
	struct case_ cs;
	struct fact_list facts = {0};
	struct customer cu;
	struct contact ct;
	struct follow *fw;
	json_t *jf, *jc = json_null();

	arena_init(&ar, 8192);
	store_read_begin(c->w->rd);
	if (!case_id || store_case_get(c->w->rd, &ar, case_id, &cs) != E_OK) {
		send_error(c, "not_found", "no case with that id", req);
		goto out;
	}
	fw = follow_start(c, case_id, get_id(req, "last_event_id"));
	if (!fw) {
		send_error(c, "conflict", "following too many cases; close one", req);
		goto out;
	}
	store_fact_list(c->w->rd, &ar, case_id, true, &facts);
	jf = json_array();
	for (size_t i = 0; i < facts.n; i++) {
		json_t *v = json_loads(facts.items[i].value, JSON_DECODE_ANY, NULL);

		json_array_append_new(jf, json_pack("{s:s, s:o, s:s}", "key",
						    facts.items[i].key, "value",
						    v ? v : json_null(), "source",
						    fact_source_name(facts.items[i].source)));
	}
	contact_id = hub_live_contact_of_case(c->w->hub, case_id);
	if (contact_id && store_contact_get(c->w->rd, &ar, contact_id, &ct) == E_OK)
		jc = hub_contact_json(c->w->hub, &ct, true);
	send_json(c, json_pack("{s:s, s:{s:I, s:I, s:s, s:s, s:s, s:s}, s:o, s:o}",
			       "type", "opened", "case", "id", (json_int_t)cs.id,
			       "customer_id", (json_int_t)cs.customer_id, "subject",
			       cs.subject, "status", case_status_name(cs.status),
			       "priority", case_priority_name(cs.priority), "queue",
			       cs.queue, "facts", jf, "contact", jc));
	replay(c, fw, fw->last_id, true,
	       store_customer_get(c->w->rd, &ar, cs.customer_id, &cu) == E_OK ? cu.name : NULL);
	send_json(c, json_pack("{s:s, s:I, s:I}", "type", "replayed", "case_id",
			       (json_int_t)case_id, "last_event_id",
			       (json_int_t)fw->last_id));
out:
	store_read_end(c->w->rd);
	arena_release(&ar);
}

struct frame_kind {
	const char *type;
	enum hub_op_kind op;  /* 0: handled here */
	bool agent, customer; /* who may send it */
};

static const struct frame_kind kinds[] = {
	{"ping", 0, true, true},
	{"open", 0, true, false},
	{"close", 0, true, false},
	{"message", HUB_MESSAGE, true, true},
	{"typing", HUB_TYPING, true, true},
	{"read", HUB_READ, true, true},
	{"presence", HUB_PRESENCE, true, false},
	{"accept", HUB_ACCEPT, true, false},
	{"hold_ask", HUB_HOLD_ASK, true, false},
	{"hold_end", HUB_HOLD_END, true, false},
	{"transfer", HUB_TRANSFER, true, false},
	{"end", HUB_END, true, false},
	{"hold_answer", HUB_HOLD_ANSWER, false, true},
	{"notify", HUB_NOTIFY, false, true},
	{"leave", HUB_LEAVE, false, true},
};

static void on_op(struct chat_conn *c, const struct frame_kind *k, json_t *req)
{
	struct hub_op op = {.kind = k->op, .who = c->who};
	struct fail f = {0};
	json_t *on;
	enum err e;

	op.contact_id = get_id(req, "contact_id");
	op.case_id = get_id(req, "case_id");
	op.cid = get_str(req, "cid");
	switch (k->op) {
	case HUB_MESSAGE:
		op.text = get_str(req, "body");
		op.flag = json_is_true(json_object_get(req, "internal"));
		if (!op.text) {
			send_error(c, "bad_frame", "body: a string is required", req);
			return;
		}
		if (op.cid && strlen(op.cid) > 64) {
			send_error(c, "bad_frame", "cid: at most 64 bytes", req);
			return;
		}
		break;
	case HUB_TYPING:
		on = json_object_get(req, "on");
		op.flag = !on || json_is_true(on);
		break;
	case HUB_READ:
		op.number = get_id(req, "event_id");
		op.flag = json_is_true(json_object_get(req, "delivered"));
		break;
	case HUB_PRESENCE:
		op.text = get_str(req, "status");
		break;
	case HUB_HOLD_ASK:
		op.number = json_is_integer(json_object_get(req, "minutes"))
				    ? json_integer_value(json_object_get(req, "minutes")) : 0;
		break;
	case HUB_TRANSFER:
		op.number = get_id(req, "to_agent_id");
		op.queue = get_str(req, "to_queue");
		op.note = get_str(req, "note");
		op.message = get_str(req, "message");
		break;
	case HUB_END:
		op.text = get_str(req, "status");
		break;
	case HUB_HOLD_ANSWER:
		op.text = get_str(req, "answer");
		break;
	case HUB_NOTIFY:
		op.text = get_str(req, "email");
		break;
	default:
		break;
	}
	if (c->role == ROLE_AGT && (k->op == HUB_MESSAGE || k->op == HUB_TYPING ||
				    k->op == HUB_READ) && !op.case_id) {
		send_error(c, "bad_frame", "case_id: required", req);
		return;
	}
	e = hub_do(c->w->hub, &op, &f);
	if (e != E_OK)
		send_fail(c, e, &f, req);
}

static void on_message(void *user, const char *data, size_t len)
{
	struct chat_conn *c = user;
	const struct frame_kind *k = NULL;
	json_error_t jerr;
	const char *type;
	json_t *req;

	req = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req)) {
		send_error(c, "bad_frame", "a frame is one JSON object", NULL);
		goto out;
	}
	type = get_str(req, "type");
	if (c->role == ROLE_NEW) {
		if (!type || strcmp(type, "hello") != 0) {
			send_error(c, "unauthorized", "the first frame must be hello", req);
			ws_close(c->ws, 4401, "unauthorized");
		} else {
			on_hello(c, req);
		}
		goto out;
	}
	for (size_t i = 0; type && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].type, type))
			k = &kinds[i];
	if (!k) {
		send_error(c, "bad_frame", "unknown frame type", req);
		goto out;
	}
	if (!budget(c, k->op == HUB_MESSAGE)) {
		send_error(c, "rate_limited", "too many frames; slow down", req);
		goto out;
	}
	if ((c->role == ROLE_AGT && !k->agent) || (c->role == ROLE_CUST && !k->customer)) {
		send_error(c, "forbidden", "not a frame you may send", req);
		goto out;
	}
	if (!strcmp(k->type, "ping")) {
		send_json(c, json_pack("{s:s}", "type", "pong"));
	} else if (!strcmp(k->type, "open")) {
		on_open_case(c, req);
	} else if (!strcmp(k->type, "close")) {
		struct follow *fw = follow_find(c, get_id(req, "case_id"));

		if (fw)
			unfollow(fw);
	} else {
		on_op(c, k, req);
	}
out:
	json_decref(req);
}

/* ---- socket life ------------------------------------------------------- */

static void *on_open(struct ws_conn *ws, void *worker_data)
{
	struct chat_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->w = worker_of(worker_data);
	c->ws = ws;
	c->who.conn = ws_id(ws);
	c->tokens = FRAME_BURST;
	c->msg_tokens = MSG_BURST;
	c->refill_at = clock_mono_ms();
	snprintf(c->t_conn, sizeof(c->t_conn), "conn:%llu",
		 (unsigned long long)c->who.conn);
	sub(c, &c->s_conn, c->t_conn, deliver_plain, c);
	ws_deadline(ws, HELLO_SECS);
	return c;
}

static void on_too_big(void *user)
{
	send_error(user, "too_large", "a frame is at most 16 KiB", NULL);
}

static void on_timeout(void *user)
{
	struct chat_conn *c = user;

	send_error(c, "unauthorized", "no hello within 10 seconds", NULL);
	ws_close(c->ws, 4401, "no hello");
}

static void on_close(void *user)
{
	struct chat_conn *c = user;

	for (size_t i = 0; i < c->n_follow; i++)
		unfollow(&c->follow[i]);
	free(c->follow);
	bus_unsubscribe(&c->s_conn);
	bus_unsubscribe(&c->s_own);
	bus_unsubscribe(&c->s_agents);
	if (c->role == ROLE_CUST)
		hub_customer_attach(c->w->hub, c->who.contact_id, false);
	else if (c->role == ROLE_AGT)
		hub_agent_detach(c->w->hub, c->who.agent_id);
	free(c);
}

static const struct ws_handler handler = {
	.protocol = CHAT_PROTOCOL,
	.path = CHAT_PATH,
	.max_message = 16 * 1024,
	.max_queued = 4 * 1024 * 1024,
	.open = on_open,
	.message = on_message,
	.too_big = on_too_big,
	.timeout = on_timeout,
	.close = on_close,
};

const struct ws_handler *chat_ws_handler(struct chat_worker *(*of)(void *))
{
	worker_of = of;
	return &handler;
}

/* ---- workers ----------------------------------------------------------- */

enum err chat_worker_new(struct hub *hub, struct bus *bus, struct store *rd,
			 void (*wake)(void *arg), void *wake_arg,
			 struct chat_worker **out)
{
	struct chat_worker *w = calloc(1, sizeof(*w));
	enum err e;

	*out = NULL;
	if (!w)
		return E_NOMEM;
	w->hub = hub;
	w->rd = rd;
	if ((e = bus_endpoint_new(bus, wake, wake_arg, &w->ep)) != E_OK) {
		free(w);
		return e;
	}
	*out = w;
	return E_OK;
}

void chat_worker_free(struct chat_worker *w)
{
	if (!w)
		return;
	bus_endpoint_free(w->ep);
	free(w);
}

void chat_worker_drain(struct chat_worker *w)
{
	bus_drain(w->ep);
}
