/*
 * app.h - the `heed` command line: one function per command, sharing the
 * option and config handling in main.c.
 */
#ifndef HEED_APP_H
#define HEED_APP_H

#include "app/config.h"
#include "store/store.h"

#define HEED_VERSION "0.1.0"

/* Options common to every command, after config file, env and flags. */
struct app_opts {
	struct config cfg;
	const char *email, *name, *role;
	bool password_stdin;
};

int cmd_serve(struct app_opts *o);
int cmd_migrate(struct app_opts *o);
int cmd_agent_add(struct app_opts *o);
int cmd_token_create(struct app_opts *o);
int cmd_demo(struct app_opts *o);
int cmd_routes(struct app_opts *o);

/* app_open_store - open and migrate the configured database. */
enum err app_open_store(const struct config *c, struct store **out);
/* demo_load - fill an empty database with demo data (inside a transaction
 * it opens itself).  Prints the demo logins. */
enum err demo_load(struct store *st);

#endif
