/* test_actions.c - resolution powers: the limit arithmetic (per case, per
 * rolling month, no policy, unlimited), money text, the webhook signature
 * string and its retry schedule; and, against a real SQLite store, what
 * counts against a limit (pending and done, not declined; the 30-day
 * window rolls) and that nobody approves their own request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/actions.h"
#include "domain/agents.h"
#include "domain/cases.h"
#include "domain/customers.h"
#include "fixture.h"

#define DAY (24LL * 3600 * 1000)

/* ---- pure rules ---------------------------------------------------------- */

static void test_check(void **state)
{
	struct action_limits agent = {true, 2500, 5000}, unset = {0},
			     only_case = {true, 100, NO_LIMIT},
			     free_ = {true, NO_LIMIT, NO_LIMIT};
	int64_t left;

	(void)state;
	assert_int_equal(action_check(&agent, 0, 0, 1000, &left), ACTION_WITHIN);
	assert_int_equal(left, 2500);
	/* exactly at the limit is within; one more unit is not */
	assert_int_equal(action_check(&agent, 1500, 1500, 1000, &left), ACTION_WITHIN);
	assert_int_equal(action_check(&agent, 1500, 1500, 1001, &left), ACTION_OVER_CASE);
	assert_int_equal(left, 1000);
	/* the month is the tighter one: left is the smaller remainder */
	assert_int_equal(action_check(&agent, 0, 4900, 200, &left), ACTION_OVER_MONTH);
	assert_int_equal(left, 100);
	/* both over: the case is named first */
	assert_int_equal(action_check(&agent, 2500, 5000, 1, &left), ACTION_OVER_CASE);
	assert_int_equal(left, 0);
	/* already beyond (a limit lowered later): nothing left, never negative */
	assert_int_equal(action_check(&agent, 9000, 9000, 1, &left), ACTION_OVER_CASE);
	assert_int_equal(left, 0);
	assert_int_equal(action_check(&unset, 0, 0, 1, &left), ACTION_NO_POLICY);
	assert_int_equal(left, 0);
	assert_int_equal(action_check(NULL, 0, 0, 1, NULL), ACTION_NO_POLICY);
	assert_int_equal(action_check(&only_case, 50, 1000000, 50, &left), ACTION_WITHIN);
	assert_int_equal(left, 50);
	assert_int_equal(action_check(&free_, 0, 0, ACTION_AMOUNT_MAX, &left), ACTION_WITHIN);
	assert_int_equal(left, NO_LIMIT);
	/* a zero limit allows nothing but still is a policy */
	assert_int_equal(action_check(&(struct action_limits){true, 0, NO_LIMIT}, 0, 0, 1, &left),
			 ACTION_OVER_CASE);
	assert_string_equal(action_verdict_name(ACTION_OVER_MONTH), "per_month");
	assert_null(action_verdict_name(ACTION_WITHIN));
}

static void test_money(void **state)
{
	char s[64];

	(void)state;
	action_money(1000, "EUR", s, sizeof(s));
	assert_string_equal(s, "10.00 EUR");
	action_money(5, "USD", s, sizeof(s));
	assert_string_equal(s, "0.05 USD");
	action_money(1500, "JPY", s, sizeof(s));
	assert_string_equal(s, "1500 JPY");
	action_money(1234, "KWD", s, sizeof(s));
	assert_string_equal(s, "1.234 KWD");
	action_money(ACTION_AMOUNT_MAX, "EUR", s, sizeof(s));
	assert_string_equal(s, "10000000000.00 EUR");
}

static void test_signature(void **state)
{
	char sig[ACTION_SIG_MAX];

	(void)state;
	/* python3: hmac.new(b'whsec-0123456789abcdef', b'1700000000.{"a":1}',
	 * hashlib.sha256).hexdigest() */
	action_signature("whsec-0123456789abcdef", 1700000000, "{\"a\":1}", sig, sizeof(sig));
	assert_string_equal(sig, "t=1700000000,v1="
				 "d77c78ac4da074c56908b55eac30358b2a7bfc573be4c76819af5102e8dcf939");
	/* the time is signed: another second, another MAC */
	action_signature("whsec-0123456789abcdef", 1700000001, "{\"a\":1}", sig, sizeof(sig));
	assert_string_not_equal(sig + 16, "d77c78ac4da074c56908b55eac30358b2a7bfc573be4c76819af5102e8dcf939");
}

static void test_hook_backoff(void **state)
{
	static const int64_t want_s[] = {10, 30, 60, 300, 900, 900, 900};
	struct hook_delivery d = {.state = HOOK_PENDING};
	struct arena ar;
	int64_t now = 1000;

	(void)state;
	arena_init(&ar, 1024);
	for (size_t i = 0; i < sizeof(want_s) / sizeof(want_s[0]); i++) {
		action_hook_next(&d, false, "HTTP 502", now, &ar);
		assert_int_equal(d.state, HOOK_PENDING); /* never given up */
		assert_int_equal(d.attempts, (int)i + 1);
		assert_int_equal(d.next_at - now, want_s[i] * 1000);
		assert_string_equal(d.last_error, "HTTP 502");
		now = d.next_at;
	}
	action_hook_next(&d, true, NULL, now, &ar);
	assert_int_equal(d.state, HOOK_ACKED);
	assert_int_equal(d.acked_at, now);
	assert_null(d.last_error);
	assert_int_equal(d.attempts, 8);
	arena_release(&ar);
}

/* ---- against the store ---------------------------------------------------- */

static struct actor staff(struct fx *fx, const char *email, const char *role)
{
	struct agent a;
	struct fail f = {0};
	struct agent_new in = {.name = "Staff", .email = email, .role = role};

	if (agents_create(fx->st, &fx->ar, &in, &a, &f) != E_OK)
		fail_msg("agent refused: %s", f.msg);
	return (struct actor){AUTHOR_AGENT, a.id, a.role};
}

static int64_t new_case(struct fx *fx, int64_t cust)
{
	struct case_new in = {.customer_id = cust, .subject = "Billing", .confirm_new = true};
	struct fail f = {0};
	struct case_ c;

	if (cases_create(fx->st, &fx->ar, &in, ACTOR_SYSTEM, &c, &f) != E_OK)
		fail_msg("case refused: %s: %s", f.field, f.msg);
	return c.id;
}

static int64_t new_customer(struct fx *fx)
{
	static const struct ident_in id[] = {{"email", "c@example.com"}};
	struct customer c;
	struct fail f = {0};

	if (customers_create(fx->st, &fx->ar, &(struct customer_new){"Cus", id, 1}, &c, &f) != E_OK)
		fail_msg("customer refused: %s", f.msg);
	return c.id;
}

static enum action_state credit(struct fx *fx, int64_t case_id, int64_t amount,
				const struct actor *by, int64_t *id)
{
	struct action_new in = {.kind = "credit", .amount = amount, .currency = "EUR",
				.reason = "billing error"};
	struct action a;
	struct fail f = {0};

	if (actions_take(fx->st, &fx->ar, case_id, &in, by, &a, NULL, &f) != E_OK)
		fail_msg("take refused: %s: %s", f.field, f.msg);
	if (id)
		*id = a.id;
	return a.state;
}

static void test_what_counts(void **state)
{
	struct fx *fx = *state;
	struct actor agent = staff(fx, "a@example.com", "agent"),
		     sup = staff(fx, "s@example.com", "supervisor");
	struct action_allowance allow[ACTION_KINDS];
	struct action_policy p;
	struct action_list l;
	struct action a;
	struct fail f = {0};
	int64_t cust = new_customer(fx), c1 = new_case(fx, cust), c2 = new_case(fx, cust), id;

	assert_int_equal(actions_policy_put(fx->st, &fx->ar, "credit",
					    "{\"currency\":\"EUR\",\"limits\":{\"agent\":"
					    "{\"per_case\":2500,\"per_month\":3000},"
					    "\"supervisor\":{\"per_case\":20000}}}",
					    &p, &f), E_OK);
	assert_int_equal(credit(fx, c1, 2000, &agent, NULL), ACTION_DONE);
	/* pending requests count */
	assert_int_equal(credit(fx, c1, 1000, &agent, &id), ACTION_PENDING_APPROVAL);
	assert_int_equal(credit(fx, c1, 500, &agent, NULL), ACTION_PENDING_APPROVAL);
	/* nobody approves their own; the requester is not the approver */
	assert_int_equal(actions_approve(fx->st, &fx->ar, id, NULL, &agent, &a, NULL, &f),
			 E_FORBIDDEN);
	assert_string_equal(f.reason, "own_request");
	/* declined ones do not count */
	assert_int_equal(actions_decline(fx->st, &fx->ar, id, "no", &sup, &a, &f), E_OK);
	assert_int_equal(a.state, ACTION_DECLINED);
	/* c1 has 2000 done + 500 pending: the month (3000) has exactly 500 left */
	assert_int_equal(credit(fx, c2, 500, &agent, NULL), ACTION_DONE);
	assert_int_equal(credit(fx, c2, 1, &agent, &id), ACTION_PENDING_APPROVAL);
	assert_int_equal(actions_get(fx->st, &fx->ar, id, &a, NULL), E_OK);
	assert_string_equal(a.over, "per_month");
	/* 31 days later the month is fresh; the cases are not (c2: 501 used) */
	clock_set_ms(FX_T0 + 31 * DAY);
	assert_int_equal(credit(fx, c2, 2000, &agent, NULL), ACTION_PENDING_APPROVAL);
	assert_int_equal(actions_list(fx->st, &fx->ar, c2, &agent, &l, allow, &f), E_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(allow[0].kind, "credit");
	assert_true(allow[0].policy);
	assert_int_equal(allow[0].left, 0); /* 501 + 2000 pending on the case */
	/* the month: 2000 pending + 999 done + 1 = 3000 is within, 2 more is not */
	assert_int_equal(credit(fx, new_case(fx, cust), 999, &agent, NULL), ACTION_DONE);
	assert_int_equal(credit(fx, new_case(fx, cust), 2, &agent, NULL), ACTION_PENDING_APPROVAL);
	/* the supervisor approves within their own limits */
	assert_int_equal(actions_approve(fx->st, &fx->ar, id, "fine", &sup, &a, NULL, &f), E_OK);
	assert_int_equal(a.state, ACTION_DONE);
	assert_int_equal(a.decided_by, sup.id);
}

static void test_policy_refusals(void **state)
{
	static const struct {
		const char *kind, *doc, *field;
		enum err e;
	} bad[] = {
		{"nope", "{}", "kind", E_NOTFOUND},
		{"credit", "{}", "currency", E_UNPROC},
		{"credit", "{\"currency\":\"EUR\",\"limits\":{\"agent\":{\"per_case\":-5}}}",
		 "limits.agent.per_case", E_UNPROC},
		{"credit", "{\"currency\":\"EUR\",\"webhook\":{\"url\":\"file:///etc/passwd\","
			   "\"secret\":\"0123456789abcdef\"}}", "webhook.url", E_UNPROC},
		{"credit", "{\"currency\":\"EUR\",\"webhook\":{\"url\":\"https://h.example/x\","
			   "\"secret\":\"short\"}}", "webhook.secret", E_UNPROC},
		{"replacement", "{\"limits\":{\"agent\":{\"per_day\":1}}}", "limits.agent.per_day",
		 E_UNPROC},
		{"credit", "[]", "", E_UNPROC},
	};
	struct fx *fx = *state;
	struct action_policy p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fail f = {0};

		assert_int_equal(actions_policy_put(fx->st, &fx->ar, bad[i].kind, bad[i].doc, &p, &f),
				 bad[i].e);
		assert_string_equal(f.field, bad[i].field);
	}
	/* nothing was stored */
	for (size_t i = 0; i < ACTION_KINDS; i++) {
		assert_int_equal(actions_policy_get(fx->st, &fx->ar, action_kind_name(i), &p, NULL),
				 E_OK);
		assert_false(p.configured);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_hook_backoff),
		cmocka_unit_test_setup_teardown(test_what_counts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_policy_refusals, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
