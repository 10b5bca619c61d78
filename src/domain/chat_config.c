/*
 * chat_config.c - sites, queues, saved replies and the start of a chat
 * (see chat_config.h).
 */
#include "domain/chat_config.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "domain/cases.h"
#include "domain/chat.h"
#include "domain/custrec.h"
#include "domain/customers.h"
#include "domain/ident.h"
#include "domain/flows.h"
#include "domain/internal.h"
#include "domain/verify.h"

static bool slug_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* origins_ok - space-separated http(s)://host[:port], no path. */
static bool origins_ok(const char *s)
{
	for (const char *p = s; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *host;

		if (n > 8 && !strncmp(p, "https://", 8))
			host = p + 8;
		else if (n > 7 && !strncmp(p, "http://", 7))
			host = p + 7;
		else
			return false;
		for (const char *q = host; q < p + n; q++)
			if (*q == '/' || *q <= ' ' || *q > '~')
				return false;
		p = end ? end + 1 : NULL;
	}
	return s != NULL;
}

enum err sites_create(struct store *st, struct arena *ar, const struct site_in *in,
		      struct site *out, struct fail *f)
{
	unsigned char key[32];
	char hex[SITE_SECRET_HEX + 1];
	struct queue_list ql;
	bool known = false;
	enum err e;

	memset(out, 0, sizeof(*out));
	if (!slug_ok(in->key, 64))
		return fail_set(f, E_UNPROC, NULL, "key", "must be 1-64 of a-z 0-9 _ -");
	if ((e = domain__text(ar, in->name, "name", 1, 200, &out->name, f)) != E_OK)
		return e;
	if ((e = store_queue_list(st, ar, &ql)) != E_OK)
		return domain__io(f, e);
	for (size_t i = 0; i < ql.n; i++)
		known |= in->queue && !strcmp(ql.items[i].name, in->queue);
	if (!known)
		return fail_set(f, E_UNPROC, NULL, "queue", "no such queue");
	if (!origins_ok(in->origins ? in->origins : ""))
		return fail_set(f, E_UNPROC, NULL, "origins",
				"must be space-separated http(s)://host[:port]");
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	out->key = arena_strdup(ar, in->key);
	out->queue = arena_strdup(ar, in->queue);
	out->origins = arena_strdup(ar, in->origins ? in->origins : "");
	out->secret = arena_strdup(ar, hex);
	out->created_at = out->updated_at = clock_now_ms();
	if (!out->key || !out->queue || !out->origins || !out->secret)
		return domain__nomem(f);
	e = store_site_insert(st, out);
	if (e == E_CONFLICT)
		return fail_set(f, E_CONFLICT, "key_taken", "key", "another site has this key");
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err sites_verify(const struct site *s, const char *id, const char *sig_hex,
		      struct fail *f)
{
	unsigned char key[32], want[crypto_auth_hmacsha256_BYTES],
		got[crypto_auth_hmacsha256_BYTES];
	size_t klen = 0, glen = 0;

	if (!id || !*id || strlen(id) > 200)
		return fail_set(f, E_UNPROC, NULL, "identity.id", "must be 1-200 characters");
	if (!sig_hex || sodium_hex2bin(got, sizeof(got), sig_hex, strlen(sig_hex), NULL,
				       &glen, NULL) || glen != sizeof(got) ||
	    sodium_hex2bin(key, sizeof(key), s->secret, strlen(s->secret), NULL, &klen,
			   NULL) || klen != sizeof(key))
		return fail_set(f, E_FORBIDDEN, "bad_signature", "identity.signature",
				"the identity signature does not verify");
	crypto_auth_hmacsha256(want, (const unsigned char *)id, strlen(id), key);
	if (sodium_memcmp(want, got, sizeof(want)) != 0)
		return fail_set(f, E_FORBIDDEN, "bad_signature", "identity.signature",
				"the identity signature does not verify");
	return E_OK;
}

bool sites_origin_ok(const struct site *s, const char *origin, const char *host)
{
	const char *p = origin ? strstr(origin, "://") : NULL;
	size_t n;

	if (!origin)
		return true; /* not a browser: the Origin rule is for browsers */
	if (p && host && strcasecmp(p + 3, host) == 0)
		return true;
	n = strlen(origin);
	for (p = s->origins; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncasecmp(p, origin, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* origin_listed - the site names origin in its list (not the host rule). */
static bool origin_listed(const struct site *s, const char *origin)
{
	return sites_origin_ok(s, origin, NULL);
}

enum err sites_find(struct store *st, struct arena *ar, const char *key,
		    const char *origin, const char *host, struct site *out,
		    struct fail *f)
{
	struct site_list sl;
	size_t found = 0;
	enum err e;

	if (key) {
		e = store_site_by_key(st, ar, key, out);
		if (e == E_NOTFOUND)
			return fail_set(f, E_UNPROC, NULL, "site", "no such site");
		if (e != E_OK)
			return domain__io(f, e);
	} else {
		if (!origin)
			return fail_set(f, E_UNPROC, "missing_field", "site",
					"name the site: there is no Origin to find it by");
		if ((e = store_site_list(st, ar, &sl)) != E_OK)
			return domain__io(f, e);
		for (size_t i = 0; i < sl.n; i++)
			if (origin_listed(&sl.items[i], origin) && found++ == 0)
				*out = sl.items[i];
		if (found > 1)
			return fail_set(f, E_UNPROC, NULL, "site",
					"several sites allow this page; name one (data-site)");
		if (found == 0 && sl.n == 1)
			*out = sl.items[0]; /* the host rule below decides */
		else if (found == 0)
			return fail_set(f, E_FORBIDDEN, "origin_not_allowed", NULL,
					"no site allows this page's origin");
	}
	if (!sites_origin_ok(out, origin, host))
		return fail_set(f, E_FORBIDDEN, "origin_not_allowed", NULL,
				"this page's origin is not allowed for the site");
	return E_OK;
}

enum err queues_put(struct store *st, struct arena *ar, const char *name,
		    const char *skills, struct queue_def *out, struct fail *f)
{
	enum err e;

	(void)ar;
	if (!slug_ok(name, 64))
		return fail_set(f, E_UNPROC, NULL, "name", "must be 1-64 of a-z 0-9 _ -");
	if (!routing_skills_valid(skills ? skills : ""))
		return fail_set(f, E_UNPROC, NULL, "skills",
				"must be up to 16 comma-separated names of a-z 0-9 _ -");
	out->name = (char *)name;
	out->skills = (char *)(skills ? skills : "");
	out->created_at = clock_now_ms();
	e = store_queue_put(st, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err replies_create(struct store *st, struct arena *ar, const char *title,
			const char *body, bool shared, const struct actor *by,
			struct saved_reply *out, struct fail *f)
{
	enum err e;

	memset(out, 0, sizeof(*out));
	if (shared && by->role < ROLE_SUPERVISOR)
		return fail_set(f, E_FORBIDDEN, NULL, "shared",
				"only supervisors may save shared replies");
	if ((e = domain__text(ar, title, "title", 1, 100, &out->title, f)) != E_OK)
		return e;
	if ((e = chat_body(ar, body, &out->body, f)) != E_OK)
		return e;
	out->owner_id = shared ? 0 : by->id;
	out->created_at = clock_now_ms();
	e = store_reply_insert(st, out);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err replies_delete(struct store *st, struct arena *ar, int64_t id,
			const struct actor *by, struct fail *f)
{
	struct saved_reply r;
	enum err e;

	e = store_reply_get(st, ar, id, &r);
	if (e == E_NOTFOUND)
		return fail_set(f, E_NOTFOUND, NULL, NULL, "no such saved reply");
	if (e != E_OK)
		return domain__io(f, e);
	if (r.owner_id ? r.owner_id != by->id : by->role < ROLE_SUPERVISOR)
		return fail_set(f, E_FORBIDDEN, NULL, NULL, "not your saved reply");
	e = store_reply_delete(st, id);
	return e == E_OK ? E_OK : domain__io(f, e);
}

enum err chat_start_check(struct arena *ar, const struct chat_start_in *in,
			  struct fail *f)
{
	char *t;
	enum err e;

	if ((e = domain__text(ar, in->subject, "subject", 1, CHAT_SUBJECT_MAX, &t, f)))
		return e;
	if (in->name && (e = domain__text(ar, in->name, "name", 0, 200, &t, f)))
		return e;
	if (in->tried && strlen(in->tried) > (size_t)CHAT_TRIED_MAX * 4)
		return fail_set(f, E_UNPROC, NULL, "tried", "must be at most %d characters",
				CHAT_TRIED_MAX);
	if (in->email && *in->email &&
	    ident_normalize(ar, IDENT_EMAIL, in->email, &t, f) != E_OK) {
		domain__field(f, "email");
		return E_UNPROC;
	}
	return E_OK;
}

/* open_case_of - the customer's most recently made case that is not
 * resolved or closed; c->id 0 when none. */
static enum err open_case_of(struct store *st, struct arena *ar, int64_t customer_id,
			     struct case_ *c)
{
	struct case_filter q = {.customer_id = customer_id, .limit = CASE_SIMILAR_SCAN};
	struct case_list l;
	enum err e;

	c->id = 0;
	if ((e = store_case_list(st, ar, &q, &l)) != E_OK)
		return e;
	for (size_t i = 0; i < l.n; i++) {
		bool busy;

		if (l.items[i].status == CASE_RESOLVED || l.items[i].status == CASE_CLOSED)
			continue;
		/* one live conversation per case: a second chat at once is new */
		if ((e = store_contact_live_on_case(st, l.items[i].id, &busy)) != E_OK)
			return e;
		if (!busy)
			*c = l.items[i];
		break;
	}
	return E_OK;
}

/* join_open_case - a verified customer who has an open case: the chat
 * joins it (no second ticket), their first line and what they tried land
 * on it, and a case waiting on them is open again.  c->id 0 when there is
 * no open case (nothing written). */
static enum err join_open_case(struct store *st, struct arena *ar,
			       const struct case_new *cnew, struct case_ *c, struct fail *f)
{
	struct actor by = {AUTHOR_CUSTOMER, 0, ROLE_NONE};
	struct customer cu;
	struct case_ out;
	bool created;
	enum err e;

	if ((e = customers__find_or_create_as(st, ar, cnew->customer, "",
					      &(struct customer_by){ NULL, "chat", NULL },
					      &cu, &created, f)) != E_OK)
		return e;
	by.id = cu.id;
	c->id = 0;
	if (created)
		return E_OK;
	if ((e = open_case_of(st, ar, cu.id, c)) != E_OK)
		return domain__io(f, e);
	if (!c->id)
		return E_OK;
	if ((e = cases_add_event(st, ar, c->id, "message", cnew->message, "public", &by, NULL,
				 f)) != E_OK)
		return e;
	for (size_t i = 0; i < cnew->n_facts; i++)
		if ((e = cases_put_fact(st, ar, c->id, cnew->facts[i].key, cnew->facts[i].value_json,
					"customer", &by, NULL, f)) != E_OK)
			return e;
	if (c->status == CASE_PENDING_CUSTOMER) {
		struct case_patch p = {.has_status = true, .status = "open"};

		return cases_update(st, ar, c->id, &p, &by, &out, f);
	}
	return E_OK;
}

/* verify_site_login - the signed identity proves who the customer is on
 * this case; one that still holds (a second chat joining the case) is not
 * asked again, so it is not recorded again either. */
static enum err verify_site_login(struct store *st, struct arena *ar, const struct case_ *c,
				  struct fail *f)
{
	struct verify_in v = {.method = "signed_widget_identity", .detail = "signed in on the website",
			      .via = "website chat"};
	struct verify_state vs;
	enum err e;

	if ((e = verify_state_of(st, ar, c->id, &vs, f)) != E_OK)
		return e;
	if (vs.current)
		return E_OK;
	return verify_record(st, ar, c->id, &v, ACTOR_SYSTEM, NULL, f);
}

enum err chat_start(struct store *st, struct arena *ar,
		    const struct chat_start_in *in, struct contact *out,
		    struct customer *cust, struct fail *f)
{
	struct ident_in ids[2];
	struct customer_new cn = {.name = in->name, .idents = ids};
	struct fact_in fact;
	struct case_new cnew = {0};
	struct case_ c;
	struct actor by = {AUTHOR_CUSTOMER, 0, ROLE_NONE};
	int64_t now = clock_now_ms();
	char *tried = NULL;
	enum err e;

	if ((e = chat_start_check(ar, in, f)) != E_OK)
		return e;
	if (in->verified_id)
		ids[cn.n++] = (struct ident_in){"account", in->verified_id};
	if (in->email && *in->email)
		ids[cn.n++] = (struct ident_in){"email", in->email};
	if (!cn.n && (!in->name || !*in->name))
		cn.name = "Visitor";
	cnew.customer = &cn;
	cnew.subject = in->subject;
	cnew.queue = in->queue;
	cnew.message = in->subject;
	cnew.fact_source = "customer";
	if (in->tried && *(tried = domain__trim(ar, in->tried))) {
		fact.key = "already_tried";
		fact.value_json = domain__json_str(ar, tried);
		if (!fact.value_json)
			return fail_set(f, E_UNPROC, NULL, "tried", "must be valid UTF-8");
		cnew.facts = &fact;
		cnew.n_facts = 1;
	}
	/* a signed-in customer's chat joins their open case; anyone else gets
	 * a new case (an unverified email must not open someone's history),
	 * which records the open case it may repeat for the agent to see */
	c.id = 0;
	if (in->verified_id && (e = join_open_case(st, ar, &cnew, &c, f)) != E_OK)
		return e;
	cnew.confirm_new = true;
	if (!c.id && (e = cases_create(st, ar, &cnew, &by, &c, f)) != E_OK)
		return e;
	if (in->verified_id && (e = verify_site_login(st, ar, &c, f)) != E_OK)
		return e;
	if ((e = flows_autostart(st, ar, &c, f)) != E_OK)
		return e;
	memset(out, 0, sizeof(*out));
	out->case_id = c.id;
	out->customer_id = c.customer_id;
	out->site_id = in->site_id;
	out->channel = "chat";
	out->queue = c.queue;
	out->priority = c.priority;
	out->state = CONTACT_QUEUED;
	memcpy(out->token_hash, in->token_hash, sizeof(out->token_hash));
	if (in->verified_id) {
		out->verified_method = "signed_widget_identity";
		out->verified_at = now;
	}
	out->queued_at = out->created_at = out->updated_at = now;
	out->est_ms = in->est.known ? in->est.mean_ms : -1;
	out->est_low_ms = in->est.known ? in->est.low_ms : -1;
	out->est_high_ms = in->est.known ? in->est.high_ms : -1;
	out->wait_ms = -1;
	if ((e = store_contact_insert(st, out)) != E_OK)
		return domain__io(f, e);
	if ((e = store_customer_get(st, ar, c.customer_id, cust)) != E_OK)
		return domain__io(f, e);
	return E_OK;
}
