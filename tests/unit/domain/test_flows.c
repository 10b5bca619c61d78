/* test_flows.c - guided flows: what a definition must be (flows_parse), and
 * runs on a real store: known facts are passed whoever recorded them,
 * branches (equal and at_least) are followed, a switch keeps every fact,
 * asking again is refused or counted; verifications and their window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/cases.h"
#include "domain/effort.h"
#include "domain/flows.h"
#include "domain/verify.h"
#include "fixture.h"

static const struct actor agent = {AUTHOR_AGENT, 0, ROLE_AGENT};

#define MAINT                                                                          \
	"{\"title\":\"Maintenance fails\",\"start\":\"model\",\"steps\":["              \
	"{\"id\":\"model\",\"type\":\"question\",\"fact\":\"device.model\","           \
	"\"text\":\"Model?\",\"audience\":\"customer\",\"answer\":\"text\","            \
	"\"next\":\"tries\"},"                                                          \
	"{\"id\":\"tries\",\"type\":\"action\",\"fact\":\"tried.maintenance\","        \
	"\"text\":\"Run maintenance; how many times so far?\",\"answer\":\"number\","  \
	"\"branches\":[{\"at_least\":3,\"next\":\"swap\"}],\"next\":\"again\"},"       \
	"{\"id\":\"again\",\"type\":\"question\",\"fact\":\"maintenance.passed\","     \
	"\"text\":\"Did it pass?\",\"answer\":\"yes_no\","                              \
	"\"branches\":[{\"when\":true,\"next\":\"ok\"}],\"next\":\"swap\"},"           \
	"{\"id\":\"ok\",\"type\":\"outcome\",\"outcome\":\"resolved\"},"                \
	"{\"id\":\"swap\",\"type\":\"outcome\",\"outcome\":\"replace_unit\"}]}"

static void expect_refused(const char *doc, const char *field)
{
	struct arena ar;
	struct flow_def d;
	struct fail f = {0};

	arena_init(&ar, 4096);
	assert_int_not_equal(flows_parse(&ar, doc, &d, &f), E_OK);
	assert_string_equal(f.field, field);
	arena_release(&ar);
}

static void test_parse(void **state)
{
	struct arena ar;
	struct flow_def d;
	struct fail f = {0};

	(void)state;
	arena_init(&ar, 4096);
	assert_int_equal(flows_parse(&ar, MAINT, &d, &f), E_OK);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.start, 0);
	assert_true(d.steps[0].customer);
	assert_false(d.steps[1].customer);
	assert_int_equal(d.steps[1].answer, ANSWER_NUMBER);
	assert_true(d.steps[1].branches[0].has_at_least);
	assert_int_equal(d.steps[1].branches[0].next, 4);
	assert_string_equal(d.steps[0].label, "device.model"); /* defaults to the fact */
	arena_release(&ar);

	expect_refused("[]", "definition");
	expect_refused("{\"title\":\"t\",\"start\":\"a\",\"steps\":[]}", "steps");
	expect_refused("{\"title\":\"t\",\"start\":\"a\",\"steps\":[{\"id\":\"a\",\"type\":"
		       "\"question\",\"fact\":\"x\",\"text\":\"?\",\"next\":\"a\"}]}",
		       "steps");
	expect_refused("{\"title\":\"t\",\"start\":\"a\",\"steps\":[{\"id\":\"a\",\"type\":"
		       "\"question\",\"fact\":\"x\",\"text\":\"?\",\"next\":\"b\"}]}",
		       "steps[0].next");
	expect_refused("{\"title\":\"t\",\"start\":\"a\",\"steps\":[{\"id\":\"a\",\"type\":"
		       "\"question\",\"fact\":\"x\",\"text\":\"?\",\"answer\":\"yes_no\","
		       "\"branches\":[{\"when\":\"maybe\",\"next\":\"z\"}],\"next\":\"z\"},"
		       "{\"id\":\"z\",\"type\":\"outcome\",\"outcome\":\"resolved\"}]}",
		       "steps[0].branches[0].when");
	expect_refused("{\"title\":\"t\",\"start\":\"z\",\"steps\":[{\"id\":\"z\",\"type\":"
		       "\"outcome\",\"outcome\":\"resolved\"},{\"id\":\"y\",\"type\":"
		       "\"outcome\",\"outcome\":\"resolved\"}]}",
		       "steps[1].id");
	expect_refused("{\"title\":\"t\",\"start\":\"z\",\"colour\":1,\"steps\":[{\"id\":\"z\","
		       "\"type\":\"outcome\",\"outcome\":\"resolved\"}]}",
		       "colour");
	expect_refused("{\"title\":\"t\",\"start\":\"z\",\"steps\":[{\"id\":\"z\",\"type\":"
		       "\"outcome\",\"outcome\":\"resolved\"}],\"title\":\"again\"}",
		       "definition");
}

static int64_t new_case(struct fx *fx, const char *facts_key, const char *facts_val)
{
	struct ident_in id = {"email", "flow@example.com"};
	struct customer_new cn = {.name = "Dana", .idents = &id, .n = 1};
	struct fact_in fi = {facts_key, facts_val};
	struct case_new in = {.customer = &cn, .subject = "Maintenance fails",
			      .facts = facts_key ? &fi : NULL, .n_facts = facts_key ? 1 : 0,
			      .confirm_new = true};
	struct case_ c;
	struct fail f = {0};

	assert_int_equal(cases_create(fx->st, &fx->ar, &in, &agent, &c, &f), E_OK);
	return c.id;
}

static void test_walk_and_switch(void **state)
{
	struct fx *fx = *state;
	struct flow_view v;
	struct flow fl;
	struct fail f = {0};
	struct effort_summary es;
	struct flow_answer_in a = {.step = "tries", .value = "3"};
	int64_t cid;
	bool created;

	assert_int_equal(flows_put(fx->st, &fx->ar, "maint", MAINT, &agent, &fl, &f), E_OK);
	assert_int_equal(fl.version, 1);
	cid = new_case(fx, "device.model", "\"AQ-300\"");
	assert_int_equal(flows_start(fx->st, &fx->ar, cid, "maint", &agent, &v, &created, &f), E_OK);
	assert_true(created);
	assert_int_equal(v.n_known, 1);
	assert_string_equal(v.current->id, "tries");
	/* three tries reach the replacement at once */
	assert_int_equal(flows_answer(fx->st, &fx->ar, v.run.id, &a, &agent, &v, &f), E_OK);
	assert_null(v.current);
	assert_string_equal(v.end->outcome, "replace_unit");
	assert_int_equal(v.run.state, RUN_FINISHED);

	/* a second flow on the same case after a change of version: nothing known is asked */
	assert_int_equal(flows_put(fx->st, &fx->ar, "maint", MAINT, &agent, &fl, &f), E_OK);
	assert_int_equal(fl.version, 2);
	assert_int_equal(flows_start(fx->st, &fx->ar, cid, "maint", &agent, &v, &created, &f), E_OK);
	assert_int_equal(v.n_known, 2);
	assert_non_null(v.end);

	/* asking for a known fact: refused, or counted when the agent insists */
	cid = new_case(fx, "tried.maintenance", "1");
	assert_int_equal(flows_start(fx->st, &fx->ar, cid, "maint", &agent, &v, &created, &f), E_OK);
	assert_string_equal(v.current->id, "model");
	a.step = "tries";
	a.value = "2";
	assert_int_equal(flows_answer(fx->st, &fx->ar, v.run.id, &a, &agent, &v, &f), E_CONFLICT);
	assert_string_equal(f.reason, "already_known");
	a.ask_again = true;
	assert_int_equal(flows_answer(fx->st, &fx->ar, v.run.id, &a, &agent, &v, &f), E_OK);
	assert_int_equal(effort_of(fx->st, &fx->ar, cid, &es, &f), E_OK);
	assert_int_equal(es.repeat_questions, 1);
}

static void test_verification_window(void **state)
{
	struct fx *fx = *state;
	struct verify_in in = {.method = "phone_pin", .via = "phone menu"};
	struct verify_state vs;
	struct verification v;
	struct fail f = {0};
	int64_t cid = new_case(fx, NULL, NULL);

	verify_set_window_ms(30 * 60000);
	assert_int_equal(verify_record(fx->st, &fx->ar, cid, &in, &agent, &v, &f), E_OK);
	assert_string_equal(v.level, "medium");
	assert_int_equal(v.valid_until, FX_T0 + 30 * 60000);
	in.method = "agent_questions";
	assert_int_equal(verify_record(fx->st, &fx->ar, cid, &in, &agent, &v, &f), E_CONFLICT);
	assert_string_equal(f.reason, "already_verified");
	/* once the window has passed, asking again is a first verification */
	clock_set_ms(FX_T0 + 31 * 60000);
	assert_int_equal(verify_state_of(fx->st, &fx->ar, cid, &vs, &f), E_OK);
	assert_null(vs.current);
	assert_int_equal(verify_record(fx->st, &fx->ar, cid, &in, &agent, &v, &f), E_OK);
	assert_null(v.reason);
	in.reason = "high_risk_change";
	assert_int_equal(verify_record(fx->st, &fx->ar, cid, &in, &agent, &v, &f), E_OK);
	assert_int_equal(verify_state_of(fx->st, &fx->ar, cid, &vs, &f), E_OK);
	assert_int_equal(vs.reverifications, 1);
	assert_int_equal(vs.all.n, 3);
	verify_set_window_ms(60 * 60000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_walk_and_switch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_verification_window, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
