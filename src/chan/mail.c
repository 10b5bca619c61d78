/*
 * mail.c - the email sender thread (see mail.h).  libcurl speaks SMTP and
 * builds the MIME body (curl_mime, quoted-printable); this file only picks
 * the due rows, forms the headers and hands each outcome to the write
 * queue.
 */
#include "chan/mail.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/outbox.h"
#include "store/store.h"

#define BATCH 32

struct mail {
	struct mail_config cfg;   /* strings owned (strdup) */
	struct txq *txq;
	struct store *rd;         /* this thread's read handle */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, kicked, started;
};

/* A write of one outcome; the sender waits for it, so it lives on the
 * sender's stack. */
struct mail_job {
	struct txq_job job;       /* first: txq hands it back */
	struct outbox_msg *m;
	struct arena *ar;
	struct fail fail;
	struct mail *owner;
	bool done;
};

/* ---- headers ----------------------------------------------------------- */

/* header_text - v with CR and LF made spaces (no header injection). */
static char *header_text(struct arena *ar, const char *v)
{
	char *s = arena_strdup(ar, v ? v : "");

	for (char *p = s; p && *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return s;
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* encode_words - RFC 2047 encoded words (UTF-8, base64) for a header value
 * that is not plain ASCII, each at most 75 characters, split between
 * characters. */
static char *encode_words(struct arena *ar, const char *s)
{
	size_t n = strlen(s), out_cap = n * 2 + 64, used = 0;
	char *out = arena_alloc(ar, out_cap + 16 * (n / 45 + 1));

	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t take = n - i < 45 ? n - i : 45;
		char b64[80];

		while (i + take < n && ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--; /* do not split a character */
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		used += (size_t)sprintf(out + used, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += take;
	}
	return out;
}

static struct curl_slist *headers(struct mail *ml, struct arena *ar,
				  const struct outbox_msg *m)
{
	char date[64], line[1100];
	struct curl_slist *h = NULL, *t;
	time_t secs = (time_t)(clock_now_ms() / 1000);
	struct tm tm;
	char *subject = header_text(ar, m->subject);

	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (subject && !plain_ascii(subject))
		subject = encode_words(ar, subject);
	if (!subject)
		return NULL;
	const char *lines[] = {"From: %s", "To: %s", "Subject: %s", "Date: %s",
			       "Message-ID: <heed-outbox-%lld@%s>", "Auto-Submitted: auto-generated"};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		switch (i) {
		case 0: snprintf(line, sizeof(line), lines[i], ml->cfg.from); break;
		case 1: snprintf(line, sizeof(line), lines[i], header_text(ar, m->to_addr)); break;
		case 2: snprintf(line, sizeof(line), lines[i], subject); break;
		case 3: snprintf(line, sizeof(line), lines[i], date); break;
		case 4: {
			const char *at = strchr(ml->cfg.from, '@');

			snprintf(line, sizeof(line), lines[i], (long long)m->id,
				 at && at[1] ? at + 1 : "heed.invalid");
			break;
		}
		default: snprintf(line, sizeof(line), "%s", lines[i]);
		}
		if (!(t = curl_slist_append(h, line))) {
			curl_slist_free_all(h);
			return NULL;
		}
		h = t;
	}
	return h;
}

/* ---- one attempt ------------------------------------------------------- */

/* stopping - libcurl's progress callback: abort the attempt when heed is
 * stopping, so a hanging mail server never holds up shutdown. */
static bool is_stopping(struct mail *ml)
{
	bool stop;

	pthread_mutex_lock(&ml->mu);
	stop = ml->stop;
	pthread_mutex_unlock(&ml->mu);
	return stop;
}

static int stopping(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	return is_stopping(arg);
}

/* send_one - one SMTP transaction; the outcome, and why in err. */
static enum outbox_outcome send_one(struct mail *ml, struct arena *ar,
				    const struct outbox_msg *m, char *err, size_t n)
{
	char curl_err[CURL_ERROR_SIZE] = "", addr[600];
	struct curl_slist *rcpt = NULL, *hdr = NULL;
	enum outbox_outcome o = OUTBOX_TEMPORARY;
	curl_mime *mime = NULL;
	curl_mimepart *part;
	CURLcode rc;
	long code = 0;
	CURL *c = curl_easy_init();

	snprintf(err, n, "cannot set up the mail");
	if (!c)
		return o;
	snprintf(addr, sizeof(addr), "<%s>", m->to_addr);
	if (!(rcpt = curl_slist_append(NULL, addr)) || !(hdr = headers(ml, ar, m)) ||
	    !(mime = curl_mime_init(c)) || !(part = curl_mime_addpart(mime)))
		goto out;
	curl_mime_data(part, m->body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	snprintf(addr, sizeof(addr), "<%s>", ml->cfg.from);
	curl_easy_setopt(c, CURLOPT_URL, ml->cfg.smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_USE_SSL, ml->cfg.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, ml->cfg.timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, stopping);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, ml);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (ml->cfg.smtp_user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, ml->cfg.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, ml->cfg.smtp_password);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		o = OUTBOX_OK;
		err[0] = '\0';
		goto out;
	}
	/* a 5xx reply refuses for good (no such mailbox, say); the rest is
	 * worth another try */
	o = code >= 500 && code < 600 ? OUTBOX_PERMANENT : OUTBOX_TEMPORARY;
	if (code)
		snprintf(err, n, "SMTP %ld: %s", code, curl_err[0] ? curl_err : curl_easy_strerror(rc));
	else
		snprintf(err, n, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
out:
	curl_mime_free(mime);
	curl_slist_free_all(hdr);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return o;
}

/* ---- recording the outcome --------------------------------------------- */

static enum err run_record(struct store *st, struct txq_job *tj)
{
	struct mail_job *j = (struct mail_job *)tj;

	return outbox_record(st, j->ar, j->m, &j->fail);
}

static void done_record(struct txq_job *tj)
{
	struct mail_job *j = (struct mail_job *)tj;

	pthread_mutex_lock(&j->owner->mu);
	j->done = true;
	pthread_cond_broadcast(&j->owner->cv);
	pthread_mutex_unlock(&j->owner->mu);
}

/* record - write the outcome and wait until it is on disk. */
static enum err record(struct mail *ml, struct arena *ar, struct outbox_msg *m)
{
	struct mail_job j = {.job = {.run = run_record, .done = done_record},
			     .m = m, .ar = ar, .owner = ml};

	txq_submit(ml->txq, &j.job);
	pthread_mutex_lock(&ml->mu);
	while (!j.done)
		pthread_cond_wait(&ml->cv, &ml->mu);
	pthread_mutex_unlock(&ml->mu);
	if (j.job.result != E_OK)
		log_error("mail", "cannot record outbox %lld: %s", (long long)m->id,
			  j.fail.msg[0] ? j.fail.msg : err_name(j.job.result));
	return j.job.result;
}

/* ---- the thread -------------------------------------------------------- */

/* send_due - one attempt for each message due now (a batch); true when a
 * full batch went, so more may be due at once. */
static bool send_due(struct mail *ml)
{
	struct outbox_list l;
	struct arena ar;
	char err[512];
	bool ok = true;

	arena_init(&ar, 16384);
	if (store_outbox_due(ml->rd, &ar, clock_now_ms(), BATCH, &l) != E_OK) {
		arena_release(&ar);
		return false;
	}
	for (size_t i = 0; i < l.n && !is_stopping(ml); i++) {
		struct outbox_msg *m = &l.items[i];
		enum outbox_outcome o = send_one(ml, &ar, m, err, sizeof(err));

		if (o != OUTBOX_OK && is_stopping(ml))
			break; /* cut short: not an attempt; it goes at the next start */
		outbox_next(m, o, err, clock_now_ms(), &ar);
		if (o == OUTBOX_OK)
			log_info("mail", "sent outbox %lld (%s) to %s", (long long)m->id, m->kind,
				 m->to_addr);
		else
			log_warn("mail", "outbox %lld to %s: %s (%s)", (long long)m->id, m->to_addr,
				 err, m->state == OUTBOX_FAILED ? "gave up" : "will retry");
		if (record(ml, &ar, m) != E_OK)
			ok = false;
	}
	ok = ok && l.n == BATCH; /* a full batch: more may be due at once */
	arena_release(&ar);
	return ok;
}

static void *mail_main(void *arg)
{
	struct mail *ml = arg;

	for (;;) {
		struct timespec until;
		int64_t ms;
		bool more;

		pthread_mutex_lock(&ml->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		ms = ml->cfg.poll_ms;
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!ml->stop && !ml->kicked &&
		       pthread_cond_timedwait(&ml->cv, &ml->mu, &until) == 0)
			;
		ml->kicked = false;
		if (ml->stop) {
			pthread_mutex_unlock(&ml->mu);
			break;
		}
		pthread_mutex_unlock(&ml->mu);
		do
			more = send_due(ml);
		while (more && !is_stopping(ml));
	}
	return NULL;
}

static void mail_free(struct mail *ml)
{
	store_close(ml->rd);
	free((char *)ml->cfg.smtp_url);
	free((char *)ml->cfg.smtp_user);
	free((char *)ml->cfg.smtp_password);
	free((char *)ml->cfg.from);
	pthread_cond_destroy(&ml->cv);
	pthread_mutex_destroy(&ml->mu);
	free(ml);
}

enum err mail_start(const struct mail_config *cfg, struct txq *txq, struct mail **out)
{
	struct mail *ml;
	enum err e;

	*out = NULL;
	if (!cfg->smtp_url || !cfg->smtp_url[0])
		return E_OK;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return E_IO;
	if (!(ml = calloc(1, sizeof(*ml))))
		return E_NOMEM;
	pthread_mutex_init(&ml->mu, NULL);
	pthread_cond_init(&ml->cv, NULL);
	ml->cfg = *cfg;
	ml->cfg.smtp_url = strdup(cfg->smtp_url);
	ml->cfg.smtp_user = strdup(cfg->smtp_user ? cfg->smtp_user : "");
	ml->cfg.smtp_password = strdup(cfg->smtp_password ? cfg->smtp_password : "");
	ml->cfg.from = strdup(cfg->from && cfg->from[0] ? cfg->from : "heed@localhost");
	if (ml->cfg.poll_ms <= 0)
		ml->cfg.poll_ms = 1000;
	if (ml->cfg.timeout_s <= 0)
		ml->cfg.timeout_s = 30;
	ml->txq = txq;
	ml->kicked = true; /* whatever waited while heed was down */
	e = !ml->cfg.smtp_url || !ml->cfg.smtp_user || !ml->cfg.smtp_password || !ml->cfg.from
		    ? E_NOMEM : store_open(cfg->db_uri, &ml->rd);
	if (e == E_OK && pthread_create(&ml->th, NULL, mail_main, ml) != 0)
		e = E_IO;
	if (e != E_OK) {
		mail_free(ml);
		curl_global_cleanup();
		return e;
	}
	ml->started = true;
	*out = ml;
	return E_OK;
}

void mail_kick(struct mail *ml)
{
	if (!ml)
		return;
	pthread_mutex_lock(&ml->mu);
	ml->kicked = true;
	pthread_cond_broadcast(&ml->cv);
	pthread_mutex_unlock(&ml->mu);
}

void mail_stop(struct mail *ml)
{
	if (!ml)
		return;
	pthread_mutex_lock(&ml->mu);
	ml->stop = true;
	pthread_cond_broadcast(&ml->cv);
	pthread_mutex_unlock(&ml->mu);
	pthread_join(ml->th, NULL);
	mail_free(ml);
	curl_global_cleanup();
}
