/*
 * case_rules.c - names and the status machine of cases (see cases.h).
 *
 * Pure: no store, no clock.  The transition table is data, and each row's
 * allowed list is a static array so a refusal can point at it.
 */
#include "domain/cases.h"

#include <string.h>

static const char *const status_names[] = {
	[CASE_NEW] = "new",
	[CASE_OPEN] = "open",
	[CASE_PENDING_CUSTOMER] = "pending_customer",
	[CASE_PENDING_INTERNAL] = "pending_internal",
	[CASE_RESOLVED] = "resolved",
	[CASE_CLOSED] = "closed",
};

static const char *const prio_names[] = {
	[PRIO_LOW] = "low",
	[PRIO_NORMAL] = "normal",
	[PRIO_HIGH] = "high",
	[PRIO_URGENT] = "urgent",
};

static const char *const source_names[] = {
	[SRC_CUSTOMER] = "customer",
	[SRC_AGENT] = "agent",
	[SRC_SYSTEM] = "system",
	[SRC_CHANNEL] = "channel",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* lookup - index of s in names[1..n), 0 if absent. */
static int lookup(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return 0;
}

static const char *name(const char *const *names, size_t n, int i)
{
	return i > 0 && (size_t)i < n && names[i] ? names[i] : "unknown";
}

const char *case_status_name(enum case_status s)
{
	return name(status_names, N(status_names), (int)s);
}

enum case_status case_status_parse(const char *s)
{
	return (enum case_status)lookup(status_names, N(status_names), s);
}

const char *case_priority_name(enum case_priority p)
{
	return name(prio_names, N(prio_names), (int)p);
}

enum case_priority case_priority_parse(const char *s)
{
	return (enum case_priority)lookup(prio_names, N(prio_names), s);
}

const char *fact_source_name(enum fact_source s)
{
	return name(source_names, N(source_names), (int)s);
}

enum fact_source fact_source_parse(const char *s)
{
	return (enum fact_source)lookup(source_names, N(source_names), s);
}

const char *visibility_name(enum visibility v)
{
	return v == VIS_PUBLIC ? "public" : v == VIS_INTERNAL ? "internal" :
								"unknown";
}

const char *author_kind_name(enum author_kind k)
{
	switch (k) {
	case AUTHOR_SYSTEM: return "system";
	case AUTHOR_AGENT: return "agent";
	case AUTHOR_CUSTOMER: return "customer";
	}
	return "unknown";
}

/* The transition table: next[from] lists the statuses `from` may move to. */
static const char *const from_new[] = { "open", "pending_customer",
					"pending_internal", "resolved", NULL };
static const char *const from_open[] = { "pending_customer",
					 "pending_internal", "resolved", NULL };
static const char *const from_pc[] = { "open", "pending_internal", "resolved",
				       NULL };
static const char *const from_pi[] = { "open", "pending_customer", "resolved",
				       NULL };
static const char *const from_resolved[] = { "open", "closed", NULL };
static const char *const none[] = { NULL };

static const char *const *const next[] = {
	[CASE_NEW] = from_new,
	[CASE_OPEN] = from_open,
	[CASE_PENDING_CUSTOMER] = from_pc,
	[CASE_PENDING_INTERNAL] = from_pi,
	[CASE_RESOLVED] = from_resolved,
	[CASE_CLOSED] = none,
};

const char *const *case_allowed_next(enum case_status from)
{
	if ((int)from <= 0 || (size_t)from >= N(next))
		return none;
	return next[from];
}

bool case_transition_ok(enum case_status from, enum case_status to)
{
	const char *to_name;

	if ((int)to <= 0 || (size_t)to >= N(status_names))
		return false;
	to_name = status_names[to];
	for (const char *const *p = case_allowed_next(from); *p; p++)
		if (strcmp(*p, to_name) == 0)
			return true;
	return false;
}
