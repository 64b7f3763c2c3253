/*
 * The case endpoints (docs/api.md): sessions (session.c), institutions and student reports
 * (reports.c), the staff case API (cases.c), and what they share (casecommon.c): the core
 * context, the rate limiters, the auth hooks' glue and JSON rendering helpers.
 */
#ifndef TD_API_CASES_H
#define TD_API_CASES_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "api/api.h"
#include "core/access.h"
#include "core/case.h"
#include "core/core.h"

struct ratelimit;

/** State of the case endpoints, built by api_cases_init and read-only afterwards. */
struct api_cases {
    struct core core;
    struct ratelimit *login_ip, *login_user;   /* limits.login_per_minute, ..._per_user_... */
    struct ratelimit *lookup_ip, *lookup_code; /* limits.lookup_per_minute, ..._per_code_... */
    struct ratelimit *report_ip;               /* limits.report_per_minute */
    /* the sweeper thread: closes cases resolved sla.autoclose_days ago, once a minute */
    pthread_t sweeper;
    pthread_mutex_t sweep_mu;
    pthread_cond_t sweep_cond;
    int sweeping, sweep_stop;
};

/**
 * Set up the case endpoints: limiters from the configuration, the auth hooks
 * (http_set_auth_ops), the group-commit writer. Called by api_init; TD_* with err filled.
 */
enum td_err api_cases_init(struct api_ctx *ctx, char *err, size_t errlen);
void api_cases_fini(struct api_ctx *ctx);

/** The state (valid between init and fini). */
struct api_cases *api_cases(void);

/** The request's actor (set by the auth hook), or NULL. */
const struct actor *api_actor(const struct http_request *req);

/** Turn a core error with its details into the HTTP error and return e. */
enum td_err api_fail_core(struct http_response *res, enum td_err e, const struct core_fail *f);

/** RFC 3339 string in the arena ("…Z"), or JSON null for 0. */
json_t *api_time(struct arena *a, int64_t ms);

/** {"username","role","institution","display_name"} */
json_t *api_account_json(const struct actor *a);

/** The staff view of a case (GET /api/v1/cases/{code}). */
json_t *api_case_json(struct http_request *req, const struct case_view *v);

/* qcache.c: rendered queue pages (see the top of qcache.c) */
int api_qcache_get(struct arena *a, const char *key, size_t key_len, uint64_t gen, int64_t now_ms,
                   int64_t ttl_ms, char **body, size_t *len);
void api_qcache_put(const char *key, size_t key_len, uint64_t gen, int64_t now_ms, const char *body,
                    size_t len);
void api_qcache_clear(void);

/* session.c */
enum td_err api_session_login(struct http_request *req, struct http_response *res);
enum td_err api_session_get(struct http_request *req, struct http_response *res);
enum td_err api_session_logout(struct http_request *req, struct http_response *res);
extern const struct http_auth_ops api_auth_ops;

/* reports.c */
enum td_err api_institutions_list(struct http_request *req, struct http_response *res);
enum td_err api_report_create(struct http_request *req, struct http_response *res);
enum td_err api_report_get(struct http_request *req, struct http_response *res);
enum td_err api_report_message(struct http_request *req, struct http_response *res);
/** Read the intake fields of a JSON body; TD_EINVAL with the field on a wrong type. */
enum td_err api_intake_from_json(struct http_request *req, struct http_response *res,
                                 struct case_intake *in);

/* cases.c */
enum td_err api_cases_list(struct http_request *req, struct http_response *res);
enum td_err api_case_create(struct http_request *req, struct http_response *res);
enum td_err api_case_get(struct http_request *req, struct http_response *res);
enum td_err api_case_patch(struct http_request *req, struct http_response *res);
enum td_err api_case_message(struct http_request *req, struct http_response *res);
enum td_err api_case_contact(struct http_request *req, struct http_response *res);

#endif
