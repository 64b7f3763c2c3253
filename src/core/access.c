#include "core/access.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[] = {"none", "counsellor", "lead", "city", "admin", "system"};

const char *role_code(enum role r)
{
    return (unsigned)r < sizeof role_names / sizeof role_names[0] ? role_names[r] : "none";
}

int role_parse(const char *s, enum role *out)
{
    for (int r = ROLE_COUNSELLOR; r <= ROLE_ADMIN; r++) {
        if (s && strcmp(s, role_names[r]) == 0) {
            *out = (enum role)r;
            return 0;
        }
    }
    return -1;
}

int actor_from_account(struct actor *a, const struct store_account *acc)
{
    memset(a, 0, sizeof *a);
    if (role_parse(acc->role, &a->role) != 0)
        return -1;
    a->account_id = acc->id;
    a->institution_id = acc->institution_id;
    snprintf(a->username, sizeof a->username, "%s", acc->username);
    snprintf(a->institution_code, sizeof a->institution_code, "%s", acc->institution_code);
    snprintf(a->display_name, sizeof a->display_name, "%s", acc->display_name);
    return 0;
}

void actor_system(struct actor *a)
{
    memset(a, 0, sizeof *a);
    a->role = ROLE_SYSTEM;
    snprintf(a->username, sizeof a->username, "cli");
    snprintf(a->display_name, sizeof a->display_name, "cli");
}

void access_scope(const struct actor *a, struct store_scope *out)
{
    memset(out, 0, sizeof *out);
    out->kind = STORE_SCOPE_NONE;
    if (a == NULL)
        return;
    switch (a->role) {
    case ROLE_COUNSELLOR:
    case ROLE_LEAD:
        if (a->institution_id > 0) {
            out->kind = STORE_SCOPE_INSTITUTION;
            out->institution_id = a->institution_id;
        }
        break;
    case ROLE_CITY:
        out->kind = STORE_SCOPE_CITY;
        break;
    case ROLE_NONE:
    case ROLE_ADMIN:
    case ROLE_SYSTEM:
        break;
    }
}

/* Whether the actor's scope contains the case (defence in depth: the store already filtered). */
static int in_scope(const struct actor *a, const struct store_case *c)
{
    if (c == NULL)
        return 0;
    if (a->role == ROLE_CITY)
        return 1;
    return (a->role == ROLE_COUNSELLOR || a->role == ROLE_LEAD) && a->institution_id > 0 &&
           c->institution_id == a->institution_id;
}

enum td_err access_check(const struct actor *a, enum access_action action,
                         const struct store_case *c)
{
    if (a == NULL)
        return TD_EAUTH;
    int staff = a->role == ROLE_COUNSELLOR || a->role == ROLE_LEAD;
    switch (action) {
    case ACCESS_QUEUE_READ:
        return staff || a->role == ROLE_CITY ? TD_OK : TD_EFORBIDDEN;
    case ACCESS_CASE_CREATE:
        return staff && a->institution_id > 0 ? TD_OK : TD_EFORBIDDEN;
    case ACCESS_CASE_READ:
        return in_scope(a, c) ? TD_OK : TD_ENOTFOUND;
    case ACCESS_CASE_UPDATE:
    case ACCESS_CASE_REPLY:
        if (!in_scope(a, c))
            return TD_ENOTFOUND;
        return staff ? TD_OK : TD_EFORBIDDEN;
    case ACCESS_CONTACT:
        if (!in_scope(a, c) || !staff)
            return TD_ENOTFOUND; /* city and admin never learn whether contact details exist */
        if (a->role == ROLE_LEAD)
            return TD_OK;
        return c->assignee_id != 0 && c->assignee_id == a->account_id ? TD_OK : TD_EFORBIDDEN;
    }
    return TD_EFORBIDDEN;
}
