/* test_customers.c - customers against a real SQLite store: identifiers in
 * any format, conflicts, find-or-create, lookup and search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/customers.h"
#include "domain/ident.h"
#include "fixture.h"

#define IDS(...) ((const struct ident_in[]){ __VA_ARGS__ })
#define NIDS(...) (sizeof(IDS(__VA_ARGS__)) / sizeof(struct ident_in))
#define NEW(nm, ...) \
	((const struct customer_new){ nm, IDS(__VA_ARGS__), NIDS(__VA_ARGS__) })

static int64_t make(struct fx *fx, const struct customer_new *in)
{
	struct customer c;
	struct fail f = { 0 };

	if (customers_create(fx->st, &fx->ar, in, &c, &f) != E_OK)
		fail_msg("create refused: %s: %s", f.field, f.msg);
	return c.id;
}

static const struct ident *has(const struct customer *c, enum ident_kind k)
{
	for (size_t i = 0; i < c->n_idents; i++)
		if (c->idents[i].kind == k)
			return &c->idents[i];
	return NULL;
}

static void test_create_normalises(void **state)
{
	struct fx *fx = *state;
	struct customer c, got;
	struct fail f = { 0 };
	const struct customer_new in =
		NEW("  Ada Lovelace ", { "email", "Ada@Example.COM " },
		    { "phone", "(555) 010-2030" }, { "account", "ab-12 34" });

	assert_int_equal(customers_create(fx->st, &fx->ar, &in, &c, &f), E_OK);
	assert_true(c.id > 0);
	assert_string_equal(c.name, "Ada Lovelace");
	assert_int_equal(c.created_at, FX_T0);
	assert_int_equal(customers_get(fx->st, &fx->ar, c.id, &got), E_OK);
	assert_string_equal(got.name, "Ada Lovelace");
	assert_int_equal(got.n_idents, 3);
	assert_string_equal(has(&got, IDENT_EMAIL)->value, "ada@example.com");
	assert_string_equal(has(&got, IDENT_EMAIL)->display, "Ada@Example.COM");
	assert_string_equal(has(&got, IDENT_PHONE)->value, "+15550102030");
	assert_string_equal(has(&got, IDENT_PHONE)->display, "(555) 010-2030");
	assert_string_equal(has(&got, IDENT_ACCOUNT)->value, "AB1234");
	assert_int_equal(customers_get(fx->st, &fx->ar, c.id + 1, &got),
			 E_NOTFOUND);
}

static void test_create_refusals(void **state)
{
	struct fx *fx = *state;
	struct customer c;
	struct fail f = { 0 };
	const struct customer_new empty = { "  ", NULL, 0 };
	const struct customer_new name_only = { "Bob", NULL, 0 };
	struct ident_in many[CUSTOMER_IDENTS_MAX + 1];

	assert_int_equal(customers_create(fx->st, &fx->ar, &empty, &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "identifiers");
	assert_int_equal(customers_create(fx->st, &fx->ar, &name_only, &c, &f),
			 E_OK);

	assert_int_equal(customers_create(fx->st, &fx->ar,
					  &NEW("x", { "email", "a@b.co" },
					       { "fax", "123" }),
					  &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "identifiers[1].kind");
	assert_int_equal(customers_create(fx->st, &fx->ar,
					  &NEW("x", { "phone", "+1 555" }),
					  &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "identifiers[0].value");
	assert_non_null(strstr(f.msg, "digits"));

	/* the same identifier twice, typed differently */
	assert_int_equal(customers_create(fx->st, &fx->ar,
					  &NEW("x", { "email", "Foo@x.com" },
					       { "phone", "555 010 2030" },
					       { "email", " foo@X.COM" }),
					  &c, &f),
			 E_INVAL);
	assert_string_equal(f.field, "identifiers[2]");
	assert_string_equal(f.reason, "duplicate_identifier");

	for (size_t i = 0; i < CUSTOMER_IDENTS_MAX + 1; i++)
		many[i] = (struct ident_in){ "account", "a" };
	assert_int_equal(customers_create(fx->st, &fx->ar,
					  &(struct customer_new){
						  "x", many,
						  CUSTOMER_IDENTS_MAX + 1 },
					  &c, &f),
			 E_TOOBIG);
	assert_string_equal(f.field, "identifiers");

	{
		char big[CUSTOMER_NAME_MAX + 2];

		memset(big, 'n', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(customers_create(fx->st, &fx->ar,
						  &(struct customer_new){ big, NULL, 0 },
						  &c, &f),
				 E_UNPROC);
		assert_string_equal(f.field, "name");
	}
	assert_int_equal(customers_create(fx->st, &fx->ar,
					  &(struct customer_new){ "\xff", NULL, 0 },
					  &c, &f),
			 E_UNPROC);
}

static void test_create_conflict(void **state)
{
	struct fx *fx = *state;
	struct customer c;
	struct fail f = { 0 };
	int64_t a = make(fx, &NEW("A", { "phone", "+1 (555) 010-2030" }));

	assert_int_equal(customers_create(fx->st, &fx->ar,
					  &NEW("B", { "email", "b@example.com" },
					       { "phone", "555.010.2030" }),
					  &c, &f),
			 E_CONFLICT);
	assert_string_equal(f.field, "identifiers[1].value");
	assert_string_equal(f.reason, "identifier_taken");
	assert_non_null(strstr(f.msg, "phone number"));
	(void)a;
	/* nothing was written for B */
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "b@example.com", &c,
					  &f),
			 E_NOTFOUND);
}

static void test_lookup_any_format(void **state)
{
	struct fx *fx = *state;
	struct customer c;
	struct fail f = { 0 };
	int64_t id = make(fx, &NEW("Ada", { "email", "ada@example.com" },
				   { "phone", "(555) 010-2030" },
				   { "account", "AB-1234" }));
	static const char *const forms[] = {
		"ADA@example.com ", "555.010.2030", "+1 555 010 2030",
		"0015550102030", "1-555-010-2030", "ab 1234", "ab1234",
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (customers_lookup(fx->st, &fx->ar, forms[i], &c, &f) != E_OK)
			fail_msg("'%s' not found: %s", forms[i], f.msg);
		assert_int_equal(c.id, id);
		assert_int_equal(c.n_idents, 3);
	}
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "ada@example.org",
					  &c, &f),
			 E_NOTFOUND);
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "", &c, &f),
			 E_NOTFOUND);
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "Ada", &c, &f),
			 E_NOTFOUND);
}

static void test_lookup_ambiguous(void **state)
{
	struct fx *fx = *state;
	struct customer c;
	struct fail f = { 0 };

	make(fx, &NEW("Phone", { "phone", "555 010 2030" }));
	make(fx, &NEW("Account", { "account", "5550102030" }));
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "5550102030", &c, &f),
			 E_CONFLICT);
	assert_string_equal(f.reason, "ambiguous");
	/* a form only one of them can mean is not ambiguous */
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "(555) 010-2030", &c,
					  &f),
			 E_OK);
	assert_string_equal(c.name, "Phone");
}

static void test_find_or_create(void **state)
{
	struct fx *fx = *state;
	struct customer c;
	struct fail f = { 0 };
	bool created;
	int64_t id = make(fx, &NEW("", { "phone", "+44 20 7946 0958" }));

	/* the same customer typed another way, plus a new email */
	assert_int_equal(customers_find_or_create(
				 fx->st, &fx->ar,
				 &NEW("Grace", { "phone", "0044 (20) 7946-0958" },
				      { "email", "Grace@Example.com" }),
				 &c, &created, &f),
			 E_OK);
	assert_false(created);
	assert_int_equal(c.id, id);
	assert_string_equal(c.name, "Grace"); /* it had none */
	assert_int_equal(c.n_idents, 2);
	assert_string_equal(has(&c, IDENT_EMAIL)->value, "grace@example.com");

	/* again: nothing new, the name is not overwritten */
	assert_int_equal(customers_find_or_create(
				 fx->st, &fx->ar,
				 &NEW("Someone Else", { "email", "grace@example.com" }),
				 &c, &created, &f),
			 E_OK);
	assert_false(created);
	assert_int_equal(c.id, id);
	assert_string_equal(c.name, "Grace");

	/* unknown identifiers: a new customer */
	assert_int_equal(customers_find_or_create(
				 fx->st, &fx->ar,
				 &NEW("Linus", { "account", "L-1" }), &c,
				 &created, &f),
			 E_OK);
	assert_true(created);
	assert_int_not_equal(c.id, id);

	/* identifiers of two different customers */
	assert_int_equal(customers_find_or_create(
				 fx->st, &fx->ar,
				 &NEW("?", { "account", "l1" },
				      { "email", "grace@example.com" }),
				 &c, &created, &f),
			 E_CONFLICT);
	assert_string_equal(f.field, "identifiers[1].value");
	assert_string_equal(f.reason, "identifier_taken");
	assert_non_null(strstr(f.msg, "account number"));

	/* a name only always creates */
	assert_int_equal(customers_find_or_create(
				 fx->st, &fx->ar,
				 &(struct customer_new){ "Grace", NULL, 0 }, &c,
				 &created, &f),
			 E_OK);
	assert_true(created);
}

static void test_update(void **state)
{
	struct fx *fx = *state;
	struct customer c, got;
	struct fail f = { 0 };
	int64_t a = make(fx, &NEW("A", { "email", "a@example.com" },
				  { "phone", "555 010 2030" }));
	int64_t b = make(fx, &NEW("B", { "email", "b@example.com" }));
	struct customer_patch p = {
		.has_name = true,
		.name = "Alice",
		.has_idents = true,
		.idents = IDS({ "phone", "+15550102030" },
			      { "account", "acc-9" }),
		.n = 2,
	};

	clock_advance_ms(5000);
	assert_int_equal(customers_update(fx->st, &fx->ar, a, &p, &c, &f), E_OK);
	assert_string_equal(c.name, "Alice");
	assert_int_equal(c.updated_at, FX_T0 + 5000);
	assert_int_equal(customers_get(fx->st, &fx->ar, a, &got), E_OK);
	assert_string_equal(got.name, "Alice");
	assert_int_equal(got.n_idents, 2);
	assert_null(has(&got, IDENT_EMAIL));
	assert_string_equal(has(&got, IDENT_ACCOUNT)->value, "ACC9");
	/* the dropped email is free again */
	assert_int_equal(customers_lookup(fx->st, &fx->ar, "a@example.com", &c,
					  &f),
			 E_NOTFOUND);

	/* taking B's email */
	p = (struct customer_patch){ .has_idents = true,
				     .idents = IDS({ "email", "B@example.com" }),
				     .n = 1 };
	assert_int_equal(customers_update(fx->st, &fx->ar, a, &p, &c, &f),
			 E_CONFLICT);
	assert_string_equal(f.field, "identifiers[0].value");
	/* the refusal left A's identifiers alone */
	assert_int_equal(customers_get(fx->st, &fx->ar, a, &got), E_OK);
	assert_int_equal(got.n_idents, 2);

	/* B keeping its own email is fine */
	assert_int_equal(customers_update(fx->st, &fx->ar, b, &p, &c, &f), E_OK);

	/* nothing left to know the customer by */
	p = (struct customer_patch){ .has_name = true, .name = "",
				     .has_idents = true, .n = 0 };
	assert_int_equal(customers_update(fx->st, &fx->ar, b, &p, &c, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "identifiers");

	assert_int_equal(customers_update(fx->st, &fx->ar, 999, &p, &c, &f),
			 E_NOTFOUND);
}

static void test_search(void **state)
{
	struct fx *fx = *state;
	struct customer_list l;
	struct fail f = { 0 };
	int64_t ada = make(fx, &NEW("Ada Lovelace", { "email", "ada@example.com" },
				    { "phone", "555 010 2030" }));
	int64_t grace = make(fx, &NEW("Grace Hopper", { "account", "GH-7" }));
	int64_t bob = make(fx, &NEW("Bob", { "email", "bob@example.org" }));

	assert_int_equal(customers_search(fx->st, &fx->ar, "lovelace", 0, 0, &l,
					  &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, ada);

	assert_int_equal(customers_search(fx->st, &fx->ar, "(555) 010-2030", 0,
					  0, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, ada);

	assert_int_equal(customers_search(fx->st, &fx->ar, "+1555", 0, 0, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);

	assert_int_equal(customers_search(fx->st, &fx->ar, "BOB@", 0, 0, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, bob);

	assert_int_equal(customers_search(fx->st, &fx->ar, "gh 7", 0, 0, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, grace);

	/* everyone, newest first, paged */
	assert_int_equal(customers_search(fx->st, &fx->ar, NULL, 0, 2, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, bob);
	assert_int_equal(l.items[1].id, grace);
	assert_int_equal(customers_search(fx->st, &fx->ar, " ", grace, 2, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, ada);

	assert_int_equal(customers_search(fx->st, &fx->ar, "zzz", 0, 0, &l, &f),
			 E_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(customers_search(fx->st, &fx->ar, "a", 0, 201, &l, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "limit");
	assert_int_equal(customers_search(fx->st, &fx->ar, "\xff", 0, 0, &l, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "q");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_normalises, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_refusals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_conflict, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_any_format, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_ambiguous, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_find_or_create, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_update, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_search, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("domain/customers", tests, NULL, NULL);
}
