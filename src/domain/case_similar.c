/*
 * case_similar.c - whether two case subjects are about the same thing, for
 * "no second ticket" (see cases.h).
 *
 * Deliberately plain: significant words (three or more letters or digits,
 * lower-cased, a trailing plural 's' dropped, common words ignored), and
 * the overlap of the two sets measured against the smaller one.  "Router
 * keeps dropping" and "my router is dropping the connection again" share
 * {router, dropping}: similar.  Non-ASCII letters are kept as bytes, so
 * words in other scripts still compare equal to themselves.
 */
#include "domain/cases.h"

#include <stdlib.h>
#include <string.h>

/* sorted (strcmp order): looked up by binary search */
static const char *const common[] = {
	"about", "again", "all", "and", "any", "are", "but", "can", "can't", "cannot", "did",
	"didn", "does", "doesn", "don", "for", "from", "get", "got", "had", "has", "have",
	"help", "how", "isn", "issue", "just", "need", "not", "our", "please", "problem",
	"question", "some", "still", "that", "the", "their", "there", "they", "this", "want",
	"was", "what", "when", "who", "why", "with", "won", "you", "your",
};

static int cmp_word(const void *key, const void *item)
{
	return strcmp(key, *(const char *const *)item);
}

static bool is_common(const char *w)
{
	return bsearch(w, common, sizeof(common) / sizeof(common[0]), sizeof(common[0]),
		       cmp_word) != NULL;
}

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

/* words - the significant words of s, each once; returns how many. */
static size_t words(const char *s, char out[CASES_WORDS_MAX][CASES_WORD_LEN])
{
	size_t n = 0;

	while (s && *s && n < CASES_WORDS_MAX) {
		char w[CASES_WORD_LEN];
		size_t len = 0, chars = 0;
		bool dup = false;

		while (*s && !word_char((unsigned char)*s))
			s++;
		for (; *s && word_char((unsigned char)*s); s++) {
			chars += ((unsigned char)*s & 0xC0) != 0x80;
			if (len < CASES_WORD_LEN - 1)
				w[len++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		}
		if (len > 3 && w[len - 1] == 's' && w[len - 2] != 's')
			len--;
		w[len] = '\0';
		if (chars < 3 || is_common(w))
			continue;
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(out[i], w);
		if (!dup)
			memcpy(out[n++], w, len + 1);
	}
	return n;
}

void cases_words(const char *s, struct cases_words *out)
{
	out->n = words(s, out->w);
}

bool cases_similar_words(const struct cases_words *a, const struct cases_words *b)
{
	size_t shared = 0;

	if (!a->n || !b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (!strcmp(a->w[i], b->w[j])) {
				shared++;
				break;
			}
	return shared * 2 >= (a->n < b->n ? a->n : b->n);
}

bool cases_similar(const char *a, const char *b)
{
	struct cases_words wa, wb;

	cases_words(a, &wa);
	cases_words(b, &wb);
	return cases_similar_words(&wa, &wb);
}
