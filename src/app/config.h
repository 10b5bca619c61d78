/*
 * config.h - settings for `heed serve` and the other commands.
 *
 * Precedence, lowest first: built-in defaults, the config file
 * (--config FILE or HEED_CONFIG), environment variables (HEED_DB,
 * HEED_LISTEN, ...), command-line flags.  The file has one `key = value`
 * per line; `#` starts a comment.  Keys are the flag names without dashes.
 */
#ifndef HEED_CONFIG_H
#define HEED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct config {
	char db[512];
	char listen[256];
	int workers;
	size_t max_body;
	int64_t session_ttl_s;
	bool log_requests;
	char default_country[8];
	char smtp_url[512];      /* "": email is not sent (it waits in the outbox) */
	char smtp_user[256];
	char smtp_password[256];
	char mail_from[256];
	bool smtp_require_tls;
	char public_url[512];    /* how customers reach heed; "": http://LISTEN */
	int stale_days;          /* alert after this many business days quiet */
	int followup_delay_hours; /* business hours from resolution to follow-up */
	int followup_cooldown_days; /* at most one follow-up per customer per */
	int verify_valid_minutes; /* a verification holds this long on its case */
	long hook_timeout_s;     /* resolution powers: per webhook attempt */
};

/* config_defaults - the built-in values. */
void config_defaults(struct config *c);
/* config_set - set one key from text; E_INVAL names unknown keys. */
enum err config_set(struct config *c, const char *key, const char *value);
/* config_load_file - apply a config file. */
enum err config_load_file(struct config *c, const char *path);
/* config_load_env - apply HEED_* variables. */
enum err config_load_env(struct config *c);

#endif
