/*
 * utf8.h - UTF-8 validity check for text that arrives from outside
 * (query strings, path segments, identifiers).  JSON bodies are checked by
 * the JSON library itself; this covers what bypasses it.
 */
#ifndef HEED_UTF8_H
#define HEED_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* utf8_valid - true when s[0..n) is well-formed UTF-8 with no NUL byte,
 * no overlong forms and no surrogates. */
bool utf8_valid(const char *s, size_t n);

#endif
