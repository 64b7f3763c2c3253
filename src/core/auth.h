/*
 * Accounts, passwords, sessions and institutions.
 *
 * Passwords: argon2id via libsodium crypto_pwhash_str_alg, cost from the configuration
 * (auth.pwhash_ops passes, auth.pwhash_mem_kib memory; defaults = libsodium's INTERACTIVE
 * limits, 2 passes and 64 MiB). Verification reads the cost from the stored string, and a login
 * whose hash was made with other limits rehashes it. Unknown users cost the same as known ones
 * (a dummy hash is verified) so timing does not reveal which usernames exist.
 * Sessions: 256-bit random tokens (secret.h), stored as keyed hashes, idle lifetime
 * session.ttl_minutes, extended at most once a minute (so reads stay reads).
 */
#ifndef TD_CORE_AUTH_H
#define TD_CORE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/core.h"
#include "core/secret.h"
#include "lib/arena.h"

#define AUTH_PASSWORD_MIN 8    /* characters (bytes) */
#define AUTH_PASSWORD_MAX 1024 /* bytes */
#define AUTH_HASH_MAX 160

/** Hash a password with the configured argon2id cost into out[AUTH_HASH_MAX]. TD_ENOMEM. */
enum td_err auth_password_hash(const struct core *c, const char *pw, size_t len, char *out);

struct auth_login {
    char token[SESSION_TOKEN_LEN + 1]; /* for the cookie; never logged */
    char csrf[CSRF_TOKEN_LEN + 1];
    struct actor actor;
    int64_t expires_at;
};

/**
 * Check a username and password and open a session. TD_EAUTH on a wrong pair (unknown user,
 * disabled account, wrong password: indistinguishable), with a login_failed audit row; a login
 * audit row on success.
 */
enum td_err auth_login(struct core *c, struct arena *a, const char *username, const char *password,
                       size_t pwlen, struct auth_login *out);

/**
 * The account of a session token, and its CSRF token (csrf may be NULL). TD_EAUTH when the token
 * is unknown, expired or the account disabled.
 */
enum td_err auth_session(struct core *c, const char *token, struct actor *out, char *csrf);

/** Whether csrf is the CSRF token of session token (constant time). */
int auth_csrf_ok(struct core *c, const char *token, const char *csrf);

/** End a session (audit row "logout"). Unknown tokens are not an error. */
enum td_err auth_logout(struct core *c, struct arena *a, const char *token,
                        const struct actor *who);

/**
 * Create an account. by: an admin, or a lead adding a counsellor of their own institution, or
 * the command line. Validation (TD_EINVAL, f->field): username [a-z0-9._-]{1,64}; role one of
 * counsellor|lead|city|admin; institution required for counsellor and lead (must exist) and
 * refused for city and admin; password 8..1024 bytes; display name <= 200 characters (defaults
 * to the username). TD_EEXISTS for a taken username; TD_EFORBIDDEN for a caller not allowed.
 */
enum td_err auth_user_add(struct core *c, struct arena *a, const struct actor *by,
                          const char *username, const char *display_name, const char *role,
                          const char *institution, const char *password, size_t pwlen,
                          struct core_fail *f);

/** Disable (or enable again) an account; its sessions end. TD_ENOTFOUND, TD_EFORBIDDEN. */
enum td_err auth_user_set_disabled(struct core *c, struct arena *a, const struct actor *by,
                                   const char *username, int disabled, struct core_fail *f);

/**
 * Create an institution. code [A-Z0-9_-]{1,32} (upper-cased), name 1..200 characters,
 * students/staff >= 0 or -1 for unknown. TD_EEXISTS, TD_EINVAL (f->field), TD_EFORBIDDEN.
 */
enum td_err core_institution_add(struct core *c, struct arena *a, const struct actor *by,
                                 const char *code, const char *name, int64_t students,
                                 int64_t staff, struct core_fail *f);

/**
 * An institution code as stored: 1..32 of A-Z a-z 0-9 - _, upper-cased into out. 0, or -1 when
 * code is not valid.
 */
int core_institution_code(const char *code, char out[STORE_CODE_MAX + 1]);

/** Whether s is a valid username. */
int auth_username_ok(const char *s);

/** Number of code points in a valid UTF-8 string, or -1 when it is not valid UTF-8. */
long core_utf8_chars(const char *s, size_t len);

/**
 * A display name (an institution's, a person's): valid UTF-8 without control characters
 * (C0, DEL, C1), NFC, spaces trimmed at both ends, 1 to max_chars characters and at most cap - 1
 * bytes. Copied into out[cap]; otherwise TD_EINVAL with f naming field ("required", "invalid",
 * "too_long").
 */
enum td_err core_name_field(struct arena *a, const char *s, long max_chars, const char *field,
                            char *out, size_t cap, struct core_fail *f);

#endif
