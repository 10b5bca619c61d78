/*
 * hooks.c - the webhook sender thread (see hooks.h).  libcurl speaks HTTP;
 * domain/actions.c signs and says when to retry; this file only picks the
 * due rows, makes one POST each and hands each outcome to the write queue.
 *
 * Deliveries go one at a time, oldest due first: a receiver that hangs
 * holds the others up by at most the timeout per attempt, which keeps the
 * thread simple; a busy installation would run several senders.
 */
#include "chan/hooks.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/actions.h"
#include "store/store.h"

#define BATCH 16

struct hooks {
	struct hooks_config cfg;  /* db_uri owned (strdup) */
	struct txq *txq;
	struct store *rd;         /* this thread's read handle */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, kicked;
	bool curl_ready;          /* curl_global_init done, by this thread, at
				   * the first delivery: a heed with no webhook
				   * never maps OpenSSL's state (~2 MB) */
};

/* A write of one outcome; the sender waits for it, so it lives on the
 * sender's stack. */
struct hook_job {
	struct txq_job job;       /* first: txq hands it back */
	struct hook_delivery *d;
	struct arena *ar;
	struct fail fail;
	struct hooks *owner;
	bool done;
};

static bool is_stopping(struct hooks *h)
{
	bool stop;

	pthread_mutex_lock(&h->mu);
	stop = h->stop;
	pthread_mutex_unlock(&h->mu);
	return stop;
}

/* stopping - libcurl's progress callback: abort the attempt when heed is
 * stopping, so a hanging receiver never holds up shutdown. */
static int stopping(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	return is_stopping(arg);
}

/* discard - the receiver's answer body is not kept. */
static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p, (void)arg;
	return size * n;
}

/* send_one - one POST; true when acknowledged (2xx), else why in err. */
static bool send_one(struct hooks *h, const struct hook_delivery *d, char *err, size_t n)
{
	char curl_err[CURL_ERROR_SIZE] = "", sig[ACTION_SIG_MAX], id_line[64],
		sig_line[ACTION_SIG_MAX + 20];
	const char *lines[] = {"Content-Type: application/json", "User-Agent: heed",
			       "Expect:", id_line, sig_line};
	struct curl_slist *hdr = NULL, *t;
	bool ok = false;
	long code = 0;
	CURLcode rc;
	CURL *c;

	snprintf(err, n, "cannot set up the request");
	/* libcurl 7.88 as Debian builds it is "threadsafe": its global init
	 * may run here while the mail sender uses curl */
	if (!h->curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return false;
	h->curl_ready = true;
	if (!(c = curl_easy_init()))
		return false;
	action_signature(d->secret, clock_now_ms() / 1000, d->body, sig, sizeof(sig));
	snprintf(id_line, sizeof(id_line), "Heed-Delivery: %lld", (long long)d->id);
	snprintf(sig_line, sizeof(sig_line), "Heed-Signature: %s", sig);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (!(t = curl_slist_append(hdr, lines[i])))
			goto out;
		hdr = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, d->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(d->body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, h->cfg.timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, stopping);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK && code >= 200 && code < 300) {
		ok = true;
		err[0] = '\0';
	} else if (rc == CURLE_OK) {
		snprintf(err, n, "HTTP %ld", code);
	} else {
		snprintf(err, n, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
	}
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return ok;
}

/* ---- recording the outcome --------------------------------------------- */

static enum err run_record(struct store *st, struct txq_job *tj)
{
	struct hook_job *j = (struct hook_job *)tj;

	return actions_hook_record(st, j->ar, j->d, &j->fail);
}

static void done_record(struct txq_job *tj)
{
	struct hook_job *j = (struct hook_job *)tj;

	pthread_mutex_lock(&j->owner->mu);
	j->done = true;
	pthread_cond_broadcast(&j->owner->cv);
	pthread_mutex_unlock(&j->owner->mu);
}

/* record - write the outcome and wait until it is on disk. */
static enum err record(struct hooks *h, struct arena *ar, struct hook_delivery *d)
{
	struct hook_job j = {.job = {.run = run_record, .done = done_record},
			     .d = d, .ar = ar, .owner = h};

	txq_submit(h->txq, &j.job);
	pthread_mutex_lock(&h->mu);
	while (!j.done)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	if (j.job.result != E_OK)
		log_error("hooks", "cannot record delivery %lld: %s", (long long)d->id,
			  j.fail.msg[0] ? j.fail.msg : err_name(j.job.result));
	return j.job.result;
}

/* ---- the thread -------------------------------------------------------- */

/* send_due - one attempt for each delivery due now (a batch); true when
 * a full batch went, so more may be due at once. */
static bool send_due(struct hooks *h)
{
	struct hook_list l;
	struct arena ar;
	char err[CURL_ERROR_SIZE + 32];
	bool ok = true;

	arena_init(&ar, 16384);
	if (store_hook_due(h->rd, &ar, clock_now_ms(), BATCH, &l) != E_OK) {
		arena_release(&ar);
		return false;
	}
	for (size_t i = 0; i < l.n && !is_stopping(h); i++) {
		struct hook_delivery *d = &l.items[i];
		bool acked = send_one(h, d, err, sizeof(err));

		if (!acked && is_stopping(h))
			break; /* cut short: not an attempt; it goes at the next start */
		action_hook_next(d, acked, err, clock_now_ms(), &ar);
		if (acked)
			log_info("hooks", "delivery %lld (action %lld) acknowledged by %s",
				 (long long)d->id, (long long)d->action_id, d->url);
		else
			log_warn("hooks", "delivery %lld (action %lld) to %s: %s (attempt %d, will retry)",
				 (long long)d->id, (long long)d->action_id, d->url, err, d->attempts);
		if (record(h, &ar, d) != E_OK)
			ok = false;
	}
	ok = ok && l.n == BATCH;
	arena_release(&ar);
	return ok;
}

static void *hooks_main(void *arg)
{
	struct hooks *h = arg;

	for (;;) {
		struct timespec until;
		int64_t ms = h->cfg.poll_ms;
		bool more;

		pthread_mutex_lock(&h->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!h->stop && !h->kicked &&
		       pthread_cond_timedwait(&h->cv, &h->mu, &until) == 0)
			;
		h->kicked = false;
		if (h->stop) {
			pthread_mutex_unlock(&h->mu);
			break;
		}
		pthread_mutex_unlock(&h->mu);
		do
			more = send_due(h);
		while (more && !is_stopping(h));
	}
	return NULL;
}

static void hooks_free(struct hooks *h)
{
	store_close(h->rd);
	free((char *)h->cfg.db_uri);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

enum err hooks_start(const struct hooks_config *cfg, struct txq *txq, struct hooks **out)
{
	struct hooks *h;
	enum err e;

	*out = NULL;
	if (!(h = calloc(1, sizeof(*h))))
		return E_NOMEM;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->cfg = *cfg;
	h->cfg.db_uri = strdup(cfg->db_uri);
	if (h->cfg.poll_ms <= 0)
		h->cfg.poll_ms = 500;
	if (h->cfg.timeout_s <= 0)
		h->cfg.timeout_s = 10;
	h->txq = txq;
	h->kicked = true; /* whatever waited while heed was down */
	e = h->cfg.db_uri ? store_open(h->cfg.db_uri, &h->rd) : E_NOMEM;
	if (e == E_OK && pthread_create(&h->th, NULL, hooks_main, h) != 0)
		e = E_IO;
	if (e != E_OK) {
		hooks_free(h);
		return e;
	}
	*out = h;
	return E_OK;
}

void hooks_kick(struct hooks *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->kicked = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void hooks_stop(struct hooks *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	if (h->curl_ready)
		curl_global_cleanup();
	hooks_free(h);
}
