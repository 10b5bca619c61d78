/*
 * agents.c - agent rules (see agents.h).
 */
#include "domain/agents.h"

#include <string.h>

#include "base/clock.h"
#include "domain/auth.h"
#include "domain/ident.h"
#include "domain/internal.h"
#include "domain/routing.h"

static enum err check_email(struct store *st, struct arena *ar,
			    const char *raw, int64_t self, char **out,
			    struct fail *f)
{
	struct agent other;
	enum err rc;

	rc = ident_normalize(ar, IDENT_EMAIL, raw, out, f);
	if (rc != E_OK) {
		domain__field(f, "email");
		return rc;
	}
	rc = store_agent_by_email(st, ar, *out, &other);
	if (rc == E_OK && other.id != self)
		return fail_set(f, E_CONFLICT, "email_taken", "email",
				"another agent already uses this email address");
	if (rc != E_OK && rc != E_NOTFOUND)
		return domain__io(f, rc);
	return E_OK;
}

static enum err check_role(const char *s, enum role *out, struct fail *f)
{
	*out = role_parse(s);
	if (!*out)
		return fail_set(f, E_UNPROC, NULL, "role",
				"unknown role; expected agent, supervisor or admin");
	return E_OK;
}

/* password - the hash to store: given, made from pw, or NULL. */
static enum err password(struct arena *ar, const char *pw, const char *hash,
			 char **out, struct fail *f)
{
	char buf[AUTH_HASH_LEN];
	enum err rc;

	*out = NULL;
	if (hash) {
		if (!memchr(hash, '\0', AUTH_HASH_LEN) ||
		    strncmp(hash, "$argon2", 7) != 0)
			return fail_set(f, E_UNPROC, NULL, "password",
					"not a password hash from auth_password_hash");
		pw = NULL;
	} else if (pw) {
		rc = auth_password_hash(pw, buf, f);
		if (rc != E_OK)
			return rc;
		hash = buf;
	}
	if (hash && !(*out = arena_strdup(ar, hash)))
		return domain__nomem(f);
	return E_OK;
}

/* check_skills - a comma-separated skill list (NULL: none) into *out. */
static enum err check_skills(struct arena *ar, const char *in, char **out,
			     struct fail *f)
{
	if (!routing_skills_valid(in ? in : ""))
		return fail_set(f, E_UNPROC, NULL, "skills",
				"must be up to 16 comma-separated names of a-z 0-9 _ -");
	if (!(*out = arena_strdup(ar, in ? in : "")))
		return domain__nomem(f);
	return E_OK;
}

static enum err check_capacity(int capacity, struct fail *f)
{
	if (capacity < 1 || capacity > AGENT_CAPACITY_MAX)
		return fail_set(f, E_UNPROC, NULL, "capacity", "must be 1 to %d",
				AGENT_CAPACITY_MAX);
	return E_OK;
}

enum err agents_create(struct store *st, struct arena *ar,
		       const struct agent_new *in, struct agent *out,
		       struct fail *f)
{
	struct agent a = { 0 };
	enum err rc;

	rc = domain__text(ar, in->name, "name", 1, AGENT_NAME_MAX, &a.name, f);
	if (rc != E_OK)
		return rc;
	rc = check_email(st, ar, in->email, 0, &a.email, f);
	if (rc != E_OK)
		return rc;
	rc = check_role(in->role ? in->role : "agent", &a.role, f);
	if (rc != E_OK)
		return rc;
	if ((rc = check_skills(ar, in->skills, &a.skills, f)) != E_OK)
		return rc;
	a.capacity = in->capacity ? in->capacity : AGENT_CAPACITY_DEFAULT;
	if ((rc = check_capacity(a.capacity, f)) != E_OK)
		return rc;
	rc = password(ar, in->password, in->password_hash, &a.password_hash, f);
	if (rc != E_OK)
		return rc;
	a.created_at = a.updated_at = clock_now_ms();
	rc = store_agent_insert(st, &a);
	if (rc == E_CONFLICT)
		return fail_set(f, E_CONFLICT, "email_taken", "email",
				"another agent already uses this email address");
	if (rc != E_OK)
		return domain__io(f, rc);
	*out = a;
	return E_OK;
}

/* other_admin - true when an admin other than id exists. */
static enum err other_admin(struct store *st, struct arena *ar, int64_t id,
			    bool *yes)
{
	struct agent_list l;
	enum err rc = store_agent_list(st, ar, &l);

	*yes = false;
	for (size_t i = 0; rc == E_OK && i < l.n; i++)
		if (l.items[i].role == ROLE_ADMIN && l.items[i].id != id)
			*yes = true;
	return rc;
}

enum err agents_update(struct store *st, struct arena *ar, int64_t id,
		       const struct agent_patch *p, struct agent *out,
		       struct fail *f)
{
	struct agent a;
	bool changed = false, yes;
	char *skills;
	enum err rc;

	rc = store_agent_get(st, ar, id, &a);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no agent with id %lld", (long long)id);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (p->has_name) {
		char *name;

		rc = domain__text(ar, p->name, "name", 1, AGENT_NAME_MAX, &name,
				  f);
		if (rc != E_OK)
			return rc;
		changed |= strcmp(name, a.name) != 0;
		a.name = name;
	}
	if (p->has_email) {
		char *email;

		rc = check_email(st, ar, p->email, a.id, &email, f);
		if (rc != E_OK)
			return rc;
		changed |= strcmp(email, a.email) != 0;
		a.email = email;
	}
	if (p->has_role) {
		enum role r;

		rc = check_role(p->role, &r, f);
		if (rc != E_OK)
			return rc;
		if (a.role == ROLE_ADMIN && r != ROLE_ADMIN) {
			rc = other_admin(st, ar, a.id, &yes);
			if (rc != E_OK)
				return domain__io(f, rc);
			if (!yes)
				return fail_set(f, E_CONFLICT, "last_admin",
						"role",
						"cannot demote the last admin");
		}
		changed |= r != a.role;
		a.role = r;
	}
	if (p->has_skills) {
		if ((rc = check_skills(ar, p->skills, &skills, f)) != E_OK)
			return rc;
		changed |= strcmp(a.skills ? a.skills : "", skills) != 0;
		a.skills = skills;
	}
	if (p->has_capacity) {
		if ((rc = check_capacity(p->capacity, f)) != E_OK)
			return rc;
		changed |= p->capacity != a.capacity;
		a.capacity = p->capacity;
	}
	if (p->has_password) {
		rc = password(ar, p->password, p->password_hash,
			      &a.password_hash, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if (changed) {
		a.updated_at = clock_now_ms();
		rc = store_agent_update(st, &a);
		if (rc == E_CONFLICT)
			return fail_set(f, E_CONFLICT, "email_taken", "email",
					"another agent already uses this email address");
		if (rc != E_OK)
			return domain__io(f, rc);
	}
	*out = a;
	return E_OK;
}

enum err agents_get(struct store *st, struct arena *ar, int64_t id,
		    struct agent *out)
{
	return store_agent_get(st, ar, id, out);
}

enum err agents_list(struct store *st, struct arena *ar,
		     struct agent_list *out)
{
	return store_agent_list(st, ar, out);
}
