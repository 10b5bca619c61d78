/*
 * agents.h - the people who work cases: create, change, read.
 *
 * An agent has a name, a unique lower-cased email (normalised like a
 * customer email identifier), a role and optionally a password (agents
 * without one cannot log in, only use API tokens issued for them).  One rule
 * beyond validation: the last admin cannot be demoted, so an installation
 * never locks itself out of administration.
 */
#ifndef HEED_DOMAIN_AGENTS_H
#define HEED_DOMAIN_AGENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

#define AGENT_NAME_MAX 200
#define AGENT_CAPACITY_DEFAULT 3  /* concurrent chats of a new agent */
#define AGENT_CAPACITY_MAX 20

/* What a new agent is made of.  Strings are not kept. */
struct agent_new {
	const char *name;          /* 1..200 characters after trimming */
	const char *email;
	const char *role;          /* "agent", "supervisor", "admin"; NULL: agent */
	const char *password;      /* plain, hashed here; NULL: none */
	const char *password_hash; /* or a hash from auth_password_hash(), made
				    * outside the transaction; wins over password */
	const char *skills;        /* comma-separated; NULL: none */
	int capacity;              /* concurrent chats; 0: the default */
};

/* A change to an agent: only fields with has_* set are touched. */
struct agent_patch {
	bool has_name;
	const char *name;
	bool has_email;
	const char *email;
	bool has_role;
	const char *role;
	bool has_password;
	const char *password;      /* NULL removes the password */
	const char *password_hash; /* as in agent_new; wins over password */
	bool has_skills;
	const char *skills;        /* comma-separated skills (a new agent: none) */
	bool has_capacity;
	int capacity;              /* concurrent chats 1..20 (a new agent: 3) */
};

/* agents_create - validate and insert an agent; *out is the stored record
 * (strings in ar).  E_UNPROC with field name/email/role/password for a bad
 * value; E_CONFLICT field "email" when another agent has the email.
 * Writes: inside the caller's transaction. */
enum err agents_create(struct store *st, struct arena *ar,
		       const struct agent_new *in, struct agent *out,
		       struct fail *f);

/* agents_update - apply patch p to agent id.  E_NOTFOUND for an unknown id;
 * validation as agents_create; E_CONFLICT field "role" when it would demote
 * the last admin.  updated_at is bumped only when something changed.
 * Writes: inside the caller's transaction. */
enum err agents_update(struct store *st, struct arena *ar, int64_t id,
		       const struct agent_patch *p, struct agent *out,
		       struct fail *f);

/* agents_get - one agent, E_NOTFOUND if none. */
enum err agents_get(struct store *st, struct arena *ar, int64_t id,
		    struct agent *out);

/* agents_list - every agent (the store's order). */
enum err agents_list(struct store *st, struct arena *ar,
		     struct agent_list *out);

#endif
