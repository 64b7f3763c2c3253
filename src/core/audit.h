/*
 * The audit chain, seen from the domain: which actions are recorded and how. The chain itself
 * (hashing, storage, verification) is in src/store/audit.c.
 *
 * Recorded: login, login_failed, logout; institution.add; user.add, user.disable, user.enable;
 * case.create, case.status, case.assignee, case.category, case.urgency, case.message (staff or
 * student), case.reopen; contact.unseal. Details are small JSON objects that never carry personal
 * data (no report text, no contact details, no passwords or tokens).
 */
#ifndef TD_CORE_AUDIT_H
#define TD_CORE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "store/store.h"

/**
 * Append one row inside a write. detail may be NULL ("{}"); it is serialised and released
 * (the reference is stolen). object is "<kind>:<id>".
 */
enum td_err audit_record(struct store_tx *tx, struct arena *a, const char *actor,
                         const char *action, const char *object_kind, const char *object_id,
                         json_t *detail, int64_t now);

#endif
