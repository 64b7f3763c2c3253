/*
 * core: the domain. Case lifecycle, SLA clocks, access rules, privacy, the audit chain, accounts
 * and sessions. No HTTP and no SQL: persistence goes through store.h, text through src/text,
 * classification through src/triage. The API (src/api) and the command line (src/cmd) both call
 * these functions, so the same validation, access rules and audit rows apply to both.
 *
 * Errors: functions return enum td_err; details for the caller (which field, which transitions
 * are allowed) go into a struct core_fail the caller provides.
 */
#ifndef TD_CORE_CORE_H
#define TD_CORE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"
#include "lib/err.h"

struct store;
struct triage;

/** What a core function shares with all others: built once, read-only afterwards. */
struct core {
    struct store *st;
    const struct triage *triage; /* NULL: intake refuses with TD_EBUSY (no classifier) */
    const struct td_config *cfg;
};

#define CORE_FAIL_ALLOWED_MAX 8

/** Why a call failed, beyond its error code. All strings are static. */
struct core_fail {
    const char *field;  /* the offending input field ("text", "contact.phone"), or NULL */
    const char *reason; /* message key suffix: "required", "too_long", "invalid", ... or NULL */
    const char *allowed[CORE_FAIL_ALLOWED_MAX]; /* TD_ECONFLICT on a status change */
    size_t nallowed;
};

/** Reset f and return e with field/reason set (for one-line returns). */
enum td_err core_fail_set(struct core_fail *f, enum td_err e, const char *field,
                          const char *reason);

#endif
