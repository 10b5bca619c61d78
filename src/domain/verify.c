/*
 * verify.c - verifications on a case and the rule against asking again
 * while one holds (verify.h).
 *
 * The state of a case is read from its verification rows (a case has a
 * handful), newest first: the newest whose window has not ended holds.
 * The window is fixed when the verification is made, so changing the
 * setting never lengthens or shortens one already given.
 */
#include "domain/verify.h"

#include <string.h>

#include "base/clock.h"
#include "domain/internal.h"

const char *const verify_methods[] = {"phone_pin", "portal_login", "signed_widget_identity",
				      "email_link", "agent_questions", NULL};
const char *const verify_levels[] = {"low", "medium", "high", NULL};
const char *const verify_reasons[] = {"high_risk_change", "details_mismatch", "step_up",
				      "customer_request", "new_contact_person", NULL};

/* what each method reads as, and its level when none is given */
static const struct {
	const char *method, *words, *level;
} methods[] = {
	{"phone_pin", "account number and PIN", "medium"},
	{"portal_login", "signing in to the customer portal", "medium"},
	{"signed_widget_identity", "signing in on the website", "medium"},
	{"email_link", "a link sent by email", "low"},
	{"agent_questions", "security questions asked by an agent", "low"},
};

static int64_t window_ms = 60 * 60000;

void verify_set_window_ms(int64_t ms)
{
	if (ms > 0)
		window_ms = ms;
}

int64_t verify_window_ms(void)
{
	return window_ms;
}

static int method_index(const char *m)
{
	for (size_t i = 0; m && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(methods[i].method, m))
			return (int)i;
	return -1;
}

const char *verify_method_words(const char *method)
{
	int i = method_index(method);

	return i < 0 ? method : methods[i].words;
}

static enum err not_in(struct fail *f, const char *field, const char *const *allowed,
		       const char *what)
{
	fail_set(f, E_UNPROC, "not_allowed", field, "%s is not one heed knows", what);
	if (f)
		f->allowed = allowed;
	return E_UNPROC;
}

/* check - the input, normalised into v (method, level, detail, via, reason). */
static enum err check(struct arena *ar, const struct verify_in *in, struct verification *v,
		      struct fail *f)
{
	int m = method_index(in->method);
	enum err e;

	if (!in->method)
		return fail_set(f, E_INVAL, "missing_field", "method", "give the method used");
	if (m < 0)
		return not_in(f, "method", verify_methods, "the method");
	v->method = (char *)methods[m].method;
	v->level = (char *)(in->level ? in->level : methods[m].level);
	if (domain__index_of(verify_levels, v->level) < 0)
		return not_in(f, "level", verify_levels, "the level");
	if (in->reason && domain__index_of(verify_reasons, in->reason) < 0)
		return not_in(f, "reason", verify_reasons, "the reason");
	v->reason = (char *)in->reason;
	if ((e = domain__text(ar, in->detail, "detail", 0, VERIFY_DETAIL_MAX, &v->detail, f)))
		return e;
	return domain__text(ar, in->via, "via", 0, VERIFY_VIA_MAX, &v->via, f);
}

/* holding - the newest verification of the list still valid at now. */
static const struct verification *holding(const struct verification_list *l, int64_t now)
{
	return l->n && l->items[0].valid_until > now ? &l->items[0] : NULL;
}

static char *event_data(struct arena *ar, const struct verification *v)
{
	return arena_printf(ar,
			    "{\"verification_id\":%lld,\"method\":\"%s\",\"level\":\"%s\","
			    "\"detail\":%s,\"via\":%s,\"reason\":%s,\"valid_until\":%lld}",
			    (long long)v->id, v->method, v->level, domain__json_str(ar, v->detail),
			    domain__json_str(ar, v->via), domain__json_str(ar, v->reason),
			    (long long)v->valid_until);
}

enum err verify_record(struct store *st, struct arena *ar, int64_t case_id,
		       const struct verify_in *in, const struct actor *by,
		       struct verification *out, struct fail *f)
{
	struct verification v = {.case_id = case_id};
	struct verification_list l;
	const struct verification *held;
	struct case_ c;
	int64_t now = clock_now_ms();
	char *data;
	enum err e;

	if ((e = check(ar, in, &v, f)) != E_OK)
		return e;
	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if (c.status == CASE_CLOSED)
		return fail_set(f, E_CONFLICT, "case_closed", NULL,
				"case %lld is closed", (long long)case_id);
	if ((e = store_verification_list(st, ar, case_id, &l)) != E_OK)
		return domain__io(f, e);
	held = holding(&l, now);
	if (held && !v.reason) {
		char at[40], until[40];

		clock_format(held->created_at, at, sizeof(at));
		clock_format(held->valid_until, until, sizeof(until));
		fail_set(f, E_CONFLICT, "already_verified", "reason",
			 "the customer was verified by %s at %s; it holds until %s. "
			 "Asking again needs a reason",
			 verify_method_words(held->method), at, until);
		if (f)
			f->allowed = verify_reasons;
		return E_CONFLICT;
	}
	if (!held)
		v.reason = NULL; /* nothing was asked twice */
	domain__author(by, c.customer_id, &v.by_kind, &v.by_id);
	v.valid_until = now + window_ms;
	v.created_at = now;
	if ((e = store_verification_insert(st, &v)) != E_OK)
		return domain__io(f, e);
	if (!(data = event_data(ar, &v)))
		return domain__nomem(f);
	e = domain__event_add(st, case_id, c.customer_id, "verification", by, VIS_PUBLIC,
			      "Identity verified", data, now, NULL);
	if (e != E_OK)
		return domain__io(f, e);
	if (held && (e = effort__note(st, ar, &c, "reverification", v.reason, by, now, f)))
		return e;
	if (out)
		*out = v;
	return E_OK;
}

enum err verify_state_of(struct store *st, struct arena *ar, int64_t case_id,
			 struct verify_state *out, struct fail *f)
{
	struct case_ c;
	enum err e;

	memset(out, 0, sizeof(*out));
	out->window_ms = window_ms;
	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if ((e = store_verification_list(st, ar, case_id, &out->all)) != E_OK)
		return domain__io(f, e);
	out->current = holding(&out->all, clock_now_ms());
	for (size_t i = 0; i < out->all.n; i++)
		out->reverifications += out->all.items[i].reason != NULL;
	return E_OK;
}
