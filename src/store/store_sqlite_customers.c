/*
 * store_sqlite_customers.c - customers, their typed identifiers, and search.
 *
 * An identifier (kind, value) belongs to at most one customer: the UNIQUE
 * index on it is both the guard (E_CONFLICT) and the lookup path.  Search
 * by identifier is a prefix match done as a range, value >= p AND value <
 * p', which that index answers directly for each kind; LIKE could not use
 * it.  Search by name is a case-insensitive substring match (LIKE with
 * ESCAPE), which has to scan customers newest first until `limit` rows
 * match: fine for tens of thousands of customers, a full-text index later
 * if that stops being true.  LIKE folds ASCII letters only.
 *
 * Identifiers of listed customers are read with one indexed query per
 * customer; a page holds few customers, and SQLite calls are in-process.
 */
#include "store/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CUSTOMER_COLS SQ_CUSTOMER_COLS

/* read_customer - an sq_read_fn for CUSTOMER_COLS (idents not filled). */
static enum err read_customer(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct customer *c = item;

	c->id = sqlite3_column_int64(s, 0);
	c->created_at = sqlite3_column_int64(s, 2);
	c->updated_at = sqlite3_column_int64(s, 3);
	c->merged_into = sqlite3_column_int64(s, 4);
	c->merged_at = sqlite3_column_int64(s, 5);
	return sq__col_text(ar, s, 1, &c->name);
}

enum err sq__customer_read(struct arena *ar, sqlite3_stmt *s, void *item)
{
	return read_customer(ar, s, item);
}

/* read_ident - an sq_read_fn for (kind, value, display). */
static enum err read_ident(struct arena *ar, sqlite3_stmt *s, void *item)
{
	struct ident *id = item;
	enum err e;

	id->kind = (enum ident_kind)sqlite3_column_int(s, 0);
	e = sq__col_text(ar, s, 1, &id->value);
	if (e == E_OK)
		e = sq__col_text(ar, s, 2, &id->display);
	return e;
}

/* load_idents - fill c->idents, sorted by kind then value. */
static enum err load_idents(struct sq_store *st, struct arena *ar,
			    struct customer *c)
{
	sqlite3_stmt *s;
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;

	c->idents = NULL;
	c->n_idents = 0;
	e = sq__stmt(st, SQ_IDENT_LIST,
		     "SELECT kind, value, display FROM customer_identifiers"
		     " WHERE customer_id = ?1 ORDER BY kind, value",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, c->id, &rc);
	e = sq__collect(st, s, rc, ar, sizeof(struct ident), read_ident,
			"customer idents", &items, &c->n_idents);
	c->idents = items;
out:
	sq__done(s);
	return e;
}

enum err sq__customer_idents(struct sq_store *st, struct arena *ar, struct customer *c)
{
	return load_idents(st, ar, c);
}

enum err sq__customer_insert(struct store *base, struct customer *c)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_CUSTOMER_INSERT,
		     "INSERT INTO customers (name, created_at, updated_at)"
		     " VALUES (?1, ?2, ?3)",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_text(s, 1, c->name, &rc);
	sq__bind_i64(s, 2, c->created_at, &rc);
	sq__bind_i64(s, 3, c->updated_at, &rc);
	e = sq__run(st, s, rc, "customer_insert");
	if (e == E_OK)
		c->id = sqlite3_last_insert_rowid(st->db);
out:
	sq__done(s);
	return e;
}

/* Updates name and updated_at; identifiers are replaced separately
 * (ident_delete_all, then ident_insert). */
enum err sq__customer_update(struct store *base, const struct customer *c)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_CUSTOMER_UPDATE,
		     "UPDATE customers SET name = ?2, updated_at = ?3"
		     " WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, c->id, &rc);
	sq__bind_text(s, 2, c->name, &rc);
	sq__bind_i64(s, 3, c->updated_at, &rc);
	e = sq__run(st, s, rc, "customer_update");
	if (e == E_OK && sqlite3_changes(st->db) == 0)
		e = E_NOTFOUND;
out:
	sq__done(s);
	return e;
}

enum err sq__customer_get(struct store *base, struct arena *ar, int64_t id,
			  struct customer *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_CUSTOMER_GET,
		     "SELECT " CUSTOMER_COLS " FROM customers WHERE id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, id, &rc);
	e = sq__row(st, s, rc, "customer_get");
	if (e == E_OK) {
		memset(out, 0, sizeof(*out));
		e = read_customer(ar, s, out);
	}
	sq__done(s);
	if (e == E_OK)
		e = load_idents(st, ar, out);
out:
	sq__done(s);
	return e;
}

enum err sq__ident_insert(struct store *base, int64_t customer_id,
			  const struct ident *id)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_IDENT_INSERT,
		     "INSERT INTO customer_identifiers"
		     " (customer_id, kind, value, display)"
		     " VALUES (?1, ?2, ?3, ?4)",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, customer_id, &rc);
	sq__bind_i64(s, 2, id->kind, &rc);
	sq__bind_text(s, 3, id->value, &rc);
	sq__bind_text(s, 4, id->display, &rc);
	e = sq__run(st, s, rc, "ident_insert");
out:
	sq__done(s);
	return e;
}

/* Deleting the identifiers of a customer that has none is not an error. */
enum err sq__ident_delete_all(struct store *base, int64_t customer_id)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	e = sq__stmt(st, SQ_IDENT_DELETE_ALL,
		     "DELETE FROM customer_identifiers WHERE customer_id = ?1",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, customer_id, &rc);
	e = sq__run(st, s, rc, "ident_delete_all");
out:
	sq__done(s);
	return e;
}

enum err sq__ident_find(struct store *base, enum ident_kind kind,
			const char *value, int64_t *customer_id)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s;
	int rc = SQLITE_OK;
	enum err e;

	*customer_id = 0;
	e = sq__stmt(st, SQ_IDENT_FIND,
		     "SELECT customer_id FROM customer_identifiers"
		     " WHERE kind = ?1 AND value = ?2",
		     &s);
	if (e != E_OK)
		goto out;
	sq__bind_i64(s, 1, kind, &rc);
	sq__bind_text(s, 2, value, &rc);
	e = sq__row(st, s, rc, "ident_find");
	if (e == E_OK)
		*customer_id = sqlite3_column_int64(s, 0);
out:
	sq__done(s);
	return e;
}

/* --- search ------------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void sql_add(char *sql, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sql + *len, size - *len, fmt, ap);
	va_end(ap);
	*len += n > 0 ? (size_t)n : 0;
}

/*
 * Parameters: ?1 before_id, ?2 limit, ?3 the LIKE pattern, then a (low,
 * high) pair per prefix from ?4.  The prefixes are one IN (... UNION ALL
 * ...) so the planner looks the matching ids up by rowid.  kind IN (1, 2,
 * 3) names every enum ident_kind, which lets UNIQUE(kind, value) serve a
 * prefix of any kind.  Only placeholder numbers are formatted in.
 */
void sq__customer_search_sql(bool name, size_t n, char *sql, size_t size)
{
	size_t len = 0;

	sql_add(sql, size, &len, "SELECT " CUSTOMER_COLS
		" FROM customers WHERE id < ?1 AND merged_into IS NULL");
	if (name || n)
		sql_add(sql, size, &len, " AND (");
	if (name)
		sql_add(sql, size, &len, "name LIKE ?3 ESCAPE '\\'");
	if (name && n)
		sql_add(sql, size, &len, " OR ");
	for (size_t i = 0; i < n; i++)
		sql_add(sql, size, &len,
			"%sSELECT customer_id FROM customer_identifiers"
			" WHERE kind IN (1, 2, 3) AND value >= ?%zu"
			" AND value < ?%zu%s",
			i ? " UNION ALL " : "id IN (", 4 + 2 * i, 5 + 2 * i,
			i + 1 == n ? ")" : "");
	if (name || n)
		sql_add(sql, size, &len, ")");
	sql_add(sql, size, &len, " ORDER BY id DESC LIMIT ?2");
}

/* like_pattern - %q% with the LIKE wildcards in q escaped by '\'. */
static char *like_pattern(struct arena *ar, const char *q)
{
	size_t n = strlen(q);
	char *p, *o;

	if (n > (SIZE_MAX - 3) / 2)
		return NULL;
	p = o = arena_alloc(ar, 2 * n + 3);
	if (!p)
		return NULL;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

/*
 * bind_prefix - bind the range [p, end) of strings starting with p: end is
 * p with its last byte below 0xff incremented (byte order is the BINARY
 * collation's).  When no such string exists (p empty or all 0xff), the
 * bound is an empty BLOB, above every TEXT value in SQLite's ordering.
 */
static enum err bind_prefix(struct arena *ar, sqlite3_stmt *s, int i,
			    const char *p, int *rc)
{
	size_t n = strlen(p);
	char *end;

	sq__bind_text(s, i, p, rc);
	while (n > 0 && (unsigned char)p[n - 1] == 0xff)
		n--;
	if (n == 0) {
		if (*rc == SQLITE_OK)
			*rc = sqlite3_bind_zeroblob(s, i + 1, 0);
		return E_OK;
	}
	end = arena_strndup(ar, p, n);
	if (!end)
		return E_NOMEM;
	end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
	sq__bind_text(s, i + 1, end, rc);
	return E_OK;
}

static enum err bind_search(struct arena *ar, sqlite3_stmt *s,
			    const struct customer_query *q, int *rc)
{
	char *pattern;
	enum err e = E_OK;

	sq__bind_i64(s, 1, q->before_id > 0 ? q->before_id : INT64_MAX, rc);
	sq__bind_limit(s, 2, q->limit, rc);
	if (q->name_q) {
		pattern = like_pattern(ar, q->name_q);
		if (!pattern)
			return E_NOMEM;
		sq__bind_text(s, 3, pattern, rc);
	}
	for (size_t i = 0; e == E_OK && i < q->n_values; i++)
		e = bind_prefix(ar, s, 4 + 2 * (int)i, q->ident_values[i], rc);
	return e;
}

/*
 * Customers whose name contains name_q or who hold an identifier starting
 * with one of ident_values, newest first.  With neither given, every
 * customer matches (a plain newest-first listing).  More than
 * SQ_SEARCH_MAX_VALUES prefixes is E_TOOBIG.
 */
enum err sq__customer_search(struct store *base, struct arena *ar,
			     const struct customer_query *q,
			     struct customer_list *out)
{
	struct sq_store *st = sq__from(base);
	sqlite3_stmt *s = NULL;
	char sql[2048];
	void *items = NULL;
	int rc = SQLITE_OK;
	enum err e;
	bool name = q->name_q != NULL;
	unsigned slot;

	out->items = NULL;
	out->n = 0;
	if (q->n_values > SQ_SEARCH_MAX_VALUES) {
		e = E_TOOBIG;
		goto out;
	}
	slot = (name ? SQ_SEARCH_MAX_VALUES + 1 : 0) + (unsigned)q->n_values;
	sq__customer_search_sql(name, q->n_values, sql, sizeof(sql));
	e = sq__stmt(st, SQ_CUSTOMER_SEARCH + slot, sql, &s);
	if (e == E_OK)
		e = bind_search(ar, s, q, &rc);
	if (e == E_OK)
		e = sq__collect(st, s, rc, ar, sizeof(struct customer),
				read_customer, "customer_search", &items,
				&out->n);
	out->items = items;
	sq__done(s);
	for (size_t i = 0; e == E_OK && i < out->n; i++)
		e = load_idents(st, ar, &out->items[i]);
out:
	return e;
}
