/* test_chat.c - the steps of a live chat on a chat_live, without storage:
 * assignment, hold only after consent (accept, decline, later), hold time
 * accounting, transfer with a required note, ending with a case status,
 * leaving; every refused step leaves the contact as it was.  Then one
 * change applied to a real store: events, contact and case together. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/agents.h"
#include "domain/chat.h"
#include "domain/chat_config.h"
#include "fixture.h"

#define T0 FX_T0
#define MIN 60000

struct cx {
	struct arena ar;
	struct chat_live l;
	struct chat_change ch;
	struct fail f;
	struct actor agent;
};

static int cx_setup(void **state)
{
	struct cx *x = calloc(1, sizeof(*x));

	if (!x)
		return -1;
	arena_init(&x->ar, 4096);
	x->l.c.id = 7;
	x->l.c.case_id = 42;
	x->l.c.customer_id = 5;
	x->l.c.state = CONTACT_QUEUED;
	x->l.c.queued_at = T0;
	x->l.c.wait_ms = -1;
	x->l.c.est_low_ms = -1;
	x->agent = (struct actor){AUTHOR_AGENT, 3, ROLE_AGENT};
	*state = x;
	return 0;
}

static int cx_teardown(void **state)
{
	struct cx *x = *state;

	chat_live_free(&x->l);
	arena_release(&x->ar);
	free(x);
	return 0;
}

/* fresh - an empty change for the next step. */
static struct chat_change *fresh(struct cx *x)
{
	memset(&x->ch, 0, sizeof(x->ch));
	memset(&x->f, 0, sizeof(x->f));
	x->ch.ar = &x->ar;
	return &x->ch;
}

static void active(struct cx *x)
{
	assert_int_equal(chat_assign(&x->l, 3, "Lee", T0 + 40000, fresh(x), &x->f), E_OK);
}

static void test_assign(void **state)
{
	struct cx *x = *state;

	active(x);
	assert_int_equal(x->l.c.state, CONTACT_ACTIVE);
	assert_int_equal(x->l.c.agent_id, 3);
	assert_int_equal(x->l.c.wait_ms, 40000);
	assert_int_equal(x->ch.n_ev, 1);
	assert_string_equal(x->ch.ev[0].type, "agent_joined");
	assert_string_equal(x->ch.ev[0].body, "Lee joined the chat");
	assert_true(x->ch.set_owner && x->ch.owner_id == 3);
	assert_true(x->ch.set_status && x->ch.status == CASE_OPEN);
	assert_true(x->ch.write_contact);
	/* twice: refused, nothing changes */
	assert_int_equal(chat_assign(&x->l, 4, "Sam", T0 + 50000, fresh(x), &x->f), E_CONFLICT);
	assert_int_equal(x->l.c.agent_id, 3);
	assert_int_equal(x->ch.n_ev, 0);
}

static void test_hold_needs_consent(void **state)
{
	struct cx *x = *state;

	active(x);
	assert_int_equal(chat_hold_answer(&x->l, "accept", T0, fresh(x), &x->f), E_CONFLICT);
	assert_string_equal(x->f.reason, "no_hold_asked");
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 0, T0, fresh(x), &x->f), E_UNPROC);
	assert_string_equal(x->f.field, "minutes");
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 61, T0, fresh(x), &x->f), E_UNPROC);
	assert_int_equal(x->l.hold, HOLD_NONE);

	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 3, T0 + MIN, fresh(x), &x->f), E_OK);
	assert_string_equal(x->ch.ev[0].type, "hold_requested");
	assert_string_equal(x->ch.ev[0].data, "{\"minutes\":3}");
	/* asked is not on hold */
	assert_int_equal(x->l.hold, HOLD_ASKED);
	assert_int_equal(x->l.c.state, CONTACT_ACTIVE);
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 3, T0 + MIN, fresh(x), &x->f),
			 E_CONFLICT);
	assert_int_equal(chat_hold_answer(&x->l, "maybe", T0, fresh(x), &x->f), E_UNPROC);
	assert_string_equal(x->f.field, "answer");
	assert_int_equal(x->l.hold, HOLD_ASKED);

	assert_int_equal(chat_hold_answer(&x->l, "accept", T0 + 2 * MIN, fresh(x), &x->f), E_OK);
	assert_string_equal(x->ch.ev[0].type, "hold_started");
	assert_int_equal(x->ch.ev[0].by.kind, AUTHOR_CUSTOMER);
	assert_int_equal(x->l.c.state, CONTACT_ON_HOLD);
	assert_int_equal(x->l.hold_remind_at, T0 + 2 * MIN + 3 * MIN);

	/* back after 90 s: counted on the contact */
	assert_int_equal(chat_hold_end(&x->l, &x->agent, T0 + 2 * MIN + 90000, fresh(x), &x->f),
			 E_OK);
	assert_string_equal(x->ch.ev[0].type, "hold_ended");
	assert_string_equal(x->ch.ev[0].data, "{\"seconds\":90,\"withdrawn\":false}");
	assert_int_equal(x->l.c.hold_ms, 90000);
	assert_int_equal(x->l.c.state, CONTACT_ACTIVE);
	assert_int_equal(x->l.hold, HOLD_NONE);
	assert_int_equal(chat_hold_end(&x->l, &x->agent, T0, fresh(x), &x->f), E_CONFLICT);

	/* a second hold adds up */
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 1, T0 + 5 * MIN, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_hold_answer(&x->l, "accept", T0 + 5 * MIN, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_hold_end(&x->l, &x->agent, T0 + 6 * MIN, fresh(x), &x->f), E_OK);
	assert_int_equal(x->l.c.hold_ms, 90000 + MIN);
}

static void test_hold_declined_or_withdrawn(void **state)
{
	struct cx *x = *state;

	active(x);
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 2, T0, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_hold_answer(&x->l, "decline", T0 + 5000, fresh(x), &x->f), E_OK);
	assert_string_equal(x->ch.ev[0].type, "hold_declined");
	assert_int_equal(x->l.c.state, CONTACT_ACTIVE);
	assert_int_equal(x->l.hold, HOLD_NONE);
	assert_int_equal(x->l.c.hold_ms, 0);
	/* asked, then withdrawn by the agent: no hold time either */
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 2, T0, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_hold_end(&x->l, &x->agent, T0 + 30000, fresh(x), &x->f), E_OK);
	assert_string_equal(x->ch.ev[0].data, "{\"seconds\":0,\"withdrawn\":true}");
	assert_int_equal(x->l.c.hold_ms, 0);
}

static void test_contact_me_later(void **state)
{
	struct cx *x = *state;

	active(x);
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 10, T0, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_hold_answer(&x->l, "later", T0 + 1000, fresh(x), &x->f), E_OK);
	assert_string_equal(x->ch.ev[0].type, "contact_later");
	assert_int_equal(x->l.c.state, CONTACT_ENDED);
	assert_true(x->ch.set_status && x->ch.status == CASE_PENDING_INTERNAL);
}

static void test_transfer(void **state)
{
	struct cx *x = *state;

	active(x);
	assert_int_equal(chat_transfer(&x->l, &x->agent, 4, "Sam", NULL, NULL, NULL, T0,
				       fresh(x), &x->f), E_UNPROC);
	assert_string_equal(x->f.field, "note");
	assert_int_equal(chat_transfer(&x->l, &x->agent, 4, "Sam", NULL, " \n\t ", NULL, T0,
				       fresh(x), &x->f), E_UNPROC);
	assert_string_equal(x->f.field, "note");
	assert_int_equal(chat_transfer(&x->l, &x->agent, 4, "Sam", "billing", "n", NULL, T0,
				       fresh(x), &x->f), E_UNPROC);
	assert_int_equal(chat_transfer(&x->l, &x->agent, 0, NULL, NULL, "n", NULL, T0,
				       fresh(x), &x->f), E_UNPROC);
	assert_int_equal(chat_transfer(&x->l, &x->agent, 3, "Lee", NULL, "n", NULL, T0,
				       fresh(x), &x->f), E_UNPROC); /* already theirs */
	assert_int_equal(x->l.c.agent_id, 3);
	assert_null(x->l.c.handoff_note);

	assert_int_equal(chat_transfer(&x->l, &x->agent, 4, "Sam", NULL,
				       "Refund approved,\nneeds a new card", "Sam can reissue it",
				       T0 + MIN, fresh(x), &x->f), E_OK);
	assert_int_equal(x->l.c.agent_id, 4);
	assert_int_equal(x->l.c.state, CONTACT_ACTIVE);
	assert_int_equal(x->l.c.case_id, 42); /* the same case */
	assert_string_equal(x->l.c.handoff_note, "Refund approved,\nneeds a new card");
	assert_int_equal(x->l.c.handoff_from, 3);
	assert_int_equal(x->ch.n_ev, 2);
	assert_string_equal(x->ch.ev[0].type, "handoff");
	assert_int_equal(x->ch.ev[0].vis, VIS_INTERNAL);
	assert_string_equal(x->ch.ev[1].type, "transfer");
	assert_int_equal(x->ch.ev[1].vis, VIS_PUBLIC);
	assert_string_equal(x->ch.ev[1].body, "Transferring you to Sam: Sam can reissue it");
	assert_true(x->ch.set_owner && x->ch.owner_id == 4);

	/* to a queue: waiting again, in that queue, keeping the case */
	assert_int_equal(chat_transfer(&x->l, &x->agent, 0, NULL, "billing", "over to billing",
				       NULL, T0 + 2 * MIN, fresh(x), &x->f), E_OK);
	assert_int_equal(x->l.c.state, CONTACT_QUEUED);
	assert_int_equal(x->l.c.agent_id, 0);
	assert_string_equal(x->l.c.queue, "billing");
	assert_string_equal(x->ch.set_queue, "billing");
	assert_string_equal(x->ch.ev[1].body,
			    "Transferring you to the billing team. They can see this whole conversation.");
}

static void test_end_and_leave(void **state)
{
	struct cx *x = *state;

	assert_int_equal(chat_end(&x->l, &x->agent, "resolved", T0, fresh(x), &x->f),
			 E_CONFLICT); /* still queued */
	active(x);
	assert_int_equal(chat_end(&x->l, &x->agent, "closed", T0, fresh(x), &x->f), E_UNPROC);
	assert_string_equal(x->f.field, "status");
	assert_int_equal(chat_end(&x->l, &x->agent, NULL, T0, fresh(x), &x->f), E_UNPROC);
	assert_int_equal(x->l.c.state, CONTACT_ACTIVE);
	/* ending while on hold closes the hold's time */
	assert_int_equal(chat_hold_ask(&x->l, &x->agent, 2, T0, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_hold_answer(&x->l, "accept", T0, fresh(x), &x->f), E_OK);
	assert_int_equal(chat_end(&x->l, &x->agent, "pending_customer", T0 + 30000, fresh(x),
				  &x->f), E_OK);
	assert_int_equal(x->l.c.state, CONTACT_ENDED);
	assert_int_equal(x->l.c.hold_ms, 30000);
	assert_true(x->ch.set_status && x->ch.status == CASE_PENDING_CUSTOMER);
	assert_int_equal(chat_leave(&x->l, false, T0, fresh(x), &x->f), E_CONFLICT);
	assert_int_equal(chat_end(&x->l, &x->agent, "resolved", T0, fresh(x), &x->f), E_CONFLICT);
}

static void test_leave_while_queued(void **state)
{
	struct cx *x = *state;

	assert_int_equal(chat_notify(&x->l, "not an email", T0, fresh(x), &x->f), E_UNPROC);
	assert_string_equal(x->f.field, "email");
	assert_int_equal(chat_notify(&x->l, "Ana@Example.com", T0, fresh(x), &x->f), E_OK);
	assert_string_equal(x->l.c.notify_email, "ana@example.com");
	assert_int_equal(x->l.c.state, CONTACT_QUEUED); /* keeps the place */
	assert_int_equal(chat_leave(&x->l, true, T0 + 3 * MIN, fresh(x), &x->f), E_OK);
	assert_int_equal(x->l.c.state, CONTACT_ABANDONED);
	assert_int_equal(x->l.c.wait_ms, 3 * MIN);
	assert_string_equal(x->ch.ev[0].body, "The customer left while waiting");
}

static void test_body(void **state)
{
	struct cx *x = *state;
	char big[CHAT_BODY_MAX + 2];
	char *out;

	(void)x;
	assert_int_equal(chat_body(&x->ar, "  hello \n", &out, &x->f), E_OK);
	assert_string_equal(out, "hello");
	assert_int_equal(chat_body(&x->ar, "line one\nline two", &out, &x->f), E_OK);
	assert_int_equal(chat_body(&x->ar, "   ", &out, &x->f), E_UNPROC);
	assert_int_equal(chat_body(&x->ar, NULL, &out, &x->f), E_UNPROC);
	assert_int_equal(chat_body(&x->ar, "bad \xff utf8", &out, &x->f), E_UNPROC);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(chat_body(&x->ar, big, &out, &x->f), E_TOOBIG);
	big[CHAT_BODY_MAX] = '\0';
	assert_int_equal(chat_body(&x->ar, big, &out, &x->f), E_OK);
}

/* ---- applied to a real store -------------------------------------------- */

static void test_start_and_apply(void **state)
{
	struct fx *fx = *state;
	struct chat_start_in in = {.queue = "support", .name = "Ana", .email = "ana@example.com",
				   .subject = "Router keeps rebooting",
				   .tried = "Power cycled it three times"};
	struct chat_live l = {0};
	struct chat_change ch = {.ar = &fx->ar};
	struct customer cu;
	struct fact_list facts;
	struct event_list el;
	struct case_ cs;
	struct fail f = {0};
	struct queue_def q;
	struct agent ag;
	struct agent_new an = {.name = "Lee", .email = "lee@example.com", .role = "agent"};

	assert_int_equal(agents_create(fx->st, &fx->ar, &an, &ag, &f), E_OK);
	assert_int_equal(queues_put(fx->st, &fx->ar, "support", "", &q, &f), E_OK);
	assert_int_equal(chat_start_check(&fx->ar, &in, &f), E_OK);
	assert_int_equal(chat_start(fx->st, &fx->ar, &in, &l.c, &cu, &f), E_OK);
	assert_int_equal(l.c.state, CONTACT_QUEUED);
	assert_int_equal(store_fact_list(fx->st, &fx->ar, l.c.case_id, true, &facts), E_OK);
	assert_int_equal(facts.n, 1);
	assert_string_equal(facts.items[0].key, "already_tried");
	assert_string_equal(facts.items[0].value, "\"Power cycled it three times\"");

	/* the strings of a stored contact belong to the arena; a live one owns its own */
	l.c.channel = NULL;
	l.c.queue = NULL;
	l.c.verified_method = l.c.notify_email = l.c.handoff_note = NULL;
	assert_int_equal(chat_assign(&l, ag.id, "Lee", FX_T0 + 5000, &ch, &f), E_OK);
	assert_int_equal(chat_apply(fx->st, &ch, FX_T0 + 5000, &f), E_OK);
	assert_true(ch.written.n >= 1);
	assert_string_equal(ch.written.items[0].type, "agent_joined");
	assert_int_equal(store_case_get(fx->st, &fx->ar, l.c.case_id, &cs), E_OK);
	assert_int_equal(cs.status, CASE_OPEN);
	assert_int_equal(cs.owner_id, ag.id);
	assert_int_equal(store_event_list(fx->st, &fx->ar, l.c.case_id, 0, 50, &el), E_OK);
	assert_string_equal(el.items[el.n - 1].type, ch.written.items[ch.written.n - 1].type);
	chat_live_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_assign, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_hold_needs_consent, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_hold_declined_or_withdrawn, cx_setup,
						cx_teardown),
		cmocka_unit_test_setup_teardown(test_contact_me_later, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_transfer, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_end_and_leave, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_leave_while_queued, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_body, cx_setup, cx_teardown),
		cmocka_unit_test_setup_teardown(test_start_and_apply, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
