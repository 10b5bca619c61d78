/*
 * chat_load.c - live chat under load: many customer and agent WebSockets
 * against a running `heed serve`, from one libwebsockets client loop.
 *
 *   build/bench/chat_load --port P --tokens FILE --chats N [--rate R]
 *       [--reply-rate A] [--warmup S] [--duration S] [--body B]
 *       [--conc C] [--pid HEED_PID] [--timeout S] [--site KEY]
 *       [--order agents|sessions] [--churn J]
 *
 * FILE holds agent API tokens (heed_...), one a line; the agents must have
 * a chat capacity that covers N between them (bench/chat.sh makes N/20
 * agents of capacity 20).  The run, in phases, each timed:
 *
 *   agents     every agent connects, sends hello, then presence available
 *   sessions   N x POST /api/v1/chat/sessions (site KEY, default "bench"),
 *              C at a time; routing gives each chat to an agent at once,
 *              whose socket gets a contact frame with "assigned": true and
 *              answers {"type":"open","case_id":...}
 *   customers  each customer connects with its visitor token (hello,
 *              last_event_id 0), C handshakes at a time, until every
 *              customer has its replay and every agent has opened every
 *              case it was given
 *   settle     at least 2 s, and until nothing has arrived for 1 s: what
 *              the setup queued in heed is sent before the measurement
 *   load       customers send R messages/s in all, paced every millisecond
 *              round-robin (R/N per socket: heed allows 5/s per socket),
 *              and agents A replies/s on their cases; warm-up seconds
 *              first (not counted), then the measured seconds
 *   drain      sending stops; up to 5 s for the last deliveries
 *
 * --churn J: under load, J customers a second (round-robin) close their
 * socket and join again with the last event id they saw, as a reloaded
 * page does.  Each rejoin changes the contact (customer_online), which
 * makes heed send the queue frame again (at most 4/s) to every agent.
 * Messages due on a socket while it rejoins are skipped, not counted.
 *
 * --order sessions creates every session before any agent connects (the
 * chats wait in the queue, then routing hands them out as agents become
 * available): a burst that heed handles very differently (see
 * bench/README.md).  The default is agents first: chats arrive to agents
 * already online.
 *
 * Every message body starts "m CUSTOMER SEQ T" (customer) or "r AGENT SEQ
 * T" (agent reply), T the CLOCK_MONOTONIC microseconds when the frame was
 * written to the socket; the receiving socket's latency is its receive time
 * minus T (same process, same clock).  The message's cid is T as well, so
 * the sender's ack latency (stored and acknowledged) is measured the same
 * way.  Messages written inside the measured window count; a counted
 * message never received is "missing".  Pacer lag (time a message waited
 * in this client before being written) is reported, so a client that could
 * not keep up shows itself.
 *
 * With --pid it reads heed's /proc status (VmRSS, VmHWM, RssAnon, RssFile)
 * when all chats are open, every second under load, and at the end; and
 * heed's CPU time per thread over the measured window.
 *
 * Prints progress to stderr and one line of key=value results to stdout.
 *
 * Trade-offs, both so that this client, not heed, is never the bottleneck
 * on a two-core machine:
 *   - lws runs on a libev loop (epoll; lws 4.1's evlib plugin, a foreign
 *     loop owned here), not on its default poll(): poll() walks every one
 *     of 10,000 sockets on every wake-up.  The pacer is a 1 ms ev_timer
 *     (libev rounds its waits up; an lws timer under poll() spins through
 *     the last millisecond before it fires).
 *   - frames are parsed with jansson, except the agents' "queue" frames
 *     (they list every agent and can be tens of KiB), which are recognised
 *     by their first bytes and skipped.
 *
 * Link with -lev besides the usual packages.
 */
#include <dirent.h>
#include <errno.h>
#include <ev.h>
#include <inttypes.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_CASES 32      /* an agent socket follows at most 32 cases */
#define DUE_RING 8        /* messages due but not yet written, per socket */
#define RX_MAX (256 * 1024)
#define TICK_US 1000
#define DRAIN_US (5 * 1000000LL)
#define SETTLE_US (2 * 1000000LL)
#define QUIET_US (1 * 1000000LL)
#define RETRIES 5
#define MAX_THREADS 64

enum kind { K_AGENT, K_CUST, K_POST };

enum phase { PH_AGENTS, PH_SESSIONS, PH_CUSTOMERS, PH_SETTLE, PH_LOAD,
	     PH_DRAIN, PH_DONE, PH_FAILED };

static const char *const phase_names[] = {
	"agents", "sessions", "customers", "settle", "load", "drain", "done", "failed",
};

struct frame {
	struct frame *next;
	size_t len;
	unsigned char data[]; /* LWS_PRE bytes of room, then the text */
};

/* One socket: an agent, a customer, or a session POST (it fills a customer). */
struct conn {
	enum kind kind;
	int idx;
	struct lws *wsi;
	bool connecting, up, ready;
	int tries;
	struct frame *head, *tail;
	char *rx;            /* the message being reassembled */
	size_t rx_len, rx_cap;
	bool rx_skip;        /* the rest of a queue frame, or too big */
	int64_t due[DUE_RING]; /* intended send times, oldest first */
	int n_due;
	uint32_t seq;        /* messages written */
	/* customer */
	char token[64];
	int64_t case_id;
	int64_t last_event;  /* highest event id received, for a rejoin */
	bool rejoin;         /* close, then connect again (--churn) */
	uint32_t last_seen;  /* highest seq of this customer an agent got */
	/* agent */
	int64_t cases[MAX_CASES];
	int n_cases, n_opened, reply_rr;
};

struct lat {
	uint32_t *us;
	size_t n, cap;
	uint64_t lost;       /* past cap: counted, not stored */
};

struct dir {             /* one direction of messages, in the window */
	uint64_t sent, recv, dup;
	struct lat lat, ack;
};

struct sample {
	long rss, hwm, anon, file; /* kB */
};

struct opts {
	int port, chats, conc, body, pid;
	double rate, reply_rate, churn, warmup, duration, timeout;
	const char *tokens, *site;
};

static struct opts o = {
	.rate = 5000, .warmup = 3, .duration = 20, .body = 64, .conc = 64,
	.timeout = 300, .site = "bench",
};

static struct lws_context *ctx;
static char **tokens;
static int n_agents;
static struct conn *agents, *custs, *posts;
static enum phase phase;
static int64_t t_phase, t_start, t_load, t_meas0, t_meas1;
static int64_t phase_us[PH_DONE];
static int in_flight, n_agents_ready, n_custs_ready, n_sessions, n_assigned,
	n_opened;
static uint64_t c_rr, a_rr, j_rr, c_issued, a_issued, j_issued, late, n_rejoins;
static struct dir c2a, a2c;
static struct lat lag;
static uint64_t n_errors, n_rate_limited, n_closed, n_conn_fail, n_post_fail;
static uint64_t rx_frames, rx_bytes, queue_frames, queue_bytes;
static double queue_mb_setup;
static bool sessions_first;
static char first_error[256];
static struct sample s_open, s_load_max, s_end;
static long srv_ticks0, srv_ticks1, all_ticks0, all_ticks1;
static long srv_ticks_start, all_ticks_start; /* when the run began */
static double other_setup_pct;
static char fail_why[160];
static enum phase fail_phase;
static struct { int tid; long t0, t1; } threads[MAX_THREADS];
static int n_threads;
static struct rusage ru0, ru1;
static struct ev_loop *loop;
static ev_timer tick_w;
static char first_close[128];
static int64_t next_sample, last_rx;
static volatile sig_atomic_t interrupted;

/* ---- small helpers ------------------------------------------------------ */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void lat_add(struct lat *l, int64_t us)
{
	if (us < 0)
		us = 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 65536;
		uint32_t *p = realloc(l->us, cap * sizeof(*p));

		if (!p) {
			l->lost++;
			return;
		}
		l->us = p;
		l->cap = cap;
	}
	l->us[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* pct - the p-th percentile (0..100) in ms; the array is sorted first. */
static double pct(struct lat *l, double p)
{
	size_t k;

	if (!l->n)
		return -1;
	qsort(l->us, l->n, sizeof(*l->us), cmp_u32);
	k = (size_t)ceil(p / 100.0 * (double)l->n);
	k = k ? k - 1 : 0;
	if (k >= l->n)
		k = l->n - 1;
	return l->us[k] / 1000.0;
}

/* ---- /proc -------------------------------------------------------------- */

static long status_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void sample(struct sample *s)
{
	char path[64], text[4096];
	size_t n;
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (!o.pid)
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", o.pid);
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	s->rss = status_kb(text, "VmRSS:");
	s->hwm = status_kb(text, "VmHWM:");
	s->anon = status_kb(text, "RssAnon:");
	s->file = status_kb(text, "RssFile:");
}

/* stat_ticks - utime + stime of /proc/PATH/stat (fields 14 and 15). */
static long stat_ticks(const char *path)
{
	char text[1024], *p;
	unsigned long ut = 0, st = 0;
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	p = strrchr(text, ')'); /* the name may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* busy_ticks - ticks all cores spent in tasks (user, nice, system) or
 * stolen by the host, from /proc/stat.  Interrupts and softirqs are left
 * out: loopback traffic's softirq time is nobody's in /proc/PID/stat, so it
 * would show as "other" work. */
static long busy_ticks(void)
{
	long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %ld %ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	return n == 8 ? v[0] + v[1] + v[2] + v[7] : -1;
}

/* cpu_snapshot - the machine's busy ticks, heed's, and each heed thread's
 * (first: at the start of the window, else at its end). */
static void cpu_snapshot(bool first)
{
	char path[128];
	struct dirent *de;
	DIR *d;

	if (first)
		all_ticks0 = busy_ticks();
	else
		all_ticks1 = busy_ticks();
	if (!o.pid)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", o.pid);
	if (first)
		srv_ticks0 = stat_ticks(path);
	else
		srv_ticks1 = stat_ticks(path);
	snprintf(path, sizeof(path), "/proc/%d/task", o.pid);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name), i;

		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", o.pid, tid);
		for (i = 0; i < n_threads && threads[i].tid != tid; i++)
			;
		if (i == n_threads) {
			if (n_threads == MAX_THREADS)
				continue;
			threads[n_threads].tid = tid;
			threads[n_threads].t0 = threads[n_threads].t1 = -1;
			n_threads++;
		}
		if (first)
			threads[i].t0 = stat_ticks(path);
		else
			threads[i].t1 = stat_ticks(path);
	}
	closedir(d);
}

/* set_phase - end the current phase: its time, heed's CPU and RSS, and the
 * queue frames the agents got meanwhile. */
static long ticks0;        /* heed's CPU ticks when the phase began */
static uint64_t qbytes0;   /* queue frame bytes when the phase began */

static void set_phase(enum phase p)
{
	int64_t now = now_us();
	double secs = (now - t_phase) / 1e6;
	long ticks = 0;
	char path[64], rss[64] = "";

	if (o.pid) {
		snprintf(path, sizeof(path), "/proc/%d/stat", o.pid);
		ticks = stat_ticks(path);
		if (p != PH_LOAD && p != PH_DONE) {
			struct sample s;

			sample(&s);
			snprintf(rss, sizeof(rss), ", VmRSS %.1f MB", s.rss / 1024.0);
		}
	}
	if (phase < PH_DONE)
		phase_us[phase] = now - t_phase;
	if (phase <= PH_SETTLE)
		queue_mb_setup += (queue_bytes - qbytes0) / 1048576.0;
	fprintf(stderr, "chat_load: %s done in %.2f s (heed CPU %.0f%%%s, queue frames "
		"%.1f MB); %s\n", phase_names[phase], secs,
		secs > 0 ? 100.0 * (double)(ticks - ticks0) / (double)sysconf(_SC_CLK_TCK) / secs : 0,
		rss, (queue_bytes - qbytes0) / 1048576.0, phase_names[p]);
	ticks0 = ticks;
	qbytes0 = queue_bytes;
	phase = p;
	t_phase = now;
}

/* setup_other - the CPU (% of one core) that neither heed nor this client
 * used since the start: other work on the machine during the setup. */
static void setup_other(void)
{
	double secs = (now_us() - t_start) / 1e6, hz = (double)sysconf(_SC_CLK_TCK);
	struct rusage ru;
	char path[64];
	long srv = 0;

	if (secs < 1)
		return; /* too short to say */
	getrusage(RUSAGE_SELF, &ru);
	if (o.pid) {
		snprintf(path, sizeof(path), "/proc/%d/stat", o.pid);
		srv = stat_ticks(path) - srv_ticks_start;
	}
	other_setup_pct = 100 * ((double)(busy_ticks() - all_ticks_start) / hz -
				 (double)srv / hz - (double)ru.ru_utime.tv_sec -
				 ru.ru_utime.tv_usec / 1e6 - (double)ru.ru_stime.tv_sec -
				 ru.ru_stime.tv_usec / 1e6) / secs;
}

static void fail_run(const char *why)
{
	if (phase == PH_FAILED)
		return;
	fprintf(stderr, "chat_load: %s (phase %s)\n", why, phase_names[phase]);
	snprintf(fail_why, sizeof(fail_why), "%s", why);
	fail_phase = phase;
	setup_other();
	phase = PH_FAILED;
}

/* ---- sending ------------------------------------------------------------ */

static void push(struct conn *c, const char *text, size_t len)
{
	struct frame *f = malloc(sizeof(*f) + LWS_PRE + len);

	if (!f) {
		fail_run("out of memory");
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data + LWS_PRE, text, len);
	if (c->tail)
		c->tail->next = f;
	else
		c->head = f;
	c->tail = f;
	if (c->wsi && c->up)
		lws_callback_on_writable(c->wsi);
}

static void push_json(struct conn *c, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!s) {
		fail_run("cannot encode a frame");
		return;
	}
	push(c, s, strlen(s));
	free(s);
}

static void free_frames(struct conn *c)
{
	struct frame *f, *next;

	for (f = c->head; f; f = next) {
		next = f->next;
		free(f);
	}
	c->head = c->tail = NULL;
}

/* due - a message is due on c now (the pacer); written when c is writeable. */
static void due(struct conn *c, int64_t at)
{
	if (!c->up) {
		return;
	} else if (c->n_due == DUE_RING) {
		late++; /* this client is behind: the socket has 8 unwritten */
		return;
	}
	c->due[c->n_due++] = at;
	lws_callback_on_writable(c->wsi);
}

/* write_message - the next due message of c, stamped now: the frame, then
 * a body of --body characters that starts with the mark, sender, sequence
 * number and time. */
static int write_message(struct conn *c)
{
	static const char pad[] = "lorem ipsum dolor sit amet, ";
	unsigned char buf[LWS_PRE + 4200], *p = buf + LWS_PRE;
	int64_t t = now_us(), at = c->due[0];
	struct dir *d = c->kind == K_CUST ? &c2a : &a2c;
	int n, start;

	memmove(c->due, c->due + 1, (size_t)--c->n_due * sizeof(c->due[0]));
	if (c->kind == K_AGENT && !c->n_opened)
		return 0;
	c->seq++;
	if (c->kind == K_AGENT)
		n = snprintf((char *)p, 200, "{\"type\":\"message\",\"case_id\":%" PRId64
			     ",\"cid\":\"%" PRId64 "\",\"body\":\"",
			     c->cases[c->reply_rr++ % c->n_opened], t);
	else
		n = snprintf((char *)p, 200, "{\"type\":\"message\",\"cid\":\"%" PRId64
			     "\",\"body\":\"", t);
	start = n;
	n += snprintf((char *)p + n, 100, "%c %d %u %" PRId64 " ",
		      c->kind == K_AGENT ? 'r' : 'm', c->idx, c->seq, t);
	for (int i = 0; n - start < o.body; i++)
		p[n++] = (unsigned char)pad[i % (int)(sizeof(pad) - 1)];
	p[n++] = '"';
	p[n++] = '}';
	if (t >= t_meas0 && t < t_meas1) {
		d->sent++;
		lat_add(&lag, t - at);
	}
	return lws_write(c->wsi, p, (size_t)n, LWS_WRITE_TEXT) < n ? -1 : 0;
}

static int on_writeable(struct conn *c)
{
	struct frame *f = c->head;

	if (c->rejoin) {
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_GOINGAWAY,
				 (unsigned char *)"rejoin", 6);
		return -1;
	}
	if (f) {
		c->head = f->next;
		if (!c->head)
			c->tail = NULL;
		if (lws_write(c->wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT) <
		    (int)f->len) {
			free(f);
			return -1;
		}
		free(f);
	} else if (c->n_due && write_message(c)) {
		return -1;
	}
	if (c->head || c->n_due)
		lws_callback_on_writable(c->wsi);
	return 0;
}

/* ---- receiving ---------------------------------------------------------- */

static void on_error_frame(json_t *j)
{
	const char *code = json_string_value(json_object_get(j, "code"));
	const char *msg = json_string_value(json_object_get(j, "message"));

	n_errors++;
	if (code && !strcmp(code, "rate_limited"))
		n_rate_limited++;
	if (!first_error[0])
		snprintf(first_error, sizeof(first_error), "%s: %s", code ? code : "?",
			 msg ? msg : "");
}

/* on_body - a message event; count it when it is the other side's. */
static void on_body(struct conn *c, const char *body)
{
	int64_t now = now_us(), t;
	unsigned who, seq;
	char mark;

	if (!body || sscanf(body, "%c %u %u %" SCNd64, &mark, &who, &seq, &t) != 4)
		return;
	if (c->kind == K_AGENT && mark == 'm' && who < (unsigned)o.chats) {
		struct conn *from = &custs[who];

		if (seq <= from->last_seen) {
			c2a.dup++;
			return;
		}
		from->last_seen = seq;
		if (t >= t_meas0 && t < t_meas1) {
			c2a.recv++;
			lat_add(&c2a.lat, now - t);
		}
	} else if (c->kind == K_CUST && mark == 'r') {
		if (t >= t_meas0 && t < t_meas1) {
			a2c.recv++;
			lat_add(&a2c.lat, now - t);
		}
	}
}

static void on_ack(struct conn *c, json_t *j)
{
	const char *cid = json_string_value(json_object_get(j, "cid"));
	int64_t t = cid ? strtoll(cid, NULL, 10) : 0;

	if (t >= t_meas0 && t < t_meas1)
		lat_add(c->kind == K_CUST ? &c2a.ack : &a2c.ack, now_us() - t);
}

static void open_case(struct conn *c, int64_t case_id)
{
	for (int i = 0; i < c->n_cases; i++)
		if (c->cases[i] == case_id)
			return;
	if (c->n_cases == MAX_CASES) {
		fail_run("an agent was given more than 32 chats");
		return;
	}
	c->cases[c->n_cases++] = case_id;
	n_assigned++;
	push_json(c, json_pack("{s:s, s:I, s:i}", "type", "open", "case_id",
			       (json_int_t)case_id, "last_event_id", 0));
}

/* on_replayed - an agent has opened case_id: move it to the opened part of
 * cases[] (the part replies go to). */
static void on_replayed(struct conn *c, int64_t case_id)
{
	for (int i = c->n_opened; i < c->n_cases; i++)
		if (c->cases[i] == case_id) {
			c->cases[i] = c->cases[c->n_opened];
			c->cases[c->n_opened++] = case_id;
			n_opened++;
			return;
		}
}

static void on_agent_frame(struct conn *c, const char *type, json_t *j)
{
	if (!strcmp(type, "welcome")) {
		push_json(c, json_pack("{s:s, s:s}", "type", "presence", "status",
				       "available"));
		c->ready = true;
		n_agents_ready++;
	} else if (!strcmp(type, "contact")) {
		json_t *ct = json_object_get(j, "contact");

		if (json_is_true(json_object_get(j, "assigned")))
			open_case(c, json_integer_value(json_object_get(ct, "case_id")));
	} else if (!strcmp(type, "replayed")) {
		on_replayed(c, json_integer_value(json_object_get(j, "case_id")));
	}
}

static void on_frame(struct conn *c, const char *data, size_t len)
{
	json_t *j = json_loadb(data, len, 0, NULL);
	const char *type = json_string_value(json_object_get(j, "type"));

	if (!type) {
		fail_run("a frame that is not JSON with a type");
		goto out;
	}
	if (!strcmp(type, "event")) {
		json_t *ev = json_object_get(j, "event");
		int64_t id = json_integer_value(json_object_get(ev, "id"));

		if (id > c->last_event)
			c->last_event = id;
		on_body(c, json_string_value(json_object_get(ev, "body")));
	} else if (!strcmp(type, "ack")) {
		on_ack(c, j);
	} else if (!strcmp(type, "error")) {
		on_error_frame(j);
	} else if (c->kind == K_AGENT) {
		on_agent_frame(c, type, j);
	} else if (!strcmp(type, "replayed") && !c->ready) {
		c->ready = true;
		n_custs_ready++;
	}
out:
	json_decref(j);
}

static int on_receive(struct conn *c, const char *in, size_t len)
{
	static const char queue[] = "{\"type\":\"queue\"";
	bool first = c->rx_len == 0 && !c->rx_skip;

	rx_bytes += len;
	last_rx = now_us();
	if (first && len >= sizeof(queue) - 1 && !memcmp(in, queue, sizeof(queue) - 1)) {
		c->rx_skip = true;
		queue_frames++;
	}
	if (c->rx_skip) {
		queue_bytes += len;
	} else if (c->rx_len + len > RX_MAX) {
		c->rx_skip = true;
	} else {
		if (c->rx_len + len > c->rx_cap) {
			size_t cap = (c->rx_len + len) * 2;
			char *p = realloc(c->rx, cap);

			if (!p)
				return -1;
			c->rx = p;
			c->rx_cap = cap;
		}
		memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
	}
	if (!lws_is_final_fragment(c->wsi))
		return 0;
	rx_frames++;
	if (!c->rx_skip)
		on_frame(c, c->rx, c->rx_len);
	c->rx_len = 0;
	c->rx_skip = false;
	if (c->rx_cap > 16384) {
		free(c->rx);
		c->rx = NULL;
		c->rx_cap = 0;
	}
	return 0;
}

/* ---- session POSTs ------------------------------------------------------ */

static char post_body[256];

static int post_headers(struct lws *wsi, unsigned char **p, unsigned char *end)
{
	char cl[16];
	int n = snprintf(cl, sizeof(cl), "%zu", strlen(post_body));

	if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
					 (unsigned char *)"application/json", 16, p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH,
					 (unsigned char *)cl, n, p, end))
		return -1;
	lws_client_http_body_pending(wsi, 1);
	lws_callback_on_writable(wsi);
	return 0;
}

/* post_done - the 201's visitor token and case id go to the customer. */
static void post_done(struct conn *c)
{
	json_t *j = json_loadb(c->rx, c->rx_len, 0, NULL);
	const char *tok = json_string_value(json_object_get(j, "token"));
	struct conn *cu = &custs[c->idx];

	if (!tok || strlen(tok) >= sizeof(cu->token)) {
		n_post_fail++;
		if (!first_error[0])
			snprintf(first_error, sizeof(first_error), "session POST: %.*s",
				 (int)(c->rx_len < 200 ? c->rx_len : 200), c->rx ? c->rx : "");
	} else {
		snprintf(cu->token, sizeof(cu->token), "%s", tok);
		cu->case_id = json_integer_value(json_object_get(j, "case_id"));
		n_sessions++;
	}
	c->ready = true;
	json_decref(j);
}

static int on_post_event(struct conn *c, enum lws_callback_reasons reason,
			 void *in, size_t len)
{
	char buf[LWS_PRE + 2048], *p = buf + LWS_PRE;
	int n = (int)sizeof(buf) - LWS_PRE;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return post_headers(c->wsi, (unsigned char **)in,
				    *(unsigned char **)in + len);
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
		n = (int)strlen(post_body);
		memcpy(p, post_body, (size_t)n);
		lws_client_http_body_pending(c->wsi, 0);
		return lws_write(c->wsi, (unsigned char *)p, (size_t)n,
				 LWS_WRITE_HTTP_FINAL) < n ? -1 : 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
		return lws_http_client_read(c->wsi, &p, &n) < 0 ? -1 : 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (c->rx_len + len > c->rx_cap) {
			size_t cap = c->rx_len + len + 1024;
			char *q = realloc(c->rx, cap);

			if (!q)
				return -1;
			c->rx = q;
			c->rx_cap = cap;
		}
		memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
		return 0;
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		post_done(c);
		return -1; /* close: no keep-alive, the fds are for the chats */
	default:
		return 0;
	}
}

/* ---- connections -------------------------------------------------------- */

static void connect_one(struct conn *c);

/* conn_gone - c's socket is closed (or never opened).  A chat socket
 * closed after it was up fails the run; one that never came up is retried
 * by launch(), as is a POST without an answer. */
static void conn_gone(struct conn *c, bool error)
{
	bool was_up = c->up;

	if (c->connecting) {
		c->connecting = false;
		in_flight--;
	}
	c->up = false;
	c->wsi = NULL;
	c->n_due = 0;
	free_frames(c);
	free(c->rx);
	c->rx = NULL;
	c->rx_len = c->rx_cap = 0;
	c->rx_skip = false;
	if (c->ready && c->kind == K_POST)
		return;
	if (c->rejoin) { /* we closed it (--churn): the page is reloaded */
		c->rejoin = c->ready = false;
		c->tries = 0;
		n_custs_ready--;
		n_rejoins++;
		connect_one(c);
		return;
	}
	if (was_up) {
		n_closed++;
		if (phase < PH_DONE)
			fail_run(first_close[0] ? first_close
				 : "a chat socket was closed by the server");
		return;
	}
	if (error || c->kind == K_POST)
		n_conn_fail++; /* launch() tries again */
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	struct conn *c = user;

	if (!c)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c->tries >= RETRIES)
			fprintf(stderr, "chat_load: cannot connect: %s\n",
				in ? (char *)in : "?");
		conn_gone(c, true);
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->wsi = wsi;
		c->up = true;
		c->connecting = false;
		in_flight--;
		if (c->kind == K_AGENT)
			push_json(c, json_pack("{s:s, s:s}", "type", "hello", "token",
					       tokens[c->idx]));
		else
			push_json(c, json_pack("{s:s, s:s, s:I}", "type", "hello", "token",
					       c->token, "last_event_id",
					       (json_int_t)c->last_event));
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(c, in, len);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (!first_close[0] && len >= 2)
			snprintf(first_close, sizeof(first_close), "%d %.*s",
				 ((unsigned char *)in)[0] << 8 | ((unsigned char *)in)[1],
				 (int)(len - 2 < 100 ? len - 2 : 100), (char *)in + 2);
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(c);
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		conn_gone(c, false);
		return 0;
	default:
		return c->kind == K_POST ? on_post_event(c, reason, in, len) : 0;
	}
}

static const struct lws_protocols protocols[] = {
	{"heed-chat.v1", callback, 0, 4096, 0, NULL, 0},
	{"bench-http", callback, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

static void connect_one(struct conn *c)
{
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof(i));
	i.context = ctx;
	i.address = "127.0.0.1";
	i.host = "127.0.0.1";
	i.port = o.port;
	i.userdata = c;
	i.pwsi = &c->wsi;
	if (c->kind == K_POST) {
		i.path = "/api/v1/chat/sessions";
		i.method = "POST";
		i.local_protocol_name = "bench-http";
		c->rx_len = 0;
	} else {
		i.path = "/ws/chat";
		i.protocol = "heed-chat.v1";
		i.local_protocol_name = "heed-chat.v1";
	}
	c->tries++;
	c->connecting = true;
	in_flight++;
	if (!lws_client_connect_via_info(&i) && c->connecting)
		conn_gone(c, true); /* unless the error callback did already */
}

/* launch - keep up to --conc handshakes (or POSTs) of set[0..n) in flight,
 * retrying failed ones; true when every one of them is done. */
static bool launch(struct conn *set, int n)
{
	int done = 0;

	for (int i = 0; i < n; i++) {
		struct conn *c = &set[i];

		if (c->ready) {
			done++;
			continue;
		}
		if (c->connecting || c->up || in_flight >= o.conc)
			continue;
		if (c->tries >= RETRIES) {
			fail_run("a connection failed too often");
			return false;
		}
		connect_one(c);
	}
	return done == n;
}

/* ---- the pacer and the phases ------------------------------------------- */

static void pace(int64_t now)
{
	uint64_t want;

	if (now >= t_meas1)
		return;
	want = (uint64_t)((double)(now - t_load) * o.rate / 1e6);
	for (; c_issued < want; c_issued++)
		due(&custs[c_rr++ % (uint64_t)o.chats], now);
	want = (uint64_t)((double)(now - t_load) * o.churn / 1e6);
	for (; j_issued < want; j_issued++) {
		struct conn *c = &custs[j_rr++ % (uint64_t)o.chats];

		if (c->up && c->ready) {
			c->rejoin = true;
			lws_callback_on_writable(c->wsi);
		}
	}
	want = (uint64_t)((double)(now - t_load) * o.reply_rate / 1e6);
	for (; a_issued < want; a_issued++) {
		struct conn *a = &agents[a_rr++ % (uint64_t)n_agents];

		if (a->n_opened)
			due(a, now);
	}
}

static void start_load(int64_t now)
{
	sample(&s_open);
	fprintf(stderr, "chat_load: all %d chats open; heed VmRSS %ld kB, VmHWM %ld kB; "
		"load %.0f msg/s + %.0f replies/s for %.0f+%.0f s\n", o.chats, s_open.rss,
		s_open.hwm, o.rate, o.reply_rate, o.warmup, o.duration);
	t_load = now;
	t_meas0 = now + (int64_t)(o.warmup * 1e6);
	t_meas1 = t_meas0 + (int64_t)(o.duration * 1e6);
	next_sample = t_meas0;
}

static void load_step(int64_t now)
{
	pace(now);
	if (now >= next_sample && now < t_meas1) {
		struct sample s;

		if (next_sample == t_meas0) {
			cpu_snapshot(true);
			getrusage(RUSAGE_SELF, &ru0);
		}
		sample(&s);
		if (s.rss > s_load_max.rss)
			s_load_max = s;
		next_sample += 1000000;
	}
	if (now >= t_meas1) {
		cpu_snapshot(false);
		getrusage(RUSAGE_SELF, &ru1);
		set_phase(PH_DRAIN);
	}
}

static void step(int64_t now)
{
	switch (phase) {
	case PH_AGENTS:
		if (launch(agents, n_agents) && n_agents_ready == n_agents)
			set_phase(sessions_first ? PH_CUSTOMERS : PH_SESSIONS);
		break;
	case PH_SESSIONS:
		if (launch(posts, o.chats) && in_flight == 0) {
			if (n_sessions != o.chats)
				fail_run("some sessions were not created");
			else
				set_phase(sessions_first ? PH_AGENTS : PH_CUSTOMERS);
		}
		break;
	case PH_CUSTOMERS:
		if (launch(custs, o.chats) && n_custs_ready == o.chats &&
		    n_opened == o.chats)
			set_phase(PH_SETTLE);
		break;
	case PH_SETTLE: /* until heed has sent what the setup queued */
		if (now - t_phase >= SETTLE_US && now - last_rx >= QUIET_US) {
			setup_other();
			set_phase(PH_LOAD);
			start_load(now);
		}
		break;
	case PH_LOAD:
		load_step(now);
		break;
	case PH_DRAIN:
		if ((c2a.recv >= c2a.sent && a2c.recv >= a2c.sent) ||
		    now - t_phase >= DRAIN_US) {
			sample(&s_end);
			set_phase(PH_DONE);
		}
		break;
	default:
		break;
	}
	if (phase <= PH_SETTLE && now - t_start > (int64_t)(o.timeout * 1e6))
		fail_run("setup took longer than --timeout");
}

/* on_tick - the pacer's clock, every TICK_US; stops the loop when done. */
static void on_tick(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w, (void)revents;
	step(now_us());
	if (phase == PH_DONE || phase == PH_FAILED || interrupted)
		ev_break(l, EVBREAK_ALL);
}

/* ---- report ------------------------------------------------------------- */

static void print_dir(const char *name, struct dir *d, double secs)
{
	printf(" %s_sent=%" PRIu64 " %s_recv=%" PRIu64 " %s_missing=%" PRIu64
	       " %s_dup=%" PRIu64 " %s_per_s=%.0f %s_p50_ms=%.2f %s_p99_ms=%.2f"
	       " %s_max_ms=%.2f %s_ack_p50_ms=%.2f %s_ack_p99_ms=%.2f",
	       name, d->sent, name, d->recv, name, d->sent > d->recv ? d->sent - d->recv : 0,
	       name, d->dup, name, d->recv / secs, name, pct(&d->lat, 50), name,
	       pct(&d->lat, 99), name, pct(&d->lat, 100), name, pct(&d->ack, 50), name,
	       pct(&d->ack, 99));
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void print_threads(double secs)
{
	long hz = sysconf(_SC_CLK_TCK);
	int k = 0;

	printf(" threads=");
	for (int i = 0; i < n_threads; i++) {
		if (threads[i].t0 < 0 || threads[i].t1 < 0)
			continue;
		printf("%s%d:%.0f", k++ ? "," : "", threads[i].tid,
		       100.0 * (double)(threads[i].t1 - threads[i].t0) / (double)hz / secs);
	}
}

static void report(void)
{
	double secs = o.duration;
	long hz = sysconf(_SC_CLK_TCK);
	double srv = o.pid ? (double)(srv_ticks1 - srv_ticks0) / (double)hz : 0;
	double cli = tv_s(ru1.ru_utime) + tv_s(ru1.ru_stime) - tv_s(ru0.ru_utime) -
		     tv_s(ru0.ru_stime);
	uint64_t msgs = c2a.recv + a2c.recv;

	printf("chats=%d agents=%d rate=%.0f reply_rate=%.0f churn=%.1f rejoins=%" PRIu64
	       " duration_s=%.0f", o.chats, n_agents, o.rate, o.reply_rate, o.churn,
	       n_rejoins, o.duration);
	printf(" order=%s setup_agents_s=%.2f setup_sessions_s=%.2f"
	       " setup_customers_s=%.2f settle_s=%.2f", sessions_first ? "sessions" : "agents",
	       phase_us[PH_AGENTS] / 1e6, phase_us[PH_SESSIONS] / 1e6,
	       phase_us[PH_CUSTOMERS] / 1e6, phase_us[PH_SETTLE] / 1e6);
	printf(" msgs_per_s=%.0f", msgs / secs);
	print_dir("c2a", &c2a, secs);
	print_dir("a2c", &a2c, secs);
	printf(" lag_p99_ms=%.2f late=%" PRIu64, pct(&lag, 99), late);
	printf(" errors=%" PRIu64 " rate_limited=%" PRIu64 " closed=%" PRIu64
	       " conn_fail=%" PRIu64 " post_fail=%" PRIu64, n_errors, n_rate_limited,
	       n_closed, n_conn_fail, n_post_fail);
	printf(" rx_frames=%" PRIu64 " rx_mb=%.1f queue_frames=%" PRIu64 " queue_mb=%.1f"
	       " queue_mb_setup=%.1f", rx_frames, rx_bytes / 1048576.0, queue_frames,
	       queue_bytes / 1048576.0, queue_mb_setup);
	printf(" rss_open_kb=%ld rss_load_kb=%ld anon_load_kb=%ld file_load_kb=%ld"
	       " hwm_kb=%ld rss_end_kb=%ld", s_open.rss, s_load_max.rss, s_load_max.anon,
	       s_load_max.file, s_end.hwm, s_end.rss);
	printf(" srv_cpu_pct=%.0f srv_us_per_msg=%.1f cli_cpu_pct=%.0f other_cpu_pct=%.0f"
	       " other_setup_pct=%.0f", 100 * srv / secs,
	       msgs ? srv * 1e6 / (double)msgs : 0, 100 * cli / secs,
	       100 * ((double)(all_ticks1 - all_ticks0) / (double)hz - srv - cli) / secs,
	       other_setup_pct);
	print_threads(secs);
	printf(" first_error=\"%s\" first_close=\"%s\"\n", first_error, first_close);
	fflush(stdout);
}

/* ---- setup -------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr, "usage: chat_load --port P --tokens FILE --chats N [--rate R]\n"
		"  [--reply-rate A] [--warmup S] [--duration S] [--body BYTES]\n"
		"  [--conc C] [--pid HEED_PID] [--timeout S] [--site KEY]\n"
		"  [--order agents|sessions] [--churn J]\n");
	return 2;
}

static bool parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return false;
		i++;
		if (!strcmp(a, "--port")) o.port = atoi(v);
		else if (!strcmp(a, "--tokens")) o.tokens = v;
		else if (!strcmp(a, "--chats")) o.chats = atoi(v);
		else if (!strcmp(a, "--rate")) o.rate = atof(v);
		else if (!strcmp(a, "--reply-rate")) o.reply_rate = atof(v);
		else if (!strcmp(a, "--churn")) o.churn = atof(v);
		else if (!strcmp(a, "--warmup")) o.warmup = atof(v);
		else if (!strcmp(a, "--duration")) o.duration = atof(v);
		else if (!strcmp(a, "--body")) o.body = atoi(v);
		else if (!strcmp(a, "--conc")) o.conc = atoi(v);
		else if (!strcmp(a, "--pid")) o.pid = atoi(v);
		else if (!strcmp(a, "--timeout")) o.timeout = atof(v);
		else if (!strcmp(a, "--site")) o.site = v;
		else if (!strcmp(a, "--order") && !strcmp(v, "agents")) sessions_first = false;
		else if (!strcmp(a, "--order") && !strcmp(v, "sessions")) sessions_first = true;
		else return false;
	}
	return o.port > 0 && o.tokens && o.chats > 0 && o.conc > 0 && o.rate >= 0 &&
	       o.reply_rate >= 0 && o.churn >= 0 && o.duration > 0 && o.body >= 32 && o.body <= 4000;
}

/* read_tokens - one token a line; enough agents for the chats at 20 each. */
static int read_tokens(const char *path)
{
	char line[256];
	int cap = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "chat_load: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n ")] = '\0';
		if (strncmp(line, "heed_", 5) != 0)
			continue;
		if (n_agents == cap) {
			char **p = realloc(tokens, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p)
				goto fail;
			tokens = p;
		}
		if (!(tokens[n_agents] = strdup(line)))
			goto fail;
		n_agents++;
	}
	fclose(f);
	return n_agents;
fail:
	fclose(f);
	return -1;
}

static struct conn *conns_new(enum kind k, int n)
{
	struct conn *c = calloc((size_t)n, sizeof(*c));

	for (int i = 0; c && i < n; i++) {
		c[i].kind = k;
		c[i].idx = i;
	}
	return c;
}

static bool setup(void)
{
	static void *foreign[1];
	struct lws_context_creation_info info;
	int need = (o.chats + 19) / 20;

	if (read_tokens(o.tokens) < need) {
		fprintf(stderr, "chat_load: %d chats need %d agents of capacity 20; %s "
			"has %d tokens\n", o.chats, need, o.tokens, n_agents);
		return false;
	}
	n_agents = need;
	if (o.rate / o.chats > 5.0 || o.reply_rate / n_agents > 5.0)
		fprintf(stderr, "chat_load: warning: over 5 messages/s per socket; heed "
			"will answer rate_limited\n");
	snprintf(post_body, sizeof(post_body),
		 "{\"site\":\"%s\",\"subject\":\"Load test chat\",\"name\":\"Bench\"}", o.site);
	agents = conns_new(K_AGENT, n_agents);
	custs = conns_new(K_CUST, o.chats);
	posts = conns_new(K_POST, o.chats);
	if (!agents || !custs || !posts)
		return false;
	loop = ev_loop_new(EVBACKEND_EPOLL);
	if (!loop)
		return false;
	foreign[0] = loop;
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_LIBEV;
	info.foreign_loops = foreign;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.max_http_header_pool = (unsigned short)(o.conc + 16);
	info.timeout_secs = 30;
	lws_set_log_level(LLL_ERR, NULL);
	ctx = lws_create_context(&info);
	return ctx != NULL;
}

int main(int argc, char **argv)
{
	int rc = 1;

	if (!parse_args(argc, argv))
		return usage();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (!setup())
		goto out;
	t_start = t_phase = now_us();
	phase = sessions_first ? PH_SESSIONS : PH_AGENTS;
	all_ticks_start = busy_ticks();
	if (o.pid) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/stat", o.pid);
		ticks0 = srv_ticks_start = stat_ticks(path);
	}
	fprintf(stderr, "chat_load: %d agents, %d chats, port %d\n", n_agents, o.chats,
		o.port);
	ev_timer_init(&tick_w, on_tick, TICK_US / 1e6, TICK_US / 1e6);
	ev_timer_start(loop, &tick_w);
	ev_run(loop, 0);
	if (phase == PH_DONE) {
		report();
		rc = n_closed || n_post_fail ? 1 : 0;
	} else {
		printf("chats=%d agents=%d failed=1 failed_phase=%s other_setup_pct=%.0f "
		       "reason=\"%s\"\n", o.chats, n_agents, phase_names[fail_phase],
		       other_setup_pct, interrupted ? "interrupted" : fail_why);
		fprintf(stderr, "chat_load: stopped in phase %s: %d ready, %d sessions, "
			"%d assigned, %d opened, %" PRIu64 " errors (%s)\n",
			phase_names[phase], n_agents_ready + n_custs_ready, n_sessions,
			n_assigned, n_opened,
			n_errors, first_error);
	}
out:
	if (ctx)
		lws_context_destroy(ctx);
	if (loop)
		ev_loop_destroy(loop);
	return rc;
}
