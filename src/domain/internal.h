/*
 * internal.h - helpers shared by the files of domain/ (domain__ prefix).
 *
 * Not for use outside src/domain/.  Text checks count characters as Unicode
 * code points after trimming ASCII white space; JSON helpers build small
 * event-data objects directly as text in the arena.
 */
#ifndef HEED_DOMAIN_INTERNAL_H
#define HEED_DOMAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

/* domain__trim - copy of s without leading/trailing ASCII white space, in ar;
 * NULL on allocation failure (s must not be NULL). */
char *domain__trim(struct arena *ar, const char *s);

/* domain__chars - number of code points in valid UTF-8 text s. */
size_t domain__chars(const char *s);

/* domain__prefix - the first max code points of valid UTF-8 text s, as a
 * copy in ar (all of s when shorter); NULL on allocation failure. */
char *domain__prefix(struct arena *ar, const char *s, size_t max);

/* domain__index_of - the index of s in a NULL-terminated list of words,
 * -1 when absent (or s is NULL). */
int domain__index_of(const char *const *list, const char *s);

/* domain__text - the common rule for a short text field: trim, check UTF-8,
 * require min..max code points and no control characters.  *out is the
 * trimmed copy in ar.  NULL s counts as "".  Refusals are E_UNPROC with
 * `field`. */
enum err domain__text(struct arena *ar, const char *s, const char *field,
		      size_t min, size_t max, char **out, struct fail *f);

/* domain__json_str - s as a quoted JSON string in ar (NULL: "null");
 * NULL on allocation failure or invalid UTF-8. */
char *domain__json_str(struct arena *ar, const char *s);

/* domain__json_id - an id as JSON: the number, or null when 0. */
char *domain__json_id(struct arena *ar, int64_t id);

/* domain__field - format a field path into f->field (when f is not NULL),
 * e.g. after a helper filled f with a short field name. */
void domain__field(struct fail *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* domain__nomem - f filled for an allocation failure; returns E_NOMEM. */
enum err domain__nomem(struct fail *f);

/* domain__io - f filled for a storage failure e (E_IO or E_NOMEM usually);
 * returns e. */
enum err domain__io(struct fail *f, enum err e);

/* domain__event_add - append an event to case_id, author from by (a customer
 * actor with id 0 is the case's customer, customer_id).  Strings are not
 * copied; *out (may be NULL) receives the stored record with its id. */
enum err domain__event_add(struct store *st, int64_t case_id,
			   int64_t customer_id, const char *type,
			   const struct actor *by, enum visibility vis,
			   const char *body, const char *data,
			   int64_t now, struct event *out);

/* domain__author - the author kind and id recorded for actor by on a case of
 * customer customer_id. */
void domain__author(const struct actor *by, int64_t customer_id,
		    enum author_kind *kind, int64_t *id);

/* cases__get - the case, or E_NOTFOUND with f filled ("no case with id N");
 * a storage failure is domain__io. */
enum err cases__get(struct store *st, struct arena *ar, int64_t id, struct case_ *c,
		    struct fail *f);

/* cases__fact_check - validate a fact key and its JSON value text; on
 * success *key_out and *value_out are trimmed copies in ar.  `prefix` is put
 * in front of the field names ("key", "value"), e.g. "facts[2].". */
enum err cases__fact_check(struct arena *ar, const char *key,
			   const char *value_json, const char *prefix,
			   char **key_out, char **value_out, struct fail *f);

/* cases__fact_record - insert the fact row and its "fact" event (internal
 * unless the source is the customer).  Key and value must be checked. */
enum err cases__fact_record(struct store *st, struct arena *ar,
			    const struct case_ *c, const char *key,
			    const char *value, enum fact_source src,
			    const struct actor *by, int64_t now,
			    struct fact *out, struct fail *f);

/* cases__source - the fact source named s, or (s NULL) the actor's own
 * kind.  E_UNPROC for an unknown name, E_FORBIDDEN when a customer actor
 * claims another source; both with `field`. */
enum err cases__source(const char *s, const struct actor *by,
		       const char *field, enum fact_source *out,
		       struct fail *f);

struct customer_new;
struct calendar;

/* ---- watching commitments (track.c, notify.c, promises.c, sla.c,
 * followup.c, status.c) ---- */

/* track__event - what event e means for the case's promises, SLA clocks,
 * follow-up and quiet-case alert; called by domain__event_add after every
 * insert, inside the same transaction. */
enum err track__event(struct store *st, const struct event *e);

/* notify__alert - an alert to agent_id (0: the supervisors) and an
 * internal "alert" event on the case ({"alert_id","kind","to"}). */
enum err notify__alert(struct store *st, struct arena *ar, const struct case_ *c,
		       const char *kind, int64_t agent_id, const char *body);
/* notify__customer - queue an email to the case's customer (their first
 * email address; none: nothing queued, E_OK) with the status page link
 * appended; *mailed set when queued (may be NULL). */
enum err notify__customer(struct store *st, struct arena *ar, struct case_ *c,
			  const char *kind, const char *subject, const char *text,
			  bool *mailed);
/* notify__when - a time for people: "Mon 23 Nov 15:00 (Europe/Paris)" in the
 * calendar's zone. */
char *notify__when(struct arena *ar, const struct calendar *cal, int64_t ms);

/* status__ensure_link - give c a status link if it has none (writes the
 * case).  c->status_token is then set. */
enum err status__ensure_link(struct store *st, struct arena *ar, struct case_ *c);
/* status__url - the page's address for c (which has a link). */
char *status__url(struct arena *ar, const struct case_ *c);

/* sla__case_calendar - the business hours a case is measured on: its SLA
 * policy's calendar, else the calendar named "default", else always open. */
enum err sla__case_calendar(struct store *st, struct arena *ar, const struct case_ *c,
			    struct calendar *out);
enum err sla__on_created(struct store *st, struct arena *ar, const struct case_ *c);
enum err sla__on_reply(struct store *st, struct arena *ar, const struct case_ *c,
		       bool by_agent, int64_t now);
enum err sla__on_status(struct store *st, struct arena *ar, const struct case_ *c,
			enum case_status from, enum case_status to, int64_t now);
enum err sla__fire(struct store *st, struct arena *ar, const struct timer *t,
		   struct fail *f);

enum err promises__on_event(struct store *st, struct arena *ar, const struct case_ *c,
			    const struct event *e, const char *const *kinds);
/* promises__on_closed - a closed case's pending promises are cancelled. */
enum err promises__on_closed(struct store *st, struct arena *ar, const struct case_ *c,
			     int64_t now);
enum err promises__fire(struct store *st, struct arena *ar, const struct timer *t,
			bool *mailed, struct fail *f);

enum err followup__on_status(struct store *st, struct arena *ar, const struct case_ *c,
			     enum case_status from, enum case_status to, int64_t now);
enum err followup__fire(struct store *st, struct arena *ar, const struct timer *t,
			bool *mailed, struct fail *f);

/* customers__find_or_create - customers_find_or_create with field names
 * prefixed by `prefix` (e.g. "customer."). */
enum err customers__find_or_create(struct store *st, struct arena *ar,
				   const struct customer_new *in,
				   const char *prefix, struct customer *out,
				   bool *created, struct fail *f);

/* ---- never ask twice (effort.c, verify.c, flows.c, flow_run.c) ---- */

/* effort__note - record that the customer of c was made to repeat
 * something (kind "repeat_question" or "reverification", detail the fact
 * key or the reason) and append an internal "effort" event. */
enum err effort__note(struct store *st, struct arena *ar, const struct case_ *c,
		      const char *kind, const char *detail, const struct actor *by,
		      int64_t now, struct fail *f);

#endif
