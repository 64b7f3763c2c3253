/*
 * Access rules, in one place (DESIGN.md section 1). Every decision about who may see or do
 * what to a case is made here; the store then enforces the scope these functions compute.
 *
 *   role        sees cases of          may change cases   contact details
 *   counsellor  own institution        yes                only when assigned to the case
 *   lead        own institution        yes                yes
 *   city        every institution      no (read only)     never
 *   admin       none                   no                 never
 *
 * A case outside the caller's sight is "not found" (404), never "forbidden", so that its
 * existence does not leak; "forbidden" (403) is for a case the caller sees but may not act on.
 */
#ifndef TD_CORE_ACCESS_H
#define TD_CORE_ACCESS_H

#include <stdint.h>

#include "lib/err.h"
#include "store/store.h"

enum role { ROLE_NONE = 0, ROLE_COUNSELLOR, ROLE_LEAD, ROLE_CITY, ROLE_ADMIN, ROLE_SYSTEM };

/** "counsellor", "lead", "city", "admin" ("none", "system" for the others). */
const char *role_code(enum role r);
/** Parse one of the four account roles; 0 and *out set, or -1. */
int role_parse(const char *s, enum role *out);

/**
 * Who is acting. A logged-in account, or the command line (ROLE_SYSTEM, username "cli").
 * An anonymous student is a NULL actor.
 */
struct actor {
    enum role role;
    int64_t account_id;     /* 0 for ROLE_SYSTEM */
    int64_t institution_id; /* counsellor and lead; 0 otherwise */
    char username[STORE_USERNAME_MAX + 1];
    char institution_code[STORE_CODE_MAX + 1];
    char display_name[STORE_NAME_MAX + 1];
};

/** Fill an actor from an account row. -1 if the row's role is unknown. */
int actor_from_account(struct actor *a, const struct store_account *acc);
/** The command-line operator. */
void actor_system(struct actor *a);

enum access_action {
    ACCESS_QUEUE_READ,  /* list cases */
    ACCESS_CASE_READ,   /* the whole case (text, triage, messages incl. internal notes) */
    ACCESS_CASE_CREATE, /* log a case (phone call) */
    ACCESS_CASE_UPDATE, /* status, assignee, category, urgency */
    ACCESS_CASE_REPLY,  /* public replies and internal notes */
    ACCESS_CONTACT,     /* unseal the reporter's contact details */
};

/** The scope of the actor's case queries (STORE_SCOPE_NONE for admin, system, NULL). */
void access_scope(const struct actor *a, struct store_scope *out);

/**
 * May a do action to case c (NULL for QUEUE_READ and CASE_CREATE)? c must have been fetched
 * with access_scope(a). TD_OK; TD_ENOTFOUND when a must not learn that c exists; TD_EFORBIDDEN
 * when a sees c (or the queue) but may not do this; TD_EAUTH for a NULL actor.
 */
enum td_err access_check(const struct actor *a, enum access_action action,
                         const struct store_case *c);

#endif
