/* test_ident.c - identifier normal forms and free-text candidates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/ident.h"

static struct arena ar;

static int setup(void **state)
{
	(void)state;
	arena_init(&ar, 4096);
	ident_set_default_country("1");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&ar);
	ident_set_default_country("1");
	return 0;
}

/* ok - raw normalises to want. */
static void ok(enum ident_kind k, const char *raw, const char *want)
{
	struct fail f = { 0 };
	char *out = NULL;
	enum err rc = ident_normalize(&ar, k, raw, &out, &f);

	if (rc != E_OK)
		fail_msg("'%s' refused: %s", raw, f.msg);
	assert_string_equal(out, want);
}

/* bad - raw is refused with E_UNPROC on field "value" and a message. */
static void bad(enum ident_kind k, const char *raw)
{
	struct fail f = { 0 };
	char *out = NULL;
	enum err rc = ident_normalize(&ar, k, raw, &out, &f);

	if (rc != E_UNPROC)
		fail_msg("'%s' accepted as '%s'", raw ? raw : "(null)",
			 out ? out : "");
	assert_int_equal(f.code, E_UNPROC);
	assert_string_equal(f.field, "value");
	assert_true(f.msg[0] != '\0');
	assert_true(f.msg[0] < 'A' || f.msg[0] > 'Z'); /* lowercase */
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_int_equal(ident_kind_parse("email"), IDENT_EMAIL);
	assert_int_equal(ident_kind_parse("phone"), IDENT_PHONE);
	assert_int_equal(ident_kind_parse("account"), IDENT_ACCOUNT);
	assert_int_equal(ident_kind_parse("Email"), 0);
	assert_int_equal(ident_kind_parse(""), 0);
	assert_int_equal(ident_kind_parse(NULL), 0);
	for (int k = IDENT_EMAIL; k <= IDENT_ACCOUNT; k++)
		assert_int_equal(ident_kind_parse(ident_kind_name(k)), k);
	assert_string_equal(ident_kind_name(0), "unknown");
}

static void test_bad_kind(void **state)
{
	struct fail f = { 0 };
	char *out;

	(void)state;
	assert_int_equal(ident_normalize(&ar, 0, "x", &out, &f), E_UNPROC);
	assert_string_equal(f.field, "kind");
	assert_int_equal(ident_normalize(&ar, 9, "x", &out, NULL), E_UNPROC);
}

static void test_email_ok(void **state)
{
	(void)state;
	ok(IDENT_EMAIL, "Foo@Example.COM ", "foo@example.com");
	ok(IDENT_EMAIL, "\t a.b+tag@Sub.Example.co.uk\n", "a.b+tag@sub.example.co.uk");
	ok(IDENT_EMAIL, "x@y.io", "x@y.io");
	ok(IDENT_EMAIL, "o'brien@mail-host.example", "o'brien@mail-host.example");
	ok(IDENT_EMAIL, "JÖRG@bücher.de", "jÖrg@bücher.de"); /* ASCII lower only */
}

static void test_email_bad(void **state)
{
	char big[300];

	(void)state;
	bad(IDENT_EMAIL, "");
	bad(IDENT_EMAIL, "   ");
	bad(IDENT_EMAIL, NULL);
	bad(IDENT_EMAIL, "foo");
	bad(IDENT_EMAIL, "foo@");
	bad(IDENT_EMAIL, "@example.com");
	bad(IDENT_EMAIL, "a@b@example.com");
	bad(IDENT_EMAIL, "a b@example.com");
	bad(IDENT_EMAIL, "ab@exa mple.com");
	bad(IDENT_EMAIL, "a@localhost");
	bad(IDENT_EMAIL, "a@.example.com");
	bad(IDENT_EMAIL, "a@example..com");
	bad(IDENT_EMAIL, "a@example.com.");
	bad(IDENT_EMAIL, "a@exa_mple.com");
	bad(IDENT_EMAIL, "<a@example.com>");
	bad(IDENT_EMAIL, "a,b@example.com");
	bad(IDENT_EMAIL, "\xff@example.com");
	bad(IDENT_EMAIL, "a@exa\xc3mple.com"); /* truncated sequence */
	memset(big, 'a', sizeof(big));
	memcpy(big + 245, "@example.com", 13); /* 257 characters */
	bad(IDENT_EMAIL, big);
	memset(big, 'a', 70);
	memcpy(big + 70, "@example.com", 13); /* local part of 70 */
	bad(IDENT_EMAIL, big);
}

static void test_phone_nanp(void **state)
{
	(void)state;
	ok(IDENT_PHONE, "(555) 010-2030", "+15550102030");
	ok(IDENT_PHONE, "555-010-2030", "+15550102030");
	ok(IDENT_PHONE, "555.010.2030", "+15550102030");
	ok(IDENT_PHONE, "5550102030", "+15550102030");
	ok(IDENT_PHONE, "1 555 010 2030", "+15550102030");
	ok(IDENT_PHONE, "1-(555)-010-2030", "+15550102030");
	ok(IDENT_PHONE, "+1 (555) 010-2030", "+15550102030");
	ok(IDENT_PHONE, "001 555 010 2030", "+15550102030");
	ok(IDENT_PHONE, " +15550102030 ", "+15550102030");
}

/* What copying from a page brings: no-break spaces, Unicode dashes, a
 * scheme in front; slashes between groups. */
static void test_pasted(void **state)
{
	struct ident c[3];

	(void)state;
	ok(IDENT_PHONE, "555\xc2\xa0" "010\xe2\x80\x93" "2030", "+15550102030");
	ok(IDENT_PHONE, "+1\xe2\x80\xaf" "555\xe2\x80\x91" "010\xe2\x88\x92" "2030", "+15550102030");
	ok(IDENT_PHONE, "tel:+1-555-010-2030", "+15550102030");
	ok(IDENT_PHONE, "TEL: 555/010 2030", "+15550102030");
	ok(IDENT_EMAIL, "mailto:Foo@Example.com", "foo@example.com");
	ok(IDENT_EMAIL, " MAILTO:foo@example.com ", "foo@example.com");
	ok(IDENT_ACCOUNT, "ac\xe2\x80\x94" "12\xc2\xa0" "34", "AC1234");
	bad(IDENT_PHONE, "tel:");
	bad(IDENT_EMAIL, "mailto:");
	bad(IDENT_PHONE, "555\xe2\x80\x9c" "0102030"); /* a quote is no separator */
	assert_int_equal(ident_candidates(&ar, "555\xc2\xa0" "010\xc2\xa0" "2030", c, 3), 2);
	assert_int_equal(c[0].kind, IDENT_PHONE);
	assert_string_equal(c[0].value, "+15550102030");
	assert_int_equal(ident_candidates(&ar, "555/010/2030", c, 3), 2);
	assert_string_equal(c[0].value, "+15550102030");
	assert_string_equal(c[1].value, "555/010/2030"); /* and as an account */
}

static void test_account_core(void **state)
{
	(void)state;
	assert_string_equal(ident_account_core("AC12345678"), "12345678");
	assert_string_equal(ident_account_core("12345678"), "12345678");
	assert_string_equal(ident_account_core("AB12CD"), "12CD");
	assert_string_equal(ident_account_core("ABC"), "");
	assert_string_equal(ident_account_core(""), "");
}

static void test_phone_international(void **state)
{
	(void)state;
	ok(IDENT_PHONE, "+44 20 7946 0958", "+442079460958");
	ok(IDENT_PHONE, "0044 20 7946 0958", "+442079460958");
	ok(IDENT_PHONE, "+49 (30) 1234-5678", "+493012345678");
	ok(IDENT_PHONE, "+33.1.23.45.67.89", "+33123456789");
	ok(IDENT_PHONE, "+123456789012345", "+123456789012345"); /* 15 */
	ok(IDENT_PHONE, "+3512345678", "+3512345678");
	ok(IDENT_PHONE, "+35 123 456", "+35123456"); /* 8, the least */
}

static void test_phone_default_country(void **state)
{
	(void)state;
	assert_int_equal(ident_set_default_country("44"), E_OK);
	assert_string_equal(ident_default_country(), "44");
	ok(IDENT_PHONE, "020 7946 0958", "+442079460958"); /* trunk 0 dropped */
	ok(IDENT_PHONE, "20 7946 0958", "+442079460958");
	ok(IDENT_PHONE, "+44 20 7946 0958", "+442079460958");
	ok(IDENT_PHONE, "0044 20 7946 0958", "+442079460958");
	ok(IDENT_PHONE, "(555) 010-2030", "+445550102030");
	ok(IDENT_PHONE, "+1 555 010 2030", "+15550102030");
	assert_int_equal(ident_set_default_country("0"), E_INVAL);
	assert_int_equal(ident_set_default_country("1234"), E_INVAL);
	assert_int_equal(ident_set_default_country("4a"), E_INVAL);
	assert_int_equal(ident_set_default_country(""), E_INVAL);
	assert_int_equal(ident_set_default_country(NULL), E_INVAL);
	assert_string_equal(ident_default_country(), "44");
	assert_int_equal(ident_set_default_country("1"), E_OK);
}

static void test_phone_bad(void **state)
{
	(void)state;
	bad(IDENT_PHONE, "");
	bad(IDENT_PHONE, "+");
	bad(IDENT_PHONE, "()-.");
	bad(IDENT_PHONE, "+1 555");             /* 4 digits */
	bad(IDENT_PHONE, "+44 20 79");          /* 6 digits */
	bad(IDENT_PHONE, "+44 20 794");         /* 7 digits */
	bad(IDENT_PHONE, "+1234567890123456");  /* 16 digits */
	bad(IDENT_PHONE, "1234567890123456789012345678901234567"); /* very long */
	bad(IDENT_PHONE, "555-CALL-NOW");
	bad(IDENT_PHONE, "555 010 2030 ext 4");
	bad(IDENT_PHONE, "++1 555 010 2030");
	bad(IDENT_PHONE, "1+555 010 2030");
	bad(IDENT_PHONE, "+0 555 010 2030");    /* no country code 0 */
	bad(IDENT_PHONE, "000 555 010 2030");
	bad(IDENT_PHONE, "555\\010\\2030"); /* a slash is a separator (test_pasted), a backslash not */
	bad(IDENT_PHONE, "\xc3\x28");
}

static void test_account(void **state)
{
	char big[80];

	(void)state;
	ok(IDENT_ACCOUNT, "ab-12 34", "AB1234");
	ok(IDENT_ACCOUNT, " acc.01/x_y ", "ACC.01/X_Y");
	ok(IDENT_ACCOUNT, "0042", "0042");
	ok(IDENT_ACCOUNT, "a", "A");
	bad(IDENT_ACCOUNT, "");
	bad(IDENT_ACCOUNT, " - - ");
	bad(IDENT_ACCOUNT, "ab#1");
	bad(IDENT_ACCOUNT, "ab@1");
	bad(IDENT_ACCOUNT, "n\xc3\xbcmmer"); /* valid UTF-8, not allowed */
	bad(IDENT_ACCOUNT, "ab\xff");
	memset(big, 'A', 64);
	big[64] = '\0';
	ok(IDENT_ACCOUNT, big, big);
	big[64] = 'A';
	big[65] = '\0';
	bad(IDENT_ACCOUNT, big);
	memset(big, '-', 70); /* dashes do not count */
	strcpy(big + 70, "x1");
	ok(IDENT_ACCOUNT, big, "X1");
}

static void test_raw_limit(void **state)
{
	char *big = arena_alloc(&ar, IDENT_RAW_MAX + 2);

	(void)state;
	memset(big, '1', IDENT_RAW_MAX + 1);
	big[IDENT_RAW_MAX + 1] = '\0';
	bad(IDENT_ACCOUNT, big);
	bad(IDENT_PHONE, big);
}

static void test_candidates(void **state)
{
	struct ident c[3];
	size_t n;

	(void)state;
	n = ident_candidates(&ar, " Foo@Example.com ", c, 3);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].kind, IDENT_EMAIL);
	assert_string_equal(c[0].value, "foo@example.com");
	assert_string_equal(c[0].display, "Foo@Example.com");

	n = ident_candidates(&ar, "(555) 010-2030", c, 3);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].kind, IDENT_PHONE);
	assert_string_equal(c[0].value, "+15550102030");

	n = ident_candidates(&ar, "5550102030", c, 3);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].kind, IDENT_PHONE);
	assert_string_equal(c[0].value, "+15550102030");
	assert_int_equal(c[1].kind, IDENT_ACCOUNT);
	assert_string_equal(c[1].value, "5550102030");

	n = ident_candidates(&ar, "5550102030", c, 1); /* bounded by max */
	assert_int_equal(n, 1);
	assert_int_equal(c[0].kind, IDENT_PHONE);

	n = ident_candidates(&ar, "ab-12 34", c, 3);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].kind, IDENT_ACCOUNT);
	assert_string_equal(c[0].value, "AB1234");

	n = ident_candidates(&ar, "555-0102", c, 3); /* 7 digits: phone-like */
	assert_int_equal(n, 2);
	assert_string_equal(c[0].value, "+15550102");
	assert_string_equal(c[1].value, "5550102");

	n = ident_candidates(&ar, "555-010", c, 3); /* 6 digits: account only */
	assert_int_equal(n, 1);
	assert_int_equal(c[0].kind, IDENT_ACCOUNT);

	assert_int_equal(ident_candidates(&ar, "a@b", c, 3), 0);
	assert_int_equal(ident_candidates(&ar, "   ", c, 3), 0);
	assert_int_equal(ident_candidates(&ar, "", c, 3), 0);
	assert_int_equal(ident_candidates(&ar, NULL, c, 3), 0);
	assert_int_equal(ident_candidates(&ar, "\xff", c, 3), 0);
	assert_int_equal(ident_candidates(&ar, "what?", c, 3), 0);
	assert_int_equal(ident_candidates(&ar, "5550102030", c, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_bad_kind),
		cmocka_unit_test(test_email_ok),
		cmocka_unit_test(test_email_bad),
		cmocka_unit_test(test_phone_nanp),
		cmocka_unit_test(test_phone_international),
		cmocka_unit_test(test_phone_default_country),
		cmocka_unit_test(test_phone_bad),
		cmocka_unit_test(test_account),
		cmocka_unit_test(test_raw_limit),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_pasted),
		cmocka_unit_test(test_account_core),
	};

	return cmocka_run_group_tests_name("domain/ident", tests, setup,
					   teardown);
}
