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
#include "domain/actor.h"
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

/* customers_search - customers matching q: customers_search_ranked (below)
 * without the reasons.  Empty/NULL q lists all, newest first, ids below
 * before_id when it is > 0; limit 0 means 50, 1..200 allowed (else
 * E_UNPROC field "limit"); q at most 200 characters (field "q").
 * Tombstones are never listed.  Read only. */
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

/* ---- customer records (issue 5): history, merge, search ----------------
 *
 * Every change to a customer's name or identifiers is recorded in its
 * history (store: customer_history, append-only) with who, through what
 * ("via": api, case, chat, merge), when, the field, old and new value and
 * the agent's reason.  The functions without _as above record the system
 * via "api".  A merge moves every case, contact, follow-up and identifier
 * of one record to another and leaves the first as a tombstone whose
 * merged_into names the survivor; tombstones are never listed or searched,
 * cannot be corrected or merged again, and a case created for one goes to
 * the survivor.  Events and facts keep their author ids (the timeline is
 * append-only): a customer author id that is a tombstone is resolved
 * through merged_into. */

#define CUSTOMER_REASON_MAX 500
#define CUSTOMER_HISTORY_DEFAULT 50
#define CUSTOMER_HISTORY_MAX 200

/* Who changes a customer, through what, and why. */
struct customer_by {
	const struct actor *by; /* NULL: the system */
	const char *via;        /* "api", "case", "chat", "merge"; NULL: "api" */
	const char *reason;     /* NULL or "": none; at most 500 characters
				 * (E_UNPROC, field "reason") */
};

/* customers_create_as - customers_create, recording a "created" entry. */
enum err customers_create_as(struct store *st, struct arena *ar,
			     const struct customer_new *in, const struct customer_by *who,
			     struct customer *out, struct fail *f);

/* customers_update_as - customers_update, recording each change (the name;
 * each identifier removed or added, by normal form).  A patch that changes
 * nothing writes nothing: no history, updated_at kept.  A tombstone is
 * E_CONFLICT reason "merged" (correct the record it was merged into). */
enum err customers_update_as(struct store *st, struct arena *ar, int64_t id,
			     const struct customer_patch *p, const struct customer_by *who,
			     struct customer *out, struct fail *f);

/* customers_history - the history of customer id (tombstones too), newest
 * first, ids below before_id when > 0; limit 0 means 50, 1..200.
 * E_NOTFOUND for an unknown customer.  Read only. */
enum err customers_history(struct store *st, struct arena *ar, int64_t id,
			   int64_t before_id, size_t limit,
			   struct customer_change_list *out, struct fail *f);

/* What a merge did. */
struct customer_merged {
	struct customer into;    /* the survivor, after the merge */
	struct customer from;    /* the tombstone */
	struct merge_counts moved;
	int64_t *case_ids;       /* the cases moved, newest first */
};

/* customers_merge - merge customer from_id into into_id, in the caller's
 * transaction: every case, contact, follow-up and identifier moves; into's
 * name stays (or is taken from from_id when into has none); each moved case
 * gets an internal "customer_merged" event by who->by; both records get
 * history entries (merged_from / merged_into, the identifiers added, a
 * name taken).  Refusals, before anything is written: from_id == into_id
 * E_UNPROC reason "merge_into_self" (field "from_id"); an unknown id
 * E_NOTFOUND; either already merged E_CONFLICT reason "already_merged"
 * (related_id: the record it went to); from_id in a live chat E_CONFLICT
 * reason "live_chat" (the chat's live state still names it: merge the
 * other way, or after the chat ends).  Writes. */
enum err customers_merge(struct store *st, struct arena *ar, int64_t into_id,
			 int64_t from_id, const struct customer_by *who,
			 struct customer_merged *out, struct fail *f);

/* Why a search result matched: "email", "phone", "account" or "name", and
 * how well (1 exact, less for a prefix or a misspelling). */
struct customer_match {
	const char *by;
	double score;
};

/* customers_search_ranked - customers_search with *match (in ar, parallel
 * to out->items; NULL entries' `by` when q is empty) saying why each
 * matched.  With q: identifiers of every kind in any format (exact first,
 * then prefixes, account numbers also by their core) and names with typos
 * in any word order (domain/names.h), ranked exact identifier first, then
 * by score, newest first among equals; the best 500 are ranked and paged
 * by offset: `cursor` is then how many were already given.  Without q:
 * every live customer newest first, cursor the last id seen. */
enum err customers_search_ranked(struct store *st, struct arena *ar, const char *q,
				 int64_t cursor, size_t limit, struct customer_list *out,
				 struct customer_match **match, struct fail *f);

/* customers_index_names - put up to `limit` customers whose name is not in
 * the name index yet (made before the index existed, or by a bulk fill) into
 * it; *done gets how many.  Writes: call in a transaction, again until
 * *done is 0. */
enum err customers_index_names(struct store *st, struct arena *ar, size_t limit,
			       size_t *done, struct fail *f);

#endif
