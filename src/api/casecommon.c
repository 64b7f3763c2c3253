/* Shared state and helpers of the case endpoints. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/cases.h"
#include "http/ratelimit.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "store/store.h"
#include "triage/triage.h"

#define LIMIT_KEYS 65536
#define SWEEP_FIRST_MS 5000 /* first sweep soon after start-up */
#define SWEEP_EVERY_MS 60000
#define WRITER_BATCH 64

static struct api_cases state;

struct api_cases *api_cases(void)
{
    return &state;
}

const struct actor *api_actor(const struct http_request *req)
{
    return req->account;
}

/* A limiter for a configured per-minute limit (0 = off: NULL). */
static int limiter(unsigned per_min, struct ratelimit **out)
{
    *out = NULL;
    if (per_min == 0)
        return 0;
    *out = ratelimit_new(per_min, 60, LIMIT_KEYS);
    return *out ? 0 : -1;
}

/* Once a minute: close the cases resolved more than sla.autoclose_days ago. */
static void *sweeper_main(void *p)
{
    struct api_cases *s = p;
    int64_t wait_ms = SWEEP_FIRST_MS;
    pthread_mutex_lock(&s->sweep_mu);
    while (!s->sweep_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)(wait_ms / 1000);
        ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        int r = 0;
        while (!s->sweep_stop && r != ETIMEDOUT)
            r = pthread_cond_timedwait(&s->sweep_cond, &s->sweep_mu, &ts);
        if (s->sweep_stop)
            break;
        pthread_mutex_unlock(&s->sweep_mu);
        size_t total = 0, n = 0;
        enum td_err rc;
        do {
            struct arena a;
            arena_init(&a, 4u << 20);
            rc = case_autoclose(&s->core, &a, td_now_ms(), 64, &n);
            arena_free(&a);
            total += n;
        } while (rc == TD_OK && n == 64);
        if (rc)
            log_warn("msg=\"autoclose sweep failed\" code=%s", td_err_code(rc));
        else if (total)
            log_info("msg=\"resolved cases closed\" count=%zu", total);
        wait_ms = SWEEP_EVERY_MS;
        pthread_mutex_lock(&s->sweep_mu);
    }
    pthread_mutex_unlock(&s->sweep_mu);
    return NULL;
}

enum td_err api_cases_init(struct api_ctx *ctx, char *err, size_t errlen)
{
    const struct td_config *cfg = ctx->cfg;
    memset(&state, 0, sizeof state);
    state.core.st = ctx->store;
    state.core.triage = ctx->triage;
    state.core.cfg = cfg;
    if (limiter(cfg->rl_login_per_min, &state.login_ip) ||
        limiter(cfg->rl_login_user_per_min, &state.login_user) ||
        limiter(cfg->rl_lookup_per_min, &state.lookup_ip) ||
        limiter(cfg->rl_lookup_code_per_min, &state.lookup_code) ||
        limiter(cfg->rl_report_per_min, &state.report_ip)) {
        snprintf(err, errlen, "rate limiters: out of memory");
        api_cases_fini(ctx);
        return TD_ENOMEM;
    }
    if (store_writer_start(ctx->store, WRITER_BATCH) != TD_OK) {
        snprintf(err, errlen, "cannot start the database writer thread");
        api_cases_fini(ctx);
        return TD_EINTERNAL;
    }
    pthread_mutex_init(&state.sweep_mu, NULL);
    pthread_cond_init(&state.sweep_cond, NULL);
    state.sweeping = pthread_create(&state.sweeper, NULL, sweeper_main, &state) == 0;
    if (!state.sweeping)
        log_warn("msg=\"no sweeper thread: resolved cases are not closed automatically\"");
    if (ctx->triage == NULL)
        log_warn("msg=\"no triage classifier: reports are taken as other/high and flagged for "
                 "review\"");
    http_set_auth_ops(&api_auth_ops);
    return TD_OK;
}

void api_cases_fini(struct api_ctx *ctx)
{
    if (state.sweeping) {
        pthread_mutex_lock(&state.sweep_mu);
        state.sweep_stop = 1;
        pthread_cond_broadcast(&state.sweep_cond);
        pthread_mutex_unlock(&state.sweep_mu);
        pthread_join(state.sweeper, NULL);
        pthread_mutex_destroy(&state.sweep_mu);
        pthread_cond_destroy(&state.sweep_cond);
        state.sweeping = 0;
    }
    if (ctx->store) {
        uint64_t batches = 0, writes = 0;
        store_writer_stop(ctx->store);
        store_writer_stats(ctx->store, &batches, &writes);
        log_info("msg=\"writer stopped\" commits=%llu writes=%llu", (unsigned long long)batches,
                 (unsigned long long)writes);
    }
    api_qcache_clear();
    ratelimit_free(state.login_ip);
    ratelimit_free(state.login_user);
    ratelimit_free(state.lookup_ip);
    ratelimit_free(state.lookup_code);
    ratelimit_free(state.report_ip);
    memset(&state, 0, sizeof state);
}

enum td_err api_fail_core(struct http_response *res, enum td_err e, const struct core_fail *f)
{
    const char *key = NULL;
    if (f && f->reason) {
        static const struct {
            const char *reason, *key;
        } keys[] = {
            {"required", "error.field_required"},   {"too_long", "error.field_too_long"},
            {"too_short", "error.field_too_short"}, {"invalid", "error.field_invalid"},
            {"unknown", "error.field_unknown"},     {"not_allowed", "error.field_not_allowed"},
            {"exists", "error.already_exists"},     {"transition", "error.transition"},
        };
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (strcmp(f->reason, keys[i].reason) == 0)
                key = keys[i].key;
    }
    if (e == TD_ECONFLICT && f && f->nallowed) {
        json_t *allowed = json_array();
        for (size_t i = 0; allowed && i < f->nallowed; i++)
            json_array_append_new(allowed, json_string(f->allowed[i]));
        res->err_extra = json_pack("{s:o}", "allowed", allowed);
    }
    return http_fail(res, e, f ? f->field : NULL, key);
}

json_t *api_time(struct arena *a, int64_t ms)
{
    char buf[32];
    (void)a;
    if (ms == 0)
        return json_null();
    td_format_rfc3339(ms, buf, sizeof buf);
    return json_string(buf);
}

json_t *api_account_json(const struct actor *a)
{
    return json_pack("{s:s,s:s,s:s?,s:s}", "username", a->username, "role", role_code(a->role),
                     "institution", a->institution_code[0] ? a->institution_code : NULL,
                     "display_name", a->display_name);
}

/* The stored {"signals":[...],"reasons":[...]} member, or an empty array. */
static json_t *signals_member(json_t *sig, const char *key)
{
    json_t *v = json_object_get(sig, key);
    return json_is_array(v) ? json_incref(v) : json_array();
}

json_t *api_case_json(struct http_request *req, const struct case_view *v)
{
    const struct store_case *c = &v->c;
    json_t *sig = c->signals_json ? json_loads(c->signals_json, 0, NULL) : NULL;
    json_t *o = json_object(), *msgs = json_array(), *evs = json_array(), *ents = json_array(),
           *links = json_array(), *allowed = json_array();
    if (!o || !msgs || !evs || !ents || !links || !allowed)
        goto fail;
    for (size_t i = 0; i < v->nmessages; i++) {
        const struct store_message *m = &v->messages[i];
        json_array_append_new(
            msgs, json_pack("{s:I,s:s,s:s?,s:s,s:b,s:o}", "id", (json_int_t)m->id, "author",
                            m->author_kind, "author_name", m->author_name, "body", m->body,
                            "internal", m->internal, "at", api_time(req->arena, m->created_at)));
    }
    for (size_t i = 0; i < v->nevents; i++) {
        const struct store_event *e = &v->events[i];
        json_array_append_new(evs, json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:o}", "kind", e->kind,
                                             "actor_kind", e->actor_kind, "actor",
                                             e->actor ? e->actor : e->actor_kind, "from", e->from,
                                             "to", e->to, "reason", e->reason, "at",
                                             api_time(req->arena, e->created_at)));
    }
    for (size_t i = 0; i < v->nentities; i++) {
        const struct store_entity *e = &v->entities[i];
        json_array_append_new(ents, json_pack("{s:s,s:s,s:I,s:I,s:b}", "kind", e->kind, "value",
                                              e->value, "start", (json_int_t)e->start, "end",
                                              (json_int_t)e->end, "known_bad", e->known_bad));
    }
    for (size_t i = 0; i < v->nlinks; i++) {
        const struct store_link *l = &v->links[i];
        json_array_append_new(links, json_pack("{s:s,s:s,s:{s:s,s:s}}", "code", l->code,
                                               "institution", l->institution_code, "via", "kind",
                                               l->kind, "value", l->value));
    }
    for (size_t i = 0; i < v->nallowed; i++)
        json_array_append_new(allowed, json_string(v->allowed[i]));
    json_object_set_new(o, "code", json_string(c->code));
    json_object_set_new(o, "institution", json_string(c->institution_code));
    json_object_set_new(o, "status", json_string(c->status));
    json_object_set_new(o, "category", json_string(c->category));
    json_object_set_new(o, "urgency", json_string(case_urgency_code(c->urgency)));
    json_object_set_new(o, "score", json_integer(c->score));
    json_object_set_new(o, "needs_review", json_boolean(c->needs_review));
    json_object_set_new(o, "channel", json_string(c->channel));
    json_object_set_new(o, "text", json_string(c->text ? c->text : ""));
    json_object_set_new(o, "assignee", c->assignee_id ? json_string(c->assignee) : json_null());
    json_object_set_new(o, "opened_at", api_time(req->arena, c->opened_at));
    json_object_set_new(o, "due_at", api_time(req->arena, c->due_at));
    json_object_set_new(o, "first_response_at", api_time(req->arena, c->first_response_at));
    json_object_set_new(o, "resolved_at", api_time(req->arena, c->resolved_at));
    json_object_set_new(o, "closed_at", api_time(req->arena, c->closed_at));
    json_object_set_new(o, "overdue", json_boolean(v->overdue));
    json_object_set_new(o, "has_contact", json_boolean(v->has_contact));
    json_object_set_new(o, "consent_contact", json_boolean(c->consent_contact));
    json_object_set_new(o, "signals", signals_member(sig, "signals"));
    json_object_set_new(o, "reasons", signals_member(sig, "reasons"));
    json_object_set_new(o, "entities", ents);
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "events", evs);
    json_object_set_new(o, "linked", links);
    json_object_set_new(o, "allowed_transitions", allowed);
    json_decref(sig);
    return o;
fail:
    json_decref(sig);
    json_decref(o);
    json_decref(msgs);
    json_decref(evs);
    json_decref(ents);
    json_decref(links);
    json_decref(allowed);
    return NULL;
}
