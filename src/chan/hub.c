/*
 * hub.c - the live chat state and its steps (see hub.h).
 *
 * Layout: agents and queues are small arrays; live contacts are in two id
 * maps (by contact and by case).  Every public function takes h->mu; the
 * static helpers named *_locked expect it held.  Jobs (writes) own copies
 * of everything they need, so the writer thread never reads live state
 * except under the lock in job_done.
 */
#include "chan/hub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/imap.h"
#include "base/log.h"
#include "domain/auth.h"
#include "domain/cases.h"
#include "domain/chat.h"

#define MAX_AGENTS 1024
#define MAX_QUEUES 64
#define TICK_MS 250
#define TICK_MIN_GAP_MS 50
#define QUEUE_FRAME_MIN_MS 250
#define QUEUE_FRAME_MAX 100 /* waiting contacts listed; "total" counts all */

enum presence { P_OFFLINE = 0, P_AWAY, P_AVAILABLE };

static const char *const presence_names[] = {"offline", "away", "available"};

struct hub_agent {
	int64_t id;
	char name[128];
	enum role role;
	char skills[600];
	int capacity;
	enum presence presence;
	int conns;
	int active;          /* live contacts assigned */
	int64_t idle_since;
	int64_t gone_at;     /* last socket closed; 0 while connected */
};

struct hub_queue {
	char name[65];
	char skills[600];
};

struct hub {
	struct hub_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool stop, reload;
	struct txq *txq;
	struct bus *bus;
	struct store *rd;          /* read handle, hub thread and start only */

	struct hub_agent agents[MAX_AGENTS];
	size_t n_agents;
	struct hub_queue queues[MAX_QUEUES];
	size_t n_queues;
	struct imap contacts;      /* id -> struct chat_live * */
	struct imap by_case;       /* case id -> struct chat_live * */
	struct est_model est;
	bool queue_dirty;
	int64_t queue_sent_at;
	long jobs_in_flight;
};

/* A write in flight. */
struct hub_job {
	struct txq_job job;        /* first: txq hands it back */
	struct hub *h;
	struct arena ar;
	struct chat_change ch;
	struct fail fail;
	char reply_topic[40];      /* conn:N, or "" */
	char *cid;
	char *customer_name;
	int64_t at;
	struct {                   /* contact frames, sent after the events */
		char topic[48];
		json_t *frame;
	} after[3];
	int n_after;
};

/* ---- small helpers ----------------------------------------------------- */

static struct hub_agent *agent_find(struct hub *h, int64_t id)
{
	for (size_t i = 0; i < h->n_agents; i++)
		if (h->agents[i].id == id)
			return &h->agents[i];
	return NULL;
}

static struct hub_queue *queue_find(struct hub *h, const char *name)
{
	for (size_t i = 0; name && i < h->n_queues; i++)
		if (strcmp(h->queues[i].name, name) == 0)
			return &h->queues[i];
	return NULL;
}

/* queue_index - the queue's slot in h->queues, or MAX_QUEUES if unknown. */
static size_t queue_index(struct hub *h, const char *name)
{
	struct hub_queue *q = queue_find(h, name);

	return q ? (size_t)(q - h->queues) : MAX_QUEUES;
}

static const char *queue_skills(struct hub *h, const char *name)
{
	struct hub_queue *q = queue_find(h, name);

	return q ? q->skills : name; /* an unknown queue needs its own name */
}

static void publish_json(struct hub *h, const char *topic, json_t *j,
			 int64_t id, uint64_t origin)
{
	char *text;

	if (!j)
		return;
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return;
	if (bus_publish_from(h->bus, topic, text, strlen(text), id, origin) != E_OK)
		log_warn("hub", "cannot publish on %s", topic);
	free(text);
}

static void topic(char *buf, size_t n, const char *fmt, int64_t id)
{
	snprintf(buf, n, fmt, (long long)id);
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *time_json(int64_t ms)
{
	char s[40];

	if (!ms)
		return json_null();
	clock_format(ms, s, sizeof(s));
	return json_string(s);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *contact_json_locked(struct hub *h, const struct contact *c,
				   const struct chat_live *l, bool agent_view)
{
	json_t *j = json_object(), *hold = json_null(), *est = json_null();
	int64_t now = clock_now_ms();

	if (!j)
		return NULL;
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "case_id", json_integer(c->case_id));
	json_object_set_new(j, "state", json_string(contact_state_name(c->state)));
	json_object_set_new(j, "queue", json_string(c->queue ? c->queue : ""));
	json_object_set_new(j, "priority", json_string(case_priority_name(c->priority)));
	if (l && c->state == CONTACT_QUEUED) {
		json_object_set_new(j, "position", json_integer(l->position));
		if (l->est.known)
			est = json_pack("{s:I, s:I}", "low_s", (json_int_t)(l->est.low_ms / 1000),
					"high_s", (json_int_t)(l->est.high_ms / 1000));
		json_object_set_new(j, "offer_notify",
				    json_boolean(!l->est.known ||
						 l->est.high_ms > h->cfg.notify_offer_ms));
	}
	json_object_set_new(j, "estimate", est);
	json_object_set_new(j, "notify_email", str_or_null(c->notify_email));
	if (c->agent_id) {
		struct hub_agent *a = agent_find(h, c->agent_id);

		json_object_set_new(j, "agent", json_pack("{s:I, s:s}", "id",
							  (json_int_t)c->agent_id, "name",
							  a ? a->name : ""));
	} else {
		json_object_set_new(j, "agent", json_null());
	}
	if (l && l->hold != HOLD_NONE)
		hold = json_pack("{s:s, s:i, s:o, s:o}", "state", hold_state_name(l->hold),
				 "minutes", l->hold_minutes, "asked_at",
				 time_json(l->hold_asked_at), "started_at",
				 time_json(l->hold_started_at));
	json_object_set_new(j, "hold", hold);
	json_object_set_new(j, "hold_total_s", json_integer(c->hold_ms / 1000));
	json_object_set_new(j, "verified",
			    c->verified_method
				    ? json_pack("{s:s, s:o}", "method", c->verified_method,
						"at", time_json(c->verified_at))
				    : json_null());
	json_object_set_new(j, "customer_online", json_boolean(l && l->customer_conns > 0));
	json_object_set_new(j, "created_at", time_json(c->created_at));
	json_object_set_new(j, "assigned_at", time_json(c->assigned_at));
	json_object_set_new(j, "ended_at", time_json(c->ended_at));
	if (!agent_view)
		return j;
	json_object_set_new(j, "subject", str_or_null(l ? l->subject : NULL));
	json_object_set_new(j, "tried", str_or_null(l ? l->tried : NULL));
	json_object_set_new(j, "customer",
			    json_pack("{s:I, s:s}", "id", (json_int_t)c->customer_id,
				      "name", l && l->customer_name ? l->customer_name : ""));
	json_object_set_new(j, "waited_s",
			    json_integer(c->state == CONTACT_QUEUED
						 ? (now - c->queued_at) / 1000
						 : (c->wait_ms > 0 ? c->wait_ms / 1000 : 0)));
	if (c->handoff_note) {
		struct hub_agent *a = agent_find(h, c->handoff_from);

		json_object_set_new(j, "handoff",
				    json_pack("{s:s, s:{s:I, s:s}}", "note", c->handoff_note,
					      "from", "id", (json_int_t)c->handoff_from,
					      "name", a ? a->name : ""));
	} else {
		json_object_set_new(j, "handoff", json_null());
	}
	return j;
}

json_t *hub_contact_json(struct hub *h, const struct contact *c, bool agent_view)
{
	struct chat_live *l;
	json_t *j;

	pthread_mutex_lock(&h->mu);
	l = imap_get(&h->contacts, c->id);
	j = contact_json_locked(h, l ? &l->c : c, l, agent_view);
	pthread_mutex_unlock(&h->mu);
	return j;
}

static json_t *event_json_locked(struct hub *h, const struct event *e,
				 const char *customer_name)
{
	const char *name = "";
	struct hub_agent *a;
	json_t *data = json_null();

	if (e->author_kind == AUTHOR_AGENT && (a = agent_find(h, e->author_id)))
		name = a->name;
	else if (e->author_kind == AUTHOR_CUSTOMER && customer_name)
		name = customer_name;
	if (e->data) {
		json_t *d = json_loads(e->data, JSON_DECODE_ANY, NULL);

		if (d)
			data = d;
	}
	return json_pack("{s:I, s:I, s:s, s:{s:s, s:o, s:s}, s:s, s:s, s:o, s:o}",
			 "id", (json_int_t)e->id, "case_id", (json_int_t)e->case_id,
			 "type", e->type ? e->type : "", "author", "kind",
			 author_kind_name(e->author_kind), "id",
			 e->author_id ? json_integer(e->author_id) : json_null(),
			 "name", name, "visibility", visibility_name(e->visibility),
			 "body", e->body ? e->body : "", "data", data, "created_at",
			 time_json(e->created_at));
}

json_t *hub_event_json(struct hub *h, const struct event *e,
		       const char *customer_name)
{
	json_t *j;

	pthread_mutex_lock(&h->mu);
	j = event_json_locked(h, e, customer_name);
	pthread_mutex_unlock(&h->mu);
	return j;
}

/* contact_out - publish a contact frame now, or keep it in the step's job
 * to follow that step's events once they are stored (job_done). */
static void contact_out(struct hub *h, struct hub_job *job, const char *t, json_t *frame)
{
	if (!job) {
		publish_json(h, t, frame, 0, 0);
		return;
	}
	if (!frame || job->n_after >= (int)(sizeof(job->after) / sizeof(job->after[0]))) {
		json_decref(frame);
		return;
	}
	snprintf(job->after[job->n_after].topic, sizeof(job->after[0].topic), "%s", t);
	job->after[job->n_after++].frame = frame;
}

/* publish_contact_locked - the customer's view on contact:N and, when an
 * agent has it, the agent's view on agent:N; with a job, after its events. */
static void publish_contact_locked(struct hub *h, struct hub_job *job,
				   struct chat_live *l, int64_t also_agent, bool assigned)
{
	char t[48];

	topic(t, sizeof(t), "contact:%lld", l->c.id);
	contact_out(h, job, t, json_pack("{s:s, s:o}", "type", "contact", "contact",
					 contact_json_locked(h, &l->c, l, false)));
	for (int i = 0; i < 2; i++) {
		int64_t aid = i == 0 ? l->c.agent_id : also_agent;

		if (!aid || (i == 1 && aid == l->c.agent_id))
			continue;
		topic(t, sizeof(t), "agent:%lld", aid);
		contact_out(h, job, t,
			    json_pack("{s:s, s:o, s:b}", "type", "contact", "contact",
				      contact_json_locked(h, &l->c, l, true), "assigned",
				      assigned && i == 0));
	}
	/* the queue frame lists waiting contacts only (after_step_locked marks
	 * it for assignments and loads) */
	if (l->c.state == CONTACT_QUEUED)
		h->queue_dirty = true;
}

/* ---- jobs -------------------------------------------------------------- */

static struct hub_job *job_new(struct hub *h, const struct hub_who *who,
			       const char *cid, const struct chat_live *l)
{
	struct hub_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->h = h;
	arena_init(&j->ar, 2048);
	j->ch.ar = &j->ar;
	j->at = clock_now_ms();
	if (who && who->conn)
		snprintf(j->reply_topic, sizeof(j->reply_topic), "conn:%llu",
			 (unsigned long long)who->conn);
	if (cid)
		j->cid = arena_strdup(&j->ar, cid);
	if (l && l->customer_name)
		j->customer_name = arena_strdup(&j->ar, l->customer_name);
	if (l) {
		j->ch.case_id = l->c.case_id;
		j->ch.customer_id = l->c.customer_id;
	}
	return j;
}

static void job_free(struct hub_job *j)
{
	for (int i = 0; i < j->n_after; i++)
		json_decref(j->after[i].frame);
	arena_release(&j->ar);
	free(j);
}

static enum err job_run(struct store *st, struct txq_job *tj)
{
	struct hub_job *j = (struct hub_job *)tj;

	return chat_apply(st, &j->ch, j->at, &j->fail);
}

static void publish_events(struct hub *h, struct hub_job *j)
{
	char pub[48], agents[48];

	topic(pub, sizeof(pub), "case:%lld", j->ch.case_id);
	topic(agents, sizeof(agents), "case:%lld:agents", j->ch.case_id);
	pthread_mutex_lock(&h->mu);
	for (size_t i = 0; i < j->ch.written.n; i++) {
		const struct event *e = &j->ch.written.items[i];
		json_t *f = json_pack("{s:s, s:o}", "type", "event", "event",
				      event_json_locked(h, e, j->customer_name));

		publish_json(h, e->visibility == VIS_PUBLIC ? pub : agents, f, e->id, 0);
	}
	for (int i = 0; i < j->n_after; i++)
		publish_json(h, j->after[i].topic, j->after[i].frame, 0, 0);
	j->n_after = 0;
	pthread_mutex_unlock(&h->mu);
}

static void job_done(struct txq_job *tj)
{
	struct hub_job *j = (struct hub_job *)tj;
	struct hub *h = j->h;

	if (tj->result == E_OK) {
		if (j->cid && j->reply_topic[0] && j->ch.written.n)
			publish_json(h, j->reply_topic,
				     json_pack("{s:s, s:s, s:I}", "type", "ack", "cid",
					       j->cid, "event_id",
					       (json_int_t)j->ch.written.items[0].id),
				     0, 0);
		publish_events(h, j);
	} else {
		log_error("hub", "a chat write failed (%s): %s", err_name(tj->result),
			  j->fail.msg[0] ? j->fail.msg : "-");
		if (j->reply_topic[0]) {
			json_t *e = json_pack("{s:s, s:s, s:s}", "type", "error", "code",
					      "unavailable", "message",
					      "could not be stored; nothing was changed");

			if (e && j->cid)
				json_object_set_new(e, "cid", json_string(j->cid));
			publish_json(h, j->reply_topic, e, 0, 0);
		}
		pthread_mutex_lock(&h->mu);
		h->reload = true; /* live state may be ahead of the store */
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	pthread_mutex_lock(&h->mu);
	h->jobs_in_flight--;
	pthread_mutex_unlock(&h->mu);
	job_free(j);
}

static void job_submit_locked(struct hub *h, struct hub_job *j)
{
	j->job.run = job_run;
	j->job.done = job_done;
	h->jobs_in_flight++;
	txq_submit(h->txq, &j->job);
}

/* ---- live contacts ----------------------------------------------------- */

static void live_remove_locked(struct hub *h, struct chat_live *l)
{
	imap_del(&h->contacts, l->c.id);
	if (imap_get(&h->by_case, l->c.case_id) == l)
		imap_del(&h->by_case, l->c.case_id);
	chat_live_free(l);
	free(l);
}

static void agent_load_locked(struct hub *h, int64_t agent_id, int delta,
			      int64_t now)
{
	struct hub_agent *a = agent_find(h, agent_id);

	if (!a)
		return;
	a->active += delta;
	if (a->active < 0)
		a->active = 0;
	if (delta > 0)
		a->idle_since = now;
}

/* after_step_locked - bookkeeping common to every step that changed l:
 * agent loads, the estimate model, telling both sides (assigned: the
 * contact was just given to its agent), removal of finished contacts. */
static void after_step_locked(struct hub *h, struct hub_job *job,
			      struct chat_live *l, enum contact_state was,
			      int64_t was_agent, bool assigned, int64_t now)
{
	bool live = l->c.state == CONTACT_QUEUED || l->c.state == CONTACT_ACTIVE ||
		    l->c.state == CONTACT_ON_HOLD;

	if (was_agent != l->c.agent_id || !live) {
		if (was_agent && was != CONTACT_QUEUED)
			agent_load_locked(h, was_agent, -1, now);
		if (live && l->c.agent_id)
			agent_load_locked(h, l->c.agent_id, +1, now);
	}
	if (was == CONTACT_QUEUED && l->c.state != CONTACT_QUEUED) {
		bool gave_up = l->c.state == CONTACT_ABANDONED;

		est_left_queue(&h->est, gave_up);
		if (!gave_up && l->c.assigned_at)
			est_outcome(&h->est, l->c.est_low_ms, l->c.est_high_ms,
				    now - l->c.queued_at);
	}
	if (l->c.state == CONTACT_ENDED && l->c.assigned_at)
		est_handled(&h->est, now - l->c.assigned_at);
	publish_contact_locked(h, job, l, was_agent, assigned);
	if (!live)
		live_remove_locked(h, l);
	h->queue_dirty = true;
}

/* ---- routing and estimates -------------------------------------------- */

static int cmp_live(const void *a, const void *b)
{
	const struct chat_live *x = *(struct chat_live *const *)a;
	const struct chat_live *y = *(struct chat_live *const *)b;
	struct rt_contact cx = {x->c.id, (int)x->c.priority, x->c.queued_at};
	struct rt_contact cy = {y->c.id, (int)y->c.priority, y->c.queued_at};

	return routing_cmp(&cx, &cy);
}

/* waiting_locked - the queued contacts in order of service (malloc'd). */
static struct chat_live **waiting_locked(struct hub *h, size_t *n)
{
	struct chat_live **w = NULL;
	size_t k = 0;

	*n = 0;
	if (!h->contacts.n)
		return NULL;
	w = malloc(h->contacts.n * sizeof(*w));
	if (!w)
		return NULL;
	for (size_t i = 0; i < h->contacts.cap; i++) {
		struct chat_live *l = h->contacts.slots[i].val;

		if (h->contacts.slots[i].key && l->c.state == CONTACT_QUEUED)
			w[k++] = l;
	}
	qsort(w, k, sizeof(*w), cmp_live);
	*n = k;
	return w;
}

static size_t rt_agents_locked(struct hub *h, struct rt_agent *rt)
{
	for (size_t i = 0; i < h->n_agents; i++) {
		struct hub_agent *a = &h->agents[i];

		rt[i] = (struct rt_agent){a->id, a->presence == P_AVAILABLE, a->active,
					  a->capacity, a->idle_since, a->skills};
	}
	return h->n_agents;
}

static void assign_locked(struct hub *h, struct chat_live *l,
			  struct hub_agent *a, int64_t now)
{
	struct hub_job *j = job_new(h, NULL, NULL, l);
	enum contact_state was = l->c.state;
	struct fail f = {0};

	if (!j)
		return;
	if (chat_assign(l, a->id, a->name, now, &j->ch, &f) != E_OK) {
		job_free(j);
		return;
	}
	after_step_locked(h, j, l, was, 0, true, now);
	job_submit_locked(h, j);
}

/* route_locked - give waiting contacts to free agents, in order. */
static void route_locked(struct hub *h, int64_t now)
{
	static struct rt_agent rt[MAX_AGENTS];
	struct chat_live **w;
	size_t n, na;

	bool full[MAX_QUEUES + 1] = {false}; /* no agent can take this queue now */

	w = waiting_locked(h, &n);
	if (!w)
		return;
	na = rt_agents_locked(h, rt);
	for (size_t i = 0; i < n; i++) {
		size_t qi = queue_index(h, w[i]->c.queue);
		int k;

		if (full[qi])
			continue; /* assignments only use up slots: still full */
		k = routing_pick(rt, na, queue_skills(h, w[i]->c.queue));
		if (k < 0) {
			full[qi] = qi < MAX_QUEUES; /* unknown queues: by name, each */
			continue;
		}
		assign_locked(h, w[i], &h->agents[k], now);
		rt[k].active = h->agents[k].active;
		rt[k].idle_since = h->agents[k].idle_since;
	}
	free(w);
}

/* slots_locked - chat slots of available agents serving the queue. */
static int slots_locked(struct hub *h, const char *queue)
{
	const char *need = queue_skills(h, queue);
	int s = 0;

	for (size_t i = 0; i < h->n_agents; i++)
		if (h->agents[i].presence == P_AVAILABLE &&
		    routing_serves(h->agents[i].skills, need))
			s += h->agents[i].capacity;
	return s;
}

/* first_estimate_locked - a contact queued while nobody served its queue
 * is shown its first estimate now: store it, for the audit. */
static void first_estimate_locked(struct hub *h, struct chat_live *l,
				  const struct est *e)
{
	struct hub_job *j = job_new(h, NULL, NULL, l);

	if (!j)
		return;
	chat_estimate_shown(l, e, &j->ch);
	job_submit_locked(h, j);
}

/* estimates_locked - positions and estimates of every waiting contact
 * (one pass, counted per queue); tell those whose view changed. */
static void estimates_locked(struct hub *h)
{
	int ahead[MAX_QUEUES + 1] = {0}, slots[MAX_QUEUES + 1];
	struct chat_live **w;
	size_t n;

	for (size_t i = 0; i <= MAX_QUEUES; i++)
		slots[i] = -1;
	w = waiting_locked(h, &n);
	for (size_t i = 0; w && i < n; i++) {
		struct chat_live *l = w[i];
		size_t qi = queue_index(h, l->c.queue);
		int pos = ++ahead[qi];
		struct est e;

		if (qi == MAX_QUEUES) { /* an unknown queue: count it by name */
			pos = 1;
			for (size_t k = 0; k < i; k++)
				pos += strcmp(w[k]->c.queue, l->c.queue) == 0;
		}
		if (slots[qi] < 0 || qi == MAX_QUEUES)
			slots[qi] = slots_locked(h, l->c.queue);
		e = est_wait(&h->est, pos, slots[qi]);
		if (pos != l->position || e.known != l->est.known ||
		    e.low_ms != l->est.low_ms || e.high_ms != l->est.high_ms) {
			l->position = pos;
			l->est = e;
			if (l->customer_conns > 0) /* else: the welcome carries it */
				publish_contact_locked(h, NULL, l, 0, false);
			else
				h->queue_dirty = true;
		}
		if (e.known && l->c.est_low_ms < 0)
			first_estimate_locked(h, l, &e);
	}
	free(w);
}

struct est hub_estimate(struct hub *h, const char *queue, int *position)
{
	struct est e;
	int pos = 1;

	/* a newcomer goes behind everyone waiting in the queue: a count, no
	 * sorted list needed */
	pthread_mutex_lock(&h->mu);
	for (size_t i = 0; i < h->contacts.cap; i++) {
		struct chat_live *l = h->contacts.slots[i].val;

		if (h->contacts.slots[i].key && l->c.state == CONTACT_QUEUED &&
		    strcmp(l->c.queue, queue) == 0)
			pos++;
	}
	e = est_wait(&h->est, pos, slots_locked(h, queue));
	pthread_mutex_unlock(&h->mu);
	if (position)
		*position = pos;
	return e;
}

/* ---- the queue frame --------------------------------------------------- */

static json_t *queue_frame_locked(struct hub *h)
{
	json_t *waiting = json_array(), *agents = json_array();
	struct chat_live **w;
	size_t n;

	w = waiting_locked(h, &n);
	for (size_t i = 0; w && i < n && i < QUEUE_FRAME_MAX; i++)
		json_array_append_new(waiting, contact_json_locked(h, &w[i]->c, w[i], true));
	free(w);
	for (size_t i = 0; i < h->n_agents; i++) {
		struct hub_agent *a = &h->agents[i];

		if (a->presence == P_OFFLINE && !a->active)
			continue;
		json_array_append_new(agents,
				      json_pack("{s:I, s:s, s:s, s:i, s:i, s:s}", "id",
						(json_int_t)a->id, "name", a->name, "presence",
						presence_names[a->presence], "active", a->active,
						"capacity", a->capacity, "skills", a->skills));
	}
	return json_pack("{s:s, s:o, s:I, s:o}", "type", "queue", "waiting", waiting,
			 "total", (json_int_t)n, "agents", agents);
}

char *hub_queue_frame(struct hub *h)
{
	json_t *j;
	char *s;

	pthread_mutex_lock(&h->mu);
	j = queue_frame_locked(h);
	pthread_mutex_unlock(&h->mu);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

/* ---- the tick ---------------------------------------------------------- */

static void reminders_locked(struct hub *h, int64_t now)
{
	char t[48];

	for (size_t i = 0; i < h->contacts.cap; i++) {
		struct chat_live *l = h->contacts.slots[i].val;

		if (!h->contacts.slots[i].key || l->hold != HOLD_ON ||
		    !l->hold_remind_at || now < l->hold_remind_at)
			continue;
		topic(t, sizeof(t), "agent:%lld", l->c.agent_id);
		publish_json(h, t,
			     json_pack("{s:s, s:I, s:I, s:I}", "type", "hold_reminder",
				       "contact_id", (json_int_t)l->c.id, "case_id",
				       (json_int_t)l->c.case_id, "over_s",
				       (json_int_t)((now - l->hold_started_at) / 1000 -
						    (int64_t)l->hold_minutes * 60)),
			     0, 0);
		l->hold_remind_at += CHAT_REMIND_EVERY_MS;
		if (l->hold_remind_at <= now)
			l->hold_remind_at = now + CHAT_REMIND_EVERY_MS;
	}
}

/* gone_locked - waiting customers whose sockets have been closed too long
 * (and who did not ask to be emailed) have left the queue. */
static void gone_locked(struct hub *h, int64_t now)
{
	struct chat_live *gone[64];
	size_t n = 0;

	for (size_t i = 0; i < h->contacts.cap && n < 64; i++) {
		struct chat_live *l = h->contacts.slots[i].val;

		if (h->contacts.slots[i].key && l->c.state == CONTACT_QUEUED &&
		    l->customer_conns == 0 && !l->c.notify_email &&
		    l->customer_gone_at &&
		    now - l->customer_gone_at > h->cfg.gone_after_ms)
			gone[n++] = l;
	}
	for (size_t i = 0; i < n; i++) {
		struct hub_job *j = job_new(h, NULL, NULL, gone[i]);
		struct fail f = {0};

		if (!j)
			return;
		if (chat_leave(gone[i], true, now, &j->ch, &f) != E_OK) {
			job_free(j);
			continue;
		}
		after_step_locked(h, j, gone[i], CONTACT_QUEUED, 0, false, now);
		job_submit_locked(h, j);
	}
}

static void presence_expiry_locked(struct hub *h, int64_t now)
{
	for (size_t i = 0; i < h->n_agents; i++) {
		struct hub_agent *a = &h->agents[i];

		if (!a->conns && a->gone_at && a->presence != P_OFFLINE &&
		    now - a->gone_at > h->cfg.presence_grace_ms) {
			a->presence = P_OFFLINE;
			h->queue_dirty = true;
		}
	}
}

static enum err load_locked(struct hub *h);

static void tick_locked(struct hub *h)
{
	int64_t now = clock_now_ms();

	if (h->reload && h->jobs_in_flight == 0) {
		h->reload = false;
		log_warn("hub", "reloading live chat state from the store");
		load_locked(h);
	}
	presence_expiry_locked(h, now);
	gone_locked(h, now);
	route_locked(h, now);
	estimates_locked(h);
	reminders_locked(h, now);
	if (h->queue_dirty && now - h->queue_sent_at >= QUEUE_FRAME_MIN_MS) {
		h->queue_dirty = false;
		h->queue_sent_at = now;
		publish_json(h, "agents", queue_frame_locked(h), 0, 0);
	}
}

static void *hub_main(void *arg)
{
	struct hub *h = arg;
	struct timespec ts;
	int64_t last = 0;

	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->cv, &h->mu, &ts);
		/* a step signals at once (routing should not wait a full tick),
		 * but a busy hub ticks at most every TICK_MIN_GAP_MS: each tick
		 * walks every live contact */
		if (!h->stop && (h->reload || clock_mono_ms() - last >= TICK_MIN_GAP_MS)) {
			tick_locked(h);
			last = clock_mono_ms();
		}
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* ---- loading ----------------------------------------------------------- */

static void agent_set(struct hub_agent *a, const struct agent *src)
{
	a->id = src->id;
	snprintf(a->name, sizeof(a->name), "%s", src->name ? src->name : "");
	snprintf(a->skills, sizeof(a->skills), "%s", src->skills ? src->skills : "");
	a->role = src->role;
	a->capacity = src->capacity > 0 ? src->capacity : 3;
}

static void clear_live_locked(struct hub *h)
{
	for (size_t i = 0; i < h->contacts.cap; i++)
		if (h->contacts.slots[i].key) {
			chat_live_free(h->contacts.slots[i].val);
			free(h->contacts.slots[i].val);
		}
	imap_free(&h->contacts);
	imap_free(&h->by_case);
	for (size_t i = 0; i < h->n_agents; i++)
		h->agents[i].active = 0;
}

/* live_from - a chat_live for stored contact c, with its case subject,
 * "already tried" and customer name. */
static struct chat_live *live_from(struct hub *h, struct arena *ar,
				   const struct contact *c)
{
	struct chat_live *l = calloc(1, sizeof(*l));
	struct case_ cs;
	struct customer cu;
	struct fact_list facts;

	if (!l)
		return NULL;
	l->c = *c;
	l->c.channel = l->c.queue = l->c.verified_method = l->c.notify_email =
		l->c.handoff_note = NULL;
	if (chat_set(&l->c.channel, c->channel) || chat_set(&l->c.queue, c->queue) ||
	    chat_set(&l->c.verified_method, c->verified_method) ||
	    chat_set(&l->c.notify_email, c->notify_email) ||
	    chat_set(&l->c.handoff_note, c->handoff_note))
		goto fail;
	if (store_case_get(h->rd, ar, c->case_id, &cs) == E_OK &&
	    chat_set(&l->subject, cs.subject))
		goto fail;
	if (store_customer_get(h->rd, ar, c->customer_id, &cu) == E_OK &&
	    chat_set(&l->customer_name, cu.name))
		goto fail;
	if (store_fact_list(h->rd, ar, c->case_id, true, &facts) == E_OK) {
		for (size_t i = 0; i < facts.n; i++) {
			json_t *v;

			if (strcmp(facts.items[i].key, "already_tried") != 0)
				continue;
			v = json_loads(facts.items[i].value, JSON_DECODE_ANY, NULL);
			if (json_is_string(v) && chat_set(&l->tried, json_string_value(v))) {
				json_decref(v);
				goto fail;
			}
			json_decref(v);
		}
	}
	if (c->state == CONTACT_ON_HOLD) { /* a restart ends the hold's timer */
		l->c.state = CONTACT_ACTIVE;
	}
	l->customer_gone_at = clock_now_ms();
	return l;
fail:
	chat_live_free(l);
	free(l);
	return NULL;
}

static enum err track_locked(struct hub *h, struct chat_live *l)
{
	if (imap_put(&h->contacts, l->c.id, l) != E_OK)
		return E_NOMEM;
	if (imap_put(&h->by_case, l->c.case_id, l) != E_OK) {
		imap_del(&h->contacts, l->c.id);
		return E_NOMEM;
	}
	if (l->c.agent_id && l->c.state != CONTACT_QUEUED)
		agent_load_locked(h, l->c.agent_id, +1, l->c.assigned_at);
	return E_OK;
}

/* load_locked - agents, queues, live contacts and the estimate model's
 * history, from the store. */
static enum err load_locked(struct hub *h)
{
	struct arena ar;
	struct agent_list al;
	struct queue_list ql;
	struct contact_list cl;
	enum err e;

	arena_init(&ar, 64 * 1024);
	clear_live_locked(h);
	if ((e = store_read_begin(h->rd)) != E_OK)
		goto out;
	if ((e = store_agent_list(h->rd, &ar, &al)) != E_OK)
		goto end;
	for (size_t i = 0; i < al.n && i < MAX_AGENTS; i++) {
		struct hub_agent *a = agent_find(h, al.items[i].id);

		if (!a) {
			a = &h->agents[h->n_agents++];
			memset(a, 0, sizeof(*a));
		}
		agent_set(a, &al.items[i]);
	}
	if ((e = store_queue_list(h->rd, &ar, &ql)) != E_OK)
		goto end;
	h->n_queues = 0;
	for (size_t i = 0; i < ql.n && i < MAX_QUEUES; i++) {
		snprintf(h->queues[i].name, sizeof(h->queues[i].name), "%s", ql.items[i].name);
		snprintf(h->queues[i].skills, sizeof(h->queues[i].skills), "%s",
			 ql.items[i].skills);
		h->n_queues++;
	}
	if ((e = store_contact_list_ended(h->rd, &ar, 0, EST_WINDOW, &cl)) != E_OK)
		goto end;
	est_init(&h->est);
	for (size_t i = cl.n; i-- > 0;) { /* oldest first */
		const struct contact *c = &cl.items[i];

		if (c->assigned_at && c->ended_at && c->state == CONTACT_ENDED)
			est_handled(&h->est, c->ended_at - c->assigned_at);
		est_left_queue(&h->est, c->state == CONTACT_ABANDONED);
		if (c->state == CONTACT_ENDED && c->wait_ms >= 0)
			est_outcome(&h->est, c->est_low_ms, c->est_high_ms, c->wait_ms);
	}
	if ((e = store_contact_list_live(h->rd, &ar, &cl)) != E_OK)
		goto end;
	for (size_t i = 0; i < cl.n; i++) {
		struct chat_live *l = live_from(h, &ar, &cl.items[i]);

		if (!l || track_locked(h, l) != E_OK) {
			if (l) {
				chat_live_free(l);
				free(l);
			}
			e = E_NOMEM;
			break;
		}
	}
end:
	store_read_end(h->rd);
out:
	arena_release(&ar);
	h->queue_dirty = true;
	return e;
}

/* ---- life cycle -------------------------------------------------------- */

enum err hub_start(const struct hub_config *cfg, struct txq *txq,
		   struct bus *bus, struct hub **out)
{
	struct hub *h = calloc(1, sizeof(*h));
	enum err e;

	*out = NULL;
	if (!h)
		return E_NOMEM;
	h->cfg = *cfg;
	h->txq = txq;
	h->bus = bus;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	imap_init(&h->contacts);
	imap_init(&h->by_case);
	est_init(&h->est);
	if ((e = store_open(cfg->db_uri, &h->rd)) != E_OK)
		goto fail;
	pthread_mutex_lock(&h->mu);
	e = load_locked(h);
	pthread_mutex_unlock(&h->mu);
	if (e != E_OK)
		goto fail;
	if (pthread_create(&h->thread, NULL, hub_main, h)) {
		e = E_IO;
		goto fail;
	}
	*out = h;
	return E_OK;
fail:
	clear_live_locked(h);
	store_close(h->rd);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
	return e;
}

/* hub_stop - after the write queue has drained (no job refers to h). */
void hub_stop(struct hub *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	clear_live_locked(h);
	store_close(h->rd);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

/* ---- registry updates -------------------------------------------------- */

bool hub_queue_known(struct hub *h, const char *queue)
{
	bool k;

	pthread_mutex_lock(&h->mu);
	k = queue_find(h, queue) != NULL;
	pthread_mutex_unlock(&h->mu);
	return k;
}

void hub_queue_put(struct hub *h, const char *name, const char *skills)
{
	struct hub_queue *q;

	pthread_mutex_lock(&h->mu);
	q = queue_find(h, name);
	if (!q && h->n_queues < MAX_QUEUES)
		q = &h->queues[h->n_queues++];
	if (q) {
		snprintf(q->name, sizeof(q->name), "%s", name);
		snprintf(q->skills, sizeof(q->skills), "%s", skills ? skills : "");
	}
	h->queue_dirty = true;
	pthread_mutex_unlock(&h->mu);
}

void hub_agent_put(struct hub *h, const struct agent *src)
{
	struct hub_agent *a;

	pthread_mutex_lock(&h->mu);
	a = agent_find(h, src->id);
	if (!a && h->n_agents < MAX_AGENTS) {
		a = &h->agents[h->n_agents++];
		memset(a, 0, sizeof(*a));
		a->idle_since = clock_now_ms();
	}
	if (a)
		agent_set(a, src);
	h->queue_dirty = true;
	pthread_mutex_unlock(&h->mu);
}

void hub_agent_name(struct hub *h, int64_t agent_id, char *buf, size_t n)
{
	struct hub_agent *a;

	pthread_mutex_lock(&h->mu);
	a = agent_find(h, agent_id);
	snprintf(buf, n, "%s", a ? a->name : "");
	pthread_mutex_unlock(&h->mu);
}

int64_t hub_live_contact_of_case(struct hub *h, int64_t case_id)
{
	struct chat_live *l;
	int64_t id;

	pthread_mutex_lock(&h->mu);
	l = imap_get(&h->by_case, case_id);
	id = l ? l->c.id : 0;
	pthread_mutex_unlock(&h->mu);
	return id;
}

/* ---- sockets ----------------------------------------------------------- */

enum err hub_add(struct hub *h, const struct contact *c, const char *subject,
		 const char *tried, const char *customer_name)
{
	struct chat_live *l = calloc(1, sizeof(*l));
	enum err e = E_NOMEM;

	if (!l)
		return E_NOMEM;
	l->c = *c;
	l->c.channel = l->c.queue = l->c.verified_method = l->c.notify_email =
		l->c.handoff_note = NULL;
	if (chat_set(&l->c.channel, c->channel) || chat_set(&l->c.queue, c->queue) ||
	    chat_set(&l->c.verified_method, c->verified_method) ||
	    chat_set(&l->subject, subject) || chat_set(&l->tried, tried) ||
	    chat_set(&l->customer_name, customer_name))
		goto fail;
	l->customer_gone_at = clock_now_ms(); /* until the widget connects */
	pthread_mutex_lock(&h->mu);
	e = track_locked(h, l);
	if (e == E_OK) {
		int64_t now = clock_now_ms();

		estimates_locked(h);
		route_locked(h, now);
		h->queue_dirty = true;
		pthread_cond_signal(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	if (e == E_OK)
		return E_OK;
fail:
	chat_live_free(l);
	free(l);
	return e;
}

enum err hub_customer_attach(struct hub *h, int64_t contact_id, bool open)
{
	struct chat_live *l;
	enum err e = E_OK;

	pthread_mutex_lock(&h->mu);
	l = imap_get(&h->contacts, contact_id);
	if (!l) {
		e = E_NOTFOUND;
	} else if (open) {
		if (l->customer_conns++ == 0) {
			l->customer_gone_at = 0;
			publish_contact_locked(h, NULL, l, 0, false);
		}
	} else if (l->customer_conns > 0 && --l->customer_conns == 0) {
		l->customer_gone_at = clock_now_ms();
		publish_contact_locked(h, NULL, l, 0, false);
	}
	pthread_mutex_unlock(&h->mu);
	return e;
}

enum err hub_agent_attach(struct hub *h, const struct agent *ag, json_t **welcome)
{
	struct hub_agent *a;
	json_t *mine = json_array();
	enum err e = E_OK;

	*welcome = NULL;
	pthread_mutex_lock(&h->mu);
	a = agent_find(h, ag->id);
	if (!a && h->n_agents < MAX_AGENTS) {
		a = &h->agents[h->n_agents++];
		memset(a, 0, sizeof(*a));
		agent_set(a, ag);
		a->idle_since = clock_now_ms();
	}
	if (!a) {
		e = E_NOMEM;
		goto out;
	}
	a->conns++;
	a->gone_at = 0;
	if (a->presence == P_OFFLINE)
		a->presence = P_AWAY; /* connected; routing waits for "available" */
	for (size_t i = 0; i < h->contacts.cap; i++) {
		struct chat_live *l = h->contacts.slots[i].val;

		if (h->contacts.slots[i].key && l->c.agent_id == a->id &&
		    l->c.state != CONTACT_QUEUED)
			json_array_append_new(mine, contact_json_locked(h, &l->c, l, true));
	}
	*welcome = json_pack("{s:s, s:s, s:{s:I, s:s, s:s, s:s, s:i, s:s}, s:o}",
			     "type", "welcome", "role", "agent", "agent", "id",
			     (json_int_t)a->id, "name", a->name, "role", role_name(a->role),
			     "presence", presence_names[a->presence], "capacity",
			     a->capacity, "skills", a->skills, "contacts", mine);
	mine = NULL;
	if (!*welcome)
		e = E_NOMEM;
	h->queue_dirty = true;
out:
	json_decref(mine);
	pthread_mutex_unlock(&h->mu);
	return e;
}

void hub_agent_detach(struct hub *h, int64_t agent_id)
{
	struct hub_agent *a;

	pthread_mutex_lock(&h->mu);
	a = agent_find(h, agent_id);
	if (a && a->conns > 0 && --a->conns == 0)
		a->gone_at = clock_now_ms();
	pthread_mutex_unlock(&h->mu);
}

bool hub_agent_may_act(struct hub *h, const struct hub_who *who, int64_t case_id)
{
	struct chat_live *l;
	bool ok;

	pthread_mutex_lock(&h->mu);
	l = imap_get(&h->by_case, case_id);
	ok = who->role >= ROLE_SUPERVISOR || (l && l->c.agent_id == who->agent_id);
	pthread_mutex_unlock(&h->mu);
	return ok;
}

/* ---- steps ------------------------------------------------------------- */

static enum err refuse(struct fail *f, enum err e, const char *reason,
		       const char *msg)
{
	return fail_set(f, e, reason, NULL, "%s", msg);
}

/* contact_for_locked - the live contact an op is about, checked against
 * who may touch it. */
static enum err contact_for_locked(struct hub *h, const struct hub_op *op,
				   bool by_case, struct chat_live **out,
				   struct fail *f)
{
	struct chat_live *l;

	if (op->who.kind == AUTHOR_CUSTOMER)
		l = imap_get(&h->contacts, op->who.contact_id);
	else if (by_case)
		l = imap_get(&h->by_case, op->case_id);
	else
		l = imap_get(&h->contacts, op->contact_id);
	if (!l)
		return op->who.kind == AUTHOR_CUSTOMER
			       ? refuse(f, E_CONFLICT, "chat_ended", "this chat has ended")
			       : refuse(f, E_NOTFOUND, NULL, "no live chat with that id");
	if (op->who.kind == AUTHOR_AGENT && l->c.agent_id != op->who.agent_id &&
	    op->who.role < ROLE_SUPERVISOR)
		return refuse(f, E_FORBIDDEN, NULL, "this chat is not yours");
	*out = l;
	return E_OK;
}

static enum err do_presence_locked(struct hub *h, const struct hub_op *op,
				   struct fail *f)
{
	struct hub_agent *a = agent_find(h, op->who.agent_id);
	enum presence p;

	if (!op->text)
		return fail_set(f, E_UNPROC, NULL, "status",
				"must be available, away or offline");
	if (!strcmp(op->text, "available"))
		p = P_AVAILABLE;
	else if (!strcmp(op->text, "away"))
		p = P_AWAY;
	else if (!strcmp(op->text, "offline"))
		p = P_OFFLINE;
	else
		return fail_set(f, E_UNPROC, NULL, "status",
				"must be available, away or offline");
	if (!a)
		return refuse(f, E_NOTFOUND, NULL, "unknown agent");
	if (p == P_AVAILABLE && a->presence != P_AVAILABLE)
		a->idle_since = clock_now_ms();
	a->presence = p;
	h->queue_dirty = true;
	route_locked(h, clock_now_ms());
	return E_OK;
}

static enum err do_accept_locked(struct hub *h, const struct hub_op *op,
				 struct fail *f)
{
	struct chat_live *l = imap_get(&h->contacts, op->contact_id);
	struct hub_agent *a = agent_find(h, op->who.agent_id);

	if (!l || !a)
		return refuse(f, E_NOTFOUND, NULL, "no waiting chat with that id");
	if (l->c.state != CONTACT_QUEUED)
		return refuse(f, E_CONFLICT, "taken", "that chat is no longer waiting");
	if (a->active >= a->capacity)
		return refuse(f, E_CONFLICT, "at_capacity",
			      "you are at your capacity of concurrent chats");
	if (!routing_serves(a->skills, queue_skills(h, l->c.queue)) &&
	    op->who.role < ROLE_SUPERVISOR)
		return refuse(f, E_FORBIDDEN, NULL, "you do not serve that queue");
	assign_locked(h, l, a, clock_now_ms());
	return l->c.state == CONTACT_ACTIVE ? E_OK
		: refuse(f, E_NOMEM, NULL, "out of memory");
}

static enum err do_message_locked(struct hub *h, const struct hub_op *op,
				  struct fail *f)
{
	struct chat_live *l = NULL;
	struct hub_job *j;
	char *body;
	enum err e;
	bool note = op->who.kind == AUTHOR_AGENT && op->flag;
	struct actor by = {op->who.kind, op->who.kind == AUTHOR_AGENT ? op->who.agent_id : 0,
			   op->who.role};

	if (note) {
		/* any agent may add a note to a followed case with a live chat */
		l = imap_get(&h->by_case, op->case_id);
		if (!l)
			return refuse(f, E_NOTFOUND, NULL,
				      "no live chat on that case (use the REST API)");
	} else if ((e = contact_for_locked(h, op, true, &l, f)) != E_OK) {
		return e;
	}
	if (op->who.kind == AUTHOR_CUSTOMER)
		by.id = l->c.customer_id;
	j = job_new(h, &op->who, op->cid, l);
	if (!j)
		return refuse(f, E_NOMEM, NULL, "out of memory");
	if ((e = chat_body(&j->ar, op->text, &body, f)) != E_OK) {
		job_free(j);
		return e;
	}
	chat_change_event(&j->ch, note ? "note" : "message", &by,
			  note ? VIS_INTERNAL : VIS_PUBLIC, body, NULL);
	if (!note && op->who.kind == AUTHOR_AGENT && l->c.notify_email &&
	    l->customer_conns == 0) {
		struct outbox_msg *m = arena_zalloc(&j->ar, sizeof(*m));

		if (m) {
			m->case_id = l->c.case_id;
			m->kind = "agent_replied";
			m->to_addr = arena_strdup(&j->ar, l->c.notify_email);
			m->subject = arena_strdup(&j->ar, "An agent replied to your chat");
			m->body = body;
			m->state = OUTBOX_PENDING;
			j->ch.mail = m;
		}
	}
	job_submit_locked(h, j);
	return E_OK;
}

static enum err do_signal_locked(struct hub *h, const struct hub_op *op,
				 struct fail *f)
{
	struct chat_live *l;
	char t[48];
	json_t *j;
	enum err e;

	if ((e = contact_for_locked(h, op, true, &l, f)) != E_OK)
		return e;
	if (op->kind == HUB_TYPING) {
		bool agent = op->who.kind == AUTHOR_AGENT;
		struct hub_agent *a = agent ? agent_find(h, op->who.agent_id) : NULL;

		j = json_pack("{s:s, s:I, s:s, s:s, s:b}", "type", "typing", "case_id",
			      (json_int_t)l->c.case_id, "by", agent ? "agent" : "customer",
			      "name", agent ? (a ? a->name : "")
					    : (l->customer_name ? l->customer_name : ""),
			      "on", op->flag);
		if (agent) {
			topic(t, sizeof(t), "contact:%lld", l->c.id);
			publish_json(h, t, json_incref(j), 0, op->who.conn);
		}
		topic(t, sizeof(t), "case:%lld:agents", l->c.case_id);
		publish_json(h, t, j, 0, op->who.conn);
		return E_OK;
	}
	/* HUB_READ */
	if (op->number <= 0)
		return fail_set(f, E_UNPROC, NULL, "event_id", "must be an event id");
	if (op->who.kind == AUTHOR_CUSTOMER) {
		topic(t, sizeof(t), "case:%lld:agents", l->c.case_id);
		publish_json(h, t,
			     json_pack("{s:s, s:I, s:s, s:I}", "type", "receipt", "case_id",
				       (json_int_t)l->c.case_id, "by", "customer",
				       "read_upto", (json_int_t)op->number),
			     0, op->who.conn);
		return E_OK;
	}
	if (op->flag) {
		if (op->number <= l->agent_delivered_upto)
			return E_OK;
		l->agent_delivered_upto = op->number;
	} else {
		if (op->number <= l->agent_read_upto)
			return E_OK;
		l->agent_read_upto = op->number;
		if (l->agent_delivered_upto < op->number)
			l->agent_delivered_upto = op->number;
	}
	topic(t, sizeof(t), "contact:%lld", l->c.id);
	publish_json(h, t,
		     json_pack("{s:s, s:s, s:I, s:I}", "type", "receipt", "by", "agent",
			       "read_upto", (json_int_t)l->agent_read_upto,
			       "delivered_upto", (json_int_t)l->agent_delivered_upto),
		     0, op->who.conn);
	return E_OK;
}

/* do_step_locked - the steps that change a contact's state. */
static enum err do_step_locked(struct hub *h, const struct hub_op *op,
			       struct fail *f)
{
	struct chat_live *l;
	struct hub_job *j;
	struct hub_agent *to = NULL;
	enum contact_state was;
	int64_t was_agent, now = clock_now_ms();
	struct actor by = {op->who.kind, op->who.agent_id, op->who.role};
	enum err e;

	if ((e = contact_for_locked(h, op, false, &l, f)) != E_OK)
		return e;
	if (op->who.kind == AUTHOR_CUSTOMER)
		by.id = l->c.customer_id;
	was = l->c.state;
	was_agent = l->c.agent_id;
	j = job_new(h, &op->who, NULL, l);
	if (!j)
		return refuse(f, E_NOMEM, NULL, "out of memory");
	switch (op->kind) {
	case HUB_HOLD_ASK:
		e = chat_hold_ask(l, &by, (int)op->number, now, &j->ch, f);
		break;
	case HUB_HOLD_ANSWER:
		e = chat_hold_answer(l, op->text, now, &j->ch, f);
		break;
	case HUB_HOLD_END:
		e = chat_hold_end(l, &by, now, &j->ch, f);
		break;
	case HUB_TRANSFER:
		if (op->number > 0) {
			to = agent_find(h, op->number);
			if (!to) {
				e = fail_set(f, E_UNPROC, NULL, "to_agent_id", "no such agent");
				break;
			}
			if (to->presence == P_OFFLINE || to->active >= to->capacity) {
				e = fail_set(f, E_CONFLICT, "agent_unavailable", "to_agent_id",
					     "%s is %s", to->name,
					     to->presence == P_OFFLINE ? "offline"
								       : "at capacity");
				break;
			}
		} else if (!op->queue || !queue_find(h, op->queue)) {
			e = fail_set(f, E_UNPROC, NULL, "to_queue", "no such queue");
			break;
		}
		e = chat_transfer(l, &by, to ? to->id : 0, to ? to->name : NULL,
				  to ? NULL : op->queue, op->note, op->message, now,
				  &j->ch, f);
		break;
	case HUB_END:
		e = chat_end(l, &by, op->text, now, &j->ch, f);
		break;
	case HUB_NOTIFY:
		e = chat_notify(l, op->text, now, &j->ch, f);
		break;
	case HUB_LEAVE:
		e = chat_leave(l, false, now, &j->ch, f);
		break;
	default:
		e = refuse(f, E_INVAL, NULL, "unknown step");
	}
	if (e != E_OK) {
		job_free(j);
		return e;
	}
	/* a receiving agent is told the contact is theirs */
	after_step_locked(h, j, l, was, was_agent, to != NULL, now);
	job_submit_locked(h, j);
	route_locked(h, now);
	return E_OK;
}

enum err hub_do(struct hub *h, const struct hub_op *op, struct fail *f)
{
	enum err e;

	pthread_mutex_lock(&h->mu);
	switch (op->kind) {
	case HUB_PRESENCE:
		e = do_presence_locked(h, op, f);
		break;
	case HUB_ACCEPT:
		e = do_accept_locked(h, op, f);
		break;
	case HUB_MESSAGE:
		e = do_message_locked(h, op, f);
		break;
	case HUB_TYPING:
	case HUB_READ:
		e = do_signal_locked(h, op, f);
		break;
	default:
		e = do_step_locked(h, op, f);
	}
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return e;
}

void hub_publish_event(struct hub *h, const struct event *e)
{
	char t[48];
	struct chat_live *l;
	json_t *j;

	pthread_mutex_lock(&h->mu);
	l = imap_get(&h->by_case, e->case_id);
	j = json_pack("{s:s, s:o}", "type", "event", "event",
		      event_json_locked(h, e, l ? l->customer_name : NULL));
	topic(t, sizeof(t), e->visibility == VIS_PUBLIC ? "case:%lld" : "case:%lld:agents",
	      e->case_id);
	publish_json(h, t, j, e->id, 0);
	pthread_mutex_unlock(&h->mu);
}

void hub_stats_model(struct hub *h, struct hub_stats *out)
{
	pthread_mutex_lock(&h->mu);
	out->model_coverage = est_coverage(&h->est);
	out->handle_ms = h->est.handle_ms;
	out->abandon = h->est.abandon;
	out->z = h->est.z;
	pthread_mutex_unlock(&h->mu);
}
