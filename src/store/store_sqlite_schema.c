/*
 * store_sqlite_schema.c - the schema of the SQLite backend, as numbered
 * migrations.
 *
 * migrations[i] takes the database from version i to i + 1; the version is
 * PRAGMA user_version, set by the last line of each script so that script
 * and number cannot drift apart.  Migrations only ever get appended: a
 * released script is never edited.  All pending scripts run in one
 * IMMEDIATE transaction, so a crash or a failure leaves the previous
 * version intact and two processes starting together migrate once.
 *
 * Schema notes:
 *  - STRICT tables: a value of the wrong type is refused, not coerced.
 *  - Times are INTEGER ms; enums INTEGER; "none" ids (owner_id, token
 *    expiry/revocation) are NULL, which the code maps to and from 0.
 *  - No AUTOINCREMENT: ids only grow as long as the newest row is never
 *    deleted, which holds since cases, events and facts are never deleted
 *    (events and facts cannot be: triggers refuse it).  Cursors (before_id,
 *    after_id) rely on this.
 *  - Indexes are chosen for the queries in store_sqlite_*.c: each case-list
 *    filter has an (column, id) index, so "filter, newest first, below a
 *    cursor" is a backwards range scan that stops after `limit` rows; the
 *    usual pairs (queue or owner with status) have their own.  Six indexes
 *    on cases cost writes (about 27 us per insert at 1M rows), which a
 *    help desk can afford; a sort or a long scan per page view it cannot.
 *    UNIQUE(kind, value) serves identifier lookups and prefix ranges.
 */
#include "store/internal.h"

#include "base/log.h"

static const char migration_1[] =
	"CREATE TABLE agents ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE,"
	"  role INTEGER NOT NULL,"
	"  password_hash TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"

	"CREATE TABLE tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  agent_id INTEGER NOT NULL REFERENCES agents(id),"
	"  kind INTEGER NOT NULL,"
	"  hash BLOB NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER,"
	"  revoked_at INTEGER"
	") STRICT;"
	"CREATE INDEX tokens_agent ON tokens(agent_id);"

	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"

	/* kind IN (1, 2, 3) in customer search lists every enum ident_kind. */
	"CREATE TABLE customer_identifiers ("
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  kind INTEGER NOT NULL,"
	"  value TEXT NOT NULL,"
	"  display TEXT,"
	"  UNIQUE (kind, value)"
	") STRICT;"
	"CREATE INDEX customer_identifiers_customer"
	"  ON customer_identifiers(customer_id, kind, value);"

	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  subject TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  priority INTEGER NOT NULL,"
	"  owner_id INTEGER REFERENCES agents(id),"
	"  queue TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX cases_queue ON cases(queue, id);"
	"CREATE INDEX cases_status ON cases(status, id);"
	"CREATE INDEX cases_owner ON cases(owner_id, id);"
	"CREATE INDEX cases_customer ON cases(customer_id, id);"

	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  type TEXT NOT NULL,"
	"  author_kind INTEGER NOT NULL,"
	"  author_id INTEGER NOT NULL,"
	"  visibility INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  data TEXT,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX events_case ON events(case_id, id);"

	"CREATE TABLE facts ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  source INTEGER NOT NULL,"
	"  by_kind INTEGER NOT NULL,"
	"  by_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX facts_case_key ON facts(case_id, key, id);"

	/* The timeline and fact history are append-only. */
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER facts_no_update BEFORE UPDATE ON facts"
	"  BEGIN SELECT RAISE(ABORT, 'facts are append-only'); END;"
	"CREATE TRIGGER facts_no_delete BEFORE DELETE ON facts"
	"  BEGIN SELECT RAISE(ABORT, 'facts are append-only'); END;"

	"PRAGMA user_version = 1;";

/* The console's usual filter pairs, "open in my queue" and "my open
 * cases", each as one index range (see store_sqlite_cases.c). */
static const char migration_2[] =
	"CREATE INDEX cases_queue_status ON cases(queue, status, id);"
	"CREATE INDEX cases_owner_status ON cases(owner_id, status, id);"
	"PRAGMA user_version = 2;";

/* Live chat: queues with skills, agents' skills and capacity, the sites
 * that embed the widget, contacts (one conversation each, with the wait
 * announced and the wait had), saved replies and the email outbox.
 * contacts_live serves the hub's reload of everything not yet ended;
 * contacts_ended the estimate audit (newest ended first). */
static const char migration_3[] =
	"ALTER TABLE agents ADD COLUMN skills TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 3;"

	"CREATE TABLE queues ("
	"  name TEXT PRIMARY KEY,"
	"  skills TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"

	"CREATE TABLE sites ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  queue TEXT NOT NULL,"
	"  origins TEXT NOT NULL,"
	"  secret TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"

	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  site_id INTEGER REFERENCES sites(id),"
	"  channel TEXT NOT NULL,"
	"  queue TEXT NOT NULL,"
	"  priority INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  agent_id INTEGER REFERENCES agents(id),"
	"  token_hash BLOB UNIQUE,"
	"  verified_method TEXT,"
	"  verified_at INTEGER,"
	"  notify_email TEXT,"
	"  queued_at INTEGER NOT NULL,"
	"  assigned_at INTEGER,"
	"  ended_at INTEGER,"
	"  est_ms INTEGER NOT NULL,"
	"  est_low_ms INTEGER NOT NULL,"
	"  est_high_ms INTEGER NOT NULL,"
	"  wait_ms INTEGER NOT NULL,"
	"  hold_ms INTEGER NOT NULL,"
	"  handoff_note TEXT,"
	"  handoff_from INTEGER REFERENCES agents(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX contacts_live ON contacts(state, id);"
	"CREATE INDEX contacts_case ON contacts(case_id, id);"
	"CREATE INDEX contacts_ended ON contacts(ended_at) WHERE ended_at IS NOT NULL;"

	"CREATE TABLE saved_replies ("
	"  id INTEGER PRIMARY KEY,"
	"  owner_id INTEGER REFERENCES agents(id),"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX saved_replies_owner ON saved_replies(owner_id, id);"

	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER REFERENCES cases(id),"
	"  kind TEXT NOT NULL,"
	"  to_addr TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER"
	") STRICT;"
	"CREATE INDEX outbox_state ON outbox(state, id);"

	"PRAGMA user_version = 3;";

/* 4: the outbox is sent with retries: when to try next, and why the last
 * attempt failed. */
static const char migration_4[] =
	"ALTER TABLE outbox ADD COLUMN next_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN last_error TEXT;"
	"DROP INDEX outbox_state;"
	"CREATE INDEX outbox_due ON outbox(state, next_at, id);"
	"PRAGMA user_version = 4;";

/* 5: promises and the clocks that watch them.  Settings holds admin-edited
 * JSON documents (business-hours calendars, SLA policies) that the domain
 * validates; timers are every future deadline, fired once each (fired_at
 * set in the transaction of what the firing does); the case gains its next
 * action date, the plan shown to the customer, and the status link (the
 * token itself, so that later emails can carry it, and its hash for the
 * lookup). */
static const char migration_5[] =
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	"ALTER TABLE cases ADD COLUMN next_action_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cases ADD COLUMN plan TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE cases ADD COLUMN status_token TEXT;"
	"ALTER TABLE cases ADD COLUMN status_hash BLOB;"
	"CREATE UNIQUE INDEX cases_status_hash ON cases(status_hash)"
	"  WHERE status_hash IS NOT NULL;"
	/* the "no second ticket" check on every create: a customer's open
	 * cases' subjects without touching the rows (82 -> 17 us at 20 cases a
	 * customer); status < 5 is new, open and the two pending states */
	"CREATE INDEX cases_open_subjects ON cases(customer_id, id, subject)"
	"  WHERE status < 5;"
	"CREATE TABLE promises ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  kind TEXT NOT NULL,"
	"  queue TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  owner_id INTEGER REFERENCES agents(id),"
	"  by_kind INTEGER NOT NULL,"
	"  by_id INTEGER,"
	"  due_at INTEGER NOT NULL,"
	"  proposed_ms INTEGER NOT NULL,"
	"  short_confirmed INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  reason TEXT,"
	"  revised_due_at INTEGER NOT NULL DEFAULT 0,"
	"  replaces_id INTEGER REFERENCES promises(id),"
	"  kept_event_id INTEGER,"
	"  origin_at INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  closed_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX promises_case ON promises(case_id, id);"
	"CREATE INDEX promises_history ON promises(queue, kind, state, id);"
	"CREATE TABLE sla_clocks ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  metric INTEGER NOT NULL,"
	"  policy TEXT NOT NULL,"
	"  calendar TEXT,"
	"  target_ms INTEGER NOT NULL,"
	"  used_ms INTEGER NOT NULL,"
	"  running_since INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  met_at INTEGER NOT NULL DEFAULT 0,"
	"  breached_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (case_id, metric)"
	") STRICT;"
	"CREATE TABLE timers ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  ref_id INTEGER NOT NULL,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  due_at INTEGER NOT NULL,"
	"  fired_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX timers_due ON timers(due_at, id) WHERE fired_at = 0;"
	"CREATE INDEX timers_ref ON timers(kind, ref_id) WHERE fired_at = 0;"
	"CREATE TABLE alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  kind TEXT NOT NULL,"
	"  agent_id INTEGER REFERENCES agents(id),"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  ack_at INTEGER NOT NULL DEFAULT 0,"
	"  ack_by INTEGER REFERENCES agents(id)"
	") STRICT;"
	"CREATE INDEX alerts_open ON alerts(ack_at, id);"
	"CREATE INDEX alerts_agent ON alerts(agent_id, id);"
	"CREATE INDEX alerts_case ON alerts(case_id, id);"
	"CREATE TABLE followups ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  state INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  answered_at INTEGER NOT NULL DEFAULT 0,"
	"  fixed INTEGER NOT NULL DEFAULT -1,"
	"  ease INTEGER NOT NULL DEFAULT 0,"
	"  comment TEXT"
	") STRICT;"
	"CREATE INDEX followups_customer ON followups(customer_id, sent_at);"
	"PRAGMA user_version = 5;";

/* Never ask twice (issue 5): verifications and customer effort, both
 * append-only like the timeline; guided flows, one row per version (a run
 * keeps the version it started with); runs of flows on cases. */
static const char migration_6[] =
	"CREATE TABLE verifications ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  method TEXT NOT NULL,"
	"  level TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  via TEXT NOT NULL,"
	"  by_kind INTEGER NOT NULL,"
	"  by_id INTEGER,"
	"  reason TEXT,"
	"  valid_until INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX verifications_case ON verifications(case_id, id);"
	"CREATE TABLE effort ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  by_kind INTEGER NOT NULL,"
	"  by_id INTEGER,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX effort_case ON effort(case_id, id);"
	"CREATE TRIGGER verifications_no_update BEFORE UPDATE ON verifications"
	"  BEGIN SELECT RAISE(ABORT, 'verifications are append-only'); END;"
	"CREATE TRIGGER verifications_no_delete BEFORE DELETE ON verifications"
	"  BEGIN SELECT RAISE(ABORT, 'verifications are append-only'); END;"
	"CREATE TRIGGER effort_no_update BEFORE UPDATE ON effort"
	"  BEGIN SELECT RAISE(ABORT, 'effort is append-only'); END;"
	"CREATE TRIGGER effort_no_delete BEFORE DELETE ON effort"
	"  BEGIN SELECT RAISE(ABORT, 'effort is append-only'); END;"
	"CREATE TABLE flows ("
	"  key TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  definition TEXT NOT NULL,"
	"  created_by INTEGER REFERENCES agents(id),"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (key, version)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE flow_runs ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  flow_key TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  outcome TEXT,"
	"  by_kind INTEGER NOT NULL,"
	"  by_id INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  FOREIGN KEY (flow_key, version) REFERENCES flows(key, version)"
	") STRICT;"
	"CREATE INDEX flow_runs_case ON flow_runs(case_id, id);"
	"PRAGMA user_version = 6;";

/* Migration 7 (resolution powers): actions an agent takes for a customer
 * (credit, fee waived, replacement, subscription extended), each with who
 * asked, who decided, why and its state; and the webhook deliveries that
 * tell the company's own system, retried until acknowledged.  Limits sum
 * amounts per case and per customer over 30 days, hence the two indexes;
 * the approvals list reads by state; the hooks sender polls the partial
 * index of pending deliveries. */
static const char migration_7[] =
	"CREATE TABLE actions ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  kind TEXT NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT,"
	"  item TEXT,"
	"  reason TEXT NOT NULL,"
	"  note TEXT,"
	"  customer_line TEXT NOT NULL,"
	"  over TEXT,"
	"  state INTEGER NOT NULL,"
	"  requested_by INTEGER NOT NULL REFERENCES agents(id),"
	"  requested_role INTEGER NOT NULL,"
	"  decided_by INTEGER REFERENCES agents(id),"
	"  decision_note TEXT,"
	"  decided_at INTEGER NOT NULL DEFAULT 0,"
	"  done_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX actions_case ON actions(case_id, kind, id);"
	"CREATE INDEX actions_customer ON actions(customer_id, kind, created_at);"
	"CREATE INDEX actions_state ON actions(state, id);"
	"CREATE TABLE hook_deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  action_id INTEGER NOT NULL UNIQUE REFERENCES actions(id),"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  url TEXT NOT NULL,"
	"  secret TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  next_at INTEGER NOT NULL,"
	"  acked_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT"
	") STRICT;"
	"CREATE INDEX hook_deliveries_due ON hook_deliveries(next_at, id) WHERE state = 1;"
	"PRAGMA user_version = 7;";

/* --- customer records (issue 5, story 002): history, merge, name search ---
 * 8: a customer merged into another stays as a tombstone (merged_into, so
 * old links resolve); customer_history is the append-only record of every
 * change to a customer's name and identifiers; the name index holds each
 * distinct folded name word once (name_words) with its trigrams
 * (name_word_grams) and which customers have it (customer_name_words), so
 * a typed name finds its candidate words in the vocabulary, never by
 * scanning customers.  names_indexed marks customers whose words are in
 * the index (0: indexed at the next start, see customers_index_names).
 * customer_identifiers_core serves account numbers typed without their
 * leading letters; contacts_customer the merge's move of contacts. */
static const char migration_8[] =
	/* no REFERENCES: customers are never deleted, and a foreign key would
	 * keep the column from ever being dropped */
	"ALTER TABLE customers ADD COLUMN merged_into INTEGER;"
	"ALTER TABLE customers ADD COLUMN merged_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE customers ADD COLUMN names_indexed INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX customers_merged_into ON customers(merged_into)"
	"  WHERE merged_into IS NOT NULL;"
	"CREATE INDEX customers_unindexed ON customers(id) WHERE names_indexed = 0;"
	"CREATE INDEX customer_identifiers_core ON customer_identifiers"
	"  (kind, ltrim(value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'));"
	"CREATE INDEX contacts_customer ON contacts(customer_id);"
	"CREATE TABLE customer_history ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  field TEXT NOT NULL,"
	"  old_value TEXT,"
	"  new_value TEXT,"
	"  ref_id INTEGER REFERENCES customers(id),"
	"  by_kind INTEGER NOT NULL,"
	"  by_id INTEGER NOT NULL,"
	"  via TEXT NOT NULL,"
	"  reason TEXT,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX customer_history_customer ON customer_history(customer_id, id);"
	"CREATE TRIGGER customer_history_no_update BEFORE UPDATE ON customer_history"
	"  BEGIN SELECT RAISE(ABORT, 'customer history is append-only'); END;"
	"CREATE TRIGGER customer_history_no_delete BEFORE DELETE ON customer_history"
	"  BEGIN SELECT RAISE(ABORT, 'customer history is append-only'); END;"
	"CREATE TABLE name_words ("
	"  id INTEGER PRIMARY KEY,"
	"  word TEXT NOT NULL UNIQUE"
	") STRICT;"
	"CREATE TABLE name_word_grams ("
	"  gram INTEGER NOT NULL,"
	"  word_id INTEGER NOT NULL REFERENCES name_words(id),"
	"  PRIMARY KEY (gram, word_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE customer_name_words ("
	"  word_id INTEGER NOT NULL REFERENCES name_words(id),"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  PRIMARY KEY (word_id, customer_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX customer_name_words_customer ON customer_name_words(customer_id);"
	"PRAGMA user_version = 8;";
/* --- end customer records --- */

static const char *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
	migration_6,
	migration_7, /* resolution powers */
	migration_8, /* customer records */
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static enum err read_version(struct sq_store *st, int *version)
{
	sqlite3_stmt *s;
	enum err e;

	e = sq__stmt(st, SQ_USER_VERSION, "PRAGMA user_version", &s);
	if (e != E_OK)
		goto out;
	e = sq__row(st, s, SQLITE_OK, "migrate: read user_version");
	if (e == E_OK)
		*version = sqlite3_column_int(s, 0);
out:
	sq__done(s);
	return e;
}

/* apply - run migration `to` (1-based) and check it set its version.  The
 * scripts are constant text with no values, hence sqlite3_exec. */
static enum err apply(struct sq_store *st, int to)
{
	char *msg = NULL;
	enum err e;
	int rc, v = 0;

	rc = sqlite3_exec(st->db, migrations[to - 1], NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("store", "migration %d: %s", to, msg ? msg : "?");
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_NOMEM ? E_NOMEM : E_IO;
	}
	e = read_version(st, &v);
	if (e == E_OK && v != to) {
		log_error("store", "migration %d left user_version %d", to, v);
		e = E_IO;
	}
	return e;
}

/*
 * Brings the schema to the newest version this build knows.  A database
 * from a newer build is refused (E_IO): its schema may not be what these
 * statements expect.  Must be called outside a transaction.
 */
enum err sq__migrate(struct store *base, int *version_out)
{
	struct sq_store *st = sq__from(base);
	enum err e;
	int v = 0;

	e = base->ops->begin(base);
	if (e != E_OK)
		goto out;
	e = read_version(st, &v);
	if (e == E_OK && v > N_MIGRATIONS) {
		log_error("store", "migrate: database is at version %d, this "
			  "build knows %d", v, N_MIGRATIONS);
		e = E_IO;
	}
	while (e == E_OK && v < N_MIGRATIONS) {
		e = apply(st, v + 1);
		if (e == E_OK)
			v++;
	}
	if (e == E_OK)
		e = base->ops->commit(base);
	if (e != E_OK)
		base->ops->rollback(base);
out:
	if (e == E_OK && version_out)
		*version_out = v;
	return e;
}
