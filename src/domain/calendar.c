/*
 * calendar.c - business-hours calendars: parsing their stored form and time
 * arithmetic on them (see calendar.h).
 *
 * All arithmetic goes through one walk: local days in order from the day
 * before the starting instant's local date (so an odd zone cannot hide a
 * span that began the day before), each non-holiday day's spans converted
 * to UTC with tz_utc_of().  The walk hands out disjoint open intervals in
 * increasing order: a span whose end fell inside a DST gap (moved forward
 * by the gap) is clipped where the next one starts, and a span that ends
 * up empty is skipped.  Cost: O(days walked), two zone lookups a span.
 */
#include "domain/calendar.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/internal.h"

static const char *const day_keys[] = {"mon", "tue", "wed", "thu", "fri",
				       "sat", "sun", NULL};

static const char span_example[] =
	"must be \"HH:MM-HH:MM\", e.g. \"09:00-17:00\"";

/* ---- parsing ----------------------------------------------------------- */

static bool digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* parse_hm - "HH:MM" from 00:00 to 24:00 as minutes after midnight. */
static bool parse_hm(const char *s, int *min)
{
	int h, m;

	if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &m))
		return false;
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*min = h * 60 + m;
	return true;
}

static int day_index(const char *key)
{
	for (int d = 0; d < 7; d++)
		if (strcmp(key, day_keys[d]) == 0)
			return d;
	return -1;
}

/* unknown_day - refuse key; the field names it when it is short and plain. */
static enum err unknown_day(const char *key, struct fail *f)
{
	bool plain = strlen(key) <= 16;

	for (const char *p = key; plain && *p; p++)
		plain = *p > 0x20 && *p < 0x7f;
	fail_set(f, E_UNPROC, NULL, "hours",
		 "unknown day; days are mon, tue, wed, thu, fri, sat and sun");
	if (plain)
		domain__field(f, "hours.%s", key);
	if (f)
		f->allowed = day_keys;
	return E_UNPROC;
}

/* add_span - insert sp into day d, kept sorted; refuse an overlap. */
static enum err add_span(struct calendar *c, int d, struct cal_span sp,
			 const char *field, struct fail *f)
{
	struct cal_span *w = c->week[d];
	int k;

	for (k = 0; k < c->n_spans[d]; k++)
		if (sp.start_min < w[k].end_min && w[k].start_min < sp.end_min)
			return fail_set(f, E_UNPROC, "overlap", field,
					"overlaps \"%02d:%02d-%02d:%02d\"",
					w[k].start_min / 60,
					w[k].start_min % 60,
					w[k].end_min / 60, w[k].end_min % 60);
	for (k = c->n_spans[d]; k > 0 && w[k - 1].start_min > sp.start_min; k--)
		w[k] = w[k - 1];
	w[k] = sp;
	c->n_spans[d]++;
	return E_OK;
}

static enum err parse_day(struct calendar *c, int d, json_t *spans,
			  struct fail *f)
{
	char field[32];
	struct cal_span sp;
	const char *s;
	enum err e;

	snprintf(field, sizeof(field), "hours.%s", day_keys[d]);
	if (!json_is_array(spans))
		return fail_set(f, E_UNPROC, NULL, field,
				"must be a list of \"HH:MM-HH:MM\" spans");
	if (json_array_size(spans) > CAL_SPANS_MAX)
		return fail_set(f, E_UNPROC, NULL, field,
				"must have at most %d spans", CAL_SPANS_MAX);
	for (size_t i = 0; i < json_array_size(spans); i++) {
		snprintf(field, sizeof(field), "hours.%s[%zu]", day_keys[d], i);
		s = json_string_value(json_array_get(spans, i));
		if (!s || strlen(s) != 11 || s[5] != '-' ||
		    !parse_hm(s, &sp.start_min) ||
		    !parse_hm(s + 6, &sp.end_min))
			return fail_set(f, E_UNPROC, NULL, field, span_example);
		if (sp.start_min >= sp.end_min)
			return fail_set(f, E_UNPROC, NULL, field,
					"must start before it ends (the whole "
					"day is \"00:00-24:00\")");
		if ((e = add_span(c, d, sp, field, f)) != E_OK)
			return e;
	}
	return E_OK;
}

/* load_json - text parsed with jansson; refusals are E_UNPROC on field. */
static enum err load_json(const char *text, const char *field, json_t **out,
			  struct fail *f)
{
	json_error_t jerr;

	*out = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!*out)
		return fail_set(f, E_UNPROC, NULL, field,
				"is not valid JSON: %s", jerr.text);
	return E_OK;
}

static enum err parse_hours(struct calendar *c, const char *text,
			    struct fail *f)
{
	json_t *j = NULL, *spans;
	const char *key;
	enum err e = E_OK;
	int d, open = 0;

	if (text && *text && (e = load_json(text, "hours", &j, f)) != E_OK)
		return e;
	if (j && !json_is_object(j)) {
		e = fail_set(f, E_UNPROC, NULL, "hours",
			     "must be an object of days, e.g. "
			     "{\"mon\":[\"09:00-17:00\"]}");
		goto out;
	}
	json_object_foreach(j, key, spans) {
		if ((d = day_index(key)) < 0) {
			e = unknown_day(key, f);
			goto out;
		}
		if ((e = parse_day(c, d, spans, f)) != E_OK)
			goto out;
		open += c->n_spans[d];
	}
	if (!open)
		e = fail_set(f, E_UNPROC, NULL, "hours",
			     "a calendar must be open some time: give at "
			     "least one day a span, e.g. "
			     "{\"mon\":[\"09:00-17:00\"]}");
out:
	json_decref(j);
	return e;
}

/* parse_date - a real date "YYYY-MM-DD" of years 0001-9999 as yyyymmdd. */
static bool parse_date(const char *s, int32_t *out)
{
	struct tz_civil c;
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	tz_date_of(tz_days_of(y, m, d), &c);
	if (c.year != y || c.month != m || c.day != d)
		return false;
	*out = y * 10000 + m * 100 + d;
	return true;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static enum err parse_holidays(struct arena *ar, struct calendar *c,
			       const char *text, struct fail *f)
{
	json_t *j = NULL;
	enum err e = E_OK;
	size_t n, k = 0;

	if (!text || !*text)
		return E_OK;
	if ((e = load_json(text, "holidays", &j, f)) != E_OK)
		return e;
	if (!json_is_array(j)) {
		e = fail_set(f, E_UNPROC, NULL, "holidays",
			     "must be a list of \"YYYY-MM-DD\" dates");
		goto out;
	}
	if ((n = json_array_size(j)) > CAL_HOLIDAYS_MAX) {
		e = fail_set(f, E_TOOBIG, NULL, "holidays",
			     "must have at most %d dates", CAL_HOLIDAYS_MAX);
		goto out;
	}
	if (n && !(c->holidays = arena_alloc(ar, n * sizeof(int32_t)))) {
		e = domain__nomem(f);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!parse_date(json_string_value(json_array_get(j, i)),
				&c->holidays[i])) {
			e = fail_set(f, E_UNPROC, NULL, "holidays",
				     "must be a real date \"YYYY-MM-DD\"");
			domain__field(f, "holidays[%zu]", i);
			goto out;
		}
	}
	if (n)
		qsort(c->holidays, n, sizeof(int32_t), cmp_i32);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || c->holidays[k - 1] != c->holidays[i])
			c->holidays[k++] = c->holidays[i];
	c->n_holidays = k;
out:
	json_decref(j);
	return e;
}

static void release_tz(void *z)
{
	tz_free(z);
}

/* open_tz - c->tz for name, freed with the arena. */
static enum err open_tz(struct arena *ar, struct calendar *c, const char *name,
			struct fail *f)
{
	struct tz *z;
	enum err e = tz_open(name, &z);

	if (e == E_NOTFOUND)
		return fail_set(f, E_UNPROC, NULL, "tz",
				"unknown time zone; use an IANA name such as "
				"\"Europe/Paris\"");
	if (e != E_OK)
		return domain__nomem(f);
	if (arena_on_release(ar, release_tz, z) != 0)
		goto fail;
	c->tz = z;
	if (!(c->tz_name = arena_strdup(ar, tz_name(z))))
		return domain__nomem(f);
	return E_OK;
fail:
	tz_free(z);
	return domain__nomem(f);
}

enum err cal_parse(struct arena *ar, const char *name, const char *tz_name,
		   const char *hours_json, const char *holidays_json,
		   struct calendar *out, struct fail *f)
{
	enum err e;

	memset(out, 0, sizeof(*out));
	if (!(out->name = arena_strdup(ar, name ? name : "")))
		return domain__nomem(f);
	if ((e = open_tz(ar, out, tz_name, f)) != E_OK)
		return e;
	if ((e = parse_hours(out, hours_json, f)) != E_OK)
		return e;
	return parse_holidays(ar, out, holidays_json, f);
}

enum err cal_always(struct arena *ar, struct calendar *out)
{
	enum err e;

	memset(out, 0, sizeof(*out));
	if (!(out->name = arena_strdup(ar, "always")))
		return E_NOMEM;
	if ((e = open_tz(ar, out, "UTC", NULL)) != E_OK)
		return e == E_UNPROC ? E_NOTFOUND : e;
	for (int d = 0; d < 7; d++) {
		out->week[d][0] = (struct cal_span){0, 1440};
		out->n_spans[d] = 1;
	}
	return E_OK;
}

/* ---- canonical text ---------------------------------------------------- */

char *cal_hours_json(struct arena *ar, const struct calendar *c)
{
	/* per day: ,"mon":[ ] and up to CAL_SPANS_MAX of ,"HH:MM-HH:MM" */
	size_t cap = 7 * (10 + CAL_SPANS_MAX * 14) + 3, n = 0;
	char *s = arena_alloc(ar, cap);

	if (!s)
		return NULL;
	s[n++] = '{';
	for (int d = 0; d < 7; d++) {
		n += snprintf(s + n, cap - n, "%s\"%s\":[", d ? "," : "",
			      day_keys[d]);
		for (int k = 0; k < c->n_spans[d]; k++) {
			const struct cal_span *sp = &c->week[d][k];

			n += snprintf(s + n, cap - n,
				      "%s\"%02d:%02d-%02d:%02d\"", k ? "," : "",
				      sp->start_min / 60, sp->start_min % 60,
				      sp->end_min / 60, sp->end_min % 60);
		}
		s[n++] = ']';
	}
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

char *cal_holidays_json(struct arena *ar, const struct calendar *c)
{
	size_t cap = c->n_holidays * 13 + 3, n = 0; /* ,"YYYY-MM-DD" each */
	char *s = arena_alloc(ar, cap);

	if (!s)
		return NULL;
	s[n++] = '[';
	for (size_t i = 0; i < c->n_holidays; i++) {
		int32_t h = c->holidays[i];

		n += snprintf(s + n, cap - n, "%s\"%04d-%02d-%02d\"",
			      i ? "," : "", (int)(h / 10000),
			      (int)(h / 100 % 100), (int)(h % 100));
	}
	s[n++] = ']';
	s[n] = '\0';
	return s;
}

/* ---- the walk over open intervals -------------------------------------- */

struct walk {
	const struct calendar *c;
	int64_t day, last;    /* local day loaded (days since 1970), last one */
	struct tz_civil date; /* of day */
	int span, n;          /* next span of day, spans it has (0: holiday) */
	int64_t cursor;       /* end of the last interval handed out */
};

static bool is_holiday(const struct calendar *c, const struct tz_civil *d)
{
	int64_t key = (int64_t)d->year * 10000 + d->month * 100 + d->day;
	size_t lo = 0, hi = c->n_holidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->holidays[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n_holidays && c->holidays[lo] == key;
}

/* walk_init - walk `days` local days, starting the day before t's date. */
static void walk_init(struct walk *w, const struct calendar *c, int64_t t,
		      int days)
{
	struct tz_civil now;

	tz_civil_of(c->tz, t, &now);
	w->c = c;
	w->day = tz_days_of(now.year, now.month, now.day) - 2;
	w->last = w->day + days;
	w->span = w->n = 0;
	w->cursor = INT64_MIN;
}

static int64_t walk_at(const struct walk *w, int min)
{
	return tz_utc_of(w->c->tz, w->date.year, w->date.month, w->date.day,
			 min / 60, min % 60);
}

/* walk_next - the next open interval [*s, *e), *s < *e; false when the
 * days are used up. */
static bool walk_next(struct walk *w, int64_t *s, int64_t *e)
{
	const struct cal_span *sp;

	for (;;) {
		if (w->span == w->n) {
			if (w->day == w->last)
				return false;
			tz_date_of(++w->day, &w->date);
			w->span = 0;
			w->n = is_holiday(w->c, &w->date) ?
				       0 :
				       w->c->n_spans[w->date.wday];
			continue;
		}
		sp = &w->c->week[w->date.wday][w->span++];
		*s = walk_at(w, sp->start_min);
		*e = walk_at(w, sp->end_min);
		if (*s < w->cursor)
			*s = w->cursor;
		if (*e <= *s)
			continue;
		w->cursor = *e;
		return true;
	}
}

bool cal_is_open(const struct calendar *c, int64_t t)
{
	struct walk w;
	int64_t s, e;

	walk_init(&w, c, t, 3); /* the day before, t's date, the day after */
	while (walk_next(&w, &s, &e) && s <= t)
		if (t < e)
			return true;
	return false;
}

int64_t cal_add(const struct calendar *c, int64_t from, int64_t business_ms)
{
	int64_t left = business_ms > 0 ? business_ms : 0, s, e;
	struct walk w;

	walk_init(&w, c, from, CAL_DAYS_MAX);
	while (walk_next(&w, &s, &e)) {
		if (e <= from)
			continue;
		if (s < from)
			s = from;
		if (e - s >= left)
			return s + left;
		left -= e - s;
	}
	return INT64_MAX;
}

int64_t cal_between(const struct calendar *c, int64_t from, int64_t to)
{
	int64_t sum = 0, s, e;
	struct walk w;

	if (to <= from)
		return 0;
	walk_init(&w, c, from, CAL_DAYS_MAX);
	while (walk_next(&w, &s, &e) && s < to) {
		if (e <= from)
			continue;
		sum += (e < to ? e : to) - (s > from ? s : from);
	}
	return sum;
}

int64_t cal_next_open(const struct calendar *c, int64_t t)
{
	return cal_add(c, t, 0);
}

int64_t cal_day_ms(const struct calendar *c)
{
	int64_t total = 0;
	int days = 0;

	for (int d = 0; d < 7; d++) {
		for (int i = 0; i < c->n_spans[d]; i++)
			total += (int64_t)(c->week[d][i].end_min - c->week[d][i].start_min) * 60000;
		days += c->n_spans[d] > 0;
	}
	return days ? total / days : 24LL * 3600 * 1000;
}
