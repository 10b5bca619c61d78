/*
 * main.c - `heed COMMAND [options]`: reads the options and the
 * configuration, then runs one command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "base/log.h"
#include "domain/auth.h"
#include "domain/ident.h"

struct command {
	const char *name, *sub;
	int (*fn)(struct app_opts *o);
	const char *usage, *help;
};

static const struct command commands[] = {
	{"serve", NULL, cmd_serve,
	 "heed serve [--db PATH] [--listen HOST:PORT] [--workers N] [--config FILE]",
	 "Run the server (migrating the database first). SIGTERM or SIGINT stop it\n"
	 "cleanly: no new connections, in-flight requests finish, the database closes."},
	{"migrate", NULL, cmd_migrate, "heed migrate [--db PATH]",
	 "Create or upgrade the database schema."},
	{"agent", "add", cmd_agent_add,
	 "heed agent add --email E --name N --role agent|supervisor|admin [--password-stdin] [--db PATH]",
	 "Add an agent. With --password-stdin the first line of standard input is\n"
	 "the password (hashed with argon2id)."},
	{"token", "create", cmd_token_create, "heed token create --email E [--db PATH]",
	 "Print a new API token for the agent. Only a hash is stored: keep it."},
	{"demo", NULL, cmd_demo, "heed demo [--db PATH]",
	 "Load demo agents, customers and cases into an empty database."},
	{"routes", NULL, cmd_routes, "heed routes",
	 "Print the HTTP routes, one 'METHOD /path' per line."},
	{"version", NULL, NULL, "heed version", "Print the version."},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage_all(FILE *f)
{
	fprintf(f, "heed %s - customer service that listens\n\nUsage:\n", HEED_VERSION);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\nEvery setting can also come from a config file (--config FILE or\n"
		   "HEED_CONFIG) and the environment: HEED_DB, HEED_LISTEN, HEED_WORKERS,\n"
		   "HEED_MAX_BODY, HEED_SESSION_TTL, HEED_LOG_REQUESTS, HEED_DEFAULT_COUNTRY.\n"
		   "Run 'heed COMMAND --help' for one command.\n");
}

static const struct command *find_command(int argc, char **argv, int *used)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct command *c = &commands[i];

		if (strcmp(argv[1], c->name))
			continue;
		if (!c->sub) {
			*used = 2;
			return c;
		}
		if (argc > 2 && !strcmp(argv[2], c->sub)) {
			*used = 3;
			return c;
		}
	}
	return NULL;
}

/* config_file_arg - the --config value, read before the other flags so that
 * flags win over the file. */
static const char *config_file_arg(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--config=", 9))
			return argv[i] + 9;
	}
	return getenv("HEED_CONFIG");
}

static int parse_opts(const struct command *c, int argc, char **argv,
		      struct app_opts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"workers", required_argument, NULL, 'w'},
		{"config", required_argument, NULL, 'c'},
		{"email", required_argument, NULL, 'e'},
		{"name", required_argument, NULL, 'n'},
		{"role", required_argument, NULL, 'r'},
		{"password-stdin", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *file = config_file_arg(argc, argv);
	int ch;

	config_defaults(&o->cfg);
	if (file && config_load_file(&o->cfg, file) != E_OK)
		return 2;
	if (config_load_env(&o->cfg) != E_OK)
		return 2;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': config_set(&o->cfg, "db", optarg); break;
		case 'l': config_set(&o->cfg, "listen", optarg); break;
		case 'w':
			if (config_set(&o->cfg, "workers", optarg) != E_OK)
				return 2;
			break;
		case 'c': break; /* read above */
		case 'e': o->email = optarg; break;
		case 'n': o->name = optarg; break;
		case 'r': o->role = optarg; break;
		case 'p': o->password_stdin = true; break;
		case 'h':
			printf("Usage: %s\n\n%s\n", c->usage, c->help);
			return 1;
		default:
			fprintf(stderr, "Usage: %s\n", c->usage);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "heed: unexpected argument '%s'\nUsage: %s\n",
			argv[optind], c->usage);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct app_opts o;
	const struct command *c;
	int used = 0, rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage_all(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	c = find_command(argc, argv, &used);
	if (!c) {
		fprintf(stderr, "heed: unknown command '%s'\n\n", argv[1]);
		usage_all(stderr);
		return 2;
	}
	rc = parse_opts(c, argc - used + 1, argv + used - 1, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!c->fn) {
		printf("heed %s\n", HEED_VERSION);
		return 0;
	}
	if (auth_init() != E_OK || ident_set_default_country(o.cfg.default_country)) {
		fprintf(stderr, "heed: cannot initialise\n");
		return 1;
	}
	return c->fn(&o);
}
