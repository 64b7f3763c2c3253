/*
 * Identifiers and secrets: case codes, access keys, session tokens, CSRF tokens.
 *
 * Case code: 8 characters of Crockford base32 (0-9 A-Z without I L O U: nothing to confuse when
 * read aloud or typed from paper), 40 random bits; unique by a database constraint (a collision
 * draws again). Input is normalised: case-insensitive, O -> 0, I and L -> 1, '-' and spaces
 * ignored.
 * Access key: 20 Crockford characters (100 random bits), shown in groups of 5 ("ABCDE-FGHJK-..."),
 * normalised the same way, stored only as a keyed hash (store_secret_hash).
 * Session token: 32 random bytes, base64url (43 characters), stored only as a keyed hash.
 * CSRF token: derived from the session token (keyed hash of "csrf:" + token), so nothing more is
 * stored and a copy of the database does not reveal it.
 */
#ifndef TD_CORE_SECRET_H
#define TD_CORE_SECRET_H

#include <stddef.h>

#define CASE_CODE_LEN 8
#define ACCESS_KEY_CHARS 20
#define ACCESS_KEY_SHOWN (ACCESS_KEY_CHARS + ACCESS_KEY_CHARS / 5 - 1) /* with dashes: 23 */
#define SESSION_TOKEN_LEN 43
#define CSRF_TOKEN_LEN 43

struct store;

/** A new random case code, out[CASE_CODE_LEN + 1]. */
void secret_case_code(char *out);
/** A new access key as shown to the student (with dashes), out[ACCESS_KEY_SHOWN + 1]. */
void secret_access_key(char *out);
/** A new session token, out[SESSION_TOKEN_LEN + 1]. */
void secret_session_token(char *out);

/**
 * Normalise typed Crockford input (case, O/I/L, dashes and spaces) into out[cap]; returns the
 * number of characters, or -1 when a character is not Crockford or the result exceeds want
 * characters (want = CASE_CODE_LEN or ACCESS_KEY_CHARS; the result must be exactly want long).
 */
int secret_crockford_normalize(const char *in, size_t want, char *out, size_t cap);

/** The stored hash of an access key as typed (normalised first); -1 if it cannot be a key. */
int secret_access_key_hash(const struct store *st, const char *typed, unsigned char *out32);
/** The CSRF token of a session token, out[CSRF_TOKEN_LEN + 1]. */
void secret_csrf_token(const struct store *st, const char *session_token, char *out);

#endif
