/*
 * err.h - the one project-wide error enum.
 *
 * Every fallible function returns an `enum err` (E_OK is 0).  The API layer
 * maps each value to an HTTP status in exactly one table (api/api.c); nothing
 * else in the tree knows about HTTP statuses.
 */
#ifndef HEED_ERR_H
#define HEED_ERR_H

#include <stdint.h>

enum err {
	E_OK = 0,
	E_NOMEM,     /* allocation failed */
	E_INVAL,     /* input malformed or of the wrong type (400) */
	E_UNPROC,    /* well-formed but an invalid value (422) */
	E_NOTFOUND,  /* no such object (404) */
	E_CONFLICT,  /* clashes with existing state (409) */
	E_TOOBIG,    /* over a configured size limit (413) */
	E_FORBIDDEN, /* authenticated but not allowed (403) */
	E_AUTH,      /* not authenticated (401) */
	E_IO,        /* storage or system failure (500) */
	E_AGAIN,     /* try again later (503) */
	E__COUNT
};

/* err_name - a stable lowercase name for an error, e.g. "not_found". */
const char *err_name(enum err e);

/*
 * struct fail - what went wrong, for the caller to show.  Domain and API
 * code fill one when they refuse input, so the client learns the field and
 * the reason, not just the status.  Strings are copied in; `allowed` (for
 * illegal transitions) points at static storage.
 */
struct fail {
	enum err code;
	const char *reason; /* stable code, e.g. "illegal_transition"; NULL: err_name */
	char field[64];     /* offending field, "" if none */
	char msg[256];
	const char *const *allowed; /* NULL-terminated list, or NULL */
	int64_t related_id;  /* a record the refusal points to (e.g. the open
			      * case a new one would duplicate), 0: none */
};

/* fail_set - fill f (if not NULL) and return code, for `return fail_set(...)`. */
enum err fail_set(struct fail *f, enum err code, const char *reason,
		  const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
