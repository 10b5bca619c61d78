/*
 * actions.h - resolution powers: what an agent may do for a customer at
 * once, what needs a supervisor's yes, and the company system told by a
 * signed webhook.  (Rules and reasons: docs/actions.md.)
 *
 * Kinds are a fixed table: credit and waive_fee (an amount in minor units
 * of a currency), replacement (an item and a quantity), extend_subscription
 * (days).  Each has a measure - amount, quantity or days - that limits
 * count.
 *
 * A policy per kind (settings key "action_policy:KIND") gives, per role,
 * two limits: per_case (the sum on one case) and per_month (the sum for
 * one customer over the rolling last ACTION_MONTH_MS, so no time zone is
 * involved).  What counts: actions pending approval, sending and done -
 * not declined or cancelled ones.  A role with no entry needs approval for
 * any amount; admins are unlimited unless the policy names them.  A policy
 * may carry a webhook {url, secret}; its secret is never read back.
 *
 * Taking an action within the requester's limits executes it at once:
 * done, or sending while the webhook is unacknowledged.  Above them it
 * waits for approval: an alert to the supervisors, an internal event.  A
 * supervisor approves (never their own request, and only within their own
 * role's limits - above those an admin must) which executes it; or
 * declines with a note.  Every transition writes an internal event with
 * who, what, why and how much; when an action is done the customer reads
 * its line on the timeline ("We credited 10.00 EUR to your account.").
 */
#ifndef HEED_DOMAIN_ACTIONS_H
#define HEED_DOMAIN_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/actor.h"
#include "store/store.h"

#define ACTION_KINDS 4
#define ACTION_MONTH_MS (30LL * 24 * 3600 * 1000)
#define ACTION_AMOUNT_MAX 1000000000000LL  /* 10 000 000 000.00 */
#define ACTION_QUANTITY_MAX 1000
#define ACTION_DAYS_MAX 3650
#define ACTION_REASON_MAX 500
#define ACTION_NOTE_MAX 2000
#define ACTION_ITEM_MAX 200
#define ACTION_URL_MAX 2000
#define ACTION_SECRET_MIN 16
#define ACTION_SECRET_MAX 256
#define ACTION_LIST_MAX 200
#define NO_LIMIT (-1)

/* action_kind_name - the i-th kind (0 <= i < ACTION_KINDS). */
const char *action_kind_name(size_t i);
/* action_kind_known - whether name is a kind. */
bool action_kind_known(const char *name);
/* action_kind_money - whether the kind is an amount of money. */
bool action_kind_money(const char *kind);
/* action_state_name / action_state_parse - "pending_approval",
 * "declined", "sending", "done", "cancelled" (parse: 0 if unknown). */
const char *action_state_name(enum action_state s);
enum action_state action_state_parse(const char *s);
/* hook_state_name - "pending", "acknowledged", "cancelled". */
const char *hook_state_name(enum hook_state s);

/* ---- pure rules (unit-tested) ---- */

/* The limits of one role for one kind; NO_LIMIT for none of that kind.
 * set false: the role has no entry (approval for any amount). */
struct action_limits {
	bool set;
	int64_t per_case;
	int64_t per_month;
};

enum action_verdict { ACTION_WITHIN = 0, ACTION_OVER_CASE, ACTION_OVER_MONTH, ACTION_NO_POLICY };

/* action_check - may `amount` be added to what is already counted
 * (case_used on the case, month_used for the customer in the window)?
 * *left (may be NULL) is what is left before this amount: the smaller of
 * the two limits' remainders, NO_LIMIT when neither limits, 0 when unset.
 * Overflow-safe for amounts up to ACTION_AMOUNT_MAX.  Pure. */
enum action_verdict action_check(const struct action_limits *l, int64_t case_used,
				 int64_t month_used, int64_t amount, int64_t *left);
/* action_verdict_name - NULL for within, "per_case", "per_month",
 * "no_policy". */
const char *action_verdict_name(enum action_verdict v);

/* action_money - minor units as "10.00 EUR" (digits after the point from
 * the currency: 0 for JPY, KRW..., 3 for BHD, KWD..., else 2) into out. */
void action_money(int64_t minor, const char *currency, char *out, size_t n);

/* action_signature - the Heed-Signature header value for a delivery of
 * body at unix second t: "t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>"
 * into out (at least ACTION_SIG_MAX bytes).  Pure (libsodium). */
#define ACTION_SIG_MAX 96
void action_signature(const char *secret, int64_t t, const char *body, char *out,
		      size_t n);

/* action_hook_next - an unacknowledged attempt at now: attempts + 1,
 * last_error copied into ar, and next_at after 10 s, 30 s, 1 min, 5 min,
 * then every 15 min (never given up); ok: acknowledged at now.  Pure. */
void action_hook_next(struct hook_delivery *d, bool ok, const char *error, int64_t now,
		      struct arena *ar);

/* ---- policies ---- */

struct action_policy {
	const char *kind;
	bool configured;            /* a document exists */
	char *currency;             /* money kinds: the one currency limits are in */
	struct action_limits limits[ROLE_ADMIN + 1]; /* by enum role */
	char *hook_url;             /* NULL: no webhook */
	char *hook_secret;          /* never leaves the domain but for the sender */
	int64_t updated_at;
};

/* actions_policy_put - replace the policy of kind from a JSON object text:
 *   {"currency": "EUR" (money kinds, required),
 *    "limits": {"agent"|"supervisor"|"admin": {"per_case": N|null,
 *                                              "per_month": N|null}},
 *    "webhook": {"url": "http(s)://...", "secret": "..."} | null}
 * A webhook without "secret" keeps the stored one (E_UNPROC when there is
 * none).  Unknown kind: E_NOTFOUND; anything invalid: E_UNPROC with the
 * field.  Writes. */
enum err actions_policy_put(struct store *st, struct arena *ar, const char *kind,
			    const char *json, struct action_policy *out, struct fail *f);
/* actions_policy_get - the policy of a known kind (configured false when
 * none is stored).  Read only. */
enum err actions_policy_get(struct store *st, struct arena *ar, const char *kind,
			    struct action_policy *out, struct fail *f);

/* ---- taking and deciding ---- */

struct action_new {
	const char *kind;
	int64_t amount;            /* money kinds */
	const char *currency;      /* money kinds */
	const char *item;          /* replacement */
	int64_t quantity;          /* replacement */
	int64_t days;              /* extend_subscription */
	const char *reason;
	const char *note;          /* NULL: none */
};

/* actions_take - take an action on case_id for `by` (an agent).  Unknown
 * case E_NOTFOUND; closed case E_CONFLICT "case_closed"; bad kind or
 * fields E_UNPROC naming the field (a currency other than the policy's
 * too).  Within the requester's limits: executed (state done, or sending
 * with a delivery row when the kind has a webhook; *hooked set).  Above
 * them: pending_approval with an alert to the supervisors.  Writes. */
enum err actions_take(struct store *st, struct arena *ar, int64_t case_id,
		      const struct action_new *in, const struct actor *by, struct action *out,
		      bool *hooked, struct fail *f);

/* actions_approve - a pending request approved and executed.  E_NOTFOUND,
 * E_CONFLICT "not_pending", E_FORBIDDEN "own_request" (nobody approves
 * their own) or "over_your_limit" (above the approver's role's limits).
 * Writes. */
enum err actions_approve(struct store *st, struct arena *ar, int64_t id, const char *note,
			 const struct actor *by, struct action *out, bool *hooked,
			 struct fail *f);
/* actions_decline - a pending request refused; the note (why) is
 * required (E_UNPROC field "note").  Writes. */
enum err actions_decline(struct store *st, struct arena *ar, int64_t id, const char *note,
			 const struct actor *by, struct action *out, struct fail *f);
/* actions_cancel - withdraw a pending request, or stop retrying the
 * webhook of a sending action (its delivery cancelled); reason required.
 * E_CONFLICT "not_cancellable" in other states.  Writes. */
enum err actions_cancel(struct store *st, struct arena *ar, int64_t id, const char *reason,
			const struct actor *by, struct action *out, struct fail *f);

/* ---- reading ---- */

/* What the caller may still do on a case, per kind (order of the kinds). */
struct action_allowance {
	const char *kind;
	bool policy;               /* false: approval for any amount */
	char *currency;
	int64_t left;              /* NO_LIMIT: unlimited */
};

/* actions_list - a case's actions (oldest first) and, when allow is not
 * NULL, the caller's allowance for each kind (ACTION_KINDS of them).
 * E_NOTFOUND for an unknown case.  Read only. */
enum err actions_list(struct store *st, struct arena *ar, int64_t case_id,
		      const struct actor *by, struct action_list *out,
		      struct action_allowance *allow, struct fail *f);
/* actions_get - one action. */
enum err actions_get(struct store *st, struct arena *ar, int64_t id, struct action *out,
		     struct fail *f);
/* actions_in_state - actions in a state, newest first (approvals: state
 * pending_approval); limit 1..ACTION_LIST_MAX. */
enum err actions_in_state(struct store *st, struct arena *ar, enum action_state state,
			  int64_t before_id, size_t limit, struct action_list *out,
			  struct fail *f);

/* ---- webhook outcomes (chan/hooks.c) ---- */

/* actions_hook_record - store d as action_hook_next left it, if it is still
 * pending in the store (a cancelled delivery is left alone: E_OK).  An
 * acknowledgement makes the action done (internal "action_delivered" and
 * the customer's line); the first failure writes "action_delivery_failed"
 * and alerts the requester.  Writes. */
enum err actions_hook_record(struct store *st, struct arena *ar,
			     const struct hook_delivery *d, struct fail *f);

#endif
