/*
 * verify.h - who the customer is, proved once per case (stories 001, 002).
 *
 * A verification is a record and an event on the case: the method
 * (phone_pin, portal_login, signed_widget_identity, email_link,
 * agent_questions), a level (low, medium, high; each method has a default),
 * what was checked ("account number and PIN"), where ("phone menu"), when,
 * and by whom (an agent) or by what (heed, a channel).  It holds for a
 * window (verify_set_window_ms, default 60 minutes) on that case, for every
 * agent and channel that touches it.  While one holds, verifying again
 * needs a reason from a fixed list (verify_reasons); each such
 * re-verification is counted on the case as customer effort (effort.h).
 */
#ifndef HEED_DOMAIN_VERIFY_H
#define HEED_DOMAIN_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define VERIFY_DETAIL_MAX 200
#define VERIFY_VIA_MAX 64

/* NULL-terminated lists, for refusals and the console. */
extern const char *const verify_methods[];
extern const char *const verify_levels[];
extern const char *const verify_reasons[];

struct verify_in {
	const char *method;  /* required, one of verify_methods */
	const char *level;   /* NULL: the method's default */
	const char *detail;  /* what was checked; NULL: "" */
	const char *via;     /* where; NULL: "" */
	const char *reason;  /* required while a verification holds */
};

/* Where a case stands: every verification (newest first), the one that
 * holds now (NULL: none), and how often the customer was asked again. */
struct verify_state {
	struct verification_list all;
	const struct verification *current;
	int64_t reverifications;
	int64_t window_ms;
};

/* verify_set_window_ms - how long a verification holds; set once at start. */
void verify_set_window_ms(int64_t ms);
int64_t verify_window_ms(void);

/* verify_record - check in and record a verification on case_id by `by`:
 * the row, a public "verification" event (body "Identity verified", data
 * {"method","level","detail","via","reason"}) and, when one already held,
 * an effort record.  Refusals: E_NOTFOUND unknown case; E_UNPROC field
 * "method", "level" or "reason" for a value not in its list (allowed set),
 * "detail"/"via" too long (E_TOOBIG) or not one line; E_CONFLICT reason
 * "already_verified" when one holds and no reason is given; E_CONFLICT
 * reason "case_closed".  Writes. */
enum err verify_record(struct store *st, struct arena *ar, int64_t case_id,
		       const struct verify_in *in, const struct actor *by,
		       struct verification *out, struct fail *f);

/* verify_state_of - the verifications of case_id and the one that holds at
 * clock_now_ms().  E_NOTFOUND unknown case.  Read only. */
enum err verify_state_of(struct store *st, struct arena *ar, int64_t case_id,
			 struct verify_state *out, struct fail *f);

/* verify_method_words - how a method reads in a sentence ("PIN on the
 * phone"); the name itself when unknown. */
const char *verify_method_words(const char *method);

#endif
