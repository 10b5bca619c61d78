/*
 * log.h - one-line structured logging to stderr.
 *
 * Lines look like `2026-11-23T09:12:45.123Z info [req=ab12] message`.
 * The context string says what was being done (a request id, a command);
 * never pass secrets or request bodies.  Thread-safe (one write per line).
 */
#ifndef HEED_LOG_H
#define HEED_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* log_set_level - lines below this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* log_msg - write one line; ctx may be NULL. */
void log_msg(enum log_level lvl, const char *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(ctx, ...) log_msg(LOG_DEBUG, ctx, __VA_ARGS__)
#define log_info(ctx, ...) log_msg(LOG_INFO, ctx, __VA_ARGS__)
#define log_warn(ctx, ...) log_msg(LOG_WARN, ctx, __VA_ARGS__)
#define log_error(ctx, ...) log_msg(LOG_ERROR, ctx, __VA_ARGS__)

#endif
