/*
 * store_sqlite_custrec.c - customer records (issue 5, story 002): the
 * append-only history of corrections, the merge of two records, and the
 * name index that typo-tolerant search reads.
 *
 * The name index is a vocabulary: name_words holds each distinct folded
 * word once, name_word_grams its trigrams (PRIMARY KEY (gram, word_id),
 * WITHOUT ROWID, so the words sharing a gram are one index range), and
 * customer_name_words which customers have it (PRIMARY KEY (word_id,
 * customer_id)).  A typed word finds its candidate words through the grams
 * of the vocabulary - thousands of rows at most, however many customers
 * there are - and the customers having a word from every typed word's
 * candidates are one lookup per candidate word.  Words no customer uses any
 * more stay in the vocabulary: they cost a little candidate reading, never
 * a wrong result.
 *
 * Lists of numbers (grams, word ids) are bound as one JSON array text and
 * read with json_each, so each query is one cached statement with bound
 * parameters whatever the list's length; CROSS JOIN keeps json_each the
 * outer loop, so each element is an index lookup.
 */
#include "store/internal.h"

#include <stdio.h>
#include <string.h>

#define WORDS_GRAMS_MAX 64
#define WORDS_IDS_MAX 2048

/* ---- history ------------------------------------------------------------ */

#define CHANGE_COLS "id, customer_id, field, old_value, new_value, coalesce(ref_id, 0)," \
	" by_kind, by_id, via, reason, created_at"

static enum err read_change(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct customer_change *c = item;
	enum err e;

	c->id = sqlite3_column_int64(s, 0);
	c->customer_id = sqlite3_column_int64(s, 1);
	c->ref_id = sqlite3_column_int64(s, 5);
	c->by_kind = (enum author_kind)sqlite3_column_int(s, 6);
	c->by_id = sqlite3_column_int64(s, 7);
	c->created_at = sqlite3_column_int64(s, 10);
	if ((e = sq__col_text(ar, s, 2, &c->field)) == E_OK &&
	    (e = sq__col_text(ar, s, 3, &c->old_value)) == E_OK &&
	    (e = sq__col_text(ar, s, 4, &c->new_value)) == E_OK &&
	    (e = sq__col_text(ar, s, 8, &c->via)) == E_OK)
		e = sq__col_text(ar, s, 9, &c->reason);
	return e;
}

static void bind_change(sqlite3_stmt *s, const void *item, int *rc)
{
	const struct customer_change *c = item;

	sq__bind_i64(s, 1, c->customer_id, rc);
	sq__bind_text(s, 2, c->field, rc);
	sq__bind_text(s, 3, c->old_value, rc);
	sq__bind_text(s, 4, c->new_value, rc);
	sq__bind_id(s, 5, c->ref_id, rc);
	sq__bind_i64(s, 6, c->by_kind, rc);
	sq__bind_i64(s, 7, c->by_id, rc);
	sq__bind_text(s, 8, c->via, rc);
	sq__bind_text(s, 9, c->reason, rc);
	sq__bind_i64(s, 10, c->created_at, rc);
}

enum err sq__customer_change_insert(struct store *base, struct customer_change *c)
{
	return sq__insert(sq__from(base), SQ_CHANGE_INSERT,
			  "INSERT INTO customer_history (customer_id, field, old_value,"
			  " new_value, ref_id, by_kind, by_id, via, reason, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			  bind_change, c, "customer_change_insert", &c->id);
}

enum err sq__customer_change_list(struct store *base, struct arena *ar, int64_t customer_id,
				  int64_t before_id, size_t limit, struct customer_change_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_CHANGE_LIST,
		     "SELECT " CHANGE_COLS " FROM customer_history"
		     " WHERE customer_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, customer_id, &rc);
	sq__bind_i64(s, 2, before_id > 0 ? before_id : INT64_MAX, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct customer_change), read_change,
			"customer_change_list", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

/* ---- merge -------------------------------------------------------------- */

/* move - run one statement of up to three integer parameters (?1 from_id,
 * ?2 into_id, ?3 at; those the statement has); *n (may be NULL) gets the
 * rows changed. */
static enum err move(struct sq_store *st, enum sq_stmt id, const char *sql,
		     int64_t from_id, int64_t into_id, int64_t at, size_t *n)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK, np;
	enum err e;

	e = sq__stmt(st, id, sql, &s);
	if (e != E_OK)
		goto out;
	np = sqlite3_bind_parameter_count(s);
	sq__bind_i64(s, 1, from_id, &rc);
	if (np >= 2)
		sq__bind_i64(s, 2, into_id, &rc);
	if (np >= 3)
		sq__bind_i64(s, 3, at, &rc);
	e = sq__run(st, s, rc, "customer_merge_move");
	if (e == E_OK && n)
		*n = (size_t)sqlite3_changes(st->db);
out:
	sq__done(s);
	return e;
}

enum err sq__customer_merge_move(struct store *base, int64_t from_id, int64_t into_id,
				 int64_t at, struct merge_counts *out)
{
	struct sq_store *st = sq__from(base);
	int64_t merged = 0;
	size_t marked = 0;
	enum err e;

	memset(out, 0, sizeof(*out));
	e = sq__i64_by_id(st, SQ_MERGE_EXISTS,
			  "SELECT coalesce(merged_into, 0) FROM customers WHERE id = ?1",
			  from_id, "customer_merge_move", &merged);
	if (e != E_OK)
		return e;
	if (merged)
		return E_CONFLICT;
	if ((e = move(st, SQ_MERGE_CASES,
		      "UPDATE cases SET customer_id = ?2 WHERE customer_id = ?1",
		      from_id, into_id, 0, &out->cases)) != E_OK ||
	    (e = move(st, SQ_MERGE_CONTACTS,
		      "UPDATE contacts SET customer_id = ?2 WHERE customer_id = ?1",
		      from_id, into_id, 0, &out->contacts)) != E_OK ||
	    (e = move(st, SQ_MERGE_FOLLOWUPS,
		      "UPDATE followups SET customer_id = ?2 WHERE customer_id = ?1",
		      from_id, into_id, 0, &out->followups)) != E_OK ||
	    /* actions count against per-customer limits: they follow too */
	    (e = move(st, SQ_MERGE_ACTIONS,
		      "UPDATE actions SET customer_id = ?2 WHERE customer_id = ?1",
		      from_id, into_id, 0, NULL)) != E_OK ||
	    (e = move(st, SQ_MERGE_IDENTS,
		      "UPDATE customer_identifiers SET customer_id = ?2 WHERE customer_id = ?1",
		      from_id, into_id, 0, &out->identifiers)) != E_OK ||
	    (e = move(st, SQ_MERGE_REPOINT,
		      "UPDATE customers SET merged_into = ?2 WHERE merged_into = ?1",
		      from_id, into_id, 0, NULL)) != E_OK ||
	    (e = move(st, SQ_WORDS_DELETE,
		      "DELETE FROM customer_name_words WHERE customer_id = ?1",
		      from_id, into_id, 0, NULL)) != E_OK ||
	    (e = move(st, SQ_MERGE_MARK,
		      "UPDATE customers SET merged_into = ?2, merged_at = ?3,"
		      " names_indexed = 1 WHERE id = ?1 AND merged_into IS NULL",
		      from_id, into_id, at, &marked)) != E_OK)
		return e;
	return marked == 1 ? E_OK : E_CONFLICT;
}

enum err sq__contact_live_of_customer(struct store *base, int64_t customer_id, bool *yes)
{
	int64_t n = 0;
	enum err e;

	/* contacts_customer, then the state of each of the customer's few
	 * contacts; 4 and 5 are ended and abandoned */
	e = sq__i64_by_id(sq__from(base), SQ_CONTACT_LIVE_OF_CUSTOMER,
			  "SELECT count(*) FROM contacts WHERE customer_id = ?1"
			  " AND state NOT IN (4, 5)",
			  customer_id, "contact_live_of_customer", &n);
	*yes = e == E_OK && n > 0;
	return e;
}

/* ---- the name index ----------------------------------------------------- */

/* word_id - the id of word in the vocabulary, added (with its grams) when
 * new. */
static enum err word_id(struct sq_store *st, const struct name_word_in *w, int64_t *id)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;
	bool added;

	e = sq__stmt(st, SQ_WORD_INSERT,
		     "INSERT INTO name_words (word) VALUES (?1) ON CONFLICT (word) DO NOTHING",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, w->word, &rc);
	e = sq__run(st, s, rc, "name word insert");
	added = sqlite3_changes(st->db) == 1;
	sq__done(s);
	s = NULL;
	if (e != E_OK)
		goto out;
	if (added) {
		*id = sqlite3_last_insert_rowid(st->db);
		for (size_t i = 0; e == E_OK && i < w->n_grams; i++) {
			rc = SQLITE_OK;
			e = sq__stmt(st, SQ_WORD_GRAM_INSERT,
				     "INSERT OR IGNORE INTO name_word_grams (gram, word_id)"
				     " VALUES (?1, ?2)",
				     &s);
			if (e != E_OK)
				goto out;
			sq__bind_i64(s, 1, w->grams[i], &rc);
			sq__bind_i64(s, 2, *id, &rc);
			e = sq__run(st, s, rc, "name word gram insert");
			sq__done(s);
			s = NULL;
		}
		goto out;
	}
	e = sq__stmt(st, SQ_WORD_ID, "SELECT id FROM name_words WHERE word = ?1", &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, w->word, &rc);
	e = sq__row(st, s, rc, "name word id");
	if (e == E_OK)
		*id = sqlite3_column_int64(s, 0);
out:
	sq__done(s);
	return e;
}

enum err sq__customer_words_put(struct store *base, int64_t customer_id,
				const struct name_word_in *words, size_t n)
{
	struct sq_store *st = sq__from(base);
	size_t changed = 0;
	int64_t id;
	enum err e;

	e = move(st, SQ_WORDS_DELETE,
		 "DELETE FROM customer_name_words WHERE customer_id = ?1",
		 customer_id, 0, 0, NULL);
	for (size_t i = 0; e == E_OK && i < n; i++) {
		e = word_id(st, &words[i], &id);
		if (e == E_OK)
			e = move(st, SQ_CUSTOMER_WORD_INSERT,
				 "INSERT OR IGNORE INTO customer_name_words (customer_id, word_id)"
				 " VALUES (?1, ?2)",
				 customer_id, id, 0, NULL);
	}
	if (e == E_OK)
		e = move(st, SQ_CUSTOMER_INDEXED,
			 "UPDATE customers SET names_indexed = 1 WHERE id = ?1",
			 customer_id, 0, 0, &changed);
	if (e == E_OK && changed != 1)
		e = E_NOTFOUND;
	return e;
}

static enum err read_word(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct name_word *w = item;

	w->id = sqlite3_column_int64(s, 0);
	w->shared = sqlite3_column_int(s, 2);
	return sq__col_text(ar, s, 1, &w->word);
}

/* json_ints - "[a,b,...]" of n integers in ar, NULL when out of memory. */
static char *json_ints(struct arena *ar, const int64_t *v, size_t n)
{
	char *t = arena_alloc(ar, n * 21 + 3), *p = t;

	if (!t)
		return NULL;
	*p++ = '[';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%lld", i ? "," : "", (long long)v[i]);
	*p++ = ']';
	*p = '\0';
	return t;
}

enum err sq__name_words_by_grams(struct store *base, struct arena *ar, const int64_t *grams,
				 size_t n, size_t limit, struct name_word_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s = NULL;
	void *items = NULL;
	int rc = SQLITE_OK;
	char *list;
	enum err e;

	out->items = NULL;
	out->n = 0;
	if (n > WORDS_GRAMS_MAX)
		return E_TOOBIG;
	if (!n)
		return E_OK;
	if (!(list = json_ints(ar, grams, n)))
		return E_NOMEM;
	e = sq__stmt(st, SQ_WORDS_BY_GRAMS,
		     "SELECT w.id, w.word, g.shared FROM"
		     " (SELECT ng.word_id AS word_id, count(*) AS shared"
		     "  FROM json_each(?1) AS j CROSS JOIN name_word_grams AS ng"
		     "  ON ng.gram = j.value GROUP BY ng.word_id) AS g"
		     " JOIN name_words AS w ON w.id = g.word_id"
		     " ORDER BY g.shared DESC, w.id LIMIT ?2",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, list, &rc);
	sq__bind_limit(s, 2, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct name_word), read_word,
			"name_words_by_grams", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__name_words_by_prefix(struct store *base, struct arena *ar, const char *prefix,
				  size_t limit, struct name_word_list *out)
{
	struct sq_store *st = sq__from(base);
	size_t n = strlen(prefix);
	sqlite3_stmt *s = NULL;
	void *items = NULL;
	int rc = SQLITE_OK;
	char *end;
	enum err e;

	out->items = NULL;
	out->n = 0;
	/* the range [prefix, end): end is prefix with its last byte below 0xff
	 * incremented (folded words are valid UTF-8: never 0xff) */
	if (!n || (unsigned char)prefix[n - 1] == 0xff)
		return E_OK;
	if (!(end = arena_strdup(ar, prefix)))
		return E_NOMEM;
	end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
	e = sq__stmt(st, SQ_WORDS_BY_PREFIX,
		     "SELECT id, word, 0 FROM name_words WHERE word >= ?1 AND word < ?2"
		     " ORDER BY word LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, prefix, &rc);
	sq__bind_text(s, 2, end, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct name_word), read_word,
			"name_words_by_prefix", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__customers_by_words(struct store *base, struct arena *ar, const int64_t *word_ids,
				const unsigned *groups, size_t n, unsigned n_groups,
				size_t limit, struct customer_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s = NULL;
	void *items = NULL;
	int rc = SQLITE_OK;
	char *list, *p;
	enum err e;

	out->items = NULL;
	out->n = 0;
	if (n > WORDS_IDS_MAX)
		return E_TOOBIG;
	if (!n || !n_groups)
		return E_OK;
	/* [[word_id, group], ...] */
	if (!(list = p = arena_alloc(ar, n * 34 + 3)))
		return E_NOMEM;
	*p++ = '[';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s[%lld,%u]", i ? "," : "", (long long)word_ids[i], groups[i]);
	*p++ = ']';
	*p = '\0';
	e = sq__stmt(st, SQ_CUSTOMERS_BY_WORDS,
		     "SELECT " SQ_CUSTOMER_COLS " FROM customers WHERE id IN"
		     " (SELECT cw.customer_id FROM json_each(?1) AS j"
		     "  CROSS JOIN customer_name_words AS cw"
		     "  ON cw.word_id = json_extract(j.value, '$[0]')"
		     "  GROUP BY cw.customer_id"
		     "  HAVING count(DISTINCT json_extract(j.value, '$[1]')) = ?2"
		     "  ORDER BY cw.customer_id DESC LIMIT ?3)"
		     " AND merged_into IS NULL ORDER BY id DESC",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, list, &rc);
	sq__bind_i64(s, 2, n_groups, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct customer), sq__customer_read,
			"customers_by_words", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}

enum err sq__customers_by_account_core(struct store *base, struct arena *ar, const char *core,
				       size_t limit, struct customer_list *out)
{
	struct sq_store *st = sq__from(base);
	size_t n = strlen(core);
	sqlite3_stmt *s = NULL;
	void *items = NULL;
	int rc = SQLITE_OK;
	char *end;
	enum err e;

	out->items = NULL;
	out->n = 0;
	if (!n || (unsigned char)core[n - 1] == 0xff)
		return E_OK;
	if (!(end = arena_strdup(ar, core)))
		return E_NOMEM;
	end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
	/* the expression is exactly customer_identifiers_core's */
	e = sq__stmt(st, SQ_CUSTOMERS_BY_CORE,
		     "SELECT " SQ_CUSTOMER_COLS " FROM customers WHERE id IN"
		     " (SELECT customer_id FROM customer_identifiers WHERE kind = 3"
		     "  AND ltrim(value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') >= ?1"
		     "  AND ltrim(value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') < ?2)"
		     " AND merged_into IS NULL ORDER BY id DESC LIMIT ?3",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, core, &rc);
	sq__bind_text(s, 2, end, &rc);
	sq__bind_limit(s, 3, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct customer), sq__customer_read,
			"customers_by_account_core", &items, &out->n);
	out->items = items;
	sq__done(s);
	s = NULL;
	for (size_t i = 0; e == E_OK && i < out->n; i++)
		e = sq__customer_idents(st, ar, &out->items[i]);
out:
	sq__done(s);
	return e;
}

enum err sq__customers_unindexed(struct store *base, struct arena *ar, size_t limit,
				 struct customer_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s = NULL;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	out->items = NULL;
	out->n = 0;
	e = sq__stmt(st, SQ_CUSTOMERS_UNINDEXED,
		     "SELECT " SQ_CUSTOMER_COLS " FROM customers"
		     " WHERE names_indexed = 0 AND merged_into IS NULL ORDER BY id LIMIT ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_limit(s, 1, limit, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct customer), sq__customer_read,
			"customers_unindexed", &items, &out->n);
	out->items = items;
out:
	sq__done(s);
	return e;
}
