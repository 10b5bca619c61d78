/*
 * cmd_admin.c - the administration commands: migrate, agent add, token
 * create, demo, routes.  Each opens the database, runs domain calls in one
 * transaction, and reports in one line.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/app.h"
#include "base/log.h"
#include "domain/agents.h"
#include "domain/auth.h"
#include "domain/customers.h"
#include "http/router.h"

/* index_names - customer records: put the names of customers made before
 * the name index existed (or by a bulk fill) into it, 1,000 a transaction. */
static enum err index_names(struct store *st)
{
	struct fail f = {0};
	struct arena ar;
	size_t done, total = 0;
	enum err e;

	do {
		arena_init(&ar, 64 * 1024);
		e = store_begin(st);
		if (e == E_OK)
			e = customers_index_names(st, &ar, 1000, &done, &f);
		if (e == E_OK)
			e = store_commit(st);
		else
			store_rollback(st);
		arena_release(&ar);
		total += e == E_OK ? done : 0;
	} while (e == E_OK && done);
	if (total)
		log_info("store", "indexed the names of %zu customers", total);
	return e;
}

enum err app_open_store(const struct config *c, struct store **out)
{
	int version = 0;
	enum err e = store_open(c->db, out);

	if (e) {
		log_error("store", "cannot open database '%s'", c->db);
		return e;
	}
	e = store_migrate(*out, &version);
	if (e) {
		log_error("store", "cannot migrate database '%s'", c->db);
		store_close(*out);
		*out = NULL;
		return e;
	}
	e = index_names(*out);
	if (e) {
		log_error("store", "cannot index customer names in '%s'", c->db);
		store_close(*out);
		*out = NULL;
	}
	return e;
}

int cmd_migrate(struct app_opts *o)
{
	struct store *st;

	if (app_open_store(&o->cfg, &st) != E_OK)
		return 1;
	store_close(st);
	printf("heed: database %s is up to date\n", o->cfg.db);
	return 0;
}

/* read_password - first line of stdin, without its newline. */
static bool read_password(char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, stdin))
		return false;
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return true;
}

static void print_fail(const char *what, enum err e, const struct fail *f)
{
	if (f->msg[0])
		fprintf(stderr, "heed: %s: %s%s%s\n", what, f->msg,
			f->field[0] ? " (" : "", f->field[0] ? ")" : "");
	else
		fprintf(stderr, "heed: %s: %s\n", what, err_name(e));
}

int cmd_agent_add(struct app_opts *o)
{
	struct agent_new in = {.name = o->name, .email = o->email, .role = o->role};
	struct store *st = NULL;
	struct arena ar;
	struct agent out;
	struct fail f = {0};
	char pw[1100] = "";
	enum err e;
	int rc = 1;

	arena_init(&ar, 4096);
	if (!o->email || !o->name || !o->role) {
		fprintf(stderr, "heed: agent add needs --email, --name and --role\n");
		goto out;
	}
	if (o->password_stdin) {
		if (!read_password(pw, sizeof(pw))) {
			fprintf(stderr, "heed: no password on standard input\n");
			goto out;
		}
		in.password = pw;
	}
	if (app_open_store(&o->cfg, &st) != E_OK)
		goto out;
	if ((e = store_begin(st)) == E_OK &&
	    (e = agents_create(st, &ar, &in, &out, &f)) == E_OK)
		e = store_commit(st);
	if (e) {
		store_rollback(st);
		print_fail("cannot add the agent", e, &f);
		goto out;
	}
	printf("heed: added %s <%s> as %s (id %lld)\n", out.name, out.email,
	       role_name(out.role), (long long)out.id);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw)); /* do not leave it in memory */
	store_close(st);
	arena_release(&ar);
	return rc;
}

int cmd_token_create(struct app_opts *o)
{
	struct store *st = NULL;
	struct arena ar;
	struct agent a;
	struct token tok;
	struct fail f = {0};
	char token[AUTH_TOKEN_LEN + 1];
	enum err e;
	int rc = 1;

	arena_init(&ar, 4096);
	if (!o->email) {
		fprintf(stderr, "heed: token create needs --email\n");
		goto out;
	}
	if (app_open_store(&o->cfg, &st) != E_OK)
		goto out;
	if ((e = store_agent_by_email(st, &ar, o->email, &a)) != E_OK) {
		fprintf(stderr, "heed: no agent with email '%s'\n", o->email);
		goto out;
	}
	if ((e = store_begin(st)) == E_OK &&
	    (e = auth_token_create(st, &ar, a.id, TOKEN_API, 0, token, &tok, &f)) == E_OK)
		e = store_commit(st);
	if (e) {
		store_rollback(st);
		print_fail("cannot create a token", e, &f);
		goto out;
	}
	printf("%s\n", token);
	rc = 0;
out:
	store_close(st);
	arena_release(&ar);
	return rc;
}

int cmd_demo(struct app_opts *o)
{
	struct store *st;
	enum err e;

	if (app_open_store(&o->cfg, &st) != E_OK)
		return 1;
	e = demo_load(st);
	store_close(st);
	return e == E_OK ? 0 : 1;
}

int cmd_routes(struct app_opts *o)
{
	size_t n;
	const struct route *r;

	(void)o;
	router_set(api_routes());
	r = router_routes(&n);
	for (size_t i = 0; i < n; i++)
		printf("%s %s\n", router_method_name(r[i].method), r[i].pattern);
	return 0;
}
