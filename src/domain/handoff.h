/*
 * handoff.h - passing a case to someone else without the customer starting
 * over (stories 001, 003).
 *
 * handoff_draft writes the summary the next agent reads first, from what
 * the case holds: the verification and how long it holds, the known facts,
 * where the guided flow stands, the open promises and the last messages.
 * The agent edits it and sends it with the transfer; it is kept as an
 * internal "handoff" event (the same event a chat transfer writes with its
 * note), and the receiving console shows the newest one above the case.
 */
#ifndef HEED_DOMAIN_HANDOFF_H
#define HEED_DOMAIN_HANDOFF_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define HANDOFF_SUMMARY_MAX 4000
#define HANDOFF_MESSAGES 5

struct handoff_in {
	int64_t to_agent_id;     /* 0: leave the owner as it is */
	const char *queue;       /* NULL: leave the queue */
	const char *summary;     /* required, 1..4000 characters */
};

/* handoff_draft - the summary text of case_id, in ar (at most
 * HANDOFF_SUMMARY_MAX characters; longer parts are cut).  E_NOTFOUND.
 * Read only. */
enum err handoff_draft(struct store *st, struct arena *ar, int64_t case_id, char **out,
		       struct fail *f);

/* handoff_transfer - give case_id to another agent and/or queue with the
 * summary: the assignment and queue change (as cases_update) and the
 * internal "handoff" event (body the summary, data {"from","to","queue"}).
 * Refusals: E_INVAL field "to_agent_id" when neither an agent nor a queue
 * is given; E_UNPROC field "summary" (empty, too long, not UTF-8) or
 * "to_agent_id" (no such agent); those of cases_update.  Writes. */
enum err handoff_transfer(struct store *st, struct arena *ar, int64_t case_id,
			  const struct handoff_in *in, const struct actor *by,
			  struct event *out, struct fail *f);

/* handoff_list - the newest `limit` handoffs of case_id, newest first. */
enum err handoff_list(struct store *st, struct arena *ar, int64_t case_id, size_t limit,
		      struct event_list *out, struct fail *f);

#endif
