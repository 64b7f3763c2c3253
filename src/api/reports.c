/*
 * The student side and the institution list:
 *   GET  /api/v1/institutions
 *   POST /api/v1/reports                        (rate-limited per address)
 *   GET  /api/v1/reports/{code}                 with X-Access-Key (limited per address and code)
 *   POST /api/v1/reports/{code}/messages        with X-Access-Key (same limits)
 * Advice and emergency numbers come from the message catalogs: "advice.<category>.<n>" for
 * n = 1, 2, ... while present, and "emergency.<number>" labels.
 */
#include <stdio.h>
#include <string.h>

#include "api/cases.h"
#include "lib/i18n.h"
#include "lib/json.h"
#include "store/store.h"

#define ADVICE_MAX 8

static const char *const emergency_numbers[] = {"113", "115", "111"};

enum td_err api_institutions_list(struct http_request *req, struct http_response *res)
{
    struct store_institution *v;
    size_t n;
    enum td_err rc = store_institution_list(api_cases()->core.st, req->arena, &v, &n);
    if (rc)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:s,s:s}", "code", v[i].code, "name", v[i].name));
    http_reply_json(res, 200, json_pack("{s:o}", "items", items));
    return TD_OK;
}

/* A member that must be a string when present; NULL when absent or null. */
static int opt_string(json_t *o, const char *key, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}

enum td_err api_intake_from_json(struct http_request *req, struct http_response *res,
                                 struct case_intake *in)
{
    json_t *b = req->body;
    memset(in, 0, sizeof *in);
    if (b == NULL)
        return http_fail(res, TD_EINVAL, "text", "error.field_required");
    if (opt_string(b, "institution", &in->institution))
        return http_fail(res, TD_EINVAL, "institution", "error.field_invalid");
    json_t *text = json_object_get(b, "text");
    if (text != NULL && !json_is_null(text)) {
        if (!json_is_string(text))
            return http_fail(res, TD_EINVAL, "text", "error.field_invalid");
        in->text = json_string_value(text);
        in->text_len = json_string_length(text);
    }
    if (opt_string(b, "channel", &in->channel))
        return http_fail(res, TD_EINVAL, "channel", "error.field_invalid");
    json_t *contact = json_object_get(b, "contact");
    if (contact != NULL && !json_is_null(contact)) {
        if (!json_is_object(contact))
            return http_fail(res, TD_EINVAL, "contact", "error.field_invalid");
        if (opt_string(contact, "name", &in->contact_name))
            return http_fail(res, TD_EINVAL, "contact.name", "error.field_invalid");
        if (opt_string(contact, "phone", &in->contact_phone))
            return http_fail(res, TD_EINVAL, "contact.phone", "error.field_invalid");
        if (opt_string(contact, "email", &in->contact_email))
            return http_fail(res, TD_EINVAL, "contact.email", "error.field_invalid");
    }
    json_t *consent = json_object_get(b, "consent_contact");
    if (consent != NULL && !json_is_null(consent)) {
        if (!json_is_boolean(consent))
            return http_fail(res, TD_EINVAL, "consent_contact", "error.field_invalid");
        in->consent_contact = json_is_true(consent);
    }
    return TD_OK;
}

static json_t *advice_json(struct http_request *req, const char *category)
{
    json_t *a = json_array();
    char key[64];
    for (int i = 1; a && i <= ADVICE_MAX; i++) {
        snprintf(key, sizeof key, "advice.%s.%d", category, i);
        const char *t = i18n_get(req->lang, key);
        if (t == NULL)
            break;
        json_array_append_new(a, json_string(t));
    }
    return a;
}

static json_t *emergency_json(struct http_request *req, int urgency)
{
    json_t *a = json_array();
    char key[32];
    if (urgency != 0) /* critical only */
        return a;
    for (size_t i = 0; a && i < sizeof emergency_numbers / sizeof emergency_numbers[0]; i++) {
        snprintf(key, sizeof key, "emergency.%s", emergency_numbers[i]);
        const char *label = i18n_get(req->lang, key);
        json_array_append_new(a, json_pack("{s:s,s:s}", "number", emergency_numbers[i], "label",
                                           label ? label : emergency_numbers[i]));
    }
    return a;
}

enum td_err api_report_create(struct http_request *req, struct http_response *res)
{
    struct api_cases *s = api_cases();
    struct case_intake in;
    struct case_intake_result r;
    struct core_fail f;
    enum td_err rc = http_rate_limit(req, res, s->report_ip, req->client_ip);
    if (rc)
        return rc;
    rc = api_intake_from_json(req, res, &in);
    if (rc)
        return rc;
    if (in.institution == NULL || *in.institution == '\0')
        return http_fail(res, TD_EINVAL, "institution", "error.field_required");
    rc = case_intake(&s->core, req->arena, NULL, &in, &r, &f);
    if (rc)
        return api_fail_core(res, rc, &f);
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "case_code", r.code, "access_key", r.access_key,
        "category", r.category, "urgency", case_urgency_code(r.urgency), "status", r.status,
        "opened_at", api_time(req->arena, r.opened_at), "due_at", api_time(req->arena, r.due_at),
        "advice", advice_json(req, r.category), "emergency", emergency_json(req, r.urgency));
    if (o == NULL)
        return TD_ENOMEM;
    http_reply_json(res, 201, o);
    return TD_OK;
}

/*
 * Rate limits of an access-key lookup. Every lookup counts against the client's address. Per case
 * code only failed lookups count, and a code over its limit refuses wrong keys only: a correct
 * key (80 bits, so guessing it is hopeless anyway) still opens the case, so a stranger who knows
 * a case code cannot lock the student out of their own case (tester finding).
 * norm receives the normalised code, or "" when the text cannot be a case code.
 */
static enum td_err lookup_limits(struct http_request *req, struct http_response *res,
                                 const char *code, char *norm, size_t normlen)
{
    struct api_cases *s = api_cases();
    norm[0] = '\0';
    enum td_err rc = http_rate_limit(req, res, s->lookup_ip, req->client_ip);
    if (rc)
        return rc;
    if (code == NULL || secret_crockford_normalize(code, CASE_CODE_LEN, norm, normlen) < 0) {
        norm[0] = '\0';
        return TD_ENOTFOUND; /* cannot be a case: nothing to protect, nothing to count */
    }
    return TD_OK;
}

/* After a lookup failed with rc: count it against the code; 429 once the code is over its limit. */
static enum td_err lookup_failed(struct http_request *req, struct http_response *res,
                                 const char *norm, enum td_err rc)
{
    if (rc != TD_ENOTFOUND || norm[0] == '\0')
        return rc;
    enum td_err l = http_rate_limit(req, res, api_cases()->lookup_code, norm);
    return l ? l : rc;
}

enum td_err api_report_get(struct http_request *req, struct http_response *res)
{
    const char *code = http_param(req, "code");
    struct case_public p;
    char norm[CASE_CODE_LEN + 1];
    enum td_err rc = lookup_limits(req, res, code, norm, sizeof norm);
    if (rc)
        return rc;
    rc = case_student_get(&api_cases()->core, req->arena, code, http_header(req, "X-Access-Key"),
                          &p);
    if (rc)
        return lookup_failed(req, res, norm, rc);
    json_t *msgs = json_array();
    for (size_t i = 0; msgs && i < p.nmessages; i++) {
        const struct store_message *m = &p.messages[i];
        json_array_append_new(msgs, json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)m->id,
                                              "author", m->author_kind, "body", m->body, "at",
                                              api_time(req->arena, m->created_at)));
    }
    json_t *o =
        json_pack("{s:s,s:s,s:o,s:s,s:o}", "case_code", p.c.code, "status", p.c.status, "opened_at",
                  api_time(req->arena, p.c.opened_at), "category", p.c.category, "messages", msgs);
    if (o == NULL)
        return TD_ENOMEM;
    http_reply_json(res, 200, o);
    return TD_OK;
}

enum td_err api_report_message(struct http_request *req, struct http_response *res)
{
    const char *code = http_param(req, "code");
    struct core_fail f;
    int64_t id = 0, at = 0;
    const char *status = NULL;
    size_t len = 0;
    char norm[CASE_CODE_LEN + 1];
    enum td_err rc = lookup_limits(req, res, code, norm, sizeof norm);
    if (rc)
        return rc;
    json_t *t = req->body ? json_object_get(req->body, "text") : NULL;
    if (t != NULL && !json_is_null(t) && !json_is_string(t))
        return http_fail(res, TD_EINVAL, "text", "error.field_invalid");
    const char *text = json_is_string(t) ? json_string_value(t) : NULL;
    len = text ? json_string_length(t) : 0;
    rc = case_student_write(&api_cases()->core, req->arena, code, http_header(req, "X-Access-Key"),
                            text, len, &id, &at, &status, &f);
    if (rc == TD_ENOTFOUND)
        return lookup_failed(req, res, norm, rc);
    if (rc)
        return api_fail_core(res, rc, &f);
    http_reply_json(res, 201,
                    json_pack("{s:I,s:o,s:s}", "id", (json_int_t)id, "at", api_time(req->arena, at),
                              "status", status));
    return TD_OK;
}
