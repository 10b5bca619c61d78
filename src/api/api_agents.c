/*
 * api_agents.c - /api/v1/agents: the team, for supervisors to see and
 * admins to change.  A new password is hashed on the slow pool before the
 * write, so the writer thread never spends 0.1 s on argon2id.
 */
#include "api/internal.h"

#include "chan/hub.h"
#include "domain/agents.h"
#include "domain/auth.h"

struct agent_job {
	struct api_job j;
	int64_t id;
	struct agent_new in;
	struct agent_patch patch;
	const char *password;
	char hash[AUTH_HASH_LEN];
	enum err hash_result;
	struct agent out;
};

void api_h_agents_list(struct http_req *r)
{
	struct agent_list list;
	json_t *items;
	enum err e = agents_list(api_req(r)->w->rd, &r->arena, &list);

	if (e) {
		api_fail(r, e, NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; items && i < list.n; i++)
		json_array_append_new(items, api_agent_json(&list.items[i]));
	api_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_h_agent_get(struct http_req *r)
{
	struct agent a;
	int64_t id;
	enum err e;

	if (!api_param_id(r, 0, &id))
		return;
	e = agents_get(api_req(r)->w->rd, &r->arena, id, &a);
	if (e) {
		api_fail(r, e, NULL);
		return;
	}
	api_json(r, 200, api_agent_json(&a));
}

static void resume_one(struct http_req *r, int status)
{
	struct agent_job *aj = api_job_of(r);

	if (aj->j.job.result) {
		api_fail(r, aj->j.job.result, &aj->j.fail);
		return;
	}
	hub_agent_put(api_req(r)->w->api->hub, &aj->out); /* routing sees it now */
	api_json(r, status, api_agent_json(&aj->out));
}

/* get_capacity - the optional integer "capacity"; a wrong type is 400. */
static bool get_capacity(struct http_req *r, json_t *body, bool *present, int *out)
{
	json_t *v = json_object_get(body, "capacity");

	*present = v != NULL;
	if (!v)
		return true;
	if (!json_is_integer(v)) {
		api_error(r, E_INVAL, NULL, "capacity", "'capacity' must be an integer");
		return false;
	}
	/* out of int range: let the domain's range check refuse it */
	*out = json_integer_value(v) > 1000 || json_integer_value(v) < 0
		       ? -1 : (int)json_integer_value(v);
	return true;
}

static void hash_password(struct http_req *r)
{
	struct agent_job *aj = api_job_of(r);

	aj->hash_result = auth_password_hash(aj->password, aj->hash, &aj->j.fail);
}

/* after_hash - continue with the write once the hash is ready. */
static void after_hash(struct http_req *r, txq_run_fn run, http_handler resume)
{
	struct agent_job *aj = api_job_of(r);

	if (aj->hash_result) {
		api_fail(r, aj->hash_result, &aj->j.fail);
		return;
	}
	api_write(r, &aj->j, run, resume);
}

static enum err run_create(struct store *st, struct txq_job *tj)
{
	struct agent_job *aj = (struct agent_job *)tj;

	return agents_create(st, &aj->j.r->arena, &aj->in, &aj->out, &aj->j.fail);
}

static void resume_create(struct http_req *r)
{
	resume_one(r, 201);
}

static void create_hashed(struct http_req *r)
{
	after_hash(r, run_create, resume_create);
}

void api_h_agent_create(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct agent_job *aj = api_alloc(r, sizeof(*aj));
	bool present;

	if (!aj)
		return;
	if (!api_get_str(r, q->body, "name", "name", true, &aj->in.name) ||
	    !api_get_str(r, q->body, "email", "email", true, &aj->in.email) ||
	    !api_get_str(r, q->body, "role", "role", true, &aj->in.role) ||
	    !api_get_str(r, q->body, "skills", "skills", false, &aj->in.skills) ||
	    !get_capacity(r, q->body, &present, &aj->in.capacity) ||
	    !api_get_str(r, q->body, "password", "password", false, &aj->password))
		return;
	if (present && aj->in.capacity == 0)
		aj->in.capacity = -1; /* 0 is not "the default" when sent */
	api_set_job(r, &aj->j);
	if (!aj->password) {
		api_write(r, &aj->j, run_create, resume_create);
		return;
	}
	aj->in.password_hash = aj->hash;
	api_slow(r, hash_password, create_hashed);
}

static enum err run_patch(struct store *st, struct txq_job *tj)
{
	struct agent_job *aj = (struct agent_job *)tj;

	return agents_update(st, &aj->j.r->arena, aj->id, &aj->patch, &aj->out,
			     &aj->j.fail);
}

static void resume_patch(struct http_req *r)
{
	resume_one(r, 200);
}

static void patch_hashed(struct http_req *r)
{
	after_hash(r, run_patch, resume_patch);
}

void api_h_agent_patch(struct http_req *r)
{
	struct api_req *q = api_req(r);
	struct agent_job *aj = api_alloc(r, sizeof(*aj));
	struct agent_patch *p;

	if (!aj)
		return;
	p = &aj->patch;
	if (!api_param_id(r, 0, &aj->id))
		return;
	p->has_name = json_object_get(q->body, "name") != NULL;
	p->has_email = json_object_get(q->body, "email") != NULL;
	p->has_role = json_object_get(q->body, "role") != NULL;
	p->has_skills = json_object_get(q->body, "skills") != NULL;
	if (!api_get_str(r, q->body, "name", "name", p->has_name, &p->name) ||
	    !api_get_str(r, q->body, "email", "email", p->has_email, &p->email) ||
	    !api_get_str(r, q->body, "role", "role", p->has_role, &p->role) ||
	    !api_get_str(r, q->body, "skills", "skills", p->has_skills, &p->skills) ||
	    !get_capacity(r, q->body, &p->has_capacity, &p->capacity) ||
	    !api_get_str(r, q->body, "password", "password", false, &aj->password))
		return;
	api_set_job(r, &aj->j);
	if (!aj->password) {
		api_write(r, &aj->j, run_patch, resume_patch);
		return;
	}
	p->has_password = true;
	p->password_hash = aj->hash;
	api_slow(r, hash_password, patch_hashed);
}
