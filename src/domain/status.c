/*
 * status.c - the customer's status page of a case (see status.h).
 */
#include "domain/status.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/cases.h"
#include "domain/internal.h"
#include "domain/watch.h"

#define TOKEN_RAW 24 /* 192 bits, 32 characters of base64url */

enum err status__ensure_link(struct store *st, struct arena *ar, struct case_ *c)
{
	unsigned char raw[TOKEN_RAW];
	char tok[2 * TOKEN_RAW];

	if (c->status_token)
		return E_OK;
	randombytes_buf(raw, sizeof(raw));
	if (!sodium_bin2base64(tok, sizeof(tok), raw, sizeof(raw),
			       sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return E_IO;
	if (!(c->status_token = arena_strdup(ar, tok)))
		return E_NOMEM;
	crypto_generichash(c->status_hash, 32, (const unsigned char *)tok, strlen(tok),
			   NULL, 0);
	return store_case_update(st, c);
}

void status_url_buf(const struct case_ *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s/status/#%s", watch_public_url(),
		 c->status_token ? c->status_token : "");
}

char *status__url(struct arena *ar, const struct case_ *c)
{
	char buf[STATUS_TOKEN_MAX + 600];

	status_url_buf(c, buf, sizeof(buf));
	return arena_strdup(ar, buf);
}

char *status_url(struct arena *ar, const struct case_ *c)
{
	return status__url(ar, c);
}

enum err status_link(struct store *st, struct arena *ar, int64_t case_id, bool rotate,
		     struct case_ *out, struct fail *f)
{
	enum err e;

	if ((e = cases__get(st, ar, case_id, out, f)) != E_OK)
		return e;
	if (rotate)
		out->status_token = NULL;
	e = status__ensure_link(st, ar, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err status_revoke(struct store *st, struct arena *ar, int64_t case_id,
		       struct fail *f)
{
	struct case_ c;
	enum err e;

	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if (!c.status_token)
		return E_OK;
	c.status_token = NULL;
	e = store_case_update(st, &c);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err status_find(struct store *st, struct arena *ar, const char *token,
		     struct case_ *out)
{
	unsigned char hash[32];
	size_t n = token ? strlen(token) : 0;
	enum err e;

	if (n < 16 || n > STATUS_TOKEN_MAX)
		return E_NOTFOUND;
	crypto_generichash(hash, 32, (const unsigned char *)token, n, NULL, 0);
	e = store_case_by_status_hash(st, ar, hash, out);
	if (e != E_OK)
		return e;
	/* the index found the row by hash; the stored secret must match too */
	if (!out->status_token || strlen(out->status_token) != n ||
	    sodium_memcmp(out->status_token, token, n) != 0)
		return E_NOTFOUND;
	return E_OK;
}

/* ---- the page ---------------------------------------------------------- */

static const char *standing(enum case_status s)
{
	switch (s) {
	case CASE_NEW: return "We have your request. Someone will pick it up soon.";
	case CASE_OPEN: return "We are working on it.";
	case CASE_PENDING_CUSTOMER: return "We are waiting for your reply.";
	case CASE_PENDING_INTERNAL: return "We are working on it with another team.";
	case CASE_RESOLVED: return "We think this is fixed.";
	case CASE_CLOSED: return "This case is closed.";
	}
	return "";
}

static const char *next_step(const struct case_ *c, const struct promise *first)
{
	if (first && !strcmp(first->kind, "callback"))
		return "We will call you back.";
	if (first && !strcmp(first->kind, "reply"))
		return "We will reply to you.";
	if (first && !strcmp(first->kind, "fix"))
		return "We will fix it.";
	if (first && !strcmp(first->kind, "update"))
		return "We will send you an update.";
	switch (c->status) {
	case CASE_PENDING_CUSTOMER:
		return "Reply below when you can; we pick it up as soon as you do.";
	case CASE_RESOLVED: return "Tell us below whether it is fixed.";
	case CASE_CLOSED: return "Nothing more is planned. Write to us if you need us again.";
	default: return "We will tell you here as soon as there is news.";
	}
}

/* pending - the case's pending promises, soonest first. */
static enum err pending(struct store *st, struct arena *ar, int64_t case_id,
			struct status_view *v)
{
	struct promise_list pl;
	enum err e;

	if ((e = store_promise_list(st, ar, case_id, &pl)) != E_OK)
		return e;
	v->promises = pl.items;
	v->n_promises = 0;
	for (size_t i = 0; i < pl.n; i++)
		if (pl.items[i].state == PROMISE_PENDING)
			v->promises[v->n_promises++] = pl.items[i];
	for (size_t i = 1; i < v->n_promises; i++) /* insertion sort: a few */
		for (size_t j = i; j > 0 && v->promises[j].due_at < v->promises[j - 1].due_at; j--) {
			struct promise t = v->promises[j];

			v->promises[j] = v->promises[j - 1];
			v->promises[j - 1] = t;
		}
	return E_OK;
}

/* public_events - every public event, oldest first, in pages. */
static enum err public_events(struct store *st, struct arena *ar, int64_t case_id,
			      struct status_view *v)
{
	struct event_list page;
	struct event *all = NULL;
	size_t n = 0, cap = 0;
	int64_t after = 0;
	enum err e;

	do {
		if ((e = store_event_list(st, ar, case_id, after, 500, &page)) != E_OK)
			return e;
		for (size_t i = 0; i < page.n; i++) {
			if (page.items[i].visibility != VIS_PUBLIC)
				continue;
			if (n == cap) {
				struct event *bigger;

				cap = cap ? cap * 2 : 64;
				if (!(bigger = arena_alloc(ar, cap * sizeof(*bigger))))
					return E_NOMEM;
				if (n)
					memcpy(bigger, all, n * sizeof(*bigger));
				all = bigger;
			}
			all[n++] = page.items[i];
		}
		if (page.n)
			after = page.items[page.n - 1].id;
	} while (page.n == 500 && n < 5000);
	v->events = all;
	v->n_events = n;
	return E_OK;
}

enum err status_view(struct store *st, struct arena *ar, const struct case_ *c,
		     struct status_view *out)
{
	struct customer cu;
	enum err e;

	memset(out, 0, sizeof(*out));
	out->c = *c;
	if ((e = store_customer_get(st, ar, c->customer_id, &cu)) != E_OK)
		return e;
	out->customer_name = cu.name;
	if ((e = pending(st, ar, c->id, out)) != E_OK ||
	    (e = public_events(st, ar, c->id, out)) != E_OK)
		return e;
	e = store_followup_get(st, ar, c->id, &out->fu);
	if (e == E_NOTFOUND) {
		memset(&out->fu, 0, sizeof(out->fu));
		e = E_OK;
	}
	if (e != E_OK)
		return e;
	out->standing = standing(c->status);
	out->next = next_step(c, out->n_promises ? &out->promises[0] : NULL);
	out->can_answer = c->status == CASE_RESOLVED &&
			  (!out->fu.id || out->fu.state != FOLLOWUP_ANSWERED);
	return E_OK;
}

/* ---- what the customer does on the page ------------------------------- */

static const struct actor *customer_of(const struct case_ *c, struct actor *a)
{
	a->kind = AUTHOR_CUSTOMER;
	a->id = c->customer_id;
	a->role = ROLE_NONE;
	return a;
}

/* reopen - the case back to open, by the customer, same owner. */
static enum err reopen(struct store *st, struct arena *ar, const struct case_ *c,
		       const struct actor *by, struct fail *f)
{
	struct case_patch p = {.has_status = true, .status = "open"};
	struct case_ out;

	return cases_update(st, ar, c->id, &p, by, &out, f);
}

enum err status_message(struct store *st, struct arena *ar, const struct case_ *c,
			const char *body, struct event *out, struct fail *f)
{
	struct actor who;
	enum err e;

	if (c->status == CASE_CLOSED)
		return fail_set(f, E_CONFLICT, "case_closed", NULL,
				"this case is closed; write to us again and we will open a new one");
	/* the case is open again first, so the message is one that awaits an
	 * answer (it starts the next-response clock) */
	if ((c->status == CASE_PENDING_CUSTOMER || c->status == CASE_RESOLVED) &&
	    (e = reopen(st, ar, c, customer_of(c, &who), f)) != E_OK)
		return e;
	return cases_add_event(st, ar, c->id, "message", body, "public", customer_of(c, &who),
			       out, f);
}

static enum err answer_check(const struct case_ *c, int ease, const char *comment,
			     struct fail *f)
{
	if (c->status != CASE_RESOLVED)
		return fail_set(f, E_CONFLICT, "not_resolved", NULL,
				"you can tell us whether it is fixed once we have resolved it");
	if (ease < 0 || ease > 7)
		return fail_set(f, E_UNPROC, NULL, "ease", "must be from 1 (very hard) to 7 (very easy)");
	if (comment && strlen(comment) > CASE_BODY_MAX)
		return fail_set(f, E_TOOBIG, NULL, "comment", "a comment is at most %d bytes",
				CASE_BODY_MAX);
	return E_OK;
}

enum err status_answer(struct store *st, struct arena *ar, const struct case_ *c,
		       bool fixed, int ease, const char *comment, struct fail *f)
{
	struct followup fu;
	struct actor who;
	char *text = NULL, *data;
	int64_t now = clock_now_ms();
	enum err e;

	if ((e = answer_check(c, ease, comment, f)) != E_OK)
		return e;
	if (comment && *comment &&
	    (e = domain__text(ar, comment, "comment", 1, CASE_BODY_MAX, &text, f)) != E_OK)
		return e;
	e = store_followup_get(st, ar, c->id, &fu);
	if (e == E_NOTFOUND)
		fu = (struct followup){.case_id = c->id, .customer_id = c->customer_id,
				       .fixed = -1};
	else if (e != E_OK)
		return domain__io(f, e);
	else if (fu.state == FOLLOWUP_ANSWERED)
		return fail_set(f, E_CONFLICT, "already_answered", NULL,
				"you have already told us; thank you");
	fu.state = FOLLOWUP_ANSWERED;
	fu.answered_at = now;
	fu.fixed = fixed ? 1 : 0;
	fu.ease = ease;
	fu.comment = text;
	if ((e = store_followup_put(st, &fu)) != E_OK)
		return domain__io(f, e);
	data = arena_printf(ar, "{\"fixed\":%s,\"ease\":%s}", fixed ? "true" : "false",
			    ease ? arena_printf(ar, "%d", ease) : "null");
	if (!data)
		return domain__nomem(f);
	e = domain__event_add(st, c->id, c->customer_id, "followup_answer",
			      customer_of(c, &who), VIS_PUBLIC,
			      fixed ? "Yes, it is fixed." : "No, it is not fixed.", data, now,
			      NULL);
	if (e != E_OK)
		return domain__io(f, e);
	if (fixed)
		return E_OK;
	if (text && (e = cases_add_event(st, ar, c->id, "message", text, "public", &who,
					 NULL, f)) != E_OK)
		return e;
	return reopen(st, ar, c, &who, f);
}
