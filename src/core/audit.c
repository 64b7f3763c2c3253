#include "core/audit.h"

#include "lib/json.h"

enum td_err audit_record(struct store_tx *tx, struct arena *a, const char *actor,
                         const char *action, const char *object_kind, const char *object_id,
                         json_t *detail, int64_t now)
{
    enum td_err rc = TD_OK;
    const char *dtext = "{}";
    char *object = arena_printf(a, "%s:%s", object_kind, object_id ? object_id : "");
    if (object == NULL) {
        rc = TD_ENOMEM;
        goto out;
    }
    if (detail) {
        dtext = td_json_dump(a, detail, NULL);
        if (dtext == NULL) {
            rc = TD_ENOMEM;
            goto out;
        }
    }
    struct store_audit_entry e = {actor ? actor : "system", action, object, dtext};
    rc = store_audit_append(tx, &e, now);
out:
    json_decref(detail);
    return rc;
}
