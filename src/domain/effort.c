/*
 * effort.c - customer effort: each time the customer is made to repeat
 * something the case already held (effort.h).
 */
#include "domain/effort.h"

#include <string.h>

#include "domain/internal.h"

enum err effort__note(struct store *st, struct arena *ar, const struct case_ *c,
		      const char *kind, const char *detail, const struct actor *by,
		      int64_t now, struct fail *f)
{
	struct effort x = {.case_id = c->id, .kind = (char *)kind, .detail = (char *)detail,
			   .created_at = now};
	const char *body;
	char *data;
	enum err e;

	domain__author(by, c->customer_id, &x.by_kind, &x.by_id);
	if ((e = store_effort_insert(st, &x)) != E_OK)
		return domain__io(f, e);
	body = !strcmp(kind, "repeat_question") ? "Asked the customer again for something the case already held"
						: "Verified the customer again while a verification held";
	data = arena_printf(ar, "{\"kind\":\"%s\",\"detail\":%s}", kind,
			    domain__json_str(ar, detail));
	if (!data)
		return domain__nomem(f);
	e = domain__event_add(st, c->id, c->customer_id, "effort", by, VIS_INTERNAL, body, data,
			      now, NULL);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err effort_of(struct store *st, struct arena *ar, int64_t case_id,
		   struct effort_summary *out, struct fail *f)
{
	struct case_ c;
	enum err e;

	memset(out, 0, sizeof(*out));
	if ((e = cases__get(st, ar, case_id, &c, f)) != E_OK)
		return e;
	if ((e = store_effort_list(st, ar, case_id, &out->items)) != E_OK)
		return domain__io(f, e);
	for (size_t i = 0; i < out->items.n; i++) {
		if (!strcmp(out->items.items[i].kind, "repeat_question"))
			out->repeat_questions++;
		else
			out->reverifications++;
	}
	return E_OK;
}
