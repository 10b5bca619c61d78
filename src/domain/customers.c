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
#include "domain/custrec.h"
#include "domain/ident.h"
#include "domain/internal.h"
#include "domain/names.h"

/* SYSTEM_API - who changes a customer when a caller does not say. */
static const struct customer_by system_api = { NULL, "api", NULL };

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

/* create - insert an already validated customer, its "created" history
 * entry and its name words. */
static enum err create(struct store *st, struct arena *ar, char *name, struct ident *v,
		       size_t n, const char *prefix, const struct customer_by *who,
		       const char *reason, struct customer *out, struct fail *f)
{
	struct customer c = { .name = name, .idents = v, .n_idents = n };
	enum err rc;

	c.created_at = c.updated_at = clock_now_ms();
	rc = store_customer_insert(st, &c);
	if (rc != E_OK)
		return domain__io(f, rc);
	rc = insert_idents(st, c.id, v, 0, n, prefix, f);
	if (rc == E_OK)
		rc = customers__record(st, c.id, "created", NULL, name, 0, who, reason,
				       c.created_at, f);
	if (rc == E_OK)
		rc = customers__index(st, ar, c.id, name, f);
	if (rc != E_OK)
		return rc;
	*out = c;
	return E_OK;
}

enum err customers_create(struct store *st, struct arena *ar,
			  const struct customer_new *in, struct customer *out,
			  struct fail *f)
{
	return customers_create_as(st, ar, in, &system_api, out, f);
}

enum err customers_create_as(struct store *st, struct arena *ar,
			     const struct customer_new *in, const struct customer_by *who,
			     struct customer *out, struct fail *f)
{
	struct ident *v;
	char *name, *reason;
	enum err rc;

	rc = customers__reason(ar, who, &reason, f);
	if (rc == E_OK)
		rc = check_name(ar, in->name, "", &name, f);
	if (rc == E_OK)
		rc = normalise(ar, in->idents, in->n, "", &v, f);
	if (rc == E_OK)
		rc = need_something(name, in->n, "", f);
	if (rc == E_OK)
		rc = taken(st, ar, v, in->n, 0, "", f);
	if (rc == E_OK)
		rc = create(st, ar, name, v, in->n, "", who, reason, out, f);
	return rc;
}

enum err customers_update(struct store *st, struct arena *ar, int64_t id,
			  const struct customer_patch *p, struct customer *out,
			  struct fail *f)
{
	return customers_update_as(st, ar, id, p, &system_api, out, f);
}

/* holds - whether v[0..n) has an identifier of kind k with value val. */
static bool holds(const struct ident *v, size_t n, enum ident_kind k, const char *val)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == k && strcmp(v[i].value, val) == 0)
			return true;
	return false;
}

/* record_idents - a history entry for each identifier of old that is not
 * in new (removed) and each of new not in old (added). */
static enum err record_idents(struct store *st, int64_t id, const struct ident *old, size_t n_old,
			      const struct ident *new, size_t n_new,
			      const struct customer_by *who, const char *reason,
			      int64_t now, struct fail *f)
{
	enum err rc = E_OK;

	for (size_t i = 0; rc == E_OK && i < n_old; i++)
		if (!holds(new, n_new, old[i].kind, old[i].value))
			rc = customers__record(st, id, ident_kind_name(old[i].kind),
					       old[i].value, NULL, 0, who, reason, now, f);
	for (size_t i = 0; rc == E_OK && i < n_new; i++)
		if (!holds(old, n_old, new[i].kind, new[i].value))
			rc = customers__record(st, id, ident_kind_name(new[i].kind),
					       NULL, new[i].value, 0, who, reason, now, f);
	return rc;
}

/* same_idents - whether a and b hold the same identifiers (normal forms). */
static bool same_idents(const struct ident *a, size_t na, const struct ident *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!holds(b, nb, a[i].kind, a[i].value))
			return false;
	return true;
}

enum err customers_update_as(struct store *st, struct arena *ar, int64_t id,
			     const struct customer_patch *p, const struct customer_by *who,
			     struct customer *out, struct fail *f)
{
	struct customer c, old;
	struct ident *v = NULL;
	bool name_changed, idents_changed;
	char *reason;
	int64_t now;
	enum err rc;

	rc = customers__reason(ar, who, &reason, f);
	if (rc != E_OK)
		return rc;
	rc = store_customer_get(st, ar, id, &c);
	if (rc == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL,
				"no customer with id %lld", (long long)id);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (c.merged_into) {
		fail_set(f, E_CONFLICT, "merged", NULL,
			 "customer %lld was merged into customer %lld; correct that record",
			 (long long)id, (long long)c.merged_into);
		f->related_id = c.merged_into;
		return E_CONFLICT;
	}
	old = c;
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
	name_changed = strcmp(c.name ? c.name : "", old.name ? old.name : "") != 0;
	idents_changed = !same_idents(old.idents, old.n_idents, c.idents, c.n_idents);
	if (!name_changed && !idents_changed) {
		*out = old; /* nothing to correct: nothing written */
		return E_OK;
	}
	now = clock_now_ms();
	c.updated_at = now;
	rc = store_customer_update(st, &c);
	if (rc != E_OK)
		return domain__io(f, rc);
	if (idents_changed) {
		rc = store_ident_delete_all(st, id);
		if (rc != E_OK)
			return domain__io(f, rc);
		rc = insert_idents(st, id, v, 0, p->n, "", f);
		if (rc == E_OK)
			rc = record_idents(st, id, old.idents, old.n_idents, v, p->n, who,
					   reason, now, f);
		if (rc != E_OK)
			return rc;
	}
	if (name_changed) {
		rc = customers__record(st, id, "name", old.name, c.name, 0, who, reason, now, f);
		if (rc == E_OK)
			rc = customers__index(st, ar, id, c.name, f);
		if (rc != E_OK)
			return rc;
	}
	rc = store_customer_get(st, ar, id, out);
	return rc == E_OK ? E_OK : domain__io(f, rc);
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

enum err customers__find_or_create(struct store *st, struct arena *ar,
				   const struct customer_new *in,
				   const char *prefix, struct customer *out,
				   bool *created, struct fail *f)
{
	return customers__find_or_create_as(st, ar, in, prefix, &system_api, out, created, f);
}

enum err customers__find_or_create_as(struct store *st, struct arena *ar,
				      const struct customer_new *in, const char *prefix,
				      const struct customer_by *who, struct customer *out,
				      bool *created, struct fail *f)
{
	struct customer c;
	struct ident *v;
	int64_t *owner, found = 0, now = clock_now_ms();
	size_t first = 0;
	bool changed = false;
	char *name, *reason;
	enum err rc;

	*created = false;
	rc = customers__reason(ar, who, &reason, f);
	if (rc == E_OK)
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
		rc = create(st, ar, name, v, in->n, prefix, who, reason, out, f);
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
		if (rc == E_OK)
			rc = customers__record(st, found, ident_kind_name(v[i].kind), NULL,
					       v[i].value, 0, who, reason, now, f);
		if (rc != E_OK)
			return rc;
		changed = true;
	}
	if ((!c.name || !*c.name) && *name) {
		rc = customers__record(st, found, "name", c.name, name, 0, who, reason, now, f);
		if (rc == E_OK)
			rc = customers__index(st, ar, found, name, f);
		if (rc != E_OK)
			return rc;
		c.name = name;
		changed = true;
	}
	if (changed) {
		c.updated_at = now;
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

/* ---- customer records: history and the name index ---------------------- */

enum err customers__reason(struct arena *ar, const struct customer_by *who,
			   char **out, struct fail *f)
{
	enum err rc;

	*out = NULL;
	if (!who || !who->reason)
		return E_OK;
	rc = domain__text(ar, who->reason, "reason", 0, CUSTOMER_REASON_MAX, out, f);
	if (rc == E_OK && !**out)
		*out = NULL;
	return rc;
}

enum err customers__record(struct store *st, int64_t customer_id, const char *field,
			   const char *old_value, const char *new_value, int64_t ref_id,
			   const struct customer_by *who, const char *reason,
			   int64_t now, struct fail *f)
{
	struct customer_change c = {
		.customer_id = customer_id, .field = (char *)field,
		.old_value = (char *)old_value, .new_value = (char *)new_value,
		.ref_id = ref_id, .by_kind = AUTHOR_SYSTEM,
		.via = (char *)(who && who->via ? who->via : "api"),
		.reason = (char *)reason, .created_at = now,
	};
	enum err rc;

	if (who && who->by) {
		c.by_kind = who->by->kind;
		c.by_id = who->by->id;
	}
	rc = store_customer_change_insert(st, &c);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

enum err customers__index(struct store *st, struct arena *ar, int64_t id,
			  const char *name, struct fail *f)
{
	struct name_word_in in[NAMES_WORDS_MAX];
	struct name_words w;
	int64_t *g;
	enum err rc;

	rc = names_fold(ar, name, &w);
	if (rc == E_INVAL) /* checked text is valid UTF-8; index nothing */
		w.n = 0;
	else if (rc != E_OK)
		return domain__nomem(f);
	for (size_t i = 0; i < w.n; i++) {
		if (!(g = arena_alloc(ar, NAMES_GRAMS_MAX * sizeof(*g))))
			return domain__nomem(f);
		in[i].word = w.word[i];
		in[i].grams = g;
		in[i].n_grams = names_trigrams(w.word[i], g);
	}
	rc = store_customer_words_put(st, id, in, w.n);
	return rc == E_OK ? E_OK : domain__io(f, rc);
}

enum err customers_index_names(struct store *st, struct arena *ar, size_t limit,
			       size_t *done, struct fail *f)
{
	struct customer_list l;
	enum err rc;

	*done = 0;
	rc = store_customers_unindexed(st, ar, limit, &l);
	if (rc != E_OK)
		return domain__io(f, rc);
	for (size_t i = 0; i < l.n; i++) {
		rc = customers__index(st, ar, l.items[i].id, l.items[i].name, f);
		if (rc != E_OK)
			return rc;
	}
	*done = l.n;
	return E_OK;
}
