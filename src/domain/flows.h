/*
 * flows.h - guided troubleshooting that remembers (story 003).
 *
 * A flow is a versioned JSON definition (docs/flows.md):
 *
 *   {"title": "Router: no internet", "description": "...",
 *    "start": "model", "auto_queues": ["support"],
 *    "steps": [
 *      {"id": "model", "type": "question", "fact": "device.model",
 *       "label": "Router model", "text": "Which router model is it?",
 *       "audience": "customer", "answer": "choice",
 *       "options": ["HX-200", "HX-300"], "next": "power"},
 *      {"id": "power", "type": "action", "fact": "tried.power_cycle",
 *       "label": "Power cycled", "text": "Unplug it for 30 s ...",
 *       "audience": "customer", "answer": "yes_no",
 *       "branches": [{"when": false, "next": "power_help"}], "next": "lights"},
 *      {"id": "fixed", "type": "outcome", "outcome": "resolved", "text": "..."}]}
 *
 * Every question or action step is keyed by a fact; its answer is recorded
 * as that fact on the case, and `branches` (the first whose `when` equals
 * the answer, or for number answers whose `at_least` it reaches) or `next`
 * choose the step after.  Outcome steps end a run
 * (resolved, escalate, replace_unit).  Steps form no loop and every step
 * is reachable from `start`.
 *
 * Running a flow on a case walks it from the start, skipping every step
 * whose fact the case already holds - whoever recorded it, through
 * whichever flow or channel - and following the branch its value takes;
 * the first step whose fact is unknown is the one to ask.  A case runs one
 * flow at a time: starting another marks the active one "switched", and
 * since the facts belong to the case, nothing answered is asked again.
 * Answering a step whose fact is known is refused unless the caller says
 * ask_again, which is then counted as customer effort (effort.h).
 */
#ifndef HEED_DOMAIN_FLOWS_H
#define HEED_DOMAIN_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define FLOW_KEY_MAX 64
#define FLOW_DOC_MAX (64 * 1024)
#define FLOW_STEPS_MAX 100
#define FLOW_TEXT_MAX 1000
#define FLOW_ANSWER_TEXT_MAX 500

enum flow_step_type { STEP_QUESTION = 1, STEP_ACTION, STEP_OUTCOME };
enum flow_answer { ANSWER_YES_NO = 1, ANSWER_CHOICE, ANSWER_TEXT, ANSWER_NUMBER };

struct flow_branch {
	char *when;              /* the JSON value to equal, or NULL */
	bool has_at_least;       /* number answers: taken when value >= at_least */
	double at_least;
	int next;                /* step index */
};

struct flow_step {
	char *id;
	enum flow_step_type type;
	char *fact;              /* NULL for outcomes */
	char *label;             /* short name of what is known ("Power cycled") */
	char *text;              /* the question or instruction; outcome: the advice */
	bool customer;           /* the customer may answer it themselves */
	enum flow_answer answer;
	char **options;          /* choice answers */
	size_t n_options;
	struct flow_branch *branches;
	size_t n_branches;
	int next;                /* -1: none (outcomes) */
	char *outcome;           /* resolved, escalate, replace_unit */
	char *queue;             /* escalate: the queue to move the case to; NULL */
};

struct flow_def {
	char *title;
	char *description;
	int start;
	struct flow_step *steps;
	size_t n;
	char **auto_queues;      /* heed starts it on new chats in these queues */
	size_t n_auto;
};

/* A step the walk passed because the case knew its fact. */
struct flow_known {
	const struct flow_step *step;
	struct fact fact;        /* the current value and who gave it, when */
};

/* A run as it stands: its flow, the steps already known, the step to ask
 * now (NULL when the walk reached an outcome), the outcome reached. */
struct flow_view {
	struct flow_run run;
	struct flow flow;
	struct flow_def def;
	struct flow_known *known;
	size_t n_known;
	const struct flow_step *current;
	const struct flow_step *end;
	struct fact_list facts;  /* the case's current facts the walk read */
};

struct flow_answer_in {
	const char *step;        /* the step id */
	const char *value;       /* the answer as JSON text */
	const char *source;      /* fact source; NULL: customer for customer
				  * steps, agent otherwise */
	bool ask_again;          /* the fact is known and the agent asks anyway */
};

extern const char *const flow_outcomes[];

/* flows_parse - check a definition's JSON text and build it in ar.
 * Refusals are E_UNPROC (E_TOOBIG over FLOW_DOC_MAX or FLOW_STEPS_MAX)
 * with the field as a path ("steps[2].next") and a message naming the
 * problem: unknown step ids, repeated ids or facts, loops, unreachable
 * steps, bad fact keys, options, branch values that the answer type can
 * never give. */
enum err flows_parse(struct arena *ar, const char *json, struct flow_def *out,
		     struct fail *f);

/* flows_put - store the next version of flow `key` (1..64 of a-z, 0-9,
 * '_' and '-', field "key").  Writes. */
enum err flows_put(struct store *st, struct arena *ar, const char *key, const char *json,
		   const struct actor *by, struct flow *out, struct fail *f);

/* flows_get - one version (0: newest) of a flow; E_NOTFOUND. */
enum err flows_get(struct store *st, struct arena *ar, const char *key, int64_t version,
		   struct flow *out, struct fail *f);

/* flows_start - run flow `key` (its newest version) on case_id; an active
 * run of another flow is switched; an active run of the same version is
 * returned as it is (*created false).  E_NOTFOUND case or flow (field
 * "flow"); E_CONFLICT reason "case_closed".  Writes "flow_started" (and
 * "flow_switched") internal events. */
enum err flows_start(struct store *st, struct arena *ar, int64_t case_id, const char *key,
		     const struct actor *by, struct flow_view *out, bool *created,
		     struct fail *f);

/* flows_view - run_id as it stands now.  E_NOTFOUND.  Read only. */
enum err flows_view(struct store *st, struct arena *ar, int64_t run_id,
		    struct flow_view *out, struct fail *f);

/* flows_active - the active run of case_id as it stands; E_NOTFOUND when
 * none is active.  Read only. */
enum err flows_active(struct store *st, struct arena *ar, int64_t case_id,
		      struct flow_view *out, struct fail *f);

/* flows_answer - answer a step of run_id: the value is checked against the
 * step's answer type (field "value"), recorded as the step's fact, and the
 * run moves on (finished when it reaches an outcome: a "flow_outcome"
 * event).  Refusals: E_NOTFOUND run; E_UNPROC field "step" for an unknown
 * or outcome step; E_CONFLICT reason "run_not_active"; "already_known"
 * (with the value) when the case holds the fact and !ask_again;
 * "step_not_current" for a step the walk has not reached; E_FORBIDDEN
 * reason "agent_step" when a customer answers an agent's step.  A customer
 * actor must be the case's customer.  Writes. */
enum err flows_answer(struct store *st, struct arena *ar, int64_t run_id,
		      const struct flow_answer_in *in, const struct actor *by,
		      struct flow_view *out, struct fail *f);

/* flows_autostart - start the first flow (by key) whose auto_queues holds
 * the case's queue, unless a run is already active.  Writes. */
enum err flows_autostart(struct store *st, struct arena *ar, const struct case_ *c,
			 struct fail *f);

/* flow_step_type_name / flow_answer_name - the JSON words. */
const char *flow_step_type_name(enum flow_step_type t);
const char *flow_answer_name(enum flow_answer a);
const char *flow_run_state_name(enum flow_run_state s);

#endif
