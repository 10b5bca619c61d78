/*
 * buf.h - a growable byte buffer with a hard maximum (after curl's dynbuf).
 *
 * Anything whose size a client controls goes through a buf created with a
 * limit; going past it fails with E_TOOBIG and leaves the content as it was.
 * The content is always NUL-terminated for convenience.
 */
#ifndef HEED_BUF_H
#define HEED_BUF_H

#include <stddef.h>

#include "base/err.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* largest len allowed */
};

/* buf_init - empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* buf_release - free the storage; the buffer is empty and reusable. */
void buf_release(struct buf *b);
/* buf_clear - forget the content but keep the storage. */
void buf_clear(struct buf *b);
/* buf_add - append n bytes; E_TOOBIG past max, E_NOMEM on allocation. */
enum err buf_add(struct buf *b, const void *p, size_t n);
/* buf_adds - append a NUL-terminated string. */
enum err buf_adds(struct buf *b, const char *s);
/* buf_printf - append formatted text. */
enum err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
