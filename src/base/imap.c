/*
 * imap.c - id -> pointer map (see imap.h).
 */
#include "base/imap.h"

#include <stdlib.h>

static size_t slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */

	return (size_t)(h >> 20) & (cap - 1);
}

void imap_init(struct imap *m)
{
	m->slots = NULL;
	m->cap = m->n = 0;
}

void imap_free(struct imap *m)
{
	free(m->slots);
	imap_init(m);
}

void *imap_get(const struct imap *m, int64_t key)
{
	if (!m->cap || key <= 0)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key)
			return m->slots[i].val;
		if (m->slots[i].key == 0)
			return NULL;
	}
}

static void place(struct imap_slot *slots, size_t cap, int64_t key, void *val)
{
	size_t i = slot_of(key, cap);

	while (slots[i].key != 0 && slots[i].key != key)
		i = (i + 1) & (cap - 1);
	slots[i].key = key;
	slots[i].val = val;
}

static enum err grow(struct imap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct imap_slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return E_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			place(s, cap, m->slots[i].key, m->slots[i].val);
	free(m->slots);
	m->slots = s;
	m->cap = cap;
	return E_OK;
}

enum err imap_put(struct imap *m, int64_t key, void *val)
{
	if (key <= 0)
		return E_INVAL;
	if (imap_get(m, key)) {
		place(m->slots, m->cap, key, val);
		return E_OK;
	}
	if ((m->n + 1) * 2 > m->cap && grow(m) != E_OK)
		return E_NOMEM;
	place(m->slots, m->cap, key, val);
	m->n++;
	return E_OK;
}

void *imap_del(struct imap *m, int64_t key)
{
	size_t i, j, k;
	void *val;

	if (!m->cap || key <= 0)
		return NULL;
	for (i = slot_of(key, m->cap); m->slots[i].key != key;
	     i = (i + 1) & (m->cap - 1))
		if (m->slots[i].key == 0)
			return NULL;
	val = m->slots[i].val;
	/* Backward shift: move later members of the cluster into the hole
	 * when their home slot is not between the hole and them. */
	for (j = i;;) {
		m->slots[i].key = 0;
		for (;;) {
			j = (j + 1) & (m->cap - 1);
			if (m->slots[j].key == 0) {
				m->n--;
				return val;
			}
			k = slot_of(m->slots[j].key, m->cap);
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		m->slots[i] = m->slots[j];
		i = j;
	}
}
