/*
 * api_sessions.c - sign in and out, and who am I.
 *
 * Sign-in checks the argon2id hash on the slow pool (about 0.1 s of CPU
 * and 64 MiB, which must not stall an event loop), then stores the new
 * session token through the write queue.  The token is returned once in
 * the body and as an HttpOnly, SameSite=Strict cookie for the console.
 */
#include "api/internal.h"

#include <stdio.h>
#include <string.h>

#include "domain/auth.h"

struct login_job {
	struct api_job j;
	const char *email, *password;
	enum err check;
	struct fail check_fail;
	struct agent agent;
	struct token tok;
	char token[AUTH_TOKEN_LEN + 1];
};

static void login_check(struct http_req *r)
{
	struct login_job *lj = api_job_of(r);

	lj->check = auth_check_password(api_req(r)->w->api->slow_st, &r->arena,
					lj->email, lj->password, &lj->agent,
					&lj->check_fail);
}

static enum err run_token(struct store *st, struct txq_job *tj)
{
	struct login_job *lj = (struct login_job *)tj;

	return auth_token_create(st, &lj->j.r->arena, lj->agent.id, TOKEN_SESSION,
				 api_req(lj->j.r)->w->api->cfg.session_ttl_ms,
				 lj->token, &lj->tok, &lj->j.fail);
}

static void login_done(struct http_req *r)
{
	struct login_job *lj = api_job_of(r);
	int64_t ttl = api_req(r)->w->api->cfg.session_ttl_ms;

	if (lj->j.job.result) {
		api_fail(r, lj->j.job.result, &lj->j.fail);
		return;
	}
	r->set_cookie = arena_printf(&r->arena,
				     "heed_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
				     lj->token, (long long)(ttl / 1000));
	api_json(r, 201, json_pack("{s:s, s:o, s:o}", "token", lj->token,
				   "expires_at", api_time_json(lj->tok.expires_at),
				   "agent", api_agent_json(&lj->agent)));
}

static void login_checked(struct http_req *r)
{
	struct login_job *lj = api_job_of(r);

	if (lj->check == E_AUTH || lj->check == E_NOTFOUND) {
		api_error(r, E_AUTH, NULL, NULL, "wrong email or password");
		return;
	}
	if (lj->check) {
		api_fail(r, lj->check, &lj->check_fail);
		return;
	}
	api_write(r, &lj->j, run_token, login_done);
}

void api_h_session_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct login_job *lj = api_alloc(r, sizeof(*lj));

	if (!lj)
		return;
	if (!api_get_str(r, q->body, "email", "email", true, &lj->email) ||
	    !api_get_str(r, q->body, "password", "password", true, &lj->password))
		return;
	api_set_job(r, &lj->j);
	api_slow(r, login_check, login_checked);
}

static enum err run_logout(struct store *st, struct txq_job *tj)
{
	struct api_job *j = (struct api_job *)tj;

	return auth_logout(st, api_req(j->r)->secret);
}

static void logout_done(struct http_req *r)
{
	struct api_job *j = api_job_of(r);

	if (j->job.result) {
		api_fail(r, j->job.result, &j->fail);
		return;
	}
	r->set_cookie = "heed_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
	http_reply(r, 204, "application/json", "", 0);
}

void api_h_session_delete(struct http_req *r)
{
	struct api_job *j = api_alloc(r, sizeof(*j));

	if (!j)
		return;
	api_write(r, j, run_logout, logout_done);
}

void api_h_me(struct http_req *r)
{
	api_json(r, 200, api_agent_json(&api_req(r)->agent));
}
