/*
 * auth.c - passwords, tokens and roles (see auth.h).
 *
 * Every comparison of secrets goes through libsodium (constant time).  A
 * login for an unknown email verifies against a dummy hash made with the
 * same limits, so both paths cost one argon2id verify.
 */
#include "domain/auth.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "base/clock.h"
#include "domain/ident.h"
#include "domain/internal.h"

_Static_assert(AUTH_HASH_LEN == crypto_pwhash_STRBYTES, "hash buffer size");
_Static_assert(AUTH_TOKEN_LEN == sizeof(AUTH_TOKEN_PREFIX) - 1 + 43,
	       "token length");

#define TOKEN_RAW 32

static bool ready;
static unsigned long long opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
static char dummy_hash[AUTH_HASH_LEN];

/* make_dummy - a hash of a random password nobody knows, current limits. */
static enum err make_dummy(void)
{
	unsigned char pw[24];
	char txt[sizeof(pw) * 2 + 1];

	randombytes_buf(pw, sizeof(pw));
	sodium_bin2hex(txt, sizeof(txt), pw, sizeof(pw));
	if (crypto_pwhash_str(dummy_hash, txt, strlen(txt), opslimit,
			      memlimit) != 0)
		return E_NOMEM;
	return E_OK;
}

enum err auth_init(void)
{
	if (ready)
		return E_OK;
	if (sodium_init() < 0)
		return E_IO;
	if (make_dummy() != E_OK)
		return E_NOMEM;
	ready = true;
	return E_OK;
}

void auth_set_cost_for_tests(void)
{
	opslimit = crypto_pwhash_OPSLIMIT_MIN;
	memlimit = crypto_pwhash_MEMLIMIT_MIN;
	make_dummy();
}

static bool password_ok(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;

	return n >= AUTH_PASSWORD_MIN && n <= AUTH_PASSWORD_MAX;
}

enum err auth_password_hash(const char *pw, char out[AUTH_HASH_LEN],
			    struct fail *f)
{
	if (!password_ok(pw))
		return fail_set(f, E_UNPROC, NULL, "password",
				"a password must be %d to %d bytes long",
				AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
	if (crypto_pwhash_str(out, pw, strlen(pw), opslimit, memlimit) != 0)
		return domain__nomem(f);
	return E_OK;
}

enum err auth_password_verify(const char *hash, const char *pw)
{
	if (!hash || !password_ok(pw) || !memchr(hash, '\0', AUTH_HASH_LEN))
		return E_AUTH;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? E_OK :
								    E_AUTH;
}

enum err auth_token_new(char out[AUTH_TOKEN_LEN + 1], unsigned char hash[32])
{
	unsigned char raw[TOKEN_RAW];
	size_t plen = sizeof(AUTH_TOKEN_PREFIX) - 1;

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, AUTH_TOKEN_PREFIX, plen);
	if (!sodium_bin2base64(out + plen, AUTH_TOKEN_LEN + 1 - plen, raw,
			       sizeof(raw),
			       sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return E_IO;
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(out, hash);
	return E_OK;
}

void auth_token_hash(const char *secret, unsigned char hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)secret,
			   strlen(secret), NULL, 0);
}

enum err auth_authenticate(struct store *st, struct arena *ar,
			   const char *secret, struct agent *out,
			   struct token *tok)
{
	unsigned char hash[32];
	struct token t;
	int64_t now = clock_now_ms();
	enum err rc;

	if (!secret || strlen(secret) != AUTH_TOKEN_LEN ||
	    strncmp(secret, AUTH_TOKEN_PREFIX, sizeof(AUTH_TOKEN_PREFIX) - 1))
		return E_AUTH;
	auth_token_hash(secret, hash);
	rc = store_token_by_hash(st, hash, &t);
	if (rc == E_NOTFOUND)
		return E_AUTH;
	if (rc != E_OK)
		return rc;
	if (sodium_memcmp(t.hash, hash, sizeof(hash)) != 0 || t.revoked_at ||
	    (t.expires_at && now >= t.expires_at))
		return E_AUTH;
	rc = store_agent_get(st, ar, t.agent_id, out);
	if (rc == E_NOTFOUND)
		return E_AUTH;
	if (rc == E_OK && tok)
		*tok = t;
	return rc;
}

enum err auth_check_password(struct store *st, struct arena *ar,
			     const char *email, const char *password,
			     struct agent *out, struct fail *f)
{
	struct agent a;
	char *norm;
	enum err rc = E_NOTFOUND;

	if (ident_normalize(ar, IDENT_EMAIL, email, &norm, NULL) == E_OK)
		rc = store_agent_by_email(st, ar, norm, &a);
	if (rc != E_OK && rc != E_NOTFOUND)
		return domain__io(f, rc);
	if (rc == E_NOTFOUND || !a.password_hash) {
		(void)auth_password_verify(dummy_hash, password);
		return fail_set(f, E_AUTH, NULL, NULL,
				"wrong email or password");
	}
	if (auth_password_verify(a.password_hash, password) != E_OK)
		return fail_set(f, E_AUTH, NULL, NULL,
				"wrong email or password");
	*out = a;
	return E_OK;
}

enum err auth_token_create(struct store *st, struct arena *ar,
			   int64_t agent_id, enum token_kind kind,
			   int64_t ttl_ms, char token_out[AUTH_TOKEN_LEN + 1],
			   struct token *tok, struct fail *f)
{
	struct token t = { .agent_id = agent_id, .kind = kind };
	struct agent a;
	int64_t now = clock_now_ms();
	enum err rc;

	if (kind != TOKEN_API && kind != TOKEN_SESSION)
		return fail_set(f, E_UNPROC, NULL, "kind",
				"unknown token kind");
	if (ttl_ms < 0 || ttl_ms > INT64_MAX - now)
		return fail_set(f, E_UNPROC, NULL, "ttl",
				"a token lifetime must be 0 (never expires) or positive");
	rc = store_agent_get(st, ar, agent_id, &a);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_UNPROC, NULL, "agent_id",
				"no agent with id %lld", (long long)agent_id);
	if (rc != E_OK)
		return domain__io(f, rc);
	rc = auth_token_new(token_out, t.hash);
	if (rc != E_OK)
		return domain__io(f, rc);
	t.created_at = now;
	t.expires_at = ttl_ms ? now + ttl_ms : 0;
	rc = store_token_insert(st, &t);
	if (rc != E_OK) {
		sodium_memzero(token_out, AUTH_TOKEN_LEN + 1);
		return domain__io(f, rc);
	}
	if (tok)
		*tok = t;
	return E_OK;
}

enum err auth_login(struct store *st, struct arena *ar, const char *email,
		    const char *password, int64_t ttl_ms,
		    char token_out[AUTH_TOKEN_LEN + 1], struct agent *out,
		    struct fail *f)
{
	struct agent a;
	enum err rc;

	if (ttl_ms <= 0)
		return fail_set(f, E_UNPROC, NULL, "ttl",
				"a session lifetime must be positive");
	rc = auth_check_password(st, ar, email, password, &a, f);
	if (rc != E_OK)
		return rc;
	rc = auth_token_create(st, ar, a.id, TOKEN_SESSION, ttl_ms, token_out,
			       NULL, f);
	if (rc == E_OK)
		*out = a;
	return rc;
}

enum err auth_logout(struct store *st, const char *secret)
{
	unsigned char hash[32];
	struct token t;
	enum err rc;

	if (!secret || strlen(secret) != AUTH_TOKEN_LEN)
		return E_AUTH;
	auth_token_hash(secret, hash);
	rc = store_token_by_hash(st, hash, &t);
	if (rc == E_NOTFOUND)
		return E_AUTH;
	if (rc != E_OK)
		return rc;
	if (t.revoked_at)
		return E_OK;
	return store_token_revoke(st, t.id, clock_now_ms());
}

enum role role_parse(const char *s)
{
	if (!s)
		return ROLE_NONE;
	if (strcmp(s, "agent") == 0)
		return ROLE_AGENT;
	if (strcmp(s, "supervisor") == 0)
		return ROLE_SUPERVISOR;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_AGENT: return "agent";
	case ROLE_SUPERVISOR: return "supervisor";
	case ROLE_ADMIN: return "admin";
	case ROLE_NONE: break;
	}
	return "none";
}
