/*
 * names.h - people's names for search: folding, word trigrams, and how
 * close a typed name is to a stored one (story 002: "couldn't find my
 * account").
 *
 * A name is compared as a bag of folded words: lower case, accents
 * removed (GLib's Unicode decomposition, plus a few letters that do not
 * decompose: ß ss, æ ae, œ oe, ø o, ł l, đ d, ð d, þ th, ı i), split on
 * anything that is not a letter or a digit.  "Gabriela López-Ruiz" is
 * {gabriela, lopez, ruiz}.  Word order never matters.
 *
 * The search index (store: name_words, name_word_grams) holds each distinct
 * folded word once with its trigrams, so finding the words close to a typed
 * word reads a few short posting lists of the vocabulary, never every
 * customer.  A trigram is three code points of the word padded with two
 * spaces in front and one behind ("  j", " jo", "jon", "on "), packed 21
 * bits each into an int64.
 *
 * Closeness is the Damerau-Levenshtein distance (optimal string alignment:
 * insertions, deletions, substitutions, adjacent transpositions) counted in
 * code points, allowed up to names_max_edits() of the typed word's length.
 * Trade-off: a typed word is matched against each stored word on its own,
 * so a missing space ("johnsmith") is not found; a prefix of a word is (as
 * you type), an infix is not.
 */
#ifndef HEED_DOMAIN_NAMES_H
#define HEED_DOMAIN_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define NAMES_WORD_MAX 32   /* code points kept of one word */
#define NAMES_WORDS_MAX 16  /* words kept of one name */
#define NAMES_GRAMS_MAX (NAMES_WORD_MAX + 2)

/* The folded words of one name, in the order they appear (a repeated word
 * is kept once). */
struct name_words {
	size_t n;
	char *word[NAMES_WORDS_MAX];
};

/* names_fold - the folded words of s (UTF-8, may be NULL) into *out, each
 * allocated in ar.  Invalid UTF-8 is E_INVAL; E_NOMEM on allocation
 * failure.  Words past NAMES_WORDS_MAX are dropped, code points past
 * NAMES_WORD_MAX of a word are cut. */
enum err names_fold(struct arena *ar, const char *s, struct name_words *out);

/* names_trigrams - the distinct trigrams of one folded word into out (room
 * for NAMES_GRAMS_MAX); returns how many (0 for an empty word). */
size_t names_trigrams(const char *word, int64_t *out);

/* names_distance - Damerau-Levenshtein (optimal string alignment) distance
 * between two UTF-8 words, in code points.  Words longer than
 * NAMES_WORD_MAX are compared on their first NAMES_WORD_MAX code points. */
int names_distance(const char *a, const char *b);

/* names_max_edits - the most edits a typed word of `len` code points may be
 * from a stored word and still match: 0 up to 2, 1 up to 4, 2 up to 8,
 * then 3. */
int names_max_edits(size_t len);

/* names_word_score - how well typed word q matches stored word w: 1 when
 * equal; 0.6..0.9 when q (2 code points or more) is a prefix of w; 1 -
 * d / max(len) when within names_max_edits(len q); otherwise -1. */
double names_word_score(const char *q, const char *w);

/* names_score - how well the typed words q match the words of a name:
 * every typed word must match some word of the name (names_word_score >=
 * 0), else -1.  The score is the mean of the typed words' best scores,
 * times 0.8 + 0.2 * (share of the name's words that were matched), so
 * "john smith" prefers "John Smith" to "John Paul Smith".  0 words: -1. */
double names_score(const struct name_words *q, const struct name_words *name);

#endif
