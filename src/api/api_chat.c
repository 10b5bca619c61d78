/*
 * api_chat.c - the REST side of live chat:
 *   POST /api/v1/chat/sessions            the widget starts a chat (public, CORS)
 *   GET  /api/v1/chat/transcript          the customer's transcript (visitor token)
 *   POST /api/v1/chat/transcript/email    ... sent by email (queued in the outbox)
 *   GET  /api/v1/chat/stats               the estimate audit (supervisor)
 *   GET/POST /api/v1/queues, GET/POST /api/v1/sites (admin writes)
 *   GET/POST /api/v1/saved-replies, DELETE /api/v1/saved-replies/{id}
 */
#include "api/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth.h"
#include "domain/cases.h"
#include "domain/chat.h"
#include "domain/chat_config.h"
#include "domain/flows.h"
#include "domain/ident.h"

/* ---- starting a chat --------------------------------------------------- */

struct start_job {
	struct api_job j;
	struct chat_start_in in;
	struct contact contact;
	struct customer customer;
	char token[AUTH_TOKEN_LEN + 8];
};

static enum err run_start(struct store *st, struct txq_job *tj)
{
	struct start_job *s = (struct start_job *)tj;

	return chat_start(st, &s->j.r->arena, &s->in, &s->contact, &s->customer,
			  &s->j.fail);
}

static void resume_start(struct http_req *r)
{
	struct start_job *s = api_job_of(r);
	struct hub *hub = api_req(r)->w->api->hub;

	if (s->j.job.result) {
		api_fail(r, s->j.job.result, &s->j.fail);
		return;
	}
	if (hub_add(hub, &s->contact, s->in.subject, s->in.tried,
		    s->customer.name) != E_OK) {
		api_error(r, E_NOMEM, NULL, NULL, "the chat was stored but cannot be served");
		return;
	}
	api_json(r, 201, json_pack("{s:s, s:o, s:I}", "token", s->token, "contact",
				   hub_contact_json(hub, &s->contact, false),
				   "case_id", (json_int_t)s->contact.case_id));
}

void api_h_chat_start(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct start_job *s = api_alloc(r, sizeof(*s));
	const char *site_key = NULL, *queue = NULL, *id = NULL, *sig = NULL;
	char secret[AUTH_TOKEN_LEN + 1];
	struct fail f = {0};
	json_t *ident = NULL;
	struct site site;
	enum err e;

	/* any page may read the answer: a refusal says only that it is refused,
	 * and the widget tells its customer so rather than "no connection" */
	r->cors_origin = r->origin;
	if (!s)
		return;
	if (!api_get_str(r, q->body, "site", "site", false, &site_key) ||
	    !api_get_str(r, q->body, "queue", "queue", false, &queue) ||
	    !api_get_str(r, q->body, "name", "name", false, &s->in.name) ||
	    !api_get_str(r, q->body, "email", "email", false, &s->in.email) ||
	    !api_get_str(r, q->body, "subject", "subject", true, &s->in.subject) ||
	    !api_get_str(r, q->body, "tried", "tried", false, &s->in.tried) ||
	    !api_get_obj(r, q->body, "identity", "identity", &ident))
		return;
	if (ident && (!api_get_str(r, ident, "id", "identity.id", true, &id) ||
		      !api_get_str(r, ident, "signature", "identity.signature", true, &sig)))
		return;
	if ((e = sites_find(q->w->rd, &r->arena, site_key, r->origin, r->host, &site,
			    &f)) != E_OK) {
		api_fail(r, e, &f);
		return;
	}
	s->in.queue = queue ? queue : site.queue;
	if (!hub_queue_known(q->w->api->hub, s->in.queue)) {
		api_error(r, E_UNPROC, NULL, "queue", "no such queue");
		return;
	}
	if (id && (e = sites_verify(&site, id, sig, &f)) != E_OK) {
		api_fail(r, e, &f);
		return;
	}
	if ((e = chat_start_check(&r->arena, &s->in, &f)) != E_OK) {
		api_fail(r, e, &f);
		return;
	}
	s->in.site_id = site.id;
	s->in.verified_id = id;
	s->in.est = hub_estimate(q->w->api->hub, s->in.queue, NULL);
	if (auth_token_new(secret, s->in.token_hash) != E_OK) {
		api_error(r, E_IO, NULL, NULL, "cannot make a token");
		return;
	}
	/* a visitor token: "heedv_" and the random part of a token */
	snprintf(s->token, sizeof(s->token), "%s%s", CHAT_VISITOR_PREFIX,
		 secret + strlen(AUTH_TOKEN_PREFIX));
	auth_token_hash(s->token, s->in.token_hash);
	api_write(r, &s->j, run_start, resume_start);
}

/* api_h_chat_preflight - OPTIONS on the widget's paths: allow the origin
 * asked for; the request itself is checked against the site. */
void api_h_chat_preflight(struct http_req *r)
{
	r->cors_origin = r->origin;
	http_reply(r, 204, "text/plain", "", 0);
}

/* ---- transcripts ------------------------------------------------------- */

/* visitor - the contact behind the visitor token, or reply 401. */
static bool visitor(struct http_req *r, struct contact *out)
{
	const char *h = r->authorization;
	unsigned char hash[32];
	enum err e;

	if (!h || strncasecmp(h, "Bearer " CHAT_VISITOR_PREFIX, 7 + 6) != 0) {
		api_error(r, E_AUTH, NULL, NULL, "send 'Authorization: Bearer heedv_...'");
		return false;
	}
	auth_token_hash(h + 7, hash);
	e = store_contact_by_token(api_req(r)->w->rd, &r->arena, hash, out);
	if (e == E_NOTFOUND) {
		api_error(r, E_AUTH, NULL, NULL, "unknown chat token");
		return false;
	}
	if (e) {
		api_fail(r, e, NULL);
		return false;
	}
	return true;
}

/* transcript_text - the public timeline as plain text in r->arena. */
static char *transcript_text(struct http_req *r, const struct contact *c)
{
	struct api_req *q = api_req(r);
	struct event_list el;
	struct case_ cs;
	struct buf b;
	char when[40], name[128], line[256];
	int64_t after = 0;
	char *out;

	buf_init(&b, 8u << 20);
	if (store_case_get(q->w->rd, &r->arena, c->case_id, &cs) != E_OK)
		return NULL;
	snprintf(line, sizeof(line), "Conversation #%lld: ", (long long)cs.id);
	buf_add(&b, line, strlen(line));
	buf_add(&b, cs.subject, strlen(cs.subject));
	buf_add(&b, "\n\n", 2);
	do {
		if (store_event_list(q->w->rd, &r->arena, c->case_id, after, 200, &el))
			break;
		for (size_t i = 0; i < el.n; i++) {
			const struct event *e = &el.items[i];

			after = e->id;
			if (e->visibility != VIS_PUBLIC || !e->body || !*e->body)
				continue;
			clock_format(e->created_at, when, sizeof(when));
			if (e->author_kind == AUTHOR_AGENT)
				hub_agent_name(q->w->api->hub, e->author_id, name, sizeof(name));
			else
				snprintf(name, sizeof(name), "%s",
					 e->author_kind == AUTHOR_CUSTOMER ? "You" : "heed");
			snprintf(line, sizeof(line), "[%s] %s: ", when, name);
			buf_add(&b, line, strlen(line));
			buf_add(&b, e->body, strlen(e->body));
			buf_add(&b, "\n", 1);
		}
	} while (el.n == 200);
	out = arena_strndup(&r->arena, b.data ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

void api_h_chat_transcript(struct http_req *r)
{
	struct contact c;
	char *text;

	r->cors_origin = r->origin;
	if (!visitor(r, &c))
		return;
	text = transcript_text(r, &c);
	if (!text) {
		api_error(r, E_IO, NULL, NULL, "cannot read the conversation");
		return;
	}
	http_reply(r, 200, "text/plain; charset=utf-8", text, strlen(text));
}

struct mail_job {
	struct api_job j;
	struct outbox_msg m;
};

static enum err run_mail(struct store *st, struct txq_job *tj)
{
	struct mail_job *m = (struct mail_job *)tj;

	return store_outbox_insert(st, &m->m);
}

static void resume_mail(struct http_req *r)
{
	struct mail_job *m = api_job_of(r);

	if (m->j.job.result) {
		api_fail(r, m->j.job.result, NULL);
		return;
	}
	mail_kick(api_req(r)->w->api->mail);
	api_json(r, 202, json_pack("{s:s, s:s}", "status", "queued", "to", m->m.to_addr));
}

void api_h_chat_transcript_email(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct mail_job *m = api_alloc(r, sizeof(*m));
	const char *email = NULL;
	struct customer cu;
	struct contact c;
	char *norm = NULL;
	struct fail f = {0};

	r->cors_origin = r->origin;
	if (!m || !visitor(r, &c) ||
	    !api_get_str(r, q->body, "email", "email", false, &email))
		return;
	if (!email && store_customer_get(q->w->rd, &r->arena, c.customer_id, &cu) == E_OK)
		for (size_t i = 0; i < cu.n_idents; i++)
			if (cu.idents[i].kind == IDENT_EMAIL)
				email = cu.idents[i].value;
	if (!email) {
		api_error(r, E_UNPROC, NULL, "email", "give an email address");
		return;
	}
	if (ident_normalize(&r->arena, IDENT_EMAIL, email, &norm, &f) != E_OK) {
		api_error(r, E_UNPROC, NULL, "email", "not an email address");
		return;
	}
	m->m.case_id = c.case_id;
	m->m.kind = "transcript";
	m->m.to_addr = norm;
	m->m.subject = "Your conversation transcript";
	m->m.body = transcript_text(r, &c);
	m->m.state = OUTBOX_PENDING;
	m->m.created_at = clock_now_ms();
	if (!m->m.body) {
		api_error(r, E_IO, NULL, NULL, "cannot read the conversation");
		return;
	}
	api_write(r, &m->j, run_mail, resume_mail);
}

/* ---- the estimate audit ------------------------------------------------ */

void api_h_chat_stats(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct contact_list cl;
	struct hub_stats hs = {0};
	int64_t hours = 24, since;
	const char *h = http_query(r, "hours");
	enum err e;

	if (h) {
		char *end = NULL;

		hours = strtoll(h, &end, 10);
		if (end == h || *end || hours < 1 || hours > 24 * 90) {
			api_error(r, E_UNPROC, NULL, "hours", "must be 1 to 2160");
			return;
		}
	}
	since = clock_now_ms() - hours * 3600 * 1000;
	e = store_contact_list_ended(q->w->rd, &r->arena, since, 100000, &cl);
	if (e) {
		api_fail(r, e, NULL);
		return;
	}
	for (size_t i = 0; i < cl.n; i++) {
		const struct contact *c = &cl.items[i];

		if (c->state == CONTACT_ABANDONED) {
			hs.abandoned++;
			continue;
		}
		if (c->wait_ms < 0)
			continue;
		hs.served++;
		if (c->est_low_ms >= 0) {
			hs.with_estimate++;
			hs.inside += c->wait_ms >= c->est_low_ms && c->wait_ms <= c->est_high_ms;
		}
	}
	hub_stats_model(q->w->api->hub, &hs);
	api_json(r, 200,
		 json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:{s:f, s:f, s:f}}", "hours",
			   (json_int_t)hours, "served", (json_int_t)hs.served, "abandoned",
			   (json_int_t)hs.abandoned, "with_estimate",
			   (json_int_t)hs.with_estimate, "inside_range", (json_int_t)hs.inside,
			   "inside_share",
			   hs.with_estimate ? json_real((double)hs.inside / (double)hs.with_estimate)
					    : json_null(),
			   "model", "mean_handle_s", hs.handle_ms / 1000.0, "abandon_share",
			   hs.abandon, "z", hs.z));
}

/* ---- queues and sites -------------------------------------------------- */

void api_h_queues_list(struct http_req *r)
{
	struct queue_list ql;
	json_t *items = json_array();
	enum err e = store_queue_list(api_req(r)->w->rd, &r->arena, &ql);

	if (e) {
		json_decref(items);
		api_fail(r, e, NULL);
		return;
	}
	for (size_t i = 0; items && i < ql.n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s}", "name", ql.items[i].name,
						       "skills", ql.items[i].skills));
	api_json(r, 200, json_pack("{s:o}", "items", items));
}

struct queue_job {
	struct api_job j;
	const char *name, *skills;
	struct queue_def q;
};

static enum err run_queue(struct store *st, struct txq_job *tj)
{
	struct queue_job *qj = (struct queue_job *)tj;

	return queues_put(st, &qj->j.r->arena, qj->name, qj->skills, &qj->q, &qj->j.fail);
}

static void resume_queue(struct http_req *r)
{
	struct queue_job *qj = api_job_of(r);

	if (qj->j.job.result) {
		api_fail(r, qj->j.job.result, &qj->j.fail);
		return;
	}
	hub_queue_put(api_req(r)->w->api->hub, qj->q.name, qj->q.skills);
	api_json(r, 201, json_pack("{s:s, s:s}", "name", qj->q.name, "skills", qj->q.skills));
}

void api_h_queue_put(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct queue_job *qj = api_alloc(r, sizeof(*qj));

	if (!qj || !api_get_str(r, q->body, "name", "name", true, &qj->name) ||
	    !api_get_str(r, q->body, "skills", "skills", false, &qj->skills))
		return;
	if (!qj->skills)
		qj->skills = ""; /* anyone serves it */
	api_write(r, &qj->j, run_queue, resume_queue);
}

static json_t *site_json(const struct site *s, bool secret)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "key",
			      s->key, "name", s->name, "queue", s->queue, "origins",
			      s->origins);

	if (j && secret)
		json_object_set_new(j, "secret", json_string(s->secret));
	return j;
}

void api_h_sites_list(struct http_req *r)
{
	struct site_list sl;
	json_t *items = json_array();
	enum err e = store_site_list(api_req(r)->w->rd, &r->arena, &sl);

	if (e) {
		json_decref(items);
		api_fail(r, e, NULL);
		return;
	}
	for (size_t i = 0; items && i < sl.n; i++)
		json_array_append_new(items, site_json(&sl.items[i], true));
	api_json(r, 200, json_pack("{s:o}", "items", items));
}

struct site_job {
	struct api_job j;
	struct site_in in;
	struct site s;
};

static enum err run_site(struct store *st, struct txq_job *tj)
{
	struct site_job *sj = (struct site_job *)tj;

	return sites_create(st, &sj->j.r->arena, &sj->in, &sj->s, &sj->j.fail);
}

static void resume_site(struct http_req *r)
{
	struct site_job *sj = api_job_of(r);

	if (sj->j.job.result) {
		api_fail(r, sj->j.job.result, &sj->j.fail);
		return;
	}
	api_json(r, 201, site_json(&sj->s, true));
}

void api_h_site_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct site_job *sj = api_alloc(r, sizeof(*sj));

	if (!sj || !api_get_str(r, q->body, "key", "key", true, &sj->in.key) ||
	    !api_get_str(r, q->body, "name", "name", true, &sj->in.name) ||
	    !api_get_str(r, q->body, "queue", "queue", true, &sj->in.queue) ||
	    !api_get_str(r, q->body, "origins", "origins", false, &sj->in.origins))
		return;
	api_write(r, &sj->j, run_site, resume_site);
}

/* ---- saved replies ----------------------------------------------------- */

static json_t *reply_json(const struct saved_reply *s)
{
	return json_pack("{s:I, s:s, s:s, s:b, s:o}", "id", (json_int_t)s->id, "title",
			 s->title, "body", s->body, "shared", s->owner_id == 0, "owner_id",
			 s->owner_id ? json_integer(s->owner_id) : json_null());
}

void api_h_replies_list(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct reply_list rl;
	json_t *items = json_array();
	enum err e = store_reply_list(q->w->rd, &r->arena, q->agent.id, &rl);

	if (e) {
		json_decref(items);
		api_fail(r, e, NULL);
		return;
	}
	for (size_t i = 0; items && i < rl.n; i++)
		json_array_append_new(items, reply_json(&rl.items[i]));
	api_json(r, 200, json_pack("{s:o}", "items", items));
}

struct reply_job {
	struct api_job j;
	const char *title, *body;
	bool shared;
	int64_t id;
	struct actor by;
	struct saved_reply out;
};

static enum err run_reply(struct store *st, struct txq_job *tj)
{
	struct reply_job *rj = (struct reply_job *)tj;

	if (rj->id)
		return replies_delete(st, &rj->j.r->arena, rj->id, &rj->by, &rj->j.fail);
	return replies_create(st, &rj->j.r->arena, rj->title, rj->body, rj->shared,
			      &rj->by, &rj->out, &rj->j.fail);
}

static void resume_reply(struct http_req *r)
{
	struct reply_job *rj = api_job_of(r);

	if (rj->j.job.result) {
		api_fail(r, rj->j.job.result, &rj->j.fail);
		return;
	}
	if (rj->id)
		http_reply(r, 204, "application/json", "", 0);
	else
		api_json(r, 201, reply_json(&rj->out));
}

void api_h_reply_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct reply_job *rj = api_alloc(r, sizeof(*rj));
	json_t *sh;

	if (!rj || !api_get_str(r, q->body, "title", "title", true, &rj->title) ||
	    !api_get_str(r, q->body, "body", "body", true, &rj->body))
		return;
	sh = json_object_get(q->body, "shared");
	if (sh && !json_is_boolean(sh)) {
		api_error(r, E_INVAL, NULL, "shared", "must be true or false");
		return;
	}
	rj->shared = json_is_true(sh);
	rj->by = q->actor;
	api_write(r, &rj->j, run_reply, resume_reply);
}

void api_h_reply_delete(struct http_req *r)
{
	struct reply_job *rj = api_alloc(r, sizeof(*rj));

	if (!rj || !api_param_id(r, 0, &rj->id))
		return;
	rj->by = api_req(r)->actor;
	api_write(r, &rj->j, run_reply, resume_reply);
}

/* ---- guided questions the customer answers while waiting --------------- */

void api_h_chat_questions(struct http_req *r)
{
	struct flow_view v;
	struct contact c;
	struct fail fail = {0};
	enum err e;

	r->cors_origin = r->origin;
	if (!visitor(r, &c))
		return;
	e = flows_active(api_req(r)->w->rd, &r->arena, c.case_id, &v, &fail);
	if (e && e != E_NOTFOUND) {
		api_fail(r, e, &fail);
		return;
	}
	api_json(r, 200, api_flow_customer_json(e ? NULL : &v));
}

struct chat_answer_job {
	struct api_job j;
	int64_t case_id;
	struct flow_answer_in in;
	struct flow_view view;
};

static enum err run_chat_answer(struct store *st, struct txq_job *tj)
{
	struct chat_answer_job *aj = (struct chat_answer_job *)tj;

	aj->j.tell_case = aj->case_id;
	return api_flow_customer_answer(st, &aj->j.r->arena, aj->case_id, &aj->in, &aj->view,
					&aj->j.fail);
}

static void resume_chat_answer(struct http_req *r)
{
	struct chat_answer_job *aj = api_job_of(r);

	r->cors_origin = r->origin;
	if (aj->j.job.result) {
		api_fail(r, aj->j.job.result, &aj->j.fail);
		return;
	}
	api_json(r, 200, api_flow_customer_json(&aj->view));
}

void api_h_chat_answer(struct http_req *r)
{
	struct chat_answer_job *aj = api_alloc(r, sizeof(*aj));
	struct contact c;

	r->cors_origin = r->origin;
	if (!aj || !visitor(r, &c) || !api_flow_read_customer_answer(r, &aj->in))
		return;
	aj->case_id = c.case_id;
	aj->j.tells = true;
	api_write(r, &aj->j, run_chat_answer, resume_chat_answer);
}
