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

#include <string.h>

#define WORDS_MAX 32
#define WORD_LEN 24

static const char *const common[] = {
	"the", "and", "for", "with", "not", "but", "you", "your", "our", "are", "was",
	"have", "has", "had", "can", "cannot", "can't", "this", "that", "from", "again",
	"still", "please", "help", "issue", "problem", "question", "about", "any", "all",
	"get", "got", "does", "doesn", "don", "did", "didn", "won", "isn", "need", "want",
	"when", "what", "why", "how", "who", "there", "their", "they", "just", "some", NULL,
};

static bool is_common(const char *w)
{
	for (const char *const *p = common; *p; p++)
		if (!strcmp(*p, w))
			return true;
	return false;
}

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

/* words - the significant words of s, each once; returns how many. */
static size_t words(const char *s, char out[WORDS_MAX][WORD_LEN])
{
	size_t n = 0;

	while (s && *s && n < WORDS_MAX) {
		char w[WORD_LEN];
		size_t len = 0, chars = 0;
		bool dup = false;

		while (*s && !word_char((unsigned char)*s))
			s++;
		for (; *s && word_char((unsigned char)*s); s++) {
			chars += ((unsigned char)*s & 0xC0) != 0x80;
			if (len < WORD_LEN - 1)
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

bool cases_similar(const char *a, const char *b)
{
	char wa[WORDS_MAX][WORD_LEN], wb[WORDS_MAX][WORD_LEN];
	size_t na = words(a, wa), nb = words(b, wb), shared = 0;

	if (!na || !nb)
		return false;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (!strcmp(wa[i], wb[j])) {
				shared++;
				break;
			}
	return shared * 2 >= (na < nb ? na : nb);
}
