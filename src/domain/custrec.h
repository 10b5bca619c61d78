/*
 * custrec.h - what the customer files of domain/ share (customers.c,
 * customer_merge.c, customer_search.c): recording history and keeping the
 * name index.  Not for use outside src/domain/.
 */
#ifndef HEED_DOMAIN_CUSTREC_H
#define HEED_DOMAIN_CUSTREC_H

#include "domain/customers.h"

/* customers__reason - the checked reason of who (NULL when none) in *out;
 * E_UNPROC field "reason" when too long or not text. */
enum err customers__reason(struct arena *ar, const struct customer_by *who,
			   char **out, struct fail *f);

/* customers__record - append one history entry for customer_id (reason
 * already checked; old/new may be NULL). */
enum err customers__record(struct store *st, int64_t customer_id, const char *field,
			   const char *old_value, const char *new_value, int64_t ref_id,
			   const struct customer_by *who, const char *reason,
			   int64_t now, struct fail *f);

/* customers__index - the words of name become customer id's words in the
 * name index. */
enum err customers__index(struct store *st, struct arena *ar, int64_t id,
			  const char *name, struct fail *f);

/* customers__find_or_create_as - customers__find_or_create recording who
 * created the customer or added identifiers or a name to it. */
enum err customers__find_or_create_as(struct store *st, struct arena *ar,
				      const struct customer_new *in, const char *prefix,
				      const struct customer_by *who, struct customer *out,
				      bool *created, struct fail *f);

#endif
