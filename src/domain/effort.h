/*
 * effort.h - what a customer was made to do twice on a case: a question
 * whose answer the case already held (repeat_question, detail = the fact
 * key), a verification while one still held (reverification, detail = the
 * reason).  Each is an append-only record and an internal "effort" event,
 * so the case shows the flag where it happened and the count stays.
 */
#ifndef HEED_DOMAIN_EFFORT_H
#define HEED_DOMAIN_EFFORT_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

/* The counts of a case, and every record (oldest first). */
struct effort_summary {
	struct effort_list items;
	int64_t repeat_questions;
	int64_t reverifications;
};

/* effort_of - the effort records of case_id.  E_NOTFOUND unknown case. */
enum err effort_of(struct store *st, struct arena *ar, int64_t case_id,
		   struct effort_summary *out, struct fail *f);

#endif
