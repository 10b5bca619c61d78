/*
 * imap.h - a map from positive 64-bit ids to pointers: open addressing,
 * linear probing, backward-shift deletion, grows at 50% load.  For the live
 * chat state, where lookups by contact or case id happen on every frame.
 * Not thread-safe: the owner locks.
 */
#ifndef HEED_IMAP_H
#define HEED_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct imap_slot {
	int64_t key; /* 0: empty */
	void *val;
};

struct imap {
	struct imap_slot *slots;
	size_t cap;  /* power of two, or 0 */
	size_t n;
};

void imap_init(struct imap *m);
void imap_free(struct imap *m);
void *imap_get(const struct imap *m, int64_t key);
/* imap_put - set key (> 0) to val, replacing any value; E_NOMEM on growth
 * failure (the map is unchanged). */
enum err imap_put(struct imap *m, int64_t key, void *val);
/* imap_del - remove key; returns its value or NULL. */
void *imap_del(struct imap *m, int64_t key);

#endif
