/*
 * customers.h - customers and their identifiers.
 *
 * A customer is found however they type an identifier (story 002): every
 * identifier is stored normalised (domain/ident.h) and belongs to at most one
 * customer.  A customer needs a name or at least one identifier.  Field paths
 * in refusals use the JSON names: "name", "identifiers[i].kind",
 * "identifiers[i].value" (prefixed "customer." when the customer is nested in
 * a case request).
 */
#ifndef HEED_DOMAIN_CUSTOMERS_H
#define HEED_DOMAIN_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

#define CUSTOMER_NAME_MAX 200
#define CUSTOMER_IDENTS_MAX 32
#define CUSTOMER_SEARCH_DEFAULT 50
#define CUSTOMER_SEARCH_MAX 200

/* One identifier as the client sent it; the domain checks kind and value. */
struct ident_in {
	const char *kind;  /* "email", "phone", "account" */
	const char *value; /* as typed */
};

struct customer_new {
	const char *name; /* may be NULL or empty when identifiers are given */
	const struct ident_in *idents;
	size_t n;
};

/* A change to a customer.  has_idents replaces the whole identifier list. */
struct customer_patch {
	bool has_name;
	const char *name;
	bool has_idents;
	const struct ident_in *idents;
	size_t n;
};

/* customers_create - validate and insert a customer with its identifiers.
 * E_UNPROC for a bad name or identifier (field "identifiers[i].kind" or
 * ".value"), or when both the name and the identifiers are empty (field
 * "identifiers"); E_INVAL field "identifiers[i]" when an identifier repeats
 * an earlier one of the same request; E_TOOBIG over 32 identifiers;
 * E_CONFLICT reason "identifier_taken", field "identifiers[i].value", when
 * another customer holds one.  Writes: inside the caller's transaction. */
enum err customers_create(struct store *st, struct arena *ar,
			  const struct customer_new *in, struct customer *out,
			  struct fail *f);

/* customers_update - apply p to customer id; identifiers are replaced as a
 * whole (delete all, insert the new list) in the caller's transaction.
 * E_NOTFOUND for an unknown id; otherwise refusals as customers_create (an
 * identifier the customer already holds is of course not a conflict).
 * updated_at is bumped.  Writes. */
enum err customers_update(struct store *st, struct arena *ar, int64_t id,
			  const struct customer_patch *p, struct customer *out,
			  struct fail *f);

/* customers_get - one customer with identifiers, E_NOTFOUND if none. */
enum err customers_get(struct store *st, struct arena *ar, int64_t id,
		       struct customer *out);

/* customers_lookup - the one customer holding an identifier that text could
 * mean (ident_candidates: email, then phone, then account form).
 * E_NOTFOUND when none does; E_CONFLICT reason "ambiguous" when different
 * forms of text belong to different customers (e.g. digits that are one
 * customer's phone and another's account number).  Read only. */
enum err customers_lookup(struct store *st, struct arena *ar, const char *text,
			  struct customer *out, struct fail *f);

/* customers_search - customers whose name contains q (case-insensitive) or
 * one of whose identifiers starts with a normal form of q (or with q
 * lower-cased, for partial emails and numbers).  Empty/NULL q lists all.
 * Newest first, ids below before_id when it is > 0; limit 0 means 50,
 * 1..200 allowed (else E_UNPROC field "limit"); q at most 200 characters
 * (field "q").  Read only. */
enum err customers_search(struct store *st, struct arena *ar, const char *q,
			  int64_t before_id, size_t limit,
			  struct customer_list *out, struct fail *f);

/* customers_find_or_create - the customer these identifiers point at, or a
 * new one.  When all identifiers that are known belong to one customer, that
 * customer is used: identifiers it lacks are added, and its name is set from
 * in->name if it had none (*created = false).  When they belong to two
 * different customers: E_CONFLICT reason "identifier_taken" naming both.
 * When none is known (or none is given): create as customers_create
 * (*created = true).  Writes. */
enum err customers_find_or_create(struct store *st, struct arena *ar,
				  const struct customer_new *in,
				  struct customer *out, bool *created,
				  struct fail *f);

#endif
