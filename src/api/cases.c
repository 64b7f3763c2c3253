/*
 * The staff case API:
 *   GET   /api/v1/cases                  queue (counsellor, lead, city)
 *   POST  /api/v1/cases                  a phone call logged as a case (counsellor, lead)
 *   GET   /api/v1/cases/{code}           the whole case (counsellor, lead, city)
 *   PATCH /api/v1/cases/{code}           status, assignee, category, urgency (counsellor, lead)
 *   POST  /api/v1/cases/{code}/messages  reply or internal note (counsellor, lead)
 *   GET   /api/v1/cases/{code}/contact   unsealed contact details (lead, assigned counsellor)
 * Access decisions are core's (core/access.c); this file parses and renders.
 */
#include <stdio.h>
#include <string.h>

#include "api/cases.h"
#include "lib/json.h"
#include "lib/strbuf.h"
#include "lib/timeutil.h"

/* ---------- the queue ---------- */

/* JSON string escaping into a strbuf (the queue is rendered by hand: it is the hot path). */
static enum td_err put_str(struct sb *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    enum td_err rc = sb_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (!rc && *p) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            rc = sb_append(b, run, (size_t)(p - run));
        if (rc || *p == '\0')
            break;
        char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
        if (*p == '"' || *p == '\\') {
            esc[1] = (char)*p;
            rc = sb_append(b, esc, 2);
        } else {
            rc = sb_append(b, esc, 6);
        }
        p++;
    }
    return rc ? rc : sb_putc(b, '"');
}

static enum td_err put_opt_str(struct sb *b, const char *s)
{
    return s ? put_str(b, s) : sb_puts(b, "null");
}

static enum td_err put_time(struct sb *b, int64_t ms)
{
    char t[32];
    if (ms == 0)
        return sb_puts(b, "null");
    td_format_rfc3339(ms, t, sizeof t);
    return sb_printf(b, "\"%s\"", t);
}

enum td_err api_cases_list(struct http_request *req, struct http_response *res)
{
    struct case_queue_req r = {
        http_query(req, "status"),   http_query(req, "urgency"), http_query(req, "category"),
        http_query(req, "assignee"), http_query(req, "q"),       http_query(req, "limit"),
        http_query(req, "cursor"),   http_query(req, "since"),
    };
    struct case_queue_page pg;
    struct core_fail f;
    struct sb b;
    enum td_err rc = case_queue(&api_cases()->core, req->arena, api_actor(req), &r, &pg, &f);
    if (rc)
        return api_fail_core(res, rc, &f);
    sb_init(&b, 8u << 20);
    rc = sb_puts(&b, "{\"items\":[");
    for (size_t i = 0; !rc && i < pg.n; i++) {
        const struct store_queue_item *it = &pg.items[i];
        rc = sb_puts(&b, i ? ",{\"code\":" : "{\"code\":");
        if (!rc)
            rc = put_str(&b, it->code);
        if (!rc)
            rc = sb_puts(&b, ",\"institution\":");
        if (!rc)
            rc = put_str(&b, it->institution_code ? it->institution_code : "");
        if (!rc)
            rc = sb_printf(&b,
                           ",\"status\":\"%s\",\"category\":\"%s\",\"urgency\":\"%s\","
                           "\"score\":%d,\"channel\":\"%s\",\"excerpt\":",
                           it->status, it->category, case_urgency_code(it->urgency), it->score,
                           it->channel);
        if (!rc)
            rc = put_str(&b, it->excerpt ? it->excerpt : "");
        if (!rc)
            rc = sb_puts(&b, ",\"assignee\":");
        if (!rc)
            rc = put_opt_str(&b, it->assignee);
        if (!rc)
            rc = sb_puts(&b, ",\"opened_at\":");
        if (!rc)
            rc = put_time(&b, it->opened_at);
        if (!rc)
            rc = sb_puts(&b, ",\"due_at\":");
        if (!rc)
            rc = put_time(&b, it->due_at);
        if (!rc)
            rc = sb_puts(&b, ",\"first_response_at\":");
        if (!rc)
            rc = put_time(&b, it->first_response_at);
        if (!rc)
            rc = sb_printf(&b, ",\"overdue\":%s}", pg.overdue[i] ? "true" : "false");
    }
    if (!rc)
        rc = sb_puts(&b, "],\"next_cursor\":");
    if (!rc)
        rc = put_opt_str(&b, pg.next_cursor);
    if (!rc)
        rc = sb_puts(&b, ",\"now\":");
    if (!rc)
        rc = put_time(&b, pg.now);
    if (!rc)
        rc = sb_putc(&b, '}');
    char *body = rc ? NULL : arena_strndup(req->arena, b.p, b.len);
    size_t len = b.len;
    sb_free(&b);
    if (rc || body == NULL)
        return rc ? rc : TD_ENOMEM;
    res->status = 200;
    res->body = body;
    res->body_len = len;
    res->content_type = "application/json";
    return TD_OK;
}

/* ---------- one case ---------- */

static enum td_err reply_case(struct http_request *req, struct http_response *res, int status,
                              const char *code, const char *access_key)
{
    struct case_view v;
    enum td_err rc = case_get(&api_cases()->core, req->arena, api_actor(req), code, &v);
    if (rc)
        return rc;
    json_t *o = api_case_json(req, &v);
    if (o == NULL)
        return TD_ENOMEM;
    if (access_key)
        json_object_set_new(o, "access_key", json_string(access_key));
    http_reply_json(res, status, o);
    return TD_OK;
}

enum td_err api_case_get(struct http_request *req, struct http_response *res)
{
    return reply_case(req, res, 200, http_param(req, "code"), NULL);
}

enum td_err api_case_create(struct http_request *req, struct http_response *res)
{
    struct case_intake in;
    struct case_intake_result r;
    struct core_fail f;
    enum td_err rc = api_intake_from_json(req, res, &in);
    if (rc)
        return rc;
    rc = case_intake(&api_cases()->core, req->arena, api_actor(req), &in, &r, &f);
    if (rc)
        return api_fail_core(res, rc, &f);
    return reply_case(req, res, 201, r.code, r.access_key);
}

enum td_err api_case_patch(struct http_request *req, struct http_response *res)
{
    struct case_patch p;
    struct core_fail f;
    static const char *const names[] = {"status", "category", "urgency", "reason"};
    const char **slots[] = {&p.status, &p.category, &p.urgency, &p.reason};
    memset(&p, 0, sizeof p);
    if (req->body == NULL)
        return http_fail(res, TD_EINVAL, "status", "error.field_required");
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_object_get(req->body, names[i]);
        if (v == NULL || json_is_null(v))
            continue;
        if (!json_is_string(v))
            return http_fail(res, TD_EINVAL, names[i], "error.field_invalid");
        *slots[i] = json_string_value(v);
    }
    json_t *as = json_object_get(req->body, "assignee");
    if (as != NULL) {
        if (!json_is_null(as) && !json_is_string(as))
            return http_fail(res, TD_EINVAL, "assignee", "error.field_invalid");
        p.set_assignee = 1;
        p.assignee = json_is_string(as) ? json_string_value(as) : NULL;
    }
    const char *code = http_param(req, "code");
    enum td_err rc = case_patch(&api_cases()->core, req->arena, api_actor(req), code, &p, &f);
    if (rc)
        return api_fail_core(res, rc, &f);
    return reply_case(req, res, 200, code, NULL);
}

enum td_err api_case_message(struct http_request *req, struct http_response *res)
{
    struct core_fail f;
    int64_t id = 0, at = 0;
    json_t *body = req->body ? json_object_get(req->body, "body") : NULL;
    json_t *internal = req->body ? json_object_get(req->body, "internal") : NULL;
    if (body != NULL && !json_is_null(body) && !json_is_string(body))
        return http_fail(res, TD_EINVAL, "body", "error.field_invalid");
    if (internal != NULL && !json_is_null(internal) && !json_is_boolean(internal))
        return http_fail(res, TD_EINVAL, "internal", "error.field_invalid");
    const char *text = json_is_string(body) ? json_string_value(body) : NULL;
    size_t len = text ? json_string_length(body) : 0;
    enum td_err rc =
        case_reply(&api_cases()->core, req->arena, api_actor(req), http_param(req, "code"), text,
                   len, json_is_true(internal), &id, &at, &f);
    if (rc)
        return api_fail_core(res, rc, &f);
    http_reply_json(res, 201,
                    json_pack("{s:I,s:o}", "id", (json_int_t)id, "at", api_time(req->arena, at)));
    return TD_OK;
}

enum td_err api_case_contact(struct http_request *req, struct http_response *res)
{
    struct case_contact c;
    enum td_err rc =
        case_contact(&api_cases()->core, req->arena, api_actor(req), http_param(req, "code"), &c);
    if (rc)
        return rc;
    http_reply_json(res, 200,
                    json_pack("{s:s?,s:s?,s:s?,s:b}", "name", c.name, "phone", c.phone, "email",
                              c.email, "consent_contact", c.consent_contact));
    return TD_OK;
}
