/*
 * names.c - name folding, trigrams and edit distance (see names.h).
 *
 * Folding decomposes each code point with GLib (the packaged Unicode
 * tables, so no hand-kept accent list beyond the few letters Unicode does
 * not decompose), keeps the base letter, drops combining marks and lower-
 * cases.  Everything works on arrays of code points so that "é" counts as
 * one letter in distances and trigrams.
 */
#include "domain/names.h"

#include <glib.h>
#include <string.h>

#include "base/utf8.h"

/* special - letters without a canonical decomposition, folded by hand. */
static const char *special(gunichar c)
{
	switch (c) {
	case 0x00DF: return "ss"; /* ß */
	case 0x00E6: case 0x00C6: return "ae"; /* æ Æ */
	case 0x0153: case 0x0152: return "oe"; /* œ Œ */
	case 0x00F8: case 0x00D8: return "o";  /* ø Ø */
	case 0x0142: case 0x0141: return "l";  /* ł Ł */
	case 0x0111: case 0x0110: return "d";  /* đ Đ */
	case 0x00F0: case 0x00D0: return "d";  /* ð Ð */
	case 0x00FE: case 0x00DE: return "th"; /* þ Þ */
	case 0x0131: return "i";               /* ı */
	}
	return NULL;
}

/* fold_char - the folded form of c appended to buf (room for 8 bytes);
 * returns the bytes written, 0 when c is not part of a word. */
static size_t fold_char(gunichar c, char *buf)
{
	gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	const char *sp = special(c);
	size_t n;

	if (sp) {
		n = strlen(sp);
		memcpy(buf, sp, n);
		return n;
	}
	if (!g_unichar_isalnum(c))
		return 0;
	n = g_unichar_fully_decompose(c, FALSE, d, G_N_ELEMENTS(d));
	if (n > 0)
		c = d[0]; /* the base letter; the rest are combining marks */
	if (g_unichar_ismark(c))
		return 0;
	c = g_unichar_tolower(c);
	return (size_t)g_unichar_to_utf8(c, buf);
}

enum err names_fold(struct arena *ar, const char *s, struct name_words *out)
{
	char word[NAMES_WORD_MAX * 8 + 1], buf[8];
	size_t wlen = 0, wchars = 0, n, len;
	const char *p;
	bool dup;

	out->n = 0;
	if (!s)
		return E_OK;
	len = strlen(s);
	if (!utf8_valid(s, len))
		return E_INVAL;
	for (p = s;; p = g_utf8_next_char(p)) {
		gunichar c = *p ? g_utf8_get_char(p) : 0;

		n = c ? fold_char(c, buf) : 0;
		if (n) {
			/* "ß" folds to two letters: each counts */
			for (size_t i = 0; i < n; i++) {
				if ((buf[i] & 0xC0) != 0x80) {
					if (wchars == NAMES_WORD_MAX)
						break;
					wchars++;
				}
				word[wlen++] = buf[i];
			}
			continue;
		}
		if (wlen && out->n < NAMES_WORDS_MAX) {
			word[wlen] = '\0';
			dup = false;
			for (size_t i = 0; i < out->n && !dup; i++)
				dup = strcmp(out->word[i], word) == 0;
			if (!dup) {
				out->word[out->n] = arena_strdup(ar, word);
				if (!out->word[out->n])
					return E_NOMEM;
				out->n++;
			}
		}
		wlen = wchars = 0;
		if (!*p)
			break;
	}
	return E_OK;
}

/* decode - the code points of UTF-8 word w into cp (at most max). */
static size_t decode(const char *w, gunichar *cp, size_t max)
{
	size_t n = 0;

	for (const char *p = w; *p && n < max; p = g_utf8_next_char(p))
		cp[n++] = g_utf8_get_char(p);
	return n;
}

size_t names_trigrams(const char *word, int64_t *out)
{
	gunichar cp[NAMES_WORD_MAX + 3];
	size_t n, k = 0;

	cp[0] = cp[1] = ' ';
	n = decode(word, cp + 2, NAMES_WORD_MAX);
	if (!n)
		return 0;
	cp[n + 2] = ' ';
	for (size_t i = 0; i + 2 < n + 3; i++) {
		int64_t g = ((int64_t)cp[i] << 42) | ((int64_t)cp[i + 1] << 21) |
			    (int64_t)cp[i + 2];
		bool seen = false;

		for (size_t j = 0; j < k && !seen; j++)
			seen = out[j] == g;
		if (!seen)
			out[k++] = g;
	}
	return k;
}

int names_distance(const char *a, const char *b)
{
	gunichar x[NAMES_WORD_MAX], y[NAMES_WORD_MAX];
	int d[NAMES_WORD_MAX + 1][NAMES_WORD_MAX + 1];
	size_t n = decode(a, x, NAMES_WORD_MAX), m = decode(b, y, NAMES_WORD_MAX);

	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			int cost = x[i - 1] != y[j - 1];
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] &&
			    x[i - 2] == y[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[n][m];
}

int names_max_edits(size_t len)
{
	if (len <= 2)
		return 0;
	if (len <= 4)
		return 1;
	if (len <= 8)
		return 2;
	return 3;
}

double names_word_score(const char *q, const char *w)
{
	size_t lq = g_utf8_strlen(q, -1), lw = g_utf8_strlen(w, -1);
	size_t lmax = lq > lw ? lq : lw;
	double typo = -1;
	int d;

	if (!lq || !lw)
		return -1;
	if (strcmp(q, w) == 0)
		return 1;
	d = names_distance(q, w);
	if (d <= names_max_edits(lq))
		typo = 1.0 - (double)d / (double)lmax;
	if (lq >= 2 && lq < lw && strncmp(q, w, strlen(q)) == 0) {
		double pre = 0.6 + 0.3 * (double)lq / (double)lw;

		return pre > typo ? pre : typo;
	}
	return typo;
}

double names_score(const struct name_words *q, const struct name_words *name)
{
	bool used[NAMES_WORDS_MAX] = { false };
	double sum = 0;
	size_t matched = 0;

	if (!q->n || !name->n)
		return -1;
	for (size_t i = 0; i < q->n; i++) {
		double best = -1;
		size_t at = 0;

		for (size_t j = 0; j < name->n; j++) {
			double s = names_word_score(q->word[i], name->word[j]);

			if (s > best) {
				best = s;
				at = j;
			}
		}
		if (best < 0)
			return -1;
		sum += best;
		if (!used[at]) {
			used[at] = true;
			matched++;
		}
	}
	return sum / (double)q->n *
	       (0.8 + 0.2 * (double)matched / (double)name->n);
}
