/* test_cases.c - case services against a real SQLite store: creation with
 * message and facts, the status machine's refusals, change events, the note
 * visibility rule, facts history and current values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/agents.h"
#include "domain/auth.h"
#include "domain/cases.h"
#include "fixture.h"

static int64_t agent(struct fx *fx, const char *email)
{
	struct agent a;
	struct fail f = { 0 };
	struct agent_new in = { .name = "Agent", .email = email, .role = "agent" };

	if (agents_create(fx->st, &fx->ar, &in, &a, &f) != E_OK)
		fail_msg("agent refused: %s", f.msg);
	return a.id;
}

static int64_t customer(struct fx *fx)
{
	static const struct ident_in id[] = { { "email", "c@example.com" } };
	struct customer c;
	struct fail f = { 0 };

	if (customers_create(fx->st, &fx->ar,
			     &(struct customer_new){ "Cus", id, 1 }, &c,
			     &f) != E_OK)
		fail_msg("customer refused: %s", f.msg);
	return c.id;
}

static int64_t simple_case(struct fx *fx, int64_t cust)
{
	struct case_ c;
	struct fail f = { 0 };
	/* repeats for one customer are new problems here (second tickets are
	 * tested in test_cases_rules.c) */
	struct case_new in = { .customer_id = cust, .subject = "No internet",
			       .confirm_new = true };

	if (cases_create(fx->st, &fx->ar, &in, ACTOR_SYSTEM, &c, &f) != E_OK)
		fail_msg("case refused: %s: %s", f.field, f.msg);
	return c.id;
}

static struct event_list events(struct fx *fx, int64_t case_id)
{
	struct event_list l;

	assert_int_equal(cases_events(fx->st, &fx->ar, case_id, 0, 0, &l, NULL),
			 E_OK);
	return l;
}

static void test_create_with_message_and_facts(void **state)
{
	struct fx *fx = *state;
	static const struct ident_in ids[] = { { "phone", "(555) 010-2030" } };
	static const struct customer_new cust = { "Dana", ids, 1 };
	static const struct fact_in facts[] = {
		{ "tried.power_cycle", "3" },
		{ "device.model", " \"HX-200\" " },
	};
	int64_t owner = agent(fx, "owner@example.com");
	struct actor by = { AUTHOR_AGENT, owner, ROLE_AGENT };
	struct case_new in = {
		.customer = &cust,
		.subject = "  Router drops every evening ",
		.priority = "high",
		.queue = "tier-2",
		.owner_id = owner,
		.message = "It drops at 8pm. I already restarted it 3 times.",
		.facts = facts,
		.n_facts = 2,
	};
	struct case_ c, got;
	struct customer cu;
	struct event_list ev;
	struct fact_list fl;
	struct fail f = { 0 };

	assert_int_equal(cases_create(fx->st, &fx->ar, &in, &by, &c, &f), E_OK);
	assert_true(c.id > 0);
	assert_string_equal(c.subject, "Router drops every evening");
	assert_int_equal(c.status, CASE_NEW);
	assert_int_equal(c.priority, PRIO_HIGH);
	assert_string_equal(c.queue, "tier-2");
	assert_int_equal(c.owner_id, owner);
	assert_int_equal(c.created_at, FX_T0);
	assert_int_equal(cases_get(fx->st, &fx->ar, c.id, &got), E_OK);
	assert_int_equal(got.customer_id, c.customer_id);
	assert_int_equal(customers_get(fx->st, &fx->ar, c.customer_id, &cu), E_OK);
	assert_string_equal(cu.name, "Dana");
	assert_string_equal(cu.idents[0].value, "+15550102030");

	ev = events(fx, c.id);
	assert_int_equal(ev.n, 4);
	assert_string_equal(ev.items[0].type, "created");
	assert_int_equal(ev.items[0].author_kind, AUTHOR_SYSTEM);
	assert_int_equal(ev.items[0].visibility, VIS_INTERNAL);
	assert_string_equal(ev.items[0].data,
			    "{\"subject\":\"Router drops every evening\","
			    "\"priority\":\"high\",\"queue\":\"tier-2\","
			    "\"owner_id\":1}");
	assert_string_equal(ev.items[1].type, "message");
	assert_int_equal(ev.items[1].author_kind, AUTHOR_CUSTOMER);
	assert_int_equal(ev.items[1].author_id, c.customer_id);
	assert_int_equal(ev.items[1].visibility, VIS_PUBLIC);
	assert_string_equal(ev.items[1].body, in.message);
	assert_string_equal(ev.items[2].type, "fact");
	assert_int_equal(ev.items[2].author_kind, AUTHOR_AGENT);
	assert_int_equal(ev.items[2].visibility, VIS_PUBLIC); /* customer said it */
	assert_string_equal(ev.items[2].data,
			    "{\"key\":\"tried.power_cycle\",\"value\":3,"
			    "\"source\":\"customer\"}");
	assert_string_equal(ev.items[3].data,
			    "{\"key\":\"device.model\",\"value\":\"HX-200\","
			    "\"source\":\"customer\"}");
	for (size_t i = 1; i < ev.n; i++)
		assert_true(ev.items[i].id > ev.items[i - 1].id);

	assert_int_equal(cases_facts(fx->st, &fx->ar, c.id, true, &fl), E_OK);
	assert_int_equal(fl.n, 2);
	assert_string_equal(fl.items[0].key, "device.model"); /* by key */
	assert_string_equal(fl.items[0].value, "\"HX-200\"");
	assert_int_equal(fl.items[0].source, SRC_CUSTOMER);
	assert_int_equal(fl.items[0].by_kind, AUTHOR_AGENT);
	assert_int_equal(fl.items[0].by_id, owner);
}

static void test_create_defaults(void **state)
{
	struct fx *fx = *state;
	struct case_ c;
	struct event_list ev;
	int64_t id = simple_case(fx, customer(fx));

	assert_int_equal(cases_get(fx->st, &fx->ar, id, &c), E_OK);
	assert_int_equal(c.status, CASE_NEW);
	assert_int_equal(c.priority, PRIO_NORMAL);
	assert_string_equal(c.queue, "general");
	assert_int_equal(c.owner_id, 0);
	ev = events(fx, id);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.items[0].data,
			    "{\"subject\":\"No internet\",\"priority\":\"normal\","
			    "\"queue\":\"general\",\"owner_id\":null}");
}

/* refuse - cases_create(in) fails with rc on field. */
static void refuse(struct fx *fx, const struct case_new *in, enum err rc,
		   const char *field)
{
	struct case_ c;
	struct fail f = { 0 };
	enum err got = cases_create(fx->st, &fx->ar, in, ACTOR_SYSTEM, &c, &f);

	if (got != rc)
		fail_msg("want %s got %s (%s: %s)", err_name(rc), err_name(got),
			 f.field, f.msg);
	assert_string_equal(f.field, field);
	assert_true(f.msg[0] != '\0');
}

static void test_create_refusals(void **state)
{
	struct fx *fx = *state;
	int64_t cu = customer(fx);
	static const struct ident_in bad_ids[] = { { "email", "nope" } };
	static const struct customer_new bad_cust = { "X", bad_ids, 1 };
	static const struct fact_in bad_key[] = { { "ok", "1" },
						  { "Bad.Key", "1" } };
	static const struct fact_in bad_val[] = { { "a", "{oops" } };
	static const struct fact_in no_val[] = { { "a", "  " } };
	char *big = arena_alloc(&fx->ar, CASE_BODY_MAX + 2);
	char subj[CASE_SUBJECT_MAX + 2];
	struct case_filter all = { 0 };
	struct case_list l;

	memset(big, 'm', CASE_BODY_MAX + 1);
	big[CASE_BODY_MAX + 1] = '\0';
	memset(subj, 's', sizeof(subj) - 1);
	subj[sizeof(subj) - 1] = '\0';

	refuse(fx, &(struct case_new){ .subject = "s" }, E_UNPROC, "customer_id");
	refuse(fx, &(struct case_new){ .customer_id = 999, .subject = "s" },
	       E_UNPROC, "customer_id");
	refuse(fx, &(struct case_new){ .customer_id = cu, .customer = &bad_cust,
				       .subject = "s" },
	       E_UNPROC, "customer");
	refuse(fx, &(struct case_new){ .customer = &bad_cust, .subject = "s" },
	       E_UNPROC, "customer.identifiers[0].value");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "   " },
	       E_UNPROC, "subject");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = subj },
	       E_UNPROC, "subject");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .priority = "asap" },
	       E_UNPROC, "priority");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .queue = "Billing" },
	       E_UNPROC, "queue");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .queue = "" },
	       E_UNPROC, "queue");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .owner_id = 42 },
	       E_UNPROC, "owner_id");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .message = big },
	       E_TOOBIG, "message");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .message = " \n " },
	       E_UNPROC, "message");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .facts = bad_key, .n_facts = 2 },
	       E_UNPROC, "facts[1].key");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .facts = bad_val, .n_facts = 1 },
	       E_UNPROC, "facts[0].value");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .facts = no_val, .n_facts = 1 },
	       E_UNPROC, "facts[0].value");
	refuse(fx, &(struct case_new){ .customer_id = cu, .subject = "s",
				       .facts = bad_key, .n_facts = 1,
				       .fact_source = "rumour" },
	       E_UNPROC, "fact_source");

	/* none of the refusals wrote a case */
	assert_int_equal(cases_list(fx->st, &fx->ar, &all, &l, NULL), E_OK);
	assert_int_equal(l.n, 0);
}

static void test_illegal_transition(void **state)
{
	struct fx *fx = *state;
	int64_t id = simple_case(fx, customer(fx));
	struct case_ c;
	struct fail f = { 0 };
	struct case_patch p = { .has_status = true, .status = "resolved" };
	size_t before;

	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_OK);
	assert_int_equal(c.status, CASE_RESOLVED);
	before = events(fx, id).n;

	p.status = "pending_customer";
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_CONFLICT);
	assert_int_equal(f.code, E_CONFLICT);
	assert_string_equal(f.reason, "illegal_transition");
	assert_string_equal(f.field, "status");
	assert_string_equal(f.msg,
			    "cannot move a case from resolved to pending_customer; allowed: open, closed");
	assert_non_null(f.allowed);
	assert_string_equal(f.allowed[0], "open");
	assert_string_equal(f.allowed[1], "closed");
	assert_null(f.allowed[2]);
	assert_int_equal(events(fx, id).n, before);

	p.status = "closed";
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_OK);
	p.status = "open";
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_CONFLICT);
	assert_string_equal(f.msg,
			    "cannot move a case from closed to open; a closed case is final");
	assert_null(f.allowed[0]);
	p.status = "new";
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_CONFLICT);

	p.status = "reopened";
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_UNPROC);
	assert_string_equal(f.field, "status");
	assert_int_equal(cases_update(fx->st, &fx->ar, id + 1, &p, ACTOR_SYSTEM,
				      &c, &f),
			 E_NOTFOUND);
}

static void test_update_events(void **state)
{
	struct fx *fx = *state;
	int64_t a1 = agent(fx, "a1@example.com");
	int64_t a2 = agent(fx, "a2@example.com");
	struct actor by = { AUTHOR_AGENT, a1, ROLE_AGENT };
	int64_t id = simple_case(fx, customer(fx));
	struct case_ c, got;
	struct event_list ev;
	struct fail f = { 0 };
	struct case_patch p = {
		.has_status = true, .status = "open",
		.has_owner = true, .owner_id = a2,
		.has_priority = true, .priority = "urgent",
		.has_queue = true, .queue = "billing",
		.has_subject = true, .subject = "Router \"drops\" daily",
	};

	clock_advance_ms(60000);
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f), E_OK);
	assert_int_equal(c.updated_at, FX_T0 + 60000);
	assert_int_equal(cases_get(fx->st, &fx->ar, id, &got), E_OK);
	assert_int_equal(got.status, CASE_OPEN);
	assert_int_equal(got.owner_id, a2);
	assert_int_equal(got.priority, PRIO_URGENT);
	assert_string_equal(got.queue, "billing");
	assert_string_equal(got.subject, "Router \"drops\" daily");
	assert_int_equal(got.updated_at, FX_T0 + 60000);
	assert_int_equal(got.created_at, FX_T0);

	/* a case being worked on gets a next-action date: one business day on
	 * its calendar (none set: always open, so 24 hours) */
	assert_int_equal(got.next_action_at, FX_T0 + 60000 + 24 * 3600 * 1000);
	ev = events(fx, id);
	assert_int_equal(ev.n, 7);
	assert_string_equal(ev.items[1].type, "status_change");
	assert_string_equal(ev.items[1].data, "{\"from\":\"new\",\"to\":\"open\"}");
	assert_int_equal(ev.items[1].visibility, VIS_PUBLIC);
	assert_int_equal(ev.items[1].author_kind, AUTHOR_AGENT);
	assert_int_equal(ev.items[1].author_id, a1);
	assert_string_equal(ev.items[2].type, "assignment");
	assert_string_equal(ev.items[2].data, "{\"from\":null,\"to\":2}");
	assert_string_equal(ev.items[3].type, "priority_change");
	assert_string_equal(ev.items[3].data,
			    "{\"from\":\"normal\",\"to\":\"urgent\"}");
	assert_string_equal(ev.items[4].type, "queue_change");
	assert_string_equal(ev.items[4].data,
			    "{\"from\":\"general\",\"to\":\"billing\"}");
	assert_string_equal(ev.items[5].type, "subject_change");
	assert_string_equal(ev.items[5].data,
			    "{\"from\":\"No internet\",\"to\":\"Router \\\"drops\\\" daily\"}");
	assert_string_equal(ev.items[6].type, "next_action");
	for (size_t i = 2; i < 7; i++)
		assert_int_equal(ev.items[i].visibility, VIS_INTERNAL);
	for (size_t i = 1; i < 7; i++)
		assert_int_equal(ev.items[i].created_at, FX_T0 + 60000);

	/* the same values again: nothing happens */
	clock_advance_ms(1000);
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f), E_OK);
	assert_int_equal(events(fx, id).n, 7);
	assert_int_equal(cases_get(fx->st, &fx->ar, id, &got), E_OK);
	assert_int_equal(got.updated_at, FX_T0 + 60000);

	/* unassign */
	p = (struct case_patch){ .has_owner = true, .owner_id = 0 };
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f), E_OK);
	ev = events(fx, id);
	assert_int_equal(ev.n, 8);
	assert_string_equal(ev.items[7].data, "{\"from\":2,\"to\":null}");

	/* refused values */
	p = (struct case_patch){ .has_owner = true, .owner_id = 77 };
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "owner_id");
	p = (struct case_patch){ .has_queue = true, .queue = "no space" };
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "queue");
	p = (struct case_patch){ .has_subject = true, .subject = "" };
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "subject");
	p = (struct case_patch){ .has_priority = true, .priority = NULL };
	assert_int_equal(cases_update(fx->st, &fx->ar, id, &p, &by, &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "priority");
	assert_int_equal(events(fx, id).n, 8);
}

static void test_notes_and_messages(void **state)
{
	struct fx *fx = *state;
	int64_t a = agent(fx, "a@example.com");
	struct actor by = { AUTHOR_AGENT, a, ROLE_AGENT };
	int64_t cu = customer(fx);
	int64_t id = simple_case(fx, cu);
	struct actor me = { AUTHOR_CUSTOMER, cu, ROLE_NONE };
	struct actor other = { AUTHOR_CUSTOMER, cu + 1, ROLE_NONE };
	struct event e;
	struct case_ c;
	struct fail f = { 0 };
	char *big = arena_alloc(&fx->ar, CASE_BODY_MAX + 2);

	clock_advance_ms(10);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note",
					 "checked the line", NULL, &by, &e, &f),
			 E_OK);
	assert_int_equal(e.visibility, VIS_INTERNAL);
	assert_string_equal(e.type, "note");
	assert_int_equal(e.author_kind, AUTHOR_AGENT);
	assert_int_equal(e.author_id, a);
	assert_int_equal(cases_get(fx->st, &fx->ar, id, &c), E_OK);
	assert_int_equal(c.updated_at, FX_T0 + 10);

	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", "x",
					 "internal", &by, &e, &f),
			 E_OK);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", "x",
					 "public", &by, &e, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "visibility");

	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "message",
					 "We are on it", NULL, &by, &e, &f),
			 E_OK);
	assert_int_equal(e.visibility, VIS_PUBLIC);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "message", "fyi",
					 "internal", &by, &e, &f),
			 E_OK);
	assert_int_equal(e.visibility, VIS_INTERNAL);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "message", "x",
					 "secret", &by, &e, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "visibility");

	/* the customer: public messages on their own case only */
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "message",
					 "Still down", NULL, &me, &e, &f),
			 E_OK);
	assert_int_equal(e.author_kind, AUTHOR_CUSTOMER);
	assert_int_equal(e.author_id, cu);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", "x", NULL,
					 &me, &e, &f),
			 E_FORBIDDEN);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "message", "x",
					 NULL, &other, &e, &f),
			 E_FORBIDDEN);

	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "status_change",
					 "x", NULL, &by, &e, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "type");
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", " \n",
					 NULL, &by, &e, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "body");
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", NULL, NULL,
					 &by, &e, &f),
			 E_UNPROC);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", "\xc0\xaf",
					 NULL, &by, &e, &f),
			 E_UNPROC);
	memset(big, 'b', CASE_BODY_MAX);
	big[CASE_BODY_MAX] = '\0';
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", big, NULL,
					 &by, &e, &f),
			 E_OK);
	big[CASE_BODY_MAX] = 'b';
	big[CASE_BODY_MAX + 1] = '\0';
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id, "note", big, NULL,
					 &by, &e, &f),
			 E_TOOBIG);
	assert_int_equal(cases_add_event(fx->st, &fx->ar, id + 1, "note", "x",
					 NULL, &by, &e, &f),
			 E_NOTFOUND);
}

static void test_facts(void **state)
{
	struct fx *fx = *state;
	int64_t a = agent(fx, "a@example.com");
	struct actor by = { AUTHOR_AGENT, a, ROLE_AGENT };
	int64_t cu = customer(fx);
	struct actor me = { AUTHOR_CUSTOMER, cu, ROLE_NONE };
	int64_t id = simple_case(fx, cu);
	struct fact fa;
	struct fact_list fl;
	struct event_list ev;
	struct fail f = { 0 };
	char *big = arena_alloc(&fx->ar, FACT_VALUE_MAX + 8);

	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "tried.power_cycle",
					"2", NULL, &by, &fa, &f),
			 E_OK);
	assert_int_equal(fa.source, SRC_AGENT);
	clock_advance_ms(1000);
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "tried.power_cycle",
					"3", "customer", &by, &fa, &f),
			 E_OK);
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "plan",
					"{\"name\":\"Fibre 500\",\"since\":2021}",
					"channel", &by, &fa, &f),
			 E_OK);

	assert_int_equal(cases_facts(fx->st, &fx->ar, id, true, &fl), E_OK);
	assert_int_equal(fl.n, 2);
	assert_string_equal(fl.items[0].key, "plan");
	assert_string_equal(fl.items[1].key, "tried.power_cycle");
	assert_string_equal(fl.items[1].value, "3");
	assert_int_equal(fl.items[1].source, SRC_CUSTOMER);
	assert_int_equal(fl.items[1].created_at, FX_T0 + 1000);

	assert_int_equal(cases_facts(fx->st, &fx->ar, id, false, &fl), E_OK);
	assert_int_equal(fl.n, 3);
	assert_string_equal(fl.items[0].value, "2"); /* history, oldest first */
	assert_int_equal(fl.items[0].source, SRC_AGENT);
	assert_string_equal(fl.items[1].value, "3");

	ev = events(fx, id);
	assert_int_equal(ev.n, 4);
	assert_string_equal(ev.items[1].data,
			    "{\"key\":\"tried.power_cycle\",\"value\":2,\"source\":\"agent\"}");
	assert_int_equal(ev.items[1].visibility, VIS_INTERNAL);
	assert_int_equal(ev.items[2].visibility, VIS_PUBLIC);
	assert_string_equal(ev.items[3].data,
			    "{\"key\":\"plan\",\"value\":{\"name\":\"Fibre 500\",\"since\":2021},\"source\":\"channel\"}");

	/* a customer records what the customer said, nothing else */
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "seen.led", "\"red\"",
					NULL, &me, &fa, &f),
			 E_OK);
	assert_int_equal(fa.source, SRC_CUSTOMER);
	assert_int_equal(fa.by_kind, AUTHOR_CUSTOMER);
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "seen.led", "1",
					"agent", &me, &fa, &f),
			 E_FORBIDDEN);
	assert_string_equal(f.field, "source");
	/* the system's default source */
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "sys.x", "true",
					NULL, ACTOR_SYSTEM, &fa, &f),
			 E_OK);
	assert_int_equal(fa.source, SRC_SYSTEM);

	static const char *const bad_keys[] = {
		"", "1abc", "_a", "A", "a..b", "a.", ".a", "a-b", "a b", "a.B",
		"kéy", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		if (cases_put_fact(fx->st, &fx->ar, id, bad_keys[i], "1", NULL,
				   &by, &fa, &f) != E_UNPROC)
			fail_msg("key '%s' accepted", bad_keys[i]);
		assert_string_equal(f.field, "key");
	}
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "a.b_2.c3", "null",
					NULL, &by, &fa, &f),
			 E_OK);
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, NULL, "1", NULL,
					&by, &fa, &f),
			 E_UNPROC);

	static const char *const bad_vals[] = { "", "x", "1 2", "{\"a\":}",
						"'s'", "[1,", "\"\xff\"" };
	for (size_t i = 0; i < sizeof(bad_vals) / sizeof(bad_vals[0]); i++) {
		if (cases_put_fact(fx->st, &fx->ar, id, "k", bad_vals[i], NULL,
				   &by, &fa, &f) != E_UNPROC)
			fail_msg("value '%s' accepted", bad_vals[i]);
		assert_string_equal(f.field, "value");
	}
	big[0] = '"';
	memset(big + 1, 'v', FACT_VALUE_MAX);
	big[FACT_VALUE_MAX + 1] = '"';
	big[FACT_VALUE_MAX + 2] = '\0';
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "k", big, NULL, &by,
					&fa, &f),
			 E_TOOBIG);
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id, "k", "1", "rumour",
					&by, &fa, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "source");
	assert_int_equal(cases_put_fact(fx->st, &fx->ar, id + 1, "k", "1", NULL,
					&by, &fa, &f),
			 E_NOTFOUND);
	assert_int_equal(cases_facts(fx->st, &fx->ar, id + 1, true, &fl),
			 E_NOTFOUND);
}

static void test_list_and_paging(void **state)
{
	struct fx *fx = *state;
	int64_t cu = customer(fx);
	int64_t c1 = simple_case(fx, cu), c2 = simple_case(fx, cu);
	int64_t c3 = simple_case(fx, cu);
	struct case_list l;
	struct event_list ev;
	struct case_ c;
	struct fail f = { 0 };
	struct case_patch p = { .has_status = true, .status = "open" };

	assert_int_equal(cases_update(fx->st, &fx->ar, c2, &p, ACTOR_SYSTEM, &c,
				      &f),
			 E_OK);
	assert_int_equal(cases_list(fx->st, &fx->ar, &(struct case_filter){ 0 },
				    &l, &f),
			 E_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.items[0].id, c3);
	assert_int_equal(cases_list(fx->st, &fx->ar,
				    &(struct case_filter){ .status = CASE_OPEN },
				    &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, c2);
	assert_int_equal(cases_list(fx->st, &fx->ar,
				    &(struct case_filter){ .before_id = c3,
							   .limit = 1 },
				    &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, c2);
	assert_int_equal(cases_list(fx->st, &fx->ar,
				    &(struct case_filter){ .limit = 201 }, &l,
				    &f),
			 E_UNPROC);
	assert_string_equal(f.field, "limit");

	ev = events(fx, c2); /* created, status_change, next_action */
	assert_int_equal(ev.n, 3);
	assert_int_equal(cases_events(fx->st, &fx->ar, c2, ev.items[0].id, 0, &ev,
				      &f),
			 E_OK);
	assert_int_equal(ev.n, 2);
	assert_string_equal(ev.items[0].type, "status_change");
	assert_int_equal(cases_events(fx->st, &fx->ar, c2, 0, 1, &ev, &f), E_OK);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.items[0].type, "created");
	assert_int_equal(cases_events(fx->st, &fx->ar, c2, 0, 501, &ev, &f),
			 E_UNPROC);
	assert_int_equal(cases_events(fx->st, &fx->ar, 999, 0, 0, &ev, &f),
			 E_NOTFOUND);
	(void)c1;
}

static void test_find_or_create_nested(void **state)
{
	struct fx *fx = *state;
	static const struct ident_in ids[] = { { "email", " C@EXAMPLE.com" } };
	int64_t cu = customer(fx);
	struct actor me = { AUTHOR_CUSTOMER, 0, ROLE_NONE };
	struct case_ c;
	struct fail f = { 0 };
	struct event_list ev;
	static const struct fact_in facts[] = { { "a", "1" } };
	struct case_new in = { .customer = &(struct customer_new){ NULL, ids, 1 },
			       .subject = "again", .message = "hi",
			       .facts = facts, .n_facts = 1 };

	/* a customer actor without an id yet (widget before lookup) */
	assert_int_equal(cases_create(fx->st, &fx->ar, &in, &me, &c, &f), E_OK);
	assert_int_equal(c.customer_id, cu);
	ev = events(fx, c.id);
	assert_int_equal(ev.n, 3);
	assert_int_equal(ev.items[2].author_kind, AUTHOR_CUSTOMER);
	assert_int_equal(ev.items[2].author_id, cu);

	/* a customer actor may only open cases for themselves */
	me.id = cu + 100;
	assert_int_equal(cases_create(fx->st, &fx->ar, &in, &me, &c, &f),
			 E_FORBIDDEN);
	/* nor claim agent-sourced facts */
	me.id = cu;
	in.fact_source = "agent";
	assert_int_equal(cases_create(fx->st, &fx->ar, &in, &me, &c, &f),
			 E_FORBIDDEN);
	assert_string_equal(f.field, "fact_source");
}

/* Fail each store call of a full cases_create in turn: every failure is
 * reported as E_IO, and rolling back to the savepoint leaves nothing. */
static void test_create_fault_injection(void **state)
{
	struct fx *fx = *state;
	static const struct ident_in ids[] = { { "phone", "+44 20 7946 0958" },
					       { "email", "f@example.com" } };
	static const struct fact_in facts[] = { { "a", "1" }, { "b.c", "\"x\"" } };
	struct case_new in = { .customer = &(struct customer_new){ "F", ids, 2 },
			       .subject = "faults", .message = "hello",
			       .facts = facts, .n_facts = 2 };
	struct case_list l;
	struct customer cu;
	struct case_ c;
	struct fail f;
	enum err rc = E_IO;
	long n;

	for (n = 1; n < 200 && rc != E_OK; n++) {
		memset(&f, 0, sizeof(f));
		assert_int_equal(store_savepoint(fx->st), E_OK);
		store_fail_nth(n);
		rc = cases_create(fx->st, &fx->ar, &in, ACTOR_SYSTEM, &c, &f);
		store_fail_nth(0);
		if (rc == E_OK) {
			assert_int_equal(store_release(fx->st), E_OK);
			break;
		}
		if (rc != E_IO || f.code != E_IO)
			fail_msg("call %ld: %s (%s)", n, err_name(rc), f.msg);
		assert_int_equal(store_rollback_to(fx->st), E_OK);
		assert_int_equal(store_release(fx->st), E_OK);
		assert_int_equal(cases_list(fx->st, &fx->ar,
					    &(struct case_filter){ 0 }, &l, NULL),
				 E_OK);
		assert_int_equal(l.n, 0);
		assert_int_equal(customers_lookup(fx->st, &fx->ar,
						  "f@example.com", &cu, NULL),
				 E_NOTFOUND);
	}
	assert_int_equal(rc, E_OK);
	assert_true(n > 8); /* it did fail several distinct calls */
	assert_int_equal(events(fx, c.id).n, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_with_message_and_facts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_defaults, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_refusals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_illegal_transition, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_update_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_notes_and_messages, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_facts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_list_and_paging, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_find_or_create_nested, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_fault_injection, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("domain/cases", tests, NULL, NULL);
}
