/*
 * One error enum for the whole program, with frozen values (never renumber; append).
 * Each row: enum name, value, HTTP status, API error code (the "code" of a JSON error and the
 * key of its message in data/i18n/{vi,en}.json as "error.<code>").
 * Functions return enum td_err; detail for the user goes into the caller's error buffer.
 */
#ifndef TD_LIB_ERR_H
#define TD_LIB_ERR_H

#define TD_ERRORS(X)                                                                               \
    X(TD_OK, 0, 200, "ok")                                                                         \
    X(TD_EINVAL, 1, 422, "invalid_field")                                                          \
    X(TD_EBADJSON, 2, 400, "bad_json")                                                             \
    X(TD_EBADREQ, 3, 400, "bad_request")                                                           \
    X(TD_EMEDIA, 4, 415, "unsupported_media_type")                                                 \
    X(TD_ETOOBIG, 5, 413, "payload_too_large")                                                     \
    X(TD_ENOTFOUND, 6, 404, "not_found")                                                           \
    X(TD_EMETHOD, 7, 405, "method_not_allowed")                                                    \
    X(TD_EAUTH, 8, 401, "unauthorized")                                                            \
    X(TD_EFORBIDDEN, 9, 403, "forbidden")                                                          \
    X(TD_ECSRF, 10, 403, "csrf")                                                                   \
    X(TD_ECONFLICT, 11, 409, "conflict")                                                           \
    X(TD_ELIMIT, 12, 429, "rate_limited")                                                          \
    X(TD_EHEADER, 13, 431, "header_too_large")                                                     \
    X(TD_EDB, 14, 503, "storage_unavailable")                                                      \
    X(TD_ENOMEM, 15, 500, "out_of_memory")                                                         \
    X(TD_EIO, 16, 500, "io_error")                                                                 \
    X(TD_EINTERNAL, 17, 500, "internal")                                                           \
    X(TD_EUTF8, 18, 422, "invalid_utf8")                                                           \
    X(TD_EEXISTS, 19, 409, "already_exists")                                                       \
    X(TD_EBUSY, 20, 503, "busy")

enum td_err {
#define TD_ERR_ENUM(name, val, http, code) name = val,
    TD_ERRORS(TD_ERR_ENUM)
#undef TD_ERR_ENUM
};

/** HTTP status for an error (500 for unknown values). */
int td_err_http(enum td_err e);
/** Stable API code string, e.g. "invalid_field"; never NULL. */
const char *td_err_code(enum td_err e);

#endif
