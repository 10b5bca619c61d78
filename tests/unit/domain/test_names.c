/* test_names.c - name folding, trigrams, edit distance and scoring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/names.h"

static struct arena ar;

static int setup(void **state)
{
	(void)state;
	arena_init(&ar, 4096);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&ar);
	return 0;
}

/* words - fold s and check its words are exactly want (NULL-terminated). */
static void words(const char *s, const char *const *want)
{
	struct name_words w;
	size_t n = 0;

	assert_int_equal(names_fold(&ar, s, &w), E_OK);
	while (want[n])
		n++;
	if (w.n != n)
		fail_msg("'%s': %zu words, want %zu", s, w.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(w.word[i], want[i]);
}

#define WORDS(s, ...) words(s, (const char *const[]){ __VA_ARGS__, NULL })

static void test_fold(void **state)
{
	struct name_words w;
	char big[400];

	(void)state;
	WORDS("John Smith", "john", "smith");
	WORDS("  GABRIELA   López ", "gabriela", "lopez");
	WORDS("Gabriela López-Ruiz", "gabriela", "lopez", "ruiz");
	WORDS("Zoë Ñúñez Çelik", "zoe", "nunez", "celik");
	WORDS("Straße Ørsted Łukasz Æsir Þór", "strasse", "orsted", "lukasz", "aesir", "thor");
	WORDS("O'Brien, Jr.", "o", "brien", "jr");
	WORDS("ΑΘΗΝΑ Иван", "αθηνα", "иван"); /* other scripts: lower-cased, kept */
	WORDS("Ann ann ANN", "ann");             /* a repeated word once */
	WORDS("zq123-4", "zq123", "4");
	assert_int_equal(names_fold(&ar, "", &w), E_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(names_fold(&ar, NULL, &w), E_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(names_fold(&ar, " - , . ", &w), E_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(names_fold(&ar, "bad \xff", &w), E_INVAL);
	/* bounds: 16 words, 32 letters a word */
	memset(big, 0, sizeof(big));
	for (int i = 0; i < 20; i++) {
		size_t n = strlen(big);

		big[n] = (char)('a' + i);
		big[n + 1] = (char)('a' + i);
		big[n + 2] = ' ';
	}
	assert_int_equal(names_fold(&ar, big, &w), E_OK);
	assert_int_equal(w.n, NAMES_WORDS_MAX);
	memset(big, 'x', 100);
	big[100] = '\0';
	assert_int_equal(names_fold(&ar, big, &w), E_OK);
	assert_int_equal(w.n, 1);
	assert_int_equal(strlen(w.word[0]), NAMES_WORD_MAX);
	strcpy(big, "ééééééééééééééééééééééééééééééééééééééé"); /* 39 letters */
	assert_int_equal(names_fold(&ar, big, &w), E_OK);
	assert_int_equal(strlen(w.word[0]), NAMES_WORD_MAX); /* 32 x "e" */
}

static int64_t gram(const char *three)
{
	return ((int64_t)three[0] << 42) | ((int64_t)three[1] << 21) | three[2];
}

static void test_trigrams(void **state)
{
	int64_t g[NAMES_GRAMS_MAX];
	size_t n;

	(void)state;
	n = names_trigrams("jon", g);
	assert_int_equal(n, 4);
	assert_true(g[0] == gram("  j"));
	assert_true(g[1] == gram(" jo"));
	assert_true(g[2] == gram("jon"));
	assert_true(g[3] == gram("on "));
	assert_int_equal(names_trigrams("a", g), 2); /* "  a", " a " */
	assert_int_equal(names_trigrams("", g), 0);
	assert_int_equal(names_trigrams("aaaa", g), 4); /* "aaa" once */
	/* code points, not bytes: "é" is one letter */
	assert_int_equal(names_trigrams("\xc3\xa9t\xc3\xa9", g), 4);
	assert_true(g[2] == ((0xE9LL << 42) | ((int64_t)'t' << 21) | 0xE9));
	/* a long word is cut at 32 letters: 33 grams */
	assert_int_equal(names_trigrams("abcdefghijklmnopqrstuvwxyz0123456789", g),
			 NAMES_WORD_MAX + 1);
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(names_distance("john", "john"), 0);
	assert_int_equal(names_distance("jon", "john"), 1);      /* insertion */
	assert_int_equal(names_distance("smtih", "smith"), 1);   /* transposition */
	assert_int_equal(names_distance("grabiela", "gabriela"), 2);
	assert_int_equal(names_distance("kitten", "sitting"), 3);
	assert_int_equal(names_distance("", "abc"), 3);
	assert_int_equal(names_distance("abc", ""), 3);
	assert_int_equal(names_distance("ca", "abc"), 3);        /* OSA, not full DL */
	assert_int_equal(names_distance("lópez", "lopez"), 1);   /* one code point */
	assert_int_equal(names_distance("ab", "ba"), 1);
}

static void test_max_edits(void **state)
{
	(void)state;
	assert_int_equal(names_max_edits(1), 0);
	assert_int_equal(names_max_edits(2), 0);
	assert_int_equal(names_max_edits(3), 1);
	assert_int_equal(names_max_edits(4), 1);
	assert_int_equal(names_max_edits(5), 2);
	assert_int_equal(names_max_edits(8), 2);
	assert_int_equal(names_max_edits(9), 3);
}

static void test_word_score(void **state)
{
	(void)state;
	assert_true(names_word_score("john", "john") == 1.0);
	assert_true(names_word_score("jon", "john") == 0.75);
	assert_true(names_word_score("smtih", "smith") == 0.8);
	assert_true(names_word_score("gabr", "gabriela") > 0.6);   /* prefix */
	assert_true(names_word_score("gabr", "gabriela") < 0.9);
	assert_true(names_word_score("j", "john") < 0);            /* too short a prefix */
	assert_true(names_word_score("xyz", "john") < 0);
	assert_true(names_word_score("smoth", "smith") > 0);       /* 1 edit of 5 */
	assert_true(names_word_score("smxyz", "smith") < 0);       /* 3 edits of 5 */
	assert_true(names_word_score("", "smith") < 0);
}

static double score(const char *q, const char *name)
{
	struct name_words a, b;

	assert_int_equal(names_fold(&ar, q, &a), E_OK);
	assert_int_equal(names_fold(&ar, name, &b), E_OK);
	return names_score(&a, &b);
}

static void test_score(void **state)
{
	(void)state;
	assert_true(score("john smith", "John Smith") == 1.0);
	assert_true(score("Smith John", "John Smith") == 1.0); /* order */
	assert_true(score("Jon Smtih", "John Smith") > 0.7);
	assert_true(score("Grabiela Lopez", "Gabriela López") > 0.7);
	assert_true(score("lopez", "Gabriela López") > 0.5);
	/* the closer name ranks higher */
	assert_true(score("jon smtih", "John Smith") > score("jon smtih", "Don Smith"));
	assert_true(score("john smith", "John Smith") > score("john smith", "John Paul Smith"));
	assert_true(score("john smith", "John Smith") > score("john smi", "John Smith"));
	/* every typed word must match */
	assert_true(score("john zzzz", "John Smith") < 0);
	assert_true(score("", "John Smith") < 0);
	assert_true(score("john", "") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_trigrams),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_max_edits),
		cmocka_unit_test(test_word_score),
		cmocka_unit_test(test_score),
	};

	return cmocka_run_group_tests_name("domain/names", tests, setup, teardown);
}
