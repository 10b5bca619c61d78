/*
 * store_sqlite_promises.c - what heed has committed to and the deadlines
 * that watch it: promises, SLA clocks, timers, alerts, follow-ups, and the
 * settings documents (calendars, SLA policies) they are measured with.
 *
 * Timers are the only thing the scheduler polls: the partial index
 * (due_at, id) WHERE fired_at = 0 makes "what is due now" a short range
 * scan however many timers have fired.  timer_fire only changes a pending
 * row, so a deadline acted on in one transaction cannot be acted on again
 * by a second scheduler pass or after a restart.
 */
#include "store/internal.h"

#include <stdio.h>
#include <string.h>

/* ---- settings ---------------------------------------------------------- */

static enum err read_setting(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct setting *x = item;
	enum err e;

	x->updated_at = sqlite3_column_int64(s, 2);
	if ((e = sq__col_text(ar, s, 0, &x->key)) != E_OK)
		return e;
	return sq__col_text(ar, s, 1, &x->value);
}

static void bind_setting(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct setting *x = item;

	sq__bind_text(s, 1, x->key, rc);
	sq__bind_text(s, 2, x->value, rc);
	sq__bind_i64(s, 3, x->updated_at, rc);
}

enum err sq__setting_put(struct store *base, const struct setting *x)
{
	int64_t id;

	return sq__insert(sq__from(base), SQ_SETTING_PUT,
			  "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
			  bind_setting, x, "setting_put", &id);
}

enum err sq__setting_get(struct store *base, struct arena *ar, const char *key,
			 struct setting *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	memset(out, 0, sizeof(*out));
	e = sq__stmt(st, SQ_SETTING_GET,
		     "SELECT key, value, updated_at FROM settings WHERE key = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, key, &rc);
	e = sq__row(st, s, rc, "setting_get");
	if (e == E_OK)
		e = read_setting(ar, s, out);
out:
	sq__done(s);
	return e;
}

enum err sq__setting_list(struct store *base, struct arena *ar, const char *prefix,
			  struct setting_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	/* substr, not LIKE: a prefix holding '%' or '_' means itself */
	e = sq__stmt(st, SQ_SETTING_LIST,
		     "SELECT key, value, updated_at FROM settings"
		     " WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, prefix, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct setting), read_setting,
			"setting_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__setting_delete(struct store *base, const char *key)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_SETTING_DELETE, "DELETE FROM settings WHERE key = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, key, &rc);
	e = sq__run(st, s, rc, "setting_delete");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

/* ---- promises ---------------------------------------------------------- */

#define PROMISE_COLS \
	"id, case_id, kind, queue, channel, owner_id, by_kind, by_id, due_at," \
	" proposed_ms, short_confirmed, state, reason, revised_due_at," \
	" replaces_id, kept_event_id, created_at, closed_at, origin_at"

static enum err read_promise(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct promise *p = item;
	enum err e;

	p->id = sqlite3_column_int64(s, 0);
	p->case_id = sqlite3_column_int64(s, 1);
	p->owner_id = sqlite3_column_int64(s, 5);
	p->by_kind = (enum author_kind)sqlite3_column_int(s, 6);
	p->by_id = sqlite3_column_int64(s, 7);
	p->due_at = sqlite3_column_int64(s, 8);
	p->proposed_ms = sqlite3_column_int64(s, 9);
	p->short_confirmed = sqlite3_column_int(s, 10) != 0;
	p->state = (enum promise_state)sqlite3_column_int(s, 11);
	p->revised_due_at = sqlite3_column_int64(s, 13);
	p->replaces_id = sqlite3_column_int64(s, 14);
	p->kept_event_id = sqlite3_column_int64(s, 15);
	p->created_at = sqlite3_column_int64(s, 16);
	p->closed_at = sqlite3_column_int64(s, 17);
	p->origin_at = sqlite3_column_int64(s, 18);
	if ((e = sq__col_text(ar, s, 2, &p->kind)) != E_OK ||
	    (e = sq__col_text(ar, s, 3, &p->queue)) != E_OK ||
	    (e = sq__col_text(ar, s, 4, &p->channel)) != E_OK)
		return e;
	return sq__col_text(ar, s, 12, &p->reason);
}

static void bind_promise(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct promise *p = item;

	sq__bind_i64(s, 1, p->case_id, rc);
	sq__bind_text(s, 2, p->kind, rc);
	sq__bind_text(s, 3, p->queue, rc);
	sq__bind_text(s, 4, p->channel, rc);
	sq__bind_id(s, 5, p->owner_id, rc);
	sq__bind_i64(s, 6, p->by_kind, rc);
	sq__bind_id(s, 7, p->by_id, rc);
	sq__bind_i64(s, 8, p->due_at, rc);
	sq__bind_i64(s, 9, p->proposed_ms, rc);
	sq__bind_i64(s, 10, p->short_confirmed, rc);
	sq__bind_i64(s, 11, p->state ? p->state : PROMISE_PENDING, rc);
	sq__bind_text(s, 12, p->reason, rc);
	sq__bind_i64(s, 13, p->revised_due_at, rc);
	sq__bind_id(s, 14, p->replaces_id, rc);
	sq__bind_id(s, 15, p->kept_event_id, rc);
	sq__bind_i64(s, 16, p->created_at, rc);
	sq__bind_i64(s, 17, p->closed_at, rc);
	sq__bind_i64(s, 18, p->origin_at ? p->origin_at : p->created_at, rc);
}

enum err sq__promise_insert(struct store *base, struct promise *p)
{
	return sq__insert(sq__from(base), SQ_PROMISE_INSERT,
			  "INSERT INTO promises (case_id, kind, queue, channel, owner_id,"
			  " by_kind, by_id, due_at, proposed_ms, short_confirmed, state,"
			  " reason, revised_due_at, replaces_id, kept_event_id, created_at,"
			  " closed_at, origin_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			  " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
			  bind_promise, p, "promise_insert", &p->id);
}

static void bind_promise_change(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct promise *p = item;

	sq__bind_i64(s, 1, p->state, rc);
	sq__bind_text(s, 2, p->reason, rc);
	sq__bind_i64(s, 3, p->revised_due_at, rc);
	sq__bind_id(s, 4, p->kept_event_id, rc);
	sq__bind_i64(s, 5, p->closed_at, rc);
	sq__bind_id(s, 6, p->owner_id, rc);
}

enum err sq__promise_update(struct store *base, const struct promise *p)
{
	return sq__update(sq__from(base), SQ_PROMISE_UPDATE,
			  "UPDATE promises SET state = ?1, reason = ?2, revised_due_at = ?3,"
			  " kept_event_id = ?4, closed_at = ?5, owner_id = ?6 WHERE id = ?7",
			  bind_promise_change, p, 7, p->id, "promise_update");
}

enum err sq__promise_get(struct store *base, struct arena *ar, int64_t id,
			 struct promise *out)
{
	return sq__one_by_id(sq__from(base), SQ_PROMISE_GET,
			     "SELECT " PROMISE_COLS " FROM promises WHERE id = ?1", id, ar,
			     sizeof(*out), read_promise, "promise_get", out);
}

enum err sq__promise_list(struct store *base, struct arena *ar, int64_t case_id,
			  struct promise_list *out)
{
	void *items;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_PROMISE_LIST,
		    "SELECT " PROMISE_COLS " FROM promises WHERE case_id = ?1 ORDER BY id",
		    case_id, ar, sizeof(struct promise), read_promise, "promise_list",
		    &items, &out->n);
	out->items = items;
	return e;
}

enum err sq__promise_kept_ms(struct store *base, const char *queue, const char *kind,
			     size_t limit, int64_t *out, size_t *n)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	*n = 0;
	e = sq__stmt(st, SQ_PROMISE_KEPT_MS,
		     "SELECT closed_at - origin_at FROM promises"
		     " WHERE queue = ?1 AND kind = ?2 AND state = ?3"
		     " ORDER BY id DESC LIMIT ?4",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, queue, &rc);
	sq__bind_text(s, 2, kind, &rc);
	sq__bind_i64(s, 3, PROMISE_KEPT, &rc);
	sq__bind_limit(s, 4, limit, &rc);
	if (rc != SQLITE_OK) {
		e = sq__fail(st, rc, "promise_kept_ms");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < limit)
		out[(*n)++] = sqlite3_column_int64(s, 0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = sq__fail(st, rc, "promise_kept_ms");
out:
	sq__done(s);
	return e;
}

/* ---- SLA clocks -------------------------------------------------------- */

#define CLOCK_COLS \
	"id, case_id, metric, policy, target_ms, used_ms, running_since, due_at," \
	" state, met_at, breached_at, calendar"

static enum err read_clock(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct sla_clock *c = item;
	enum err e;

	c->id = sqlite3_column_int64(s, 0);
	c->case_id = sqlite3_column_int64(s, 1);
	c->metric = (enum sla_metric)sqlite3_column_int(s, 2);
	c->target_ms = sqlite3_column_int64(s, 4);
	c->used_ms = sqlite3_column_int64(s, 5);
	c->running_since = sqlite3_column_int64(s, 6);
	c->due_at = sqlite3_column_int64(s, 7);
	c->state = (enum sla_state)sqlite3_column_int(s, 8);
	c->met_at = sqlite3_column_int64(s, 9);
	c->breached_at = sqlite3_column_int64(s, 10);
	if ((e = sq__col_text(ar, s, 11, &c->calendar)) != E_OK)
		return e;
	return sq__col_text(ar, s, 3, &c->policy);
}

static void bind_clock(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct sla_clock *c = item;

	sq__bind_i64(s, 1, c->case_id, rc);
	sq__bind_i64(s, 2, c->metric, rc);
	sq__bind_text(s, 3, c->policy, rc);
	sq__bind_i64(s, 4, c->target_ms, rc);
	sq__bind_i64(s, 5, c->used_ms, rc);
	sq__bind_i64(s, 6, c->running_since, rc);
	sq__bind_i64(s, 7, c->due_at, rc);
	sq__bind_i64(s, 8, c->state, rc);
	sq__bind_i64(s, 9, c->met_at, rc);
	sq__bind_i64(s, 10, c->breached_at, rc);
	sq__bind_text(s, 11, c->calendar, rc);
}

enum err sq__sla_clock_put(struct store *base, struct sla_clock *c)
{
	return sq__upsert(sq__from(base), SQ_SLA_CLOCK_PUT,
			  "INSERT INTO sla_clocks (case_id, metric, policy, target_ms, used_ms,"
			  " running_since, due_at, state, met_at, breached_at, calendar)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
			  " ON CONFLICT (case_id, metric) DO UPDATE SET policy = ?3,"
			  " target_ms = ?4, used_ms = ?5, running_since = ?6, due_at = ?7,"
			  " state = ?8, met_at = ?9, breached_at = ?10, calendar = ?11 RETURNING id",
			  bind_clock, c, "sla_clock_put", &c->id);
}

enum err sq__sla_clock_get(struct store *base, struct arena *ar, int64_t id,
			   struct sla_clock *out)
{
	return sq__one_by_id(sq__from(base), SQ_SLA_CLOCK_GET,
			     "SELECT " CLOCK_COLS " FROM sla_clocks WHERE id = ?1", id, ar,
			     sizeof(*out), read_clock, "sla_clock_get", out);
}

enum err sq__sla_clock_list(struct store *base, struct arena *ar, int64_t case_id,
			    struct sla_clock_list *out)
{
	void *items;
	enum err e;

	e = sq__list_by_id(sq__from(base), SQ_SLA_CLOCK_LIST,
		    "SELECT " CLOCK_COLS " FROM sla_clocks WHERE case_id = ?1 ORDER BY metric",
		    case_id, ar, sizeof(struct sla_clock), read_clock, "sla_clock_list",
		    &items, &out->n);
	out->items = items;
	return e;
}

/* ---- timers ------------------------------------------------------------ */

static enum err read_timer(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct timer *t = item;

	t->id = sqlite3_column_int64(s, 0);
	t->ref_id = sqlite3_column_int64(s, 2);
	t->case_id = sqlite3_column_int64(s, 3);
	t->due_at = sqlite3_column_int64(s, 4);
	t->fired_at = sqlite3_column_int64(s, 5);
	return sq__col_text(ar, s, 1, &t->kind);
}

static void bind_timer(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct timer *t = item;

	sq__bind_text(s, 1, t->kind, rc);
	sq__bind_i64(s, 2, t->ref_id, rc);
	sq__bind_i64(s, 3, t->case_id, rc);
	sq__bind_i64(s, 4, t->due_at, rc);
}

enum err sq__timer_insert(struct store *base, struct timer *t)
{
	return sq__insert(sq__from(base), SQ_TIMER_INSERT,
			  "INSERT INTO timers (kind, ref_id, case_id, due_at) VALUES (?1, ?2, ?3, ?4)",
			  bind_timer, t, "timer_insert", &t->id);
}

enum err sq__timer_due(struct store *base, struct arena *ar, int64_t now, size_t limit,
		       struct timer_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_TIMER_DUE,
		     "SELECT id, kind, ref_id, case_id, due_at, fired_at FROM timers"
		     " WHERE fired_at = 0 AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, now, &rc);
	sq__bind_limit(s, 2, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct timer), read_timer, "timer_due",
			&items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__timer_fire(struct store *base, int64_t id, int64_t due_at, int64_t at)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_TIMER_FIRE,
		     "UPDATE timers SET fired_at = ?2 WHERE id = ?1 AND fired_at = 0"
		     " AND due_at = ?3", &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	sq__bind_i64(s, 2, at > 0 ? at : 1, &rc);
	sq__bind_i64(s, 3, due_at, &rc);
	e = sq__run(st, s, rc, "timer_fire");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_CONFLICT;
out:
	sq__done(s);
	return e;
}

enum err sq__timer_rearm(struct store *base, struct timer *t)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_TIMER_REARM,
		     "UPDATE timers SET due_at = ?4 WHERE kind = ?1 AND ref_id = ?2"
		     " AND fired_at = 0 RETURNING id",
		     &s);
	if (e != E_OK)
		goto out;
	bind_timer(s, t, &rc);
	e = sq__row(st, s, rc, "timer_rearm");
	if (e == E_OK) {
		t->id = sqlite3_column_int64(s, 0);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			e = sq__fail(st, rc, "timer_rearm");
	}
	sq__done(s);
	if (e == E_NOTFOUND)
		return sq__timer_insert(base, t);
out:
	return e;
}

/* ---- alerts ------------------------------------------------------------ */

static enum err read_alert(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct alert *a = item;
	enum err e;

	a->id = sqlite3_column_int64(s, 0);
	a->case_id = sqlite3_column_int64(s, 1);
	a->agent_id = sqlite3_column_int64(s, 3);
	a->created_at = sqlite3_column_int64(s, 5);
	a->ack_at = sqlite3_column_int64(s, 6);
	a->ack_by = sqlite3_column_int64(s, 7);
	if ((e = sq__col_text(ar, s, 2, &a->kind)) != E_OK)
		return e;
	return sq__col_text(ar, s, 4, &a->body);
}

static void bind_alert(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct alert *a = item;

	sq__bind_i64(s, 1, a->case_id, rc);
	sq__bind_text(s, 2, a->kind, rc);
	sq__bind_id(s, 3, a->agent_id, rc);
	sq__bind_text(s, 4, a->body, rc);
	sq__bind_i64(s, 5, a->created_at, rc);
}

enum err sq__alert_insert(struct store *base, struct alert *a)
{
	return sq__insert(sq__from(base), SQ_ALERT_INSERT,
			  "INSERT INTO alerts (case_id, kind, agent_id, body, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)",
			  bind_alert, a, "alert_insert", &a->id);
}

/* Alert list variants: bit 0 supervisors too, bit 1 open only, bit 2 one
 * case.  Parameters: ?1 agent, ?2 before_id, ?3 limit, ?4 case. */
enum err sq__alert_list(struct store *base, struct arena *ar, const struct alert_filter *f,
			struct alert_list *out)
{
	struct sq_store *st = sq__from(base);
	unsigned v = (f->supervisors ? 1u : 0u) | (f->open_only ? 2u : 0u) |
		     (f->case_id ? 4u : 0u);
	char sql[512];
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	snprintf(sql, sizeof(sql),
		 "SELECT id, case_id, kind, agent_id, body, created_at, ack_at, ack_by"
		 " FROM alerts WHERE id < ?2 AND (agent_id = ?1%s)%s%s"
		 " ORDER BY id DESC LIMIT ?3",
		 (v & 1) ? " OR agent_id IS NULL" : "", (v & 2) ? " AND ack_at = 0" : "",
		 (v & 4) ? " AND case_id = ?4" : "");
	e = sq__stmt(st, (enum sq_stmt)(SQ_ALERT_LIST + v), sql, &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, f->agent_id, &rc);
	sq__bind_i64(s, 2, f->before_id > 0 ? f->before_id : INT64_MAX, &rc);
	sq__bind_limit(s, 3, f->limit, &rc);
	if (v & 4)
		sq__bind_i64(s, 4, f->case_id, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct alert), read_alert, "alert_list",
			&items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__alert_get(struct store *base, struct arena *ar, int64_t id, struct alert *out)
{
	return sq__one_by_id(sq__from(base), SQ_ALERT_GET,
			     "SELECT id, case_id, kind, agent_id, body, created_at, ack_at, ack_by"
			     " FROM alerts WHERE id = ?1",
			     id, ar, sizeof(*out), read_alert, "alert_get", out);
}

enum err sq__alert_ack(struct store *base, int64_t id, int64_t by, int64_t at)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_ALERT_ACK,
		     "UPDATE alerts SET ack_at = CASE WHEN ack_at = 0 THEN ?3 ELSE ack_at END,"
		     " ack_by = CASE WHEN ack_at = 0 THEN ?2 ELSE ack_by END WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	sq__bind_id(s, 2, by, &rc);
	sq__bind_i64(s, 3, at, &rc);
	e = sq__run(st, s, rc, "alert_ack");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

/* ---- follow-ups -------------------------------------------------------- */

static enum err read_followup(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct followup *x = item;

	x->id = sqlite3_column_int64(s, 0);
	x->case_id = sqlite3_column_int64(s, 1);
	x->customer_id = sqlite3_column_int64(s, 2);
	x->state = (enum followup_state)sqlite3_column_int(s, 3);
	x->due_at = sqlite3_column_int64(s, 4);
	x->sent_at = sqlite3_column_int64(s, 5);
	x->answered_at = sqlite3_column_int64(s, 6);
	x->fixed = sqlite3_column_int(s, 7);
	x->ease = sqlite3_column_int(s, 8);
	return sq__col_text(ar, s, 9, &x->comment);
}

enum err sq__followup_get(struct store *base, struct arena *ar, int64_t case_id,
			  struct followup *out)
{
	return sq__one_by_id(sq__from(base), SQ_FOLLOWUP_GET,
			     "SELECT id, case_id, customer_id, state, due_at, sent_at,"
			     " answered_at, fixed, ease, comment FROM followups WHERE case_id = ?1",
			     case_id, ar, sizeof(*out), read_followup, "followup_get", out);
}

static void bind_followup(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct followup *x = item;

	sq__bind_i64(s, 1, x->case_id, rc);
	sq__bind_i64(s, 2, x->customer_id, rc);
	sq__bind_i64(s, 3, x->state, rc);
	sq__bind_i64(s, 4, x->due_at, rc);
	sq__bind_i64(s, 5, x->sent_at, rc);
	sq__bind_i64(s, 6, x->answered_at, rc);
	sq__bind_i64(s, 7, x->fixed, rc);
	sq__bind_i64(s, 8, x->ease, rc);
	sq__bind_text(s, 9, x->comment, rc);
}

enum err sq__followup_put(struct store *base, struct followup *x)
{
	return sq__upsert(sq__from(base), SQ_FOLLOWUP_PUT,
			  "INSERT INTO followups (case_id, customer_id, state, due_at, sent_at,"
			  " answered_at, fixed, ease, comment)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			  " ON CONFLICT (case_id) DO UPDATE SET customer_id = ?2, state = ?3,"
			  " due_at = ?4, sent_at = ?5, answered_at = ?6, fixed = ?7, ease = ?8,"
			  " comment = ?9 RETURNING id",
			  bind_followup, x, "followup_put", &x->id);
}

enum err sq__followup_last_sent(struct store *base, int64_t customer_id, int64_t *at)
{
	*at = 0;
	return sq__i64_by_id(sq__from(base), SQ_FOLLOWUP_LAST_SENT,
			     "SELECT coalesce(max(sent_at), 0) FROM followups WHERE customer_id = ?1",
			     customer_id, "followup_last_sent", at);
}
