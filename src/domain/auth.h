/*
 * auth.h - passwords, tokens and roles.
 *
 * Passwords are kept only as argon2id strings (libsodium crypto_pwhash_str,
 * interactive limits: about 64 MiB and tens of milliseconds per hash or
 * verify).  Tokens are "heed_" + 43 base64url characters (32 random bytes);
 * only their BLAKE2b-256 hash is stored, so a stolen database holds no
 * usable token.  Session tokens (from login) expire; API tokens may not.
 *
 * Cost note for callers: hashing and verifying a password is deliberately
 * slow.  Keep it out of the group-commit writer where possible: hash with
 * auth_password_hash() before the transaction and pass the result in
 * agent_new.password_hash, and check a login with auth_check_password() on a
 * read handle before auth_token_create() in the writer.  auth_login() does
 * both in one call for the CLI and tests.
 */
#ifndef HEED_DOMAIN_AUTH_H
#define HEED_DOMAIN_AUTH_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

/* Size of a password hash string buffer (== crypto_pwhash_STRBYTES). */
#define AUTH_HASH_LEN 128
/* Length of a token secret, "heed_" + 43 base64url characters. */
#define AUTH_TOKEN_LEN 48
#define AUTH_TOKEN_PREFIX "heed_"
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 1024

/* auth_init - initialise libsodium and the dummy hash used to keep login
 * timing flat.  Call once at start-up before threads; later calls are
 * no-ops.  E_IO when libsodium cannot start. */
enum err auth_init(void);

/* auth_set_cost_for_tests - use the minimum argon2id limits from now on
 * (fast, insecure).  Tests only; call after auth_init(). */
void auth_set_cost_for_tests(void);

/* auth_password_hash - argon2id string of pw into out.  E_UNPROC (field
 * "password") unless pw is 8..1024 bytes; E_NOMEM when the hash cannot get
 * its memory. */
enum err auth_password_hash(const char *pw, char out[AUTH_HASH_LEN],
			    struct fail *f);

/* auth_password_verify - E_OK when pw matches hash, E_AUTH otherwise
 * (including a NULL or malformed hash and an out-of-range pw). */
enum err auth_password_verify(const char *hash, const char *pw);

/* auth_token_new - a fresh random secret in out and its hash.  E_IO only if
 * encoding fails (it cannot for these sizes). */
enum err auth_token_new(char out[AUTH_TOKEN_LEN + 1], unsigned char hash[32]);

/* auth_token_hash - BLAKE2b-256 of the secret text. */
void auth_token_hash(const char *secret, unsigned char hash[32]);

/* auth_authenticate - the agent behind a bearer secret.  E_AUTH when the
 * secret is malformed, unknown, revoked or expired (clock_now_ms()), or its
 * agent is gone; storage errors pass through.  Read only: needs no
 * transaction.  *tok (may be NULL) receives the token record. */
enum err auth_authenticate(struct store *st, struct arena *ar,
			   const char *secret, struct agent *out,
			   struct token *tok);

/* auth_check_password - the agent with this email (trimmed, lower-cased)
 * whose password matches.  E_AUTH (message "wrong email or password", no
 * field) on any mismatch, an unknown email or an agent without a password;
 * an unknown email still costs one verify so timing does not tell which
 * emails exist.  Read only. */
enum err auth_check_password(struct store *st, struct arena *ar,
			     const char *email, const char *password,
			     struct agent *out, struct fail *f);

/* auth_token_create - issue a token of kind for agent_id, expiring after
 * ttl_ms (0: never; negative is E_UNPROC field "ttl").  The secret is
 * written to token_out and shown once; only its hash is stored.  E_UNPROC
 * field "agent_id" for an unknown agent.  Writes: inside the caller's
 * transaction.  *tok (may be NULL) receives the stored record. */
enum err auth_token_create(struct store *st, struct arena *ar,
			   int64_t agent_id, enum token_kind kind,
			   int64_t ttl_ms, char token_out[AUTH_TOKEN_LEN + 1],
			   struct token *tok, struct fail *f);

/* auth_login - auth_check_password then a TOKEN_SESSION token living ttl_ms
 * (must be > 0).  E_AUTH on any mismatch.  Writes: inside the caller's
 * transaction. */
enum err auth_login(struct store *st, struct arena *ar, const char *email,
		    const char *password, int64_t ttl_ms,
		    char token_out[AUTH_TOKEN_LEN + 1], struct agent *out,
		    struct fail *f);

/* auth_logout - revoke the token with this secret (now).  E_AUTH when the
 * secret is unknown; revoking a revoked token is E_OK.  Writes. */
enum err auth_logout(struct store *st, const char *secret);

/* role_parse - "agent", "supervisor" or "admin"; ROLE_NONE otherwise. */
enum role role_parse(const char *s);

/* role_name - the word for a role, "none" for ROLE_NONE or invalid. */
const char *role_name(enum role r);

#endif
