/*
 * arena.c - region allocator (see arena.h).
 *
 * Trade-off: freeing single objects is impossible by design; long-lived
 * objects (connections, chat sessions) get their own arena instead.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data[] */
	size_t used;
	max_align_t data[]; /* aligned payload */
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *arg;
};

#define ALIGN (_Alignof(max_align_t))

static void run_cleanups(struct arena *a)
{
	struct arena_cleanup *c = a->cleanups;

	a->cleanups = NULL;
	for (; c; c = c->next)
		c->fn(c->arg);
}

int arena_on_release(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	if (!c)
		return -1;
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

void arena_init(struct arena *a, size_t first_size)
{
	a->head = NULL;
	a->cleanups = NULL;
	a->first_size = first_size ? first_size : 4096;
	a->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b, *next;

	run_cleanups(a);
	b = a->head;
	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b, *next;

	run_cleanups(a);
	b = a->head;
	if (!b)
		return;
	while (b->next) { /* free all but the oldest block */
		next = b->next;
		a->head = next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1), size;
	void *p;

	if (need < n)
		return NULL; /* overflow */
	if (!b || b->size - b->used < need) {
		size = b ? b->size * 2 : a->first_size;
		if (size < need)
			size = need;
		if (size > SIZE_MAX - sizeof(*b))
			return NULL;
		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		/* Keep the oldest (reusable) block last in the list. */
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	a->total += need;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p)
		memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
