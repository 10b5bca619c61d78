/*
 * arena.h - a region allocator: many allocations, one release.
 *
 * A request owns one arena; domain and store functions allocate their results
 * in the arena they are given, so nothing per request is freed piece by piece.
 * Blocks grow geometrically; arena_reset() keeps the first block for reuse
 * (keep-alive connections reuse it across requests).  Allocation failure
 * returns NULL; callers map it to E_NOMEM.  Not thread-safe: one owner.
 */
#ifndef HEED_ARENA_H
#define HEED_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena_cleanup;

struct arena {
	struct arena_block *head; /* current block, newest first */
	struct arena_cleanup *cleanups; /* run at release/reset, newest first */
	size_t first_size;        /* size of the first block */
	size_t total;             /* bytes handed out, for limits and tests */
};

/* arena_init - set up an empty arena whose first block will be first_size. */
void arena_init(struct arena *a, size_t first_size);
/* arena_release - free every block. The arena may be re-initialised. */
void arena_release(struct arena *a);
/* arena_reset - forget every allocation but keep the oldest block. */
void arena_reset(struct arena *a);
/* arena_on_release - call fn(arg) when the arena is released or reset
 * (for non-memory resources tied to a request, as nginx's pool cleanups).
 * Returns E_NOMEM (and does not register) if it cannot allocate. */
int arena_on_release(struct arena *a, void (*fn)(void *), void *arg);
/* arena_alloc - n bytes aligned for any type, uninitialised, or NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* arena_zalloc - n zeroed bytes, or NULL. */
void *arena_zalloc(struct arena *a, size_t n);
/* arena_strndup - copy of s[0..n) NUL-terminated, or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* arena_strdup - copy of a NUL-terminated string; NULL in gives NULL out. */
char *arena_strdup(struct arena *a, const char *s);
/* arena_printf - formatted string allocated in the arena, or NULL. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
