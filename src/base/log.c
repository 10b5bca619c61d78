/* log.c - line logger (see log.h). */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "base/clock.h"

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_msg(enum log_level lvl, const char *ctx, const char *fmt, ...)
{
	char line[2048], ts[32];
	int n, m;
	va_list ap;

	if (lvl < min_level)
		return;
	clock_format(clock_now_ms(), ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s %s %s%s%s", ts, level_names[lvl],
		     ctx ? "[" : "", ctx ? ctx : "", ctx ? "] " : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write(2) per line keeps lines whole across threads. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
