/*
 * customers.c - customer rules (see customers.h).
 *
 * Every write path first normalises and checks all identifiers, then asks
 * the store who holds each one, and only then writes; a refusal therefore
 * leaves nothing half-written even before the caller rolls back.
 */
#include "domain/customers.h"

#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "domain/ident.h"
#include "domain/internal.h"

/* normalise - check and normalise a request's identifiers into *out. */
static enum err normalise(struct arena *ar, const struct ident_in *in,
			  size_t n, const char *prefix, struct ident **out,
			  struct fail *f)
{
	struct ident *v;
	enum err rc;

	*out = NULL;
	if (n > CUSTOMER_IDENTS_MAX) {
		fail_set(f, E_TOOBIG, NULL, NULL,
			 "a customer has at most %d identifiers",
			 CUSTOMER_IDENTS_MAX);
		domain__field(f, "%sidentifiers", prefix);
		return E_TOOBIG;
	}
	if (!n)
		return E_OK;
	v = arena_zalloc(ar, n * sizeof(*v));
	if (!v)
		return domain__nomem(f);
	for (size_t i = 0; i < n; i++) {
		v[i].kind = ident_kind_parse(in[i].kind);
		if (!v[i].kind) {
			fail_set(f, E_UNPROC, NULL, NULL,
				 "unknown identifier kind; expected email, phone or account");
			domain__field(f, "%sidentifiers[%zu].kind", prefix, i);
			return E_UNPROC;
		}
		rc = ident_normalize(ar, v[i].kind, in[i].value, &v[i].value, f);
		if (rc != E_OK) {
			domain__field(f, "%sidentifiers[%zu].value", prefix, i);
			return rc;
		}
		v[i].display = domain__trim(ar, in[i].value);
		if (!v[i].display)
			return domain__nomem(f);
		for (size_t j = 0; j < i; j++) {
			if (v[j].kind == v[i].kind &&
			    strcmp(v[j].value, v[i].value) == 0) {
				fail_set(f, E_INVAL, "duplicate_identifier", NULL,
					 "the same %s is given twice (identifiers[%zu])",
					 ident_kind_noun(v[i].kind), j);
				domain__field(f, "%sidentifiers[%zu]", prefix, i);
				return E_INVAL;
			}
		}
	}
	*out = v;
	return E_OK;
}

/* owners - who holds each identifier: owner[i] is the customer id or 0. */
static enum err owners(struct store *st, const struct ident *v, size_t n,
		       int64_t *owner, struct fail *f)
{
	enum err rc;

	for (size_t i = 0; i < n; i++) {
		owner[i] = 0;
		rc = store_ident_find(st, v[i].kind, v[i].value, &owner[i]);
		if (rc == E_NOTFOUND)
			owner[i] = 0;
		else if (rc != E_OK)
			return domain__io(f, rc);
	}
	return E_OK;
}

/* taken - E_CONFLICT when an identifier belongs to a customer not self. */
static enum err taken(struct store *st, struct arena *ar, const struct ident *v,
		      size_t n, int64_t self, const char *prefix,
		      struct fail *f)
{
	int64_t *owner = n ? arena_alloc(ar, n * sizeof(*owner)) : NULL;
	enum err rc;

	if (n && !owner)
		return domain__nomem(f);
	rc = owners(st, v, n, owner, f);
	if (rc != E_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (owner[i] && owner[i] != self) {
			fail_set(f, E_CONFLICT, "identifier_taken", NULL,
				 "this %s belongs to another customer (id %lld)",
				 ident_kind_noun(v[i].kind),
				 (long long)owner[i]);
			domain__field(f, "%sidentifiers[%zu].value", prefix, i);
			return E_CONFLICT;
		}
	}
	return E_OK;
}

static enum err check_name(struct arena *ar, const char *name,
			   const char *prefix, char **out, struct fail *f)
{
	enum err rc = domain__text(ar, name, "name", 0, CUSTOMER_NAME_MAX, out, f);

	if (rc != E_OK)
		domain__field(f, "%sname", prefix);
	return rc;
}

static enum err need_something(const char *name, size_t n, const char *prefix,
			       struct fail *f)
{
	if (*name || n)
		return E_OK;
	fail_set(f, E_UNPROC, NULL, NULL,
		 "a customer needs a name or at least one identifier");
	domain__field(f, "%sidentifiers", prefix);
	return E_UNPROC;
}

/* insert_idents - add v[from..to) to customer id; a clash is E_CONFLICT. */
static enum err insert_idents(struct store *st, int64_t id,
			      const struct ident *v, size_t from, size_t to,
			      const char *prefix, struct fail *f)
{
	enum err rc;

	for (size_t i = from; i < to; i++) {
		rc = store_ident_insert(st, id, &v[i]);
		if (rc == E_CONFLICT) {
			fail_set(f, E_CONFLICT, "identifier_taken", NULL,
				 "this %s belongs to another customer",
				 ident_kind_noun(v[i].kind));
			domain__field(f, "%sidentifiers[%zu].value", prefix, i);
			return rc;
		}
		if (rc != E_OK)
			return domain__io(f, rc);
	}
	return E_OK;
}

/* create - insert an already validated customer. */
static enum err create(struct store *st, char *name, struct ident *v,
		       size_t n, const char *prefix, struct customer *out,
		       struct fail *f)
{
	struct customer c = { .name = name, .idents = v, .n_idents = n };
	enum err rc;

	c.created_at = c.updated_at = clock_now_ms();
	rc = store_customer_insert(st, &c);
	if (rc != E_OK)
		return domain__io(f, rc);
	rc = insert_idents(st, c.id, v, 0, n, prefix, f);
	if (rc != E_OK)
		return rc;
	*out = c;
	return E_OK;
}

enum err customers_create(struct store *st, struct arena *ar,
			  const struct customer_new *in, struct customer *out,
			  struct fail *f)
{
	struct ident *v;
	char *name;
	enum err rc;

	rc = check_name(ar, in->name, "", &name, f);
	if (rc == E_OK)
		rc = normalise(ar, in->idents, in->n, "", &v, f);
	if (rc == E_OK)
		rc = need_something(name, in->n, "", f);
	if (rc == E_OK)
		rc = taken(st, ar, v, in->n, 0, "", f);
	if (rc == E_OK)
		rc = create(st, name, v, in->n, "", out, f);
	return rc;
}

enum err customers_update(struct store *st, struct arena *ar, int64_t id,
			  const struct customer_patch *p, struct customer *out,
			  struct fail *f)
{
	struct customer c;
	struct ident *v = NULL;
	enum err rc;

	rc = store_customer_get(st, ar, id, &c);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no customer with id %lld", (long long)id);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (p->has_name) {
		rc = check_name(ar, p->name, "", &c.name, f);
		if (rc != E_OK)
			return rc;
	}
	if (p->has_idents) {
		rc = normalise(ar, p->idents, p->n, "", &v, f);
		if (rc == E_OK)
			rc = taken(st, ar, v, p->n, id, "", f);
		if (rc != E_OK)
			return rc;
		c.idents = v;
		c.n_idents = p->n;
	}
	rc = need_something(c.name ? c.name : "", c.n_idents, "", f);
	if (rc != E_OK)
		return rc;
	c.updated_at = clock_now_ms();
	rc = store_customer_update(st, &c);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (p->has_idents) {
		rc = store_ident_delete_all(st, id);
		if (rc != E_OK)
			return domain__io(f, rc);
		rc = insert_idents(st, id, v, 0, p->n, "", f);
		if (rc != E_OK)
			return rc;
	}
	*out = c;
	return E_OK;
}

enum err customers_get(struct store *st, struct arena *ar, int64_t id,
		       struct customer *out)
{
	return store_customer_get(st, ar, id, out);
}

enum err customers_lookup(struct store *st, struct arena *ar, const char *text,
			  struct customer *out, struct fail *f)
{
	struct ident cand[3];
	size_t n = ident_candidates(ar, text, cand, 3);
	int64_t found = 0, id;
	enum err rc;

	for (size_t i = 0; i < n; i++) {
		rc = store_ident_find(st, cand[i].kind, cand[i].value, &id);
		if (rc == E_NOTFOUND)
			continue;
		if (rc != E_OK)
			return domain__io(f, rc);
		if (found && id != found)
			return fail_set(f, E_CONFLICT, "ambiguous", "q",
					"this matches more than one customer (ids %lld and %lld); search instead",
					(long long)found, (long long)id);
		found = id;
	}
	if (!found)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no customer has that email, phone or account number");
	rc = store_customer_get(st, ar, found, out);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no customer has that email, phone or account number");
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

enum err customers_search(struct store *st, struct arena *ar, const char *q,
			  int64_t before_id, size_t limit,
			  struct customer_list *out, struct fail *f)
{
	struct customer_query cq = { .before_id = before_id > 0 ? before_id : 0 };
	struct ident cand[3];
	const char **values;
	char *t, *low;
	size_t n;
	enum err rc;

	if (!limit)
		limit = CUSTOMER_SEARCH_DEFAULT;
	if (limit > CUSTOMER_SEARCH_MAX)
		return fail_set(f, E_UNPROC, NULL, "limit",
				"must be between 1 and %d", CUSTOMER_SEARCH_MAX);
	cq.limit = limit;
	rc = domain__text(ar, q, "q", 0, 200, &t, f);
	if (rc != E_OK)
		return rc;
	if (*t) {
		values = arena_alloc(ar, 4 * sizeof(*values));
		low = arena_strdup(ar, t);
		if (!values || !low)
			return domain__nomem(f);
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
		cq.name_q = t;
		cq.ident_values = values;
	}
	rc = store_customer_search(st, ar, &cq, out);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

enum err customers__find_or_create(struct store *st, struct arena *ar,
				   const struct customer_new *in,
				   const char *prefix, struct customer *out,
				   bool *created, struct fail *f)
{
	struct customer c;
	struct ident *v;
	int64_t *owner, found = 0;
	size_t first = 0;
	bool changed = false;
	char *name;
	enum err rc;

	*created = false;
	rc = check_name(ar, in->name, prefix, &name, f);
	if (rc == E_OK)
		rc = normalise(ar, in->idents, in->n, prefix, &v, f);
	if (rc == E_OK)
		rc = need_something(name, in->n, prefix, f);
	if (rc != E_OK)
		return rc;
	owner = arena_alloc(ar, (in->n ? in->n : 1) * sizeof(*owner));
	if (!owner)
		return domain__nomem(f);
	rc = owners(st, v, in->n, owner, f);
	if (rc != E_OK)
		return rc;
	for (size_t i = 0; i < in->n; i++) {
		if (!owner[i])
			continue;
		if (found && owner[i] != found) {
			fail_set(f, E_CONFLICT, "identifier_taken", NULL,
				 "the %s belongs to customer %lld but the %s to customer %lld",
				 ident_kind_noun(v[first].kind), (long long)found,
				 ident_kind_noun(v[i].kind), (long long)owner[i]);
			domain__field(f, "%sidentifiers[%zu].value", prefix, i);
			return E_CONFLICT;
		}
		if (!found)
			first = i;
		found = owner[i];
	}
	if (!found) {
		rc = create(st, name, v, in->n, prefix, out, f);
		if (rc == E_OK)
			*created = true;
		return rc;
	}
	rc = store_customer_get(st, ar, found, &c);
	if (rc != E_OK)
		return domain__io(f, rc == E_NOTFOUND ? E_IO : rc);
	for (size_t i = 0; i < in->n; i++) {
		if (owner[i])
			continue;
		rc = insert_idents(st, found, v, i, i + 1, prefix, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if ((!c.name || !*c.name) && *name) {
		c.name = name;
		changed = true;
	}
	if (changed) {
		c.updated_at = clock_now_ms();
		rc = store_customer_update(st, &c);
		if (rc == E_OK)
			rc = store_customer_get(st, ar, found, &c);
		if (rc != E_OK)
			return domain__io(f, rc);
	}
	*out = c;
	return E_OK;
}

enum err customers_find_or_create(struct store *st, struct arena *ar,
				  const struct customer_new *in,
				  struct customer *out, bool *created,
				  struct fail *f)
{
	return customers__find_or_create(st, ar, in, "", out, created, f);
}
