/*
 * customer_search.c - the console's one search box (story 002): any
 * identifier in any format, or a name with typos in any word order (see
 * customers.h, customers_search_ranked).
 *
 * Three kinds of candidates, each through an index:
 *  - identifiers: every normal form the text could be (ident_candidates)
 *    and the text lower-cased, as prefixes of the stored values
 *    (store_customer_search); an exact value is score 1, a prefix 0.8;
 *  - account cores: the text as an account number without its leading
 *    letters, as a prefix of stored cores (AC-1234 finds 1234 and back);
 *  - names: for each typed word (at most 8) the index words it could be -
 *    by prefix, and by shared trigrams then checked with the edit distance
 *    (domain/names.c) - then the customers having one of those words for
 *    every typed word (store_customers_by_words, at most 500), each scored
 *    on its whole name with names_score.
 * Results: exact identifier matches first, then by score, then newest.
 * Trade-off: ranking needs the whole candidate set, so a page is an offset
 * into the best RANKED_MAX; a search that matches more than that many is
 * too vague to page through anyway.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/custrec.h"
#include "domain/ident.h"
#include "domain/internal.h"
#include "domain/names.h"

#define RANKED_MAX 500
#define QUERY_WORDS_MAX 8
#define WORD_CANDIDATES 200 /* index words read per typed word, by grams */
#define WORD_PREFIXES 100   /* ... and by prefix */
#define IDENT_PREFIX_SCORE 0.8

struct hit {
	struct customer c;
	const char *by;
	double score;
	bool exact;     /* an exact identifier: ranked before everything */
	bool has_idents; /* c.idents was read */
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

/* add - the hit for customer c, keeping the better of two for one id. */
static enum err add(struct arena *ar, struct hits *h, const struct customer *c,
		    const char *by, double score, bool exact, bool has_idents)
{
	struct hit *w;

	for (size_t i = 0; i < h->n; i++) {
		struct hit *x = &h->v[i];

		if (x->c.id != c->id)
			continue;
		if (exact > x->exact || (exact == x->exact && score > x->score)) {
			x->by = by;
			x->score = score;
			x->exact = exact;
		}
		if (has_idents && !x->has_idents) {
			x->c = *c;
			x->has_idents = true;
		}
		return E_OK;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;

		if (!(w = arena_alloc(ar, cap * sizeof(*w))))
			return E_NOMEM;
		if (h->n)
			memcpy(w, h->v, h->n * sizeof(*w));
		h->v = w;
		h->cap = cap;
	}
	h->v[h->n++] = (struct hit){ *c, by, score, exact, has_idents };
	return E_OK;
}

/* by_ident - the hits of customers holding an identifier starting with one
 * of the values. */
static enum err by_ident(struct store *st, struct arena *ar, const char *t, struct hits *h)
{
	struct customer_query cq = { .limit = RANKED_MAX };
	struct customer_list l;
	struct ident cand[3];
	const char *values[4];
	char *low = arena_strdup(ar, t);
	size_t n;
	enum err rc;

	if (!low)
		return E_NOMEM;
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	n = ident_candidates(ar, t, cand, 3);
	for (size_t i = 0; i < n; i++)
		values[cq.n_values++] = cand[i].value;
	for (size_t i = 0; i < cq.n_values && low; i++)
		if (strcmp(values[i], low) == 0)
			low = NULL;
	if (low)
		values[cq.n_values++] = low;
	cq.ident_values = values;
	rc = store_customer_search(st, ar, &cq, &l);
	for (size_t i = 0; rc == E_OK && i < l.n; i++) {
		const struct customer *c = &l.items[i];
		const char *by = NULL;
		bool exact = false;

		for (size_t k = 0; k < c->n_idents && !exact; k++) {
			for (size_t j = 0; j < cq.n_values; j++) {
				const char *v = c->idents[k].value;

				if (strcmp(v, values[j]) == 0) {
					by = ident_kind_name(c->idents[k].kind);
					exact = true;
					break;
				}
				if (!by && strncmp(v, values[j], strlen(values[j])) == 0)
					by = ident_kind_name(c->idents[k].kind);
			}
		}
		if (by)
			rc = add(ar, h, c, by, exact ? 1.0 : IDENT_PREFIX_SCORE, exact, true);
	}
	/* account numbers by their core, for the account form of the text */
	for (size_t i = 0; rc == E_OK && i < n; i++) {
		const char *core;

		if (cand[i].kind != IDENT_ACCOUNT)
			continue;
		core = ident_account_core(cand[i].value);
		if (!*core)
			break;
		rc = store_customers_by_account_core(st, ar, core, RANKED_MAX, &l);
		for (size_t j = 0; rc == E_OK && j < l.n; j++) {
			const struct customer *c = &l.items[j];
			bool exact = false;

			for (size_t k = 0; k < c->n_idents && !exact; k++)
				exact = c->idents[k].kind == IDENT_ACCOUNT &&
					strcmp(ident_account_core(c->idents[k].value), core) == 0;
			rc = add(ar, h, c, "account", exact ? 1.0 : IDENT_PREFIX_SCORE, exact,
				 true);
		}
	}
	return rc;
}

/* word_ids - the index words typed word q could be, appended to ids/groups
 * as group g; *found says whether there was any. */
static enum err word_ids(struct store *st, struct arena *ar, const char *q, unsigned g,
			 int64_t *ids, unsigned *groups, size_t *n, size_t max, bool *found)
{
	int64_t grams[NAMES_GRAMS_MAX];
	struct name_word_list l;
	enum err rc;

	*found = false;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			rc = store_name_words_by_prefix(st, ar, q, WORD_PREFIXES, &l);
		else
			rc = store_name_words_by_grams(st, ar, grams, names_trigrams(q, grams),
						       WORD_CANDIDATES, &l);
		if (rc != E_OK)
			return rc;
		for (size_t i = 0; i < l.n && *n < max; i++) {
			bool dup = false;

			if (names_word_score(q, l.items[i].word) < 0)
				continue;
			for (size_t j = 0; j < *n && !dup; j++)
				dup = ids[j] == l.items[i].id && groups[j] == g;
			if (dup)
				continue;
			ids[*n] = l.items[i].id;
			groups[(*n)++] = g;
			*found = true;
		}
	}
	return E_OK;
}

/* by_name - the hits of customers whose name matches the typed words. */
static enum err by_name(struct store *st, struct arena *ar, const char *t, struct hits *h)
{
	size_t max = QUERY_WORDS_MAX * (WORD_CANDIDATES + WORD_PREFIXES), n = 0;
	struct name_words q, name;
	struct customer_list l;
	unsigned *groups;
	int64_t *ids;
	bool found;
	enum err rc;

	if ((rc = names_fold(ar, t, &q)) != E_OK)
		return rc == E_INVAL ? E_OK : rc;
	if (!q.n)
		return E_OK;
	if (q.n > QUERY_WORDS_MAX)
		q.n = QUERY_WORDS_MAX;
	ids = arena_alloc(ar, max * sizeof(*ids));
	groups = arena_alloc(ar, max * sizeof(*groups));
	if (!ids || !groups)
		return E_NOMEM;
	for (unsigned g = 0; g < q.n; g++) {
		rc = word_ids(st, ar, q.word[g], g, ids, groups, &n, max, &found);
		if (rc != E_OK)
			return rc;
		if (!found)
			return E_OK; /* a typed word no name has: no name matches */
	}
	rc = store_customers_by_words(st, ar, ids, groups, n, (unsigned)q.n, RANKED_MAX, &l);
	for (size_t i = 0; rc == E_OK && i < l.n; i++) {
		double s;

		if ((rc = names_fold(ar, l.items[i].name, &name)) != E_OK)
			return rc == E_INVAL ? E_OK : rc;
		s = names_score(&q, &name);
		if (s >= 0)
			rc = add(ar, h, &l.items[i], "name", s, false, false);
	}
	return rc;
}

static int rank(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->exact != y->exact)
		return x->exact ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->c.id > y->c.id ? -1 : x->c.id < y->c.id;
}

enum err customers_search_ranked(struct store *st, struct arena *ar, const char *q,
				 int64_t cursor, size_t limit, struct customer_list *out,
				 struct customer_match **match, struct fail *f)
{
	struct customer_query cq = { .before_id = cursor > 0 ? cursor : 0 };
	struct hits h = { 0 };
	size_t from, n;
	char *t;
	enum err rc;

	out->items = NULL;
	out->n = 0;
	if (match)
		*match = NULL;
	if (!limit)
		limit = CUSTOMER_SEARCH_DEFAULT;
	if (limit > CUSTOMER_SEARCH_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit",
				"must be between 1 and %d", CUSTOMER_SEARCH_MAX);
	rc = domain__text(ar, q, "q", 0, 200, &t, f);
	if (rc != E_OK)
		return rc;
	if (!*t) {
		cq.limit = limit;
		rc = store_customer_search(st, ar, &cq, out);
		if (rc == E_OK && match && out->n &&
		    !(*match = arena_zalloc(ar, out->n * sizeof(**match))))
			rc = E_NOMEM;
		return rc == E_OK ? E_OK : domain__io(f, rc);
	}
	rc = by_ident(st, ar, t, &h);
	if (rc == E_OK)
		rc = by_name(st, ar, t, &h);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (h.n)
		qsort(h.v, h.n, sizeof(*h.v), rank);
	if (h.n > RANKED_MAX)
		h.n = RANKED_MAX;
	from = cursor > 0 && (uint64_t)cursor < h.n ? (size_t)cursor : (cursor > 0 ? h.n : 0);
	n = h.n - from < limit ? h.n - from : limit;
	if (!n)
		return E_OK;
	out->items = arena_alloc(ar, n * sizeof(*out->items));
	if (match)
		*match = arena_alloc(ar, n * sizeof(**match));
	if (!out->items || (match && !*match))
		return domain__nomem(f);
	for (size_t i = 0; i < n; i++) {
		struct hit *x = &h.v[from + i];

		out->items[i] = x->c;
		if (!x->has_idents &&
		    (rc = store_customer_get(st, ar, x->c.id, &out->items[i])) != E_OK)
			return domain__io(f, rc);
		if (match)
			(*match)[i] = (struct customer_match){ x->by, x->score };
	}
	out->n = n;
	return E_OK;
}

enum err customers_search(struct store *st, struct arena *ar, const char *q,
			  int64_t before_id, size_t limit,
			  struct customer_list *out, struct fail *f)
{
	return customers_search_ranked(st, ar, q, before_id, limit, out, NULL, f);
}
