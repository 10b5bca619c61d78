/*
 * ident.h - typed customer identifiers: email, phone, account number.
 *
 * Story 002: the agent "couldn't find my account".  A customer must be found
 * however they type an identifier, so every identifier is stored in one
 * normal form and every lookup normalises its input the same way:
 *
 *   email    trimmed, lower-cased                 Foo@Example.COM -> foo@example.com
 *   phone    E.164 "+<8..15 digits>"              (555) 010-2030  -> +15550102030
 *   account  spaces/dashes dropped, upper-cased   ab-12 34        -> AB1234
 *
 * Phone numbers without "+" or "00" are national and get the default country
 * code (ident_set_default_country, "1" unless configured).  Trade-off: no
 * per-country numbering plan is applied beyond dropping a trunk "0" outside
 * NANP, so a wrong-length number is caught only by the 8..15 digit bound.
 * Lower-casing of emails is ASCII only; the whole address is lower-cased
 * (local parts are case-insensitive in practice).
 *
 * Before any of that, what copying from a web page or document brings is
 * made plain: no-break and thin spaces are spaces, Unicode hyphens, dashes
 * and the minus sign are '-', and a leading "mailto:" or "tel:" is dropped.
 * Phone numbers may also be written with '/' between groups.
 *
 * An account number's "core" is its normal form without the letters in
 * front (AC-1234-5678 -> 12345678): people often type an account number
 * without its prefix, or with one the record lacks, so search matches cores
 * too (the store indexes ltrim(value, 'A'..'Z') for this).
 */
#ifndef HEED_DOMAIN_IDENT_H
#define HEED_DOMAIN_IDENT_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/model.h"

/* Longest raw input accepted for an identifier, in bytes. */
#define IDENT_RAW_MAX 1024

/* ident_kind_parse - "email", "phone" or "account" to its kind; 0 for
 * anything else (including NULL). */
enum ident_kind ident_kind_parse(const char *s);

/* ident_kind_name - the lowercase word for a kind, "unknown" if invalid. */
const char *ident_kind_name(enum ident_kind k);

/* ident_kind_noun - how messages name a kind: "email address",
 * "phone number", "account number". */
const char *ident_kind_noun(enum ident_kind k);

/* ident_set_default_country - the calling code given to national phone
 * numbers: 1..3 digits, not starting with 0 (e.g. "1", "44").  E_INVAL
 * otherwise, leaving the setting unchanged.  Call at start-up, before
 * threads run (the setting is process-wide and not locked). */
enum err ident_set_default_country(const char *cc);

/* ident_default_country - the current default calling code. */
const char *ident_default_country(void);

/* ident_normalize - the normal form of raw as an identifier of kind, in ar.
 * Refuses (E_UNPROC, field "value") empty input, input over IDENT_RAW_MAX
 * bytes, invalid UTF-8, or a value that is not a plausible identifier of
 * that kind; E_UNPROC with field "kind" for an invalid kind.  Callers that
 * know a longer path overwrite f->field.  raw may be NULL (empty). */
enum err ident_normalize(struct arena *ar, enum ident_kind kind,
			 const char *raw, char **out, struct fail *f);

/* ident_candidates - the identifiers free text could mean, for lookup and
 * search: an email when text contains '@', a phone when it looks like a
 * phone number with at least 7 digits, an account number when it
 * normalises as one; in that order, at most max.  Each out[i] has kind,
 * value (normal form) and display (text trimmed), allocated in ar.  Returns
 * the count (0 for text that can be none, and on allocation failure). */
size_t ident_candidates(struct arena *ar, const char *text, struct ident *out,
			size_t max);

/* ident_account_core - the core of a normalised account number: value past
 * its leading letters A-Z (a pointer into value; "" when it is all
 * letters). */
const char *ident_account_core(const char *value);

#endif
