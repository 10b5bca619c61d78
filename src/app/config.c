/* config.c - defaults, file, environment (see config.h). */
#include "app/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->db, sizeof(c->db), "heed.db");
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	c->workers = 1;
	c->max_body = 1u << 20;
	c->session_ttl_s = 12 * 3600;
	c->log_requests = true;
	snprintf(c->default_country, sizeof(c->default_country), "1");
	snprintf(c->mail_from, sizeof(c->mail_from), "heed@localhost");
	c->stale_days = 2;
	c->followup_delay_hours = 24;
	c->followup_cooldown_days = 30;
	c->verify_valid_minutes = 60;
	c->hook_timeout_s = 10; /* resolution powers */
}

/* set_text - copy value into a setting of n bytes; false if it is longer. */
static bool set_text(char *dst, size_t n, const char *value)
{
	if (strlen(value) >= n)
		return false;
	snprintf(dst, n, "%s", value);
	return true;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
	    !strcasecmp(s, "on"))
		*out = true;
	else if (!strcmp(s, "0") || !strcasecmp(s, "false") ||
		 !strcasecmp(s, "no") || !strcasecmp(s, "off"))
		*out = false;
	else
		return false;
	return true;
}

enum err config_set(struct config *c, const char *key, const char *value)
{
	long v;

	if (!strcmp(key, "db")) {
		snprintf(c->db, sizeof(c->db), "%s", value);
	} else if (!strcmp(key, "listen")) {
		snprintf(c->listen, sizeof(c->listen), "%s", value);
	} else if (!strcmp(key, "workers")) {
		if (!parse_long(value, 1, 16, &v))
			goto bad;
		c->workers = (int)v;
	} else if (!strcmp(key, "max_body")) {
		if (!parse_long(value, 1024, 1L << 30, &v))
			goto bad;
		c->max_body = (size_t)v;
	} else if (!strcmp(key, "session_ttl")) {
		if (!parse_long(value, 60, 90L * 86400, &v))
			goto bad;
		c->session_ttl_s = v;
	} else if (!strcmp(key, "log_requests")) {
		if (!parse_bool(value, &c->log_requests))
			goto bad;
	} else if (!strcmp(key, "default_country")) {
		if (!parse_long(value, 1, 999, &v))
			goto bad;
		snprintf(c->default_country, sizeof(c->default_country), "%ld", v);
	} else if (!strcmp(key, "smtp_url")) {
		if ((*value && strncmp(value, "smtp://", 7) && strncmp(value, "smtps://", 8)) ||
		    !set_text(c->smtp_url, sizeof(c->smtp_url), value))
			goto bad;
	} else if (!strcmp(key, "smtp_user")) {
		if (!set_text(c->smtp_user, sizeof(c->smtp_user), value))
			goto bad;
	} else if (!strcmp(key, "smtp_password")) {
		if (!set_text(c->smtp_password, sizeof(c->smtp_password), value))
			goto bad;
	} else if (!strcmp(key, "mail_from")) {
		if (!strchr(value, '@') || strpbrk(value, "\r\n<> ") ||
		    !set_text(c->mail_from, sizeof(c->mail_from), value))
			goto bad;
	} else if (!strcmp(key, "smtp_require_tls")) {
		if (!parse_bool(value, &c->smtp_require_tls))
			goto bad;
	} else if (!strcmp(key, "public_url")) {
		if ((strncmp(value, "http://", 7) && strncmp(value, "https://", 8)) ||
		    strpbrk(value, " \r\n\"'<>") ||
		    !set_text(c->public_url, sizeof(c->public_url), value))
			goto bad;
	} else if (!strcmp(key, "stale_days")) {
		if (!parse_long(value, 1, 365, &v))
			goto bad;
		c->stale_days = (int)v;
	} else if (!strcmp(key, "followup_delay_hours")) {
		if (!parse_long(value, 1, 24 * 365, &v))
			goto bad;
		c->followup_delay_hours = (int)v;
	} else if (!strcmp(key, "followup_cooldown_days")) {
		if (!parse_long(value, 1, 3650, &v))
			goto bad;
		c->followup_cooldown_days = (int)v;
	} else if (!strcmp(key, "verify_valid_minutes")) {
		if (!parse_long(value, 1, 7 * 24 * 60, &v))
			goto bad;
		c->verify_valid_minutes = (int)v;
	} else if (!strcmp(key, "hook_timeout")) { /* resolution powers */
		if (!parse_long(value, 1, 120, &v))
			goto bad;
		c->hook_timeout_s = v;
	} else {
		log_error("config", "unknown setting '%s'", key);
		return E_INVAL;
	}
	return E_OK;
bad:
	log_error("config", "bad value '%s' for '%s'", strstr(key, "password") ? "***" : value,
		  key);
	return E_INVAL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

enum err config_load_file(struct config *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;
	enum err e = E_OK;

	if (!f) {
		log_error("config", "cannot open '%s'", path);
		return E_IO;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *hash = strchr(line, '#');

		n++;
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			log_error("config", "%s:%d: want 'key = value'", path, n);
			e = E_INVAL;
			break;
		}
		*eq = '\0';
		if ((e = config_set(c, trim(s), trim(eq + 1))) != E_OK) {
			log_error("config", "%s:%d: not applied", path, n);
			break;
		}
	}
	fclose(f);
	return e;
}

enum err config_load_env(struct config *c)
{
	static const struct { const char *env, *key; } map[] = {
		{"HEED_DB", "db"},
		{"HEED_LISTEN", "listen"},
		{"HEED_WORKERS", "workers"},
		{"HEED_MAX_BODY", "max_body"},
		{"HEED_SESSION_TTL", "session_ttl"},
		{"HEED_LOG_REQUESTS", "log_requests"},
		{"HEED_DEFAULT_COUNTRY", "default_country"},
		{"HEED_SMTP_URL", "smtp_url"},
		{"HEED_SMTP_USER", "smtp_user"},
		{"HEED_SMTP_PASSWORD", "smtp_password"},
		{"HEED_MAIL_FROM", "mail_from"},
		{"HEED_SMTP_REQUIRE_TLS", "smtp_require_tls"},
		{"HEED_PUBLIC_URL", "public_url"},
		{"HEED_STALE_DAYS", "stale_days"},
		{"HEED_FOLLOWUP_DELAY_HOURS", "followup_delay_hours"},
		{"HEED_FOLLOWUP_COOLDOWN_DAYS", "followup_cooldown_days"},
		{"HEED_VERIFY_VALID_MINUTES", "verify_valid_minutes"},
		{"HEED_HOOK_TIMEOUT", "hook_timeout"},
	};
	enum err e;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = getenv(map[i].env);

		if (v && (e = config_set(c, map[i].key, v)) != E_OK)
			return e;
	}
	return E_OK;
}
