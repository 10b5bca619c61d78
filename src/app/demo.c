/*
 * demo.c - demo data for `heed demo` and `make run`: three agents, a dozen
 * customers and cases whose timelines replay the stories heed exists for
 * (a renewal chat, a ticket left three days, an account found under the
 * wrong name, maintenance already done three times, a voicemail never
 * returned).  Everything goes through the domain, as a user's would, with
 * the clock pinned to backdate the timelines.  A business-hours calendar
 * and SLA policies for the support and billing queues come first, so the
 * cases' clocks run; the promises made in the stories (an update "by 15:00
 * today", a callback after a voicemail) were never kept, so the first
 * `heed serve` breaks them in front of you: warnings, customer notices,
 * supervisor alerts.  Three sample guided flows ship too (router down, slow
 * Wi-Fi, maintenance that keeps failing); the maintenance story's case runs
 * its flow straight to "replace the unit", since the case already knows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/actions.h"
#include "domain/agents.h"
#include "domain/cases.h"
#include "domain/chat_config.h"
#include "domain/customers.h"
#include "domain/flows.h"
#include "domain/promises.h"
#include "domain/sla.h"
#include "domain/verify.h"

#define DEMO_PASSWORD "heed-demo-pass"
#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)

struct demo_agent { const char *name, *email, *role, *skills; };

static const struct demo_agent agents[] = {
	{"Maya Patel", "admin@demo.heed", "admin", "billing"},
	{"Sam Okafor", "sam@demo.heed", "supervisor", "billing"},
	{"Lee Chen", "lee@demo.heed", "agent", ""},
};

/* Live chat: "support" is served by anyone, "billing" needs the skill. */
static const struct { const char *name, *skills; } queues[] = {
	{"support", ""}, {"billing", "billing"}, {"general", ""},
};

/* One step on a case timeline.  kind: 'c' customer message, 'a' agent
 * message, 'n' internal note, 's' status, 'o' assign to agent index,
 * 'f' fact "key=json", 'p' promise "kind=minutes", 'g' run the guided flow
 * named, 'v' verified by PIN, text the channel. */
struct step { int at_min; char kind; const char *text; };

struct demo_case {
	const char *name, *email, *phone, *account;
	const char *subject, *queue, *priority, *message;
	const char *facts[4]; /* "key=json" */
	int age_hours;
	struct step steps[8];
};

static const struct demo_case cases[] = {
	{"Philip Espinosa", "philip.e@example.com", "+1 906 555 0142", "VO-88120",
	 "Account says expired although auto-renew is on", "billing", "normal",
	 "My account is set to auto-renew but the app says it expired. Do I need to renew by hand?",
	 {"account.auto_renew=true", "account.status=\"expired\"", NULL}, 30,
	 {{4, 'o', "2"}, {5, 'a', "Thanks Philip - the website's auto-renew label is wrong for plans bought before March; "
		     "your account did expire. Renew under Billing > Plans > Renew; I've noted the label bug."},
	  {6, 'n', "Auto-renew label is wrong for legacy plans: filed as a root cause."},
	  {9, 'c', "Renewed, thank you. That was quick."}, {10, 's', "resolved"}}},
	{"Northwind Logistics", "it@northwind.example", "+1 312 555 0199", "NW-2231",
	 "Integration failing since Monday - ticket open three days", "support", "high",
	 "Our shipment sync has failed since Monday. We opened a ticket three days ago and heard nothing.",
	 {"customer.id_verified_via=\"phone_menu\"", "integration.error=\"HTTP 502 from /sync\"", NULL}, 76,
	 {{0, 'v', "phone menu"}, {30, 'o', "1"}, {32, 'a', "I own this now. I can see the 502s on our side; I am not putting you on hold - "
		       "I'll update you here by 15:00 today with either a fix or a clear plan."},
	  {33, 'p', "update=180"},
	  {34, 'n', "Escalated to platform team; sync worker crash-looping after deploy."},
	  {35, 's', "pending_internal"}}},
	{"Kevin Hackshaw", "kevin.h@example.net", "(868) 555-0107", "ISP-4471-209",
	 "Wrong name and package on my account", "billing", "normal",
	 "Your records show the wrong name and the wrong package. I pay for Fibre 500, not Basic 50.",
	 {"account.package_expected=\"Fibre 500\"", "account.package_on_file=\"Basic 50\"", NULL}, 50,
	 {{12, 'o', "2"}, {15, 'a', "Found you by your account number. I've corrected the name and the package, and credited the difference for the last two months."},
	  {16, 'f', "account.package_on_file=\"Fibre 500\""}, {17, 's', "pending_customer"}}},
	{"Dana Whitfield", "dana.w@example.org", "+1 415 555 0133", NULL,
	 "Annual maintenance fails on the unit", "devices", "high",
	 "Annual maintenance fails. We did it three times, twice with a technician watching.",
	 {"tried.maintenance=3", "tried.maintenance_observed_by_pro=2", "device.model=\"AQ-300\"", NULL}, 20,
	 {{6, 'o', "2"}, {7, 'g', "maintenance-fails"},
	  {8, 'n', "Customer already ran maintenance 3x (2x observed). Do NOT ask again - replacement criteria met."},
	  {9, 'a', "Thank you for the detail - three attempts is enough. We're sending a replacement unit; you'll get tracking by email today."},
	  {10, 'f', "resolution.replacement=\"AQ-300 shipped\""}}},
	{"Ruth Ambrose", NULL, "+1 617 555 0188", NULL,
	 "Voicemail after hours - callback requested", "front-desk", "normal",
	 "Left a voicemail last night about a non-emergency question on my prescription; please call back.",
	 {"contact.channel=\"voicemail\"", "callback.requested=true", NULL}, 26,
	 {{1, 'p', "callback=600"}, {600, 'n', "Callback due by 09:00; nobody was assigned overnight."}}},
	{"Grace Liu", "grace.liu@example.com", NULL, "VO-90311",
	 "Cannot port my number", "support", "normal",
	 "I'm trying to port my number from my old carrier and the request was rejected.",
	 {"port.rejection_code=\"6P\"", NULL}, 8,
	 {{20, 'o', "2"}, {22, 's', "open"}, {23, 'p', "reply=720"}}},
	{"Tomás Ortega", "tomas@example.es", "+34 612 345 678", NULL,
	 "Invoice shows double charge", "billing", "high",
	 "November invoice charged me twice for the same plan.", {NULL}, 5,
	 {{3, 'o', "2"}, {4, 'a', "You're right - two charges on 2 Nov. I've refunded the second one; it shows in 3-5 days."},
	  {5, 's', "resolved"}}},
	{"Amira Haddad", "amira.h@example.com", "+44 20 7946 0958", NULL,
	 "Chat widget not loading on our site", "support", "normal",
	 "Since yesterday the chat button does not appear on our checkout page.",
	 {"browser=\"Safari 17\"", "tried.cache_clear=true", NULL}, 4, {{0, 's', "open"}}},
	{"Bill Novak", "bill.novak@example.com", NULL, "ISP-1200-777",
	 "Slow speeds in the evening", "support", "low",
	 "Speeds drop to 5 Mbit/s every evening between 7 and 11.",
	 {"tried.router_restart=2", "speed.evening_mbps=5", NULL}, 2, {{0, 'n', "Known congestion in area 7: linked to problem PR-12."},
	  {1, 'g', "router-slow-wifi"}}},
	{"Oluwaseun Adeyemi", "seun@example.ng", "+234 803 555 0101", NULL,
	 "Change of billing address", "billing", "low",
	 "Please update my billing address to 12 Marina Road, Lagos.", {NULL}, 1, {{0, 'o', "2"}}},
	{"Priya Raman", "priya.r@example.in", NULL, "VO-77002",
	 "Voicemail to email stopped working", "support", "normal",
	 "Voicemails no longer arrive in my inbox since last week.",
	 {"tried.spam_folder=true", NULL}, 3, {{0, 's', "pending_internal"}}},
	{"Henrik Larsen", "henrik@example.dk", "+45 20 12 34 56", NULL,
	 "Request to close account", "billing", "normal",
	 "I'd like to close my account at the end of the month.", {NULL}, 6,
	 {{10, 'o', "1"}, {12, 'a', "Done - the account closes on the 30th; no further charges."},
	  {13, 's', "resolved"}, {20, 's', "closed"}}},
};

static enum err add_customer(struct store *st, struct arena *ar,
			     const struct demo_case *d, struct customer *out,
			     struct fail *f)
{
	struct ident_in ids[3];
	struct customer_new in = {.name = d->name, .idents = ids, .n = 0};

	if (d->email)
		ids[in.n++] = (struct ident_in){"email", d->email};
	if (d->phone)
		ids[in.n++] = (struct ident_in){"phone", d->phone};
	if (d->account)
		ids[in.n++] = (struct ident_in){"account", d->account};
	return customers_create(st, ar, &in, out, f);
}

static enum err run_step(struct store *st, struct arena *ar, int64_t case_id,
			 const struct step *s, const int64_t *agent_ids,
			 const struct actor *by, struct fail *f)
{
	struct case_patch p = {0};
	struct case_ c;
	struct event ev;
	struct fact fa;
	char key[80];
	const char *eq;

	switch (s->kind) {
	case 'c': {
		struct actor cust = {AUTHOR_CUSTOMER, 0, ROLE_NONE};

		return cases_add_event(st, ar, case_id, "message", s->text, NULL, &cust,
				       &ev, f);
	}
	case 'a':
		return cases_add_event(st, ar, case_id, "message", s->text, NULL, by, &ev, f);
	case 'n':
		return cases_add_event(st, ar, case_id, "note", s->text, NULL, by, &ev, f);
	case 's':
		p.has_status = true;
		p.status = s->text;
		return cases_update(st, ar, case_id, &p, by, &c, f);
	case 'o':
		p.has_owner = true;
		p.owner_id = agent_ids[s->text[0] - '0'];
		return cases_update(st, ar, case_id, &p, by, &c, f);
	case 'f':
		eq = strchr(s->text, '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - s->text), s->text);
		return cases_put_fact(st, ar, case_id, key, eq + 1, "agent", by, &fa, f);
	case 'p': {
		struct promise_new pn = {.kind = key, .confirm_short = true};
		struct promise pr;

		eq = strchr(s->text, '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - s->text), s->text);
		pn.in_ms = atoll(eq + 1) * MIN;
		return promises_make(st, ar, case_id, &pn, by, &pr, f);
	}
	case 'g': {
		struct flow_view v;
		bool created;

		return flows_start(st, ar, case_id, s->text, by, &v, &created, f);
	}
	case 'v': {
		struct verify_in vi = {.method = "phone_pin", .detail = "account number and PIN",
				       .via = s->text};

		return verify_record(st, ar, case_id, &vi, ACTOR_SYSTEM, NULL, f);
	}
	}
	return E_INVAL;
}

static enum err add_case(struct store *st, struct arena *ar, const struct demo_case *d,
			 const int64_t *agent_ids, int64_t now, struct fail *f)
{
	struct fact_in facts[4];
	struct case_new in = {.subject = d->subject, .queue = d->queue,
			      .priority = d->priority, .message = d->message,
			      .facts = facts, .fact_source = "customer"};
	struct actor by = {AUTHOR_AGENT, agent_ids[2], ROLE_AGENT};
	struct customer cu;
	struct case_ c;
	char keys[4][64];
	enum err e;

	for (size_t i = 0; i < 4 && d->facts[i]; i++) {
		const char *eq = strchr(d->facts[i], '=');

		snprintf(keys[i], sizeof(keys[i]), "%.*s", (int)(eq - d->facts[i]), d->facts[i]);
		facts[i] = (struct fact_in){keys[i], eq + 1};
		in.n_facts++;
	}
	clock_set_ms(now - d->age_hours * HOUR);
	if ((e = add_customer(st, ar, d, &cu, f)) != E_OK)
		return e;
	in.customer_id = cu.id;
	if ((e = cases_create(st, ar, &in, ACTOR_SYSTEM, &c, f)) != E_OK)
		return e;
	for (size_t i = 0; i < 8 && d->steps[i].kind; i++) {
		const struct step *s = &d->steps[i];

		if (s->kind == 'o')
			by.id = agent_ids[s->text[0] - '0'];
		clock_set_ms(now - d->age_hours * HOUR + s->at_min * MIN);
		if ((e = run_step(st, ar, c.id, s, agent_ids, &by, f)) != E_OK)
			return e;
	}
	return E_OK;
}

/* The sample guided flows (docs/flows.md), as an admin would save them. */
static const struct { const char *key, *doc; } demo_flows[] = {
	{"router-no-internet",
	 "{\"title\":\"Router: no internet\",\"description\":\"The connection is down. Checks "
	 "the customer can do alone come first.\",\"start\":\"model\",\"auto_queues\":[\"suppo"
	 "rt\"],\"steps\":[{\"id\":\"model\",\"type\":\"question\",\"fact\":\"device.model\","
	 "\"label\":\"Router model\",\"text\":\"Which router do you have? The model is on the "
	 "label underneath.\",\"audience\":\"customer\",\"answer\":\"choice\",\"options\":[\"H"
	 "X-200\",\"HX-300\",\"Other\"],\"next\":\"power\"},{\"id\":\"power\",\"type\":\"actio"
	 "n\",\"fact\":\"tried.power_cycle\",\"label\":\"Power cycled\",\"text\":\"Unplug the "
	 "router, wait 30 seconds, plug it back in and wait two minutes. Did you do that?\",\""
	 "audience\":\"customer\",\"answer\":\"yes_no\",\"branches\":[{\"when\":false,\"next\""
	 ":\"power_now\"}],\"next\":\"lights\"},{\"id\":\"power_now\",\"type\":\"action\",\"fa"
	 "ct\":\"tried.power_cycle_with_agent\",\"label\":\"Power cycled with the agent\",\"te"
	 "xt\":\"Power cycle the router together with the customer now.\",\"audience\":\"agent"
	 "\",\"answer\":\"yes_no\",\"next\":\"lights\"},{\"id\":\"lights\",\"type\":\"question"
	 "\",\"fact\":\"device.red_light\",\"label\":\"Red light\",\"text\":\"Which light on t"
	 "he router is red?\",\"audience\":\"customer\",\"answer\":\"choice\",\"options\":[\"n"
	 "one\",\"internet\",\"power\"],\"branches\":[{\"when\":\"none\",\"next\":\"fixed\"},{"
	 "\"when\":\"power\",\"next\":\"swap\"}],\"next\":\"line\"},{\"id\":\"line\",\"type\":"
	 "\"action\",\"fact\":\"line.test\",\"label\":\"Line test\",\"text\":\"Run a line test"
	 " on the customer's line.\",\"audience\":\"agent\",\"answer\":\"choice\",\"options\":"
	 "[\"ok\",\"fault\"],\"branches\":[{\"when\":\"fault\",\"next\":\"network\"}],\"next\""
	 ":\"swap\"},{\"id\":\"fixed\",\"type\":\"outcome\",\"outcome\":\"resolved\",\"text\":"
	 "\"The connection is back.\"},{\"id\":\"swap\",\"type\":\"outcome\",\"outcome\":\"rep"
	 "lace_unit\",\"text\":\"The router is faulty: send a replacement.\"},{\"id\":\"networ"
	 "k\",\"type\":\"outcome\",\"outcome\":\"escalate\",\"queue\":\"support\",\"text\":\"L"
	 "ine fault: the network team takes it.\"}]}"},
	{"router-slow-wifi",
	 "{\"title\":\"Router: slow Wi-Fi\",\"description\":\"Speeds are fine by cable but slo"
	 "w over Wi-Fi.\",\"start\":\"model\",\"steps\":[{\"id\":\"model\",\"type\":\"question"
	 "\",\"fact\":\"device.model\",\"label\":\"Router model\",\"text\":\"Which router do y"
	 "ou have?\",\"audience\":\"customer\",\"answer\":\"choice\",\"options\":[\"HX-200\","
	 "\"HX-300\",\"Other\"],\"next\":\"power\"},{\"id\":\"power\",\"type\":\"action\",\"fa"
	 "ct\":\"tried.power_cycle\",\"label\":\"Power cycled\",\"text\":\"Unplug the router f"
	 "or 30 seconds and plug it back in. Done?\",\"audience\":\"customer\",\"answer\":\"ye"
	 "s_no\",\"next\":\"channel\"},{\"id\":\"channel\",\"type\":\"action\",\"fact\":\"trie"
	 "d.wifi_channel\",\"label\":\"Wi-Fi channel changed\",\"text\":\"Change the Wi-Fi cha"
	 "nnel to 1, 6 or 11 in the router settings. Is it faster now?\",\"audience\":\"custom"
	 "er\",\"answer\":\"yes_no\",\"branches\":[{\"when\":true,\"next\":\"fixed\"}],\"next"
	 "\":\"line\"},{\"id\":\"line\",\"type\":\"action\",\"fact\":\"line.test\",\"label\":"
	 "\"Line test\",\"text\":\"Run a line test on the customer's line.\",\"audience\":\"ag"
	 "ent\",\"answer\":\"choice\",\"options\":[\"ok\",\"fault\"],\"branches\":[{\"when\":"
	 "\"fault\",\"next\":\"network\"}],\"next\":\"swap\"},{\"id\":\"fixed\",\"type\":\"out"
	 "come\",\"outcome\":\"resolved\",\"text\":\"Wi-Fi is fast again.\"},{\"id\":\"swap\","
	 "\"type\":\"outcome\",\"outcome\":\"replace_unit\",\"text\":\"Send a replacement rout"
	 "er.\"},{\"id\":\"network\",\"type\":\"outcome\",\"outcome\":\"escalate\",\"queue\":"
	 "\"support\",\"text\":\"Line fault: the network team takes it.\"}]}"},
	{"maintenance-fails",
	 "{\"title\":\"Annual maintenance fails\",\"description\":\"Story 003: never make the "
	 "customer repeat maintenance already done.\",\"start\":\"model\",\"steps\":[{\"id\":"
	 "\"model\",\"type\":\"question\",\"fact\":\"device.model\",\"label\":\"Unit model\","
	 "\"text\":\"Which unit is it? The model is on the front panel.\",\"audience\":\"custo"
	 "mer\",\"answer\":\"text\",\"next\":\"tries\"},{\"id\":\"tries\",\"type\":\"question"
	 "\",\"fact\":\"tried.maintenance\",\"label\":\"Maintenance runs so far\",\"text\":\"H"
	 "ow many times has the annual maintenance been run and failed?\",\"audience\":\"custo"
	 "mer\",\"answer\":\"number\",\"branches\":[{\"at_least\":3,\"next\":\"swap\"}],\"next"
	 "\":\"run\"},{\"id\":\"run\",\"type\":\"action\",\"fact\":\"maintenance.passed_with_a"
	 "gent\",\"label\":\"Maintenance run with the agent\",\"text\":\"Run the maintenance t"
	 "ogether, step by step. Did it pass?\",\"audience\":\"agent\",\"answer\":\"yes_no\","
	 "\"branches\":[{\"when\":true,\"next\":\"fixed\"}],\"next\":\"swap\"},{\"id\":\"fixed"
	 "\",\"type\":\"outcome\",\"outcome\":\"resolved\",\"text\":\"Maintenance passed.\"},{"
	 "\"id\":\"swap\",\"type\":\"outcome\",\"outcome\":\"replace_unit\",\"text\":\"Enough "
	 "tries: send a replacement unit.\"}]}"},
};

static enum err add_flows(struct store *st, struct arena *ar, int64_t admin_id, struct fail *f)
{
	struct actor by = {AUTHOR_AGENT, admin_id, ROLE_ADMIN};
	struct flow fl;
	enum err e = E_OK;

	for (size_t i = 0; !e && i < sizeof(demo_flows) / sizeof(demo_flows[0]); i++)
		e = flows_put(st, ar, demo_flows[i].key, demo_flows[i].doc, &by, &fl, f);
	return e;
}

/* hours - the office calendar and the SLA of the support and billing
 * queues (business minutes; billing breaches go to Sam, the supervisor). */
static enum err hours(struct store *st, struct arena *ar, const int64_t *agent_ids,
		      struct fail *f)
{
	struct calendar cal;
	struct sla_policy p;
	char *doc;
	enum err e;

	e = calendars_put(st, ar, "office", "America/New_York",
			  "{\"mon\":[\"08:00-18:00\"],\"tue\":[\"08:00-18:00\"],"
			  "\"wed\":[\"08:00-18:00\"],\"thu\":[\"08:00-18:00\"],"
			  "\"fri\":[\"08:00-18:00\"],\"sat\":[\"10:00-14:00\"]}",
			  "[\"2026-12-25\",\"2027-01-01\",\"2027-05-31\",\"2027-07-05\"]", &cal, f);
	if (e != E_OK)
		return e;
	e = sla_policy_put(st, ar,
			   "{\"queue\":\"support\",\"priority\":\"any\",\"calendar\":\"office\","
			   "\"first_response_minutes\":60,\"next_response_minutes\":240,"
			   "\"resolution_minutes\":1440,\"escalation\":{\"raise_priority\":true}}",
			   &p, f);
	if (e != E_OK)
		return e;
	doc = arena_printf(ar,
			   "{\"queue\":\"billing\",\"priority\":\"any\",\"calendar\":\"office\","
			   "\"first_response_minutes\":120,\"next_response_minutes\":480,"
			   "\"resolution_minutes\":2400,\"escalation\":{\"raise_priority\":false,"
			   "\"reassign_to\":%lld}}",
			   (long long)agent_ids[1]);
	return doc ? sla_policy_put(st, ar, doc, &p, f) : E_NOMEM;
}

/* powers - resolution powers: agents credit up to 25.00 per case and
 * 50.00 a customer a month, supervisors 200.00 / 500.00; agents waive fees
 * up to 15.00 per case; a replacement needs a supervisor's approval for an
 * agent; extensions up to 30 days per case for agents.  No webhooks. */
static enum err powers(struct store *st, struct arena *ar, struct fail *f)
{
	static const struct { const char *kind, *doc; } docs[] = {
		{"credit", "{\"currency\":\"USD\",\"limits\":{"
			   "\"agent\":{\"per_case\":2500,\"per_month\":5000},"
			   "\"supervisor\":{\"per_case\":20000,\"per_month\":50000}}}"},
		{"waive_fee", "{\"currency\":\"USD\",\"limits\":{"
			      "\"agent\":{\"per_case\":1500,\"per_month\":3000},"
			      "\"supervisor\":{\"per_case\":10000,\"per_month\":30000}}}"},
		{"replacement", "{\"limits\":{\"supervisor\":{\"per_case\":2,\"per_month\":5}}}"},
		{"extend_subscription", "{\"limits\":{\"agent\":{\"per_case\":30,\"per_month\":60},"
					"\"supervisor\":{\"per_case\":90,\"per_month\":180}}}"},
	};
	struct action_policy p;
	enum err e = E_OK;

	for (size_t i = 0; !e && i < sizeof(docs) / sizeof(docs[0]); i++)
		e = actions_policy_put(st, ar, docs[i].kind, docs[i].doc, &p, f);
	return e;
}

enum err demo_load(struct store *st)
{
	int64_t ids[3], n = 0, now = clock_now_ms();
	struct arena ar;
	struct fail f = {0};
	struct agent a;
	enum err e;

	arena_init(&ar, 16384);
	if ((e = store_agent_count(st, &n)) != E_OK || n > 0) {
		fprintf(stderr, "heed: demo data goes into an empty database only\n");
		e = e ? e : E_CONFLICT;
		goto out;
	}
	if ((e = store_begin(st)) != E_OK)
		goto out;
	for (size_t i = 0; i < 3 && !e; i++) {
		struct agent_new in = {.name = agents[i].name, .email = agents[i].email,
				       .role = agents[i].role, .password = DEMO_PASSWORD,
				       .skills = agents[i].skills};

		if ((e = agents_create(st, &ar, &in, &a, &f)) == E_OK)
			ids[i] = a.id;
	}
	for (size_t i = 0; !e && i < sizeof(queues) / sizeof(queues[0]); i++) {
		struct queue_def q;

		e = queues_put(st, &ar, queues[i].name, queues[i].skills, &q, &f);
	}
	if (!e) {
		struct site_in si = {"demo", "Northwind Fiber (demo)", "support",
				     "http://127.0.0.1:8080 http://localhost:8080"};
		struct site site;

		e = sites_create(st, &ar, &si, &site, &f);
	}
	if (!e)
		e = hours(st, &ar, ids, &f);
	if (!e)
		e = add_flows(st, &ar, ids[0], &f);
	if (!e)
		e = powers(st, &ar, &f); /* resolution powers */
	for (size_t i = 0; !e && i < sizeof(cases) / sizeof(cases[0]); i++)
		e = add_case(st, &ar, &cases[i], ids, now, &f);
	clock_set_ms(0);
	if (e) {
		store_rollback(st);
		fprintf(stderr, "heed: demo data failed: %s (%s)\n", f.msg, f.field);
		goto out;
	}
	if ((e = store_commit(st)) != E_OK)
		goto out;
	printf("heed: demo data loaded: 3 agents, %zu customers and cases\n"
	       "heed: sign in as %s / %s (admin), %s or %s (same password)\n",
	       sizeof(cases) / sizeof(cases[0]), agents[0].email, DEMO_PASSWORD,
	       agents[1].email, agents[2].email);
out:
	arena_release(&ar);
	return e;
}
