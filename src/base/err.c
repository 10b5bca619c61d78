/* err.c - names for enum err. */
#include "base/err.h"

static const char *const names[E__COUNT] = {
	[E_OK] = "ok",           [E_NOMEM] = "out_of_memory",
	[E_INVAL] = "bad_request", [E_UNPROC] = "invalid_value",
	[E_NOTFOUND] = "not_found", [E_CONFLICT] = "conflict",
	[E_TOOBIG] = "too_large", [E_FORBIDDEN] = "forbidden",
	[E_AUTH] = "unauthorized", [E_IO] = "internal_error",
	[E_AGAIN] = "unavailable",
};

const char *err_name(enum err e)
{
	if ((unsigned)e >= E__COUNT)
		return "unknown";
	return names[e];
}

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum err fail_set(struct fail *f, enum err code, const char *reason,
		  const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return code;
	f->code = code;
	f->reason = reason;
	f->allowed = NULL;
	f->related_id = 0;
	snprintf(f->field, sizeof(f->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return code;
}
