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

/*
 * The queue is the hot path (every console polls it), so its JSON is written by hand into a
 * buffer, without printf, and rendered pages are cached (qcache.c).
 */

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
    return s ? put_str(b, s) : sb_append(b, "null", 4);
}

static void digits(char *p, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 characters) for years 0..9999, as td_format_rfc3339. */
static void fmt_time(char *out, int64_t ms)
{
    int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t msr = ms - s * 1000;
    int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    int64_t sod = s - days * 86400;
    /* days since 1970-01-01 to civil date (Howard Hinnant's algorithm) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    digits(out, y, 4);
    out[4] = '-';
    digits(out + 5, m, 2);
    out[7] = '-';
    digits(out + 8, d, 2);
    out[10] = 'T';
    digits(out + 11, sod / 3600, 2);
    out[13] = ':';
    digits(out + 14, sod / 60 % 60, 2);
    out[16] = ':';
    digits(out + 17, sod % 60, 2);
    out[19] = '.';
    digits(out + 20, msr, 3);
    out[23] = 'Z';
}

static enum td_err put_time(struct sb *b, int64_t ms)
{
    char t[26];
    if (ms == 0)
        return sb_append(b, "null", 4);
    if (ms < -62135596800000LL || ms > 253402300799999LL) { /* outside years 1..9999 */
        td_format_rfc3339(ms, t + 1, sizeof t - 2);
        t[0] = '"';
        size_t n = strlen(t);
        t[n] = '"';
        return sb_append(b, t, n + 1);
    }
    t[0] = '"';
    fmt_time(t + 1, ms);
    t[25] = '"';
    return sb_append(b, t, 26);
}

static enum td_err put_lit(struct sb *b, const char *s)
{
    return sb_append(b, s, strlen(s));
}

static enum td_err render_queue(struct sb *b, const struct case_queue_page *pg)
{
    enum td_err rc = put_lit(b, "{\"items\":[");
    char num[24];
    for (size_t i = 0; !rc && i < pg->n; i++) {
        const struct store_queue_item *it = &pg->items[i];
        rc = put_lit(b, i ? ",{\"code\":\"" : "{\"code\":\"");
        if (!rc)
            rc = put_lit(b, it->code); /* Crockford characters only */
        if (!rc)
            rc = put_lit(b, "\",\"institution\":");
        if (!rc)
            rc = put_str(b, it->institution_code ? it->institution_code : "");
        if (!rc)
            rc = put_lit(b, ",\"status\":\"");
        if (!rc)
            rc = put_lit(b, it->status);
        if (!rc)
            rc = put_lit(b, "\",\"category\":");
        if (!rc)
            rc = put_str(b, it->category);
        if (!rc)
            rc = put_lit(b, ",\"urgency\":\"");
        if (!rc)
            rc = put_lit(b, case_urgency_code(it->urgency));
        if (!rc) {
            int n = it->score < 0 ? 0 : it->score > 999 ? 999 : it->score;
            int w = n >= 100 ? 3 : n >= 10 ? 2 : 1;
            digits(num, n, w);
            rc = put_lit(b, "\",\"score\":");
            if (!rc)
                rc = sb_append(b, num, (size_t)w);
        }
        if (!rc)
            rc = put_lit(b, ",\"channel\":");
        if (!rc)
            rc = put_str(b, it->channel);
        if (!rc)
            rc = put_lit(b, ",\"excerpt\":");
        if (!rc)
            rc = put_str(b, it->excerpt ? it->excerpt : "");
        if (!rc)
            rc = put_lit(b, ",\"assignee\":");
        if (!rc)
            rc = put_opt_str(b, it->assignee);
        if (!rc)
            rc = put_lit(b, ",\"opened_at\":");
        if (!rc)
            rc = put_time(b, it->opened_at);
        if (!rc)
            rc = put_lit(b, ",\"due_at\":");
        if (!rc)
            rc = put_time(b, it->due_at);
        if (!rc)
            rc = put_lit(b, ",\"first_response_at\":");
        if (!rc)
            rc = put_time(b, it->first_response_at);
        if (!rc)
            rc = put_lit(b, pg->overdue[i] ? ",\"overdue\":true}" : ",\"overdue\":false}");
    }
    if (!rc)
        rc = put_lit(b, "],\"next_cursor\":");
    if (!rc)
        rc = put_opt_str(b, pg->next_cursor);
    if (!rc)
        rc = put_lit(b, ",\"now\":");
    if (!rc)
        rc = put_time(b, pg->now);
    if (!rc)
        rc = sb_putc(b, '}');
    return rc;
}

/* The cache key: the account (its scope and "me") and every parameter, length-prefixed. */
static size_t queue_key(const struct actor *a, const char *const *params, size_t nparams, char *out,
                        size_t cap)
{
    int w = snprintf(out, cap, "%lld", (long long)a->account_id);
    size_t o = w > 0 ? (size_t)w : 0;
    for (size_t i = 0; i < nparams; i++) {
        size_t len = params[i] ? strlen(params[i]) : 0;
        w = snprintf(out + o, cap - o, "|%d:", params[i] ? (int)len : -1);
        if (w < 0 || (size_t)w >= cap - o || len >= cap - o - (size_t)w)
            return 0; /* too long to cache */
        o += (size_t)w;
        memcpy(out + o, params[i] ? params[i] : "", len);
        o += len;
    }
    return o;
}

enum td_err api_cases_list(struct http_request *req, struct http_response *res)
{
    struct api_cases *s = api_cases();
    struct case_queue_req r = {
        http_query(req, "status"),   http_query(req, "urgency"), http_query(req, "category"),
        http_query(req, "assignee"), http_query(req, "q"),       http_query(req, "limit"),
        http_query(req, "cursor"),   http_query(req, "since"),
    };
    const char *params[8] = {r.status, r.urgency, r.category, r.assignee,
                             r.q,      r.limit,   r.cursor,   r.since};
    const struct actor *who = api_actor(req);
    struct case_queue_page pg;
    struct core_fail f;
    struct sb b;
    char key[2048];
    char *body = NULL;
    size_t len = 0, key_len = 0;
    int64_t ttl = s->core.cfg ? (int64_t)s->core.cfg->queue_cache_ms : 0;
    int64_t now = td_mono_ns() / 1000000;
    uint64_t gen = store_generation(s->core.st);
    if (ttl > 0 && who)
        key_len = queue_key(who, params, 8, key, sizeof key);
    if (key_len && api_qcache_get(req->arena, key, key_len, gen, now, ttl, &body, &len))
        goto reply;

    enum td_err rc = case_queue(&s->core, req->arena, who, &r, &pg, &f);
    if (rc)
        return api_fail_core(res, rc, &f);
    sb_init(&b, 8u << 20);
    rc = render_queue(&b, &pg);
    if (!rc) {
        len = b.len;
        body = arena_strndup(req->arena, b.p, b.len);
        if (body == NULL)
            rc = TD_ENOMEM;
    }
    sb_free(&b);
    if (rc)
        return rc;
    if (key_len)
        api_qcache_put(key, key_len, gen, now, body, len);
reply:
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
