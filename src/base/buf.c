/* buf.c - bounded growable buffer (see buf.h). */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum err grow(struct buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	while (cap < need + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return E_NOMEM;
	b->data = p;
	b->cap = cap;
	return E_OK;
}

enum err buf_add(struct buf *b, const void *p, size_t n)
{
	enum err e;

	if (n > b->max || b->len > b->max - n)
		return E_TOOBIG;
	if (b->len + n + 1 > b->cap && (e = grow(b, b->len + n)) != E_OK)
		return e;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return E_OK;
}

enum err buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum err buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *big = NULL;
	int n;
	enum err e;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return E_INVAL;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (!big)
		return E_NOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	e = buf_add(b, big, (size_t)n);
	free(big);
	return e;
}
