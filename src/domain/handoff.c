/*
 * handoff.c - the transfer summary and the transfer itself (handoff.h).
 *
 * The draft is plain text in a bounded buffer, one part per paragraph, so
 * it reads the same in the console, in an email or pasted elsewhere.  Times
 * are UTC to the minute ("2026-11-23 10:02 UTC"): the console shows the
 * structured records in the agent's own zone beside it.
 */
#include "domain/handoff.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "domain/agents.h"
#include "domain/cases.h"
#include "domain/customers.h"
#include "domain/flows.h"
#include "domain/internal.h"
#include "domain/promises.h"
#include "domain/verify.h"

/* when - ms as "2026-11-23 10:02 UTC" into out (at least 24 bytes). */
static const char *when(int64_t ms, char out[40])
{
	clock_format(ms, out, 40);
	if (strlen(out) >= 16) {
		out[10] = ' ';
		memcpy(out + 16, " UTC", 5);
	}
	return out;
}

static const char *agent_name(struct store *st, struct arena *ar, int64_t id)
{
	struct agent a;

	return id && agents_get(st, ar, id, &a) == E_OK ? a.name : "an agent";
}

static void part_verification(struct store *st, struct arena *ar, int64_t case_id,
			      struct buf *b)
{
	struct verify_state vs;
	const struct verification *v;
	char t1[40], t2[40];

	if (verify_state_of(st, ar, case_id, &vs, NULL) != E_OK)
		return;
	if (!(v = vs.current)) {
		buf_adds(b, vs.all.n ? "Identity: the last verification has expired; verify before any change.\n"
				     : "Identity: not verified on this case.\n");
		return;
	}
	buf_printf(b, "Identity: verified by %s%s%s at %s (%s level), holds until %s",
		   v->detail && *v->detail ? v->detail : verify_method_words(v->method),
		   v->via && *v->via ? ", " : "", v->via ? v->via : "", when(v->created_at, t1),
		   v->level, when(v->valid_until, t2));
	if (vs.reverifications)
		buf_printf(b, "; asked again %lld time%s", (long long)vs.reverifications,
			   vs.reverifications == 1 ? "" : "s");
	buf_adds(b, ". Do not ask again.\n");
}

static void part_facts(struct store *st, struct arena *ar, int64_t case_id, struct buf *b)
{
	struct fact_list l;
	char t[40];

	if (store_fact_list(st, ar, case_id, true, &l) != E_OK || !l.n)
		return;
	buf_adds(b, "\nAlready known (do not ask again):\n");
	for (size_t i = 0; i < l.n; i++)
		buf_printf(b, "- %s: %.200s (%s, %s)\n", l.items[i].key, l.items[i].value,
			   fact_source_name(l.items[i].source), when(l.items[i].created_at, t));
}

static void part_flow(struct store *st, struct arena *ar, int64_t case_id, struct buf *b)
{
	struct flow_view v;

	if (flows_active(st, ar, case_id, &v, NULL) != E_OK)
		return;
	buf_printf(b, "\nGuided flow: %s (%zu step%s known)", v.def.title, v.n_known,
		   v.n_known == 1 ? "" : "s");
	if (v.current)
		buf_printf(b, "; next step: %s\n", v.current->text);
	else if (v.end)
		buf_printf(b, "; outcome reached: %s\n", v.end->outcome);
	else
		buf_adds(b, "\n");
}

static void part_promises(struct store *st, struct arena *ar, int64_t case_id, struct buf *b)
{
	struct promise_list l;
	bool head = false;
	char t[40];

	if (promises_list(st, ar, case_id, &l, NULL) != E_OK)
		return;
	for (size_t i = 0; i < l.n; i++) {
		const struct promise *p = &l.items[i];

		if (p->state != PROMISE_PENDING)
			continue;
		if (!head)
			buf_adds(b, "\nOpen promises to the customer:\n");
		head = true;
		buf_printf(b, "- %s by %s (%s)\n", p->kind,
			   when(p->revised_due_at ? p->revised_due_at : p->due_at, t),
			   agent_name(st, ar, p->owner_id));
	}
}

static void part_messages(struct store *st, struct arena *ar, int64_t case_id, struct buf *b)
{
	struct event_list l;
	char t[40];

	if (store_event_recent(st, ar, case_id, "message", HANDOFF_MESSAGES, &l) != E_OK || !l.n)
		return;
	buf_adds(b, "\nLast messages:\n");
	for (size_t i = l.n; i-- > 0;) {
		const struct event *e = &l.items[i];
		const char *who = e->author_kind == AUTHOR_CUSTOMER ? "Customer"
				  : e->author_kind == AUTHOR_AGENT  ? agent_name(st, ar, e->author_id)
								    : "heed";

		buf_printf(b, "- %s, %s: %.300s%s\n", who, when(e->created_at, t), e->body,
			   strlen(e->body) > 300 ? "..." : "");
	}
}

enum err handoff_draft(struct store *st, struct arena *ar, int64_t case_id, char **out,
		       struct fail *f)
{
	struct customer cu;
	struct case_ c;
	struct buf b;
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	buf_init(&b, 64 * 1024);
	buf_printf(&b, "Case %lld: %s (%s, %s priority, queue %s)\n", (long long)c.id, c.subject,
		   case_status_name(c.status), case_priority_name(c.priority), c.queue);
	if (customers_get(st, ar, c.customer_id, &cu) == E_OK && cu.name && *cu.name)
		buf_printf(&b, "Customer: %s\n", cu.name);
	part_verification(st, ar, c.id, &b);
	part_facts(st, ar, c.id, &b);
	part_flow(st, ar, c.id, &b);
	part_promises(st, ar, c.id, &b);
	part_messages(st, ar, c.id, &b);
	*out = b.data ? domain__prefix(ar, b.data, HANDOFF_SUMMARY_MAX) : NULL;
	buf_release(&b);
	return *out ? E_OK : domain__nomem(f);
}

/* summary_ok - 1..HANDOFF_SUMMARY_MAX characters of UTF-8 text; new lines
 * and tabs are fine, other control characters are not. */
static enum err summary_ok(struct arena *ar, const char *s, char **out, struct fail *f)
{
	size_t n;

	if (!s)
		return fail_set(f, E_INVAL, "missing_field", "summary",
				"write the summary the next agent reads first");
	n = strlen(s);
	if (!utf8_valid(s, n))
		return fail_set(f, E_UNPROC, NULL, "summary", "is not valid UTF-8");
	if (n > HANDOFF_SUMMARY_MAX * 4 || domain__chars(s) > HANDOFF_SUMMARY_MAX)
		return fail_set(f, E_UNPROC, NULL, "summary", "must be at most %d characters",
				HANDOFF_SUMMARY_MAX);
	if (!(*out = domain__trim(ar, s)))
		return domain__nomem(f);
	if (!**out)
		return fail_set(f, E_UNPROC, NULL, "summary", "must not be empty");
	for (const char *p = *out; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') ||
		    *p == 0x7f)
			return fail_set(f, E_UNPROC, NULL, "summary",
					"must not contain control characters");
	return E_OK;
}

enum err handoff_transfer(struct store *st, struct arena *ar, int64_t case_id,
			  const struct handoff_in *in, const struct actor *by,
			  struct event *out, struct fail *f)
{
	struct case_patch p = {0};
	struct case_ before, after;
	struct agent a;
	char *summary = NULL, *data;
	enum err e;

	if (!in->to_agent_id && !in->queue)
		return fail_set(f, E_INVAL, "missing_field", "to_agent_id",
				"give the agent (to_agent_id) or the queue it goes to");
	if ((e = summary_ok(ar, in->summary, &summary, f)) != E_OK)
		return e;
	if (in->to_agent_id && (e = agents_get(st, ar, in->to_agent_id, &a)) != E_OK)
		return e == E_NOTFOUND ? fail_set(f, E_UNPROC, NULL, "to_agent_id",
						  "no agent with id %lld",
						  (long long)in->to_agent_id)
				       : domain__io(f, e);
	if ((e = cases__get(st, ar, case_id, &before, f)) != E_OK)
		return e;
	p.has_owner = in->to_agent_id != 0;
	p.owner_id = in->to_agent_id;
	p.has_queue = in->queue != NULL;
	p.queue = in->queue;
	if ((e = cases_update(st, ar, case_id, &p, by, &after, f)) != E_OK)
		return e;
	data = arena_printf(ar, "{\"from\":%s,\"to\":%s,\"queue\":%s}",
			    domain__json_id(ar, before.owner_id), domain__json_id(ar, after.owner_id),
			    domain__json_str(ar, after.queue));
	if (!data)
		return domain__nomem(f);
	e = domain__event_add(st, case_id, after.customer_id, "handoff", by, VIS_INTERNAL,
			      summary, data, clock_now_ms(), out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err handoff_list(struct store *st, struct arena *ar, int64_t case_id, size_t limit,
		      struct event_list *out, struct fail *f)
{
	struct case_ c;
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	e = store_event_recent(st, ar, case_id, "handoff", limit, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}
