/* test_auth.c - passwords, tokens, login/logout/expiry and agent rules
 * against a real SQLite store (argon2id at its minimum cost). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/agents.h"
#include "domain/auth.h"
#include "fixture.h"

#define HOUR (3600 * 1000LL)

static int group_setup(void **state)
{
	(void)state;
	if (auth_init() != E_OK)
		return -1;
	auth_set_cost_for_tests();
	return 0;
}

static int64_t add_agent(struct fx *fx, const char *email, const char *role,
			 const char *pw)
{
	struct agent a;
	struct fail f = { 0 };
	struct agent_new in = { .name = "Ada", .email = email, .role = role, .password = pw };

	if (agents_create(fx->st, &fx->ar, &in, &a, &f) != E_OK)
		fail_msg("agent refused: %s: %s", f.field, f.msg);
	return a.id;
}

static void test_password(void **state)
{
	char h[AUTH_HASH_LEN], big[AUTH_PASSWORD_MAX + 2];
	struct fail f = { 0 };

	(void)state;
	assert_int_equal(auth_password_hash("correct horse", h, &f), E_OK);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_int_equal(auth_password_verify(h, "correct horse"), E_OK);
	assert_int_equal(auth_password_verify(h, "correct horsE"), E_AUTH);
	assert_int_equal(auth_password_verify(h, ""), E_AUTH);
	assert_int_equal(auth_password_verify(NULL, "correct horse"), E_AUTH);
	assert_int_equal(auth_password_verify("$argon2id$junk", "correct horse"),
			 E_AUTH);
	assert_int_equal(auth_password_hash("short", h, &f), E_UNPROC);
	assert_string_equal(f.field, "password");
	assert_int_equal(auth_password_hash(NULL, h, &f), E_UNPROC);
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(auth_password_hash(big, h, &f), E_UNPROC);
	big[AUTH_PASSWORD_MAX] = '\0';
	assert_int_equal(auth_password_hash(big, h, &f), E_OK);
	assert_int_equal(auth_password_hash("12345678", h, &f), E_OK);
}

static void test_token_format(void **state)
{
	char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1];
	unsigned char ha[32], hb[32], again[32];

	(void)state;
	assert_int_equal(auth_token_new(a, ha), E_OK);
	assert_int_equal(auth_token_new(b, hb), E_OK);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN);
	assert_memory_equal(a, "heed_", 5);
	for (const char *p = a + 5; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
	assert_string_not_equal(a, b);
	auth_token_hash(a, again);
	assert_memory_equal(ha, again, 32);
	assert_memory_not_equal(ha, hb, 32);
}

static void test_login_ok(void **state)
{
	struct fx *fx = *state;
	int64_t id = add_agent(fx, "Ada@Example.com", "admin", "correct horse");
	char tok[AUTH_TOKEN_LEN + 1];
	struct agent a, who;
	struct token t;
	struct fail f = { 0 };

	assert_int_equal(auth_login(fx->st, &fx->ar, "  ADA@example.COM ",
				    "correct horse", 8 * HOUR, tok, &a, &f),
			 E_OK);
	assert_int_equal(a.id, id);
	assert_int_equal(a.role, ROLE_ADMIN);
	assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, tok, &who, &t), E_OK);
	assert_int_equal(who.id, id);
	assert_string_equal(who.email, "ada@example.com");
	assert_int_equal(t.kind, TOKEN_SESSION);
	assert_int_equal(t.agent_id, id);
	assert_int_equal(t.expires_at, FX_T0 + 8 * HOUR);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, tok, &who, NULL),
			 E_OK);
}

static void test_login_refused(void **state)
{
	struct fx *fx = *state;
	char tok[AUTH_TOKEN_LEN + 1];
	struct agent a;
	struct fail f = { 0 };

	add_agent(fx, "ada@example.com", "agent", "correct horse");
	add_agent(fx, "nopw@example.com", "agent", NULL);
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada@example.com",
				    "wrong horse", HOUR, tok, &a, &f),
			 E_AUTH);
	assert_string_equal(f.msg, "wrong email or password");
	assert_string_equal(f.field, "");
	memset(&f, 0, sizeof(f));
	assert_int_equal(auth_login(fx->st, &fx->ar, "eve@example.com",
				    "correct horse", HOUR, tok, &a, &f),
			 E_AUTH);
	assert_string_equal(f.msg, "wrong email or password"); /* same answer */
	assert_int_equal(auth_login(fx->st, &fx->ar, "nopw@example.com",
				    "correct horse", HOUR, tok, &a, &f),
			 E_AUTH);
	assert_int_equal(auth_login(fx->st, &fx->ar, "not an email",
				    "correct horse", HOUR, tok, &a, &f),
			 E_AUTH);
	assert_int_equal(auth_login(fx->st, &fx->ar, NULL, NULL, HOUR, tok, &a,
				    &f),
			 E_AUTH);
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada@example.com",
				    "correct horse", 0, tok, &a, &f),
			 E_UNPROC);
}

static void test_logout_revokes(void **state)
{
	struct fx *fx = *state;
	char tok[AUTH_TOKEN_LEN + 1], other[AUTH_TOKEN_LEN + 1];
	struct agent a;
	struct fail f = { 0 };

	add_agent(fx, "ada@example.com", "agent", "correct horse");
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada@example.com",
				    "correct horse", HOUR, tok, &a, &f),
			 E_OK);
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada@example.com",
				    "correct horse", HOUR, other, &a, &f),
			 E_OK);
	assert_int_equal(auth_logout(fx->st, tok), E_OK);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, tok, &a, NULL),
			 E_AUTH);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, other, &a, NULL),
			 E_OK); /* only that session */
	assert_int_equal(auth_logout(fx->st, tok), E_OK); /* idempotent */
	assert_int_equal(auth_logout(fx->st, "heed_nope"), E_AUTH);
	assert_int_equal(auth_logout(fx->st, NULL), E_AUTH);
	{
		char fresh[AUTH_TOKEN_LEN + 1];
		unsigned char h[32];

		auth_token_new(fresh, h); /* well-formed, never stored */
		assert_int_equal(auth_logout(fx->st, fresh), E_AUTH);
		assert_int_equal(auth_authenticate(fx->st, &fx->ar, fresh, &a,
						   NULL),
				 E_AUTH);
	}
}

static void test_expiry(void **state)
{
	struct fx *fx = *state;
	int64_t id = add_agent(fx, "ada@example.com", "agent", "correct horse");
	char s[AUTH_TOKEN_LEN + 1], api[AUTH_TOKEN_LEN + 1];
	struct agent a;
	struct token t;
	struct fail f = { 0 };

	assert_int_equal(auth_login(fx->st, &fx->ar, "ada@example.com",
				    "correct horse", 1000, s, &a, &f),
			 E_OK);
	assert_int_equal(auth_token_create(fx->st, &fx->ar, id, TOKEN_API, 0,
					   api, &t, &f),
			 E_OK);
	assert_int_equal(t.expires_at, 0);
	clock_advance_ms(999);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, s, &a, NULL), E_OK);
	clock_advance_ms(1);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, s, &a, NULL), E_AUTH);
	clock_advance_ms(366 * 24 * HOUR);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, api, &a, &t), E_OK);
	assert_int_equal(t.kind, TOKEN_API);

	assert_int_equal(auth_token_create(fx->st, &fx->ar, id, TOKEN_API, -1,
					   api, NULL, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "ttl");
	assert_int_equal(auth_token_create(fx->st, &fx->ar, id + 9, TOKEN_API, 0,
					   api, NULL, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "agent_id");
	assert_int_equal(auth_token_create(fx->st, &fx->ar, id, 7, 0, api, NULL,
					   &f),
			 E_UNPROC);
}

static void test_malformed_secrets(void **state)
{
	struct fx *fx = *state;
	struct agent a;
	char tok[AUTH_TOKEN_LEN + 1];
	struct fail f = { 0 };

	add_agent(fx, "ada@example.com", "agent", "correct horse");
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada@example.com",
				    "correct horse", HOUR, tok, &a, &f),
			 E_OK);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, NULL, &a, NULL),
			 E_AUTH);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, "", &a, NULL),
			 E_AUTH);
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, tok + 1, &a, NULL),
			 E_AUTH);
	tok[0] = 'H'; /* right length, wrong prefix */
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, tok, &a, NULL),
			 E_AUTH);
	tok[0] = 'h';
	tok[10] = tok[10] == 'A' ? 'B' : 'A'; /* one character off */
	assert_int_equal(auth_authenticate(fx->st, &fx->ar, tok, &a, NULL),
			 E_AUTH);
}

static void test_agents_rules(void **state)
{
	struct fx *fx = *state;
	struct agent a;
	struct agent_list l;
	struct fail f = { 0 };
	char tok[AUTH_TOKEN_LEN + 1], h[AUTH_HASH_LEN];
	int64_t admin = add_agent(fx, "root@example.com", "admin", NULL);
	int64_t ada = add_agent(fx, "ada@example.com", NULL, "correct horse");
	struct agent_patch p;

	assert_int_equal(agents_get(fx->st, &fx->ar, ada, &a), E_OK);
	assert_int_equal(a.role, ROLE_AGENT); /* default */
	assert_int_equal(agents_get(fx->st, &fx->ar, admin, &a), E_OK);
	assert_null(a.password_hash); /* no password given */

	assert_int_equal(agents_create(fx->st, &fx->ar,
				       &(struct agent_new){ .name = "Other", .email = " ADA@example.com", .role = "agent" },
				       &a, &f),
			 E_CONFLICT);
	assert_string_equal(f.field, "email");
	assert_int_equal(agents_create(fx->st, &fx->ar,
				       &(struct agent_new){ .name = "Other", .email = "x@example.com", .role = "boss" },
				       &a, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "role");
	assert_int_equal(agents_create(fx->st, &fx->ar,
				       &(struct agent_new){ .name = " ", .email = "x@example.com" },
				       &a, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "name");
	assert_int_equal(agents_create(fx->st, &fx->ar,
				       &(struct agent_new){ .name = "X", .email = "x@" },
				       &a, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "email");
	assert_int_equal(agents_create(fx->st, &fx->ar,
				       &(struct agent_new){ .name = "X", .email = "x@example.com", .password = "short" },
				       &a, &f),
			 E_UNPROC);
	assert_string_equal(f.field, "password");
	assert_int_equal(agents_list(fx->st, &fx->ar, &l), E_OK);
	assert_int_equal(l.n, 2);

	/* a password hashed outside the transaction */
	assert_int_equal(auth_password_hash("prehashed pw", h, &f), E_OK);
	assert_int_equal(agents_create(fx->st, &fx->ar,
				       &(struct agent_new){ .name = "Pre", .email = "pre@example.com", .password_hash = h },
				       &a, &f),
			 E_OK);
	assert_int_equal(auth_login(fx->st, &fx->ar, "pre@example.com",
				    "prehashed pw", HOUR, tok, &a, &f),
			 E_OK);

	/* the last admin stays an admin */
	p = (struct agent_patch){ .has_role = true, .role = "agent" };
	assert_int_equal(agents_update(fx->st, &fx->ar, admin, &p, &a, &f),
			 E_CONFLICT);
	assert_string_equal(f.field, "role");
	assert_string_equal(f.reason, "last_admin");
	p.role = "admin";
	assert_int_equal(agents_update(fx->st, &fx->ar, ada, &p, &a, &f), E_OK);
	p.role = "supervisor";
	assert_int_equal(agents_update(fx->st, &fx->ar, admin, &p, &a, &f), E_OK);
	assert_int_equal(a.role, ROLE_SUPERVISOR);

	/* change name, email and password */
	clock_advance_ms(5);
	p = (struct agent_patch){ .has_name = true, .name = " Ada L. ",
				  .has_email = true, .email = "Ada.L@example.com",
				  .has_password = true, .password = "new password" };
	assert_int_equal(agents_update(fx->st, &fx->ar, ada, &p, &a, &f), E_OK);
	assert_string_equal(a.name, "Ada L.");
	assert_string_equal(a.email, "ada.l@example.com");
	assert_int_equal(a.updated_at, FX_T0 + 5);
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada.l@example.com",
				    "correct horse", HOUR, tok, &a, &f),
			 E_AUTH);
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada.l@example.com",
				    "new password", HOUR, tok, &a, &f),
			 E_OK);
	/* taking another agent's email */
	p = (struct agent_patch){ .has_email = true, .email = "ROOT@example.com" };
	assert_int_equal(agents_update(fx->st, &fx->ar, ada, &p, &a, &f),
			 E_CONFLICT);
	assert_string_equal(f.field, "email");
	/* removing the password ends password login */
	p = (struct agent_patch){ .has_password = true, .password = NULL };
	assert_int_equal(agents_update(fx->st, &fx->ar, ada, &p, &a, &f), E_OK);
	assert_null(a.password_hash);
	assert_int_equal(auth_login(fx->st, &fx->ar, "ada.l@example.com",
				    "new password", HOUR, tok, &a, &f),
			 E_AUTH);
	assert_int_equal(agents_update(fx->st, &fx->ar, 999, &p, &a, &f),
			 E_NOTFOUND);
	assert_int_equal(agents_get(fx->st, &fx->ar, 999, &a), E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_token_format),
		cmocka_unit_test_setup_teardown(test_login_ok, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_login_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_logout_revokes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_expiry, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_secrets, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_agents_rules, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("domain/auth", tests, group_setup,
					   NULL);
}
