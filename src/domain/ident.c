/*
 * ident.c - identifier normal forms (see ident.h).
 *
 * Each kind is one small function over the trimmed input.  Messages name the
 * rule that failed, so an agent can correct the value without guessing.
 */
#include "domain/ident.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "domain/internal.h"

#define EMAIL_MAX 254
#define EMAIL_LOCAL_MAX 64
#define PHONE_MIN 8
#define PHONE_MAX 15
#define ACCOUNT_MAX 64
/* What people put between the digits of a phone number. */
#define PHONE_SEPARATORS " -.()/"

static char default_cc[4] = "1";

enum ident_kind ident_kind_parse(const char *s)
{
	if (!s)
		return 0;
	if (strcmp(s, "email") == 0)
		return IDENT_EMAIL;
	if (strcmp(s, "phone") == 0)
		return IDENT_PHONE;
	if (strcmp(s, "account") == 0)
		return IDENT_ACCOUNT;
	return 0;
}

const char *ident_kind_name(enum ident_kind k)
{
	switch (k) {
	case IDENT_EMAIL: return "email";
	case IDENT_PHONE: return "phone";
	case IDENT_ACCOUNT: return "account";
	}
	return "unknown";
}

const char *ident_kind_noun(enum ident_kind k)
{
	switch (k) {
	case IDENT_EMAIL: return "email address";
	case IDENT_PHONE: return "phone number";
	case IDENT_ACCOUNT: return "account number";
	}
	return "identifier";
}

enum err ident_set_default_country(const char *cc)
{
	size_t n = cc ? strlen(cc) : 0;

	if (n < 1 || n > 3 || cc[0] == '0')
		return E_INVAL;
	for (size_t i = 0; i < n; i++)
		if (cc[i] < '0' || cc[i] > '9')
			return E_INVAL;
	memcpy(default_cc, cc, n + 1);
	return E_OK;
}

const char *ident_default_country(void)
{
	return default_cc;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* email - lower-case t in place and check it is a plausible address. */
static enum err email(char *t, struct fail *f)
{
	char *at = strchr(t, '@'), *dom;
	size_t n = strlen(t);

	for (char *p = t; *p; p++) {
		unsigned char c = (unsigned char)*p;

		*p = lower(*p);
		if (c <= 0x20 || c == 0x7f)
			return fail_set(f, E_UNPROC, NULL, "value",
					"an email address must not contain spaces");
		if (strchr("\"(),:;<>[\\]", c))
			return fail_set(f, E_UNPROC, NULL, "value",
					"an email address must not contain '%c'", c);
	}
	if (n > EMAIL_MAX)
		return fail_set(f, E_UNPROC, NULL, "value",
				"an email address must be at most %d characters",
				EMAIL_MAX);
	if (!at || strchr(at + 1, '@'))
		return fail_set(f, E_UNPROC, NULL, "value",
				"an email address needs exactly one '@'");
	if (at == t)
		return fail_set(f, E_UNPROC, NULL, "value",
				"an email address needs a name before '@'");
	if ((size_t)(at - t) > EMAIL_LOCAL_MAX)
		return fail_set(f, E_UNPROC, NULL, "value",
				"the part before '@' must be at most %d characters",
				EMAIL_LOCAL_MAX);
	dom = at + 1;
	if (!*dom || !strchr(dom, '.') || dom[0] == '.' ||
	    dom[strlen(dom) - 1] == '.' || strstr(dom, "..") || dom[0] == '-')
		return fail_set(f, E_UNPROC, NULL, "value",
				"an email address needs a domain such as example.com after '@'");
	for (char *p = dom; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!(c >= 0x80 || is_digit(*p) || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '.'))
			return fail_set(f, E_UNPROC, NULL, "value",
					"the domain of an email address must not contain '%c'",
					c);
	}
	return E_OK;
}

/* phone - E.164 form of t into out (room for 40 bytes). */
static enum err phone(const char *t, char *out, struct fail *f)
{
	char d[34];
	size_t nd = 0, n;
	bool intl = false;
	const char *p = t;

	if (*p == '+') {
		intl = true;
		p++;
	}
	for (; *p; p++) {
		if (is_digit(*p)) {
			if (nd >= 32)
				return fail_set(f, E_UNPROC, NULL, "value",
						"a phone number has at most %d digits",
						PHONE_MAX);
			d[nd++] = *p;
		} else if (!strchr(PHONE_SEPARATORS, *p)) {
			return fail_set(f, E_UNPROC, NULL, "value",
					"a phone number may only contain digits, spaces, dashes, dots, slashes, parentheses and a leading '+'");
		}
	}
	d[nd] = '\0';
	if (!nd)
		return fail_set(f, E_UNPROC, NULL, "value",
				"a phone number needs digits");
	out[0] = '+';
	if (!intl && nd >= 2 && d[0] == '0' && d[1] == '0') {
		intl = true;
		memmove(d, d + 2, nd - 1);
		nd -= 2;
	}
	if (intl) {
		if (d[0] == '0')
			return fail_set(f, E_UNPROC, NULL, "value",
					"a country calling code cannot start with 0");
		memcpy(out + 1, d, nd + 1);
	} else if (strcmp(default_cc, "1") == 0) {
		/* NANP: 11 digits starting with 1 already carry the code. */
		if (nd == 11 && d[0] == '1')
			memcpy(out + 1, d, nd + 1);
		else
			snprintf(out + 1, 39, "1%s", d);
	} else {
		snprintf(out + 1, 39, "%s%s", default_cc, d[0] == '0' ? d + 1 : d);
	}
	n = strlen(out + 1);
	if (n < PHONE_MIN || n > PHONE_MAX)
		return fail_set(f, E_UNPROC, NULL, "value",
				"a phone number needs %d to %d digits including the country code",
				PHONE_MIN, PHONE_MAX);
	return E_OK;
}

/* account - drop spaces and dashes, upper-case, check the alphabet. */
static enum err account(const char *t, char *out, struct fail *f)
{
	size_t n = 0;

	for (const char *p = t; *p; p++) {
		char c = upper(*p);

		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || c == '.' ||
		      c == '_' || c == '/'))
			return fail_set(f, E_UNPROC, NULL, "value",
					"an account number may only contain letters, digits, '.', '_', '/', spaces and dashes");
		if (n >= ACCOUNT_MAX)
			return fail_set(f, E_UNPROC, NULL, "value",
					"an account number must be at most %d characters",
					ACCOUNT_MAX);
		out[n++] = c;
	}
	out[n] = '\0';
	if (!n)
		return fail_set(f, E_UNPROC, NULL, "value",
				"an account number needs at least one letter or digit");
	return E_OK;
}

/*
 * plain - t with what copying from a web page or a word processor puts
 * between digits made ASCII, in place: no-break and thin spaces become ' ',
 * Unicode hyphens, dashes and the minus sign '-'.  Then a "mailto:" or
 * "tel:" in front (any case) is dropped.  Returns the start of the result.
 */
static char *plain(char *t)
{
	static const struct { const char *utf8; char ascii; } map[] = {
		{ "\xc2\xa0", ' ' },     /* U+00A0 no-break space */
		{ "\xe2\x80\x87", ' ' }, /* U+2007 figure space */
		{ "\xe2\x80\x89", ' ' }, /* U+2009 thin space */
		{ "\xe2\x80\xaf", ' ' }, /* U+202F narrow no-break space */
		{ "\xe2\x80\x90", '-' }, /* U+2010 hyphen */
		{ "\xe2\x80\x91", '-' }, /* U+2011 non-breaking hyphen */
		{ "\xe2\x80\x92", '-' }, /* U+2012 figure dash */
		{ "\xe2\x80\x93", '-' }, /* U+2013 en dash */
		{ "\xe2\x80\x94", '-' }, /* U+2014 em dash */
		{ "\xe2\x88\x92", '-' }, /* U+2212 minus sign */
	};
	char *o = t;

	for (const char *p = t; *p;) {
		size_t i, n = 0;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			n = strlen(map[i].utf8);
			if (strncmp(p, map[i].utf8, n) == 0)
				break;
		}
		if (i < sizeof(map) / sizeof(map[0])) {
			*o++ = map[i].ascii;
			p += n;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	if (strncasecmp(t, "mailto:", 7) == 0)
		t += 7;
	else if (strncasecmp(t, "tel:", 4) == 0)
		t += 4;
	while (*t == ' ' || *t == '\t')
		t++;
	for (o = t + strlen(t); o > t && (o[-1] == ' ' || o[-1] == '\t'); o--)
		o[-1] = '\0';
	return t;
}

enum err ident_normalize(struct arena *ar, enum ident_kind kind,
			 const char *raw, char **out, struct fail *f)
{
	char *t;
	size_t n;
	enum err rc;

	if (kind != IDENT_EMAIL && kind != IDENT_PHONE && kind != IDENT_ACCOUNT)
		return fail_set(f, E_UNPROC, NULL, "kind",
				"unknown identifier kind; expected email, phone or account");
	if (!raw)
		raw = "";
	n = strlen(raw);
	if (n > IDENT_RAW_MAX)
		return fail_set(f, E_UNPROC, NULL, "value",
				"an identifier must be at most %d bytes",
				IDENT_RAW_MAX);
	if (!utf8_valid(raw, n))
		return fail_set(f, E_UNPROC, NULL, "value",
				"is not valid UTF-8");
	t = domain__trim(ar, raw);
	if (!t)
		return domain__nomem(f);
	t = plain(t);
	if (!*t)
		return fail_set(f, E_UNPROC, NULL, "value",
				"the %s must not be empty", ident_kind_noun(kind));
	switch (kind) {
	case IDENT_EMAIL:
		rc = email(t, f);
		break;
	case IDENT_PHONE: {
		char buf[40];

		rc = phone(t, buf, f);
		if (rc == E_OK && !(t = arena_strdup(ar, buf)))
			rc = domain__nomem(f);
		break;
	}
	default: {
		char buf[ACCOUNT_MAX + 1];

		rc = account(t, buf, f);
		if (rc == E_OK && !(t = arena_strdup(ar, buf)))
			rc = domain__nomem(f);
		break;
	}
	}
	if (rc == E_OK)
		*out = t;
	return rc;
}

/* phone_like - only phone characters and at least 7 digits. */
static bool phone_like(const char *t)
{
	size_t digits = 0;

	if (*t == '+')
		t++;
	for (; *t; t++) {
		if (is_digit(*t))
			digits++;
		else if (!strchr(PHONE_SEPARATORS, *t))
			return false;
	}
	return digits >= 7;
}

size_t ident_candidates(struct arena *ar, const char *text, struct ident *out,
			size_t max)
{
	static const enum ident_kind order[] = { IDENT_EMAIL, IDENT_PHONE,
						  IDENT_ACCOUNT };
	size_t n = 0;
	char *t, *v;

	if (!text || strlen(text) > IDENT_RAW_MAX ||
	    !utf8_valid(text, strlen(text)))
		return 0;
	t = domain__trim(ar, text);
	if (!t || !*(t = plain(t)))
		return 0;
	for (size_t i = 0; i < 3 && n < max; i++) {
		enum ident_kind k = order[i];

		if (k == IDENT_EMAIL && !strchr(t, '@'))
			continue;
		if (k == IDENT_PHONE && !phone_like(t))
			continue;
		if (ident_normalize(ar, k, t, &v, NULL) != E_OK)
			continue;
		out[n].kind = k;
		out[n].value = v;
		out[n].display = t;
		n++;
	}
	return n;
}

const char *ident_account_core(const char *value)
{
	while (*value >= 'A' && *value <= 'Z')
		value++;
	return value;
}
