#include "core/case.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/auth.h"
#include "core/privacy.h"
#include "lib/json.h"
#include "lib/strbuf.h"
#include "lib/timeutil.h"
#include "text/vn.h"
#include "triage/triage.h"

/* fresh codes to draw on a collision (2^40 codes: never in practice) */
#define CODE_ATTEMPTS 8
/* triage of a 20,000-character report: ~25 MiB */
#define CASE_WORK_ARENA_MAX (96u << 20)

/* The channels, and who may name each: a student reports through the web form, a chat or a
 * partner app; staff log what came by telephone, e-mail or chat; an import may carry any (tester
 * finding: an anonymous report could claim "phone", skewing the channel figures). */
enum { BY_STUDENT = 1, BY_STAFF = 2 };
static const struct {
    const char *name;
    unsigned by;
} channels[] = {{"web", BY_STUDENT},
                {"chat", BY_STUDENT | BY_STAFF},
                {"phone", BY_STAFF},
                {"email", BY_STAFF},
                {"api", BY_STUDENT}};

/* The channel's BY_* bits, or 0 when there is no such channel. */
static unsigned channel_by(const char *s)
{
    for (size_t i = 0; s && i < sizeof channels / sizeof channels[0]; i++)
        if (strcmp(s, channels[i].name) == 0)
            return channels[i].by;
    return 0;
}

int case_channel_ok(const char *s)
{
    return channel_by(s) != 0;
}

static int present(const char *s)
{
    return s != NULL && *s != '\0';
}

/* NFC of a required text field with 1..max characters (not only white space). */
static enum td_err text_field(struct arena *a, const char *s, size_t len, long max,
                              const char *field, struct vn_str *out, struct core_fail *f)
{
    if (s == NULL)
        return core_fail_set(f, TD_EINVAL, field, "required");
    if (vn_utf8_check(s, len) != TD_OK)
        return core_fail_set(f, TD_EUTF8, field, "invalid_utf8");
    enum td_err rc = vn_nfc(a, s, len, out);
    if (rc)
        return rc == TD_EUTF8 ? core_fail_set(f, rc, field, "invalid_utf8") : rc;
    /* Blank means nothing is left once spaces, zero-width and control characters are gone
     * (tester finding: "\u200b\u200b\u200b" was taken as a report and triaged). */
    struct vn_str norm;
    rc = vn_normalize(a, out->p, out->len, &norm);
    if (rc)
        return rc == TD_EUTF8 ? core_fail_set(f, rc, field, "invalid_utf8") : rc;
    size_t i = 0;
    while (i < norm.len &&
           (norm.p[i] == ' ' || norm.p[i] == '\t' || norm.p[i] == '\n' || norm.p[i] == '\r'))
        i++;
    if (i == norm.len)
        return core_fail_set(f, TD_EINVAL, field, "required");
    if ((long)vn_utf8_count(out->p, out->len) > max)
        return core_fail_set(f, TD_EINVAL, field, "too_long");
    return TD_OK;
}

/* ---------- intake ---------- */

static int linkable(enum vn_entity_kind k, const char *value)
{
    switch (k) {
    case VN_ENT_PHONE:
    case VN_ENT_BANK_ACCOUNT:
    case VN_ENT_SOCIAL:
    case VN_ENT_EMAIL:
        return 1;
    case VN_ENT_URL:
        return strchr(value, '/') != NULL; /* a bare host ("facebook.com") links everything */
    case VN_ENT_DOMAIN:
    case VN_ENT_MONEY:
        return 0;
    }
    return 0;
}

/* A JSON string (s[0..len), valid UTF-8) into b. */
static enum td_err put_json_str(struct sb *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    enum td_err rc = sb_putc(b, '"');
    for (size_t i = 0; !rc && i < len;) {
        size_t run = i;
        while (i < len && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
            i++;
        if (i > run)
            rc = sb_append(b, s + run, i - run);
        if (rc || i == len)
            break;
        unsigned char c = (unsigned char)s[i++];
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            rc = sb_append(b, esc, 2);
        } else {
            rc = sb_append(b, esc, 6);
        }
    }
    return rc ? rc : sb_putc(b, '"');
}

/*
 * {"signals":[{"phrase","start","end","weight","category","kind","folded_only"}],"reasons":[...]}
 * of a verdict, in the arena. Written by hand: it is on every intake, and weights are kept to
 * three decimals ("0.3", not jansson's "0.29999999999999999").
 */
static const char *signals_json(struct arena *a, const struct triage_verdict *v)
{
    struct sb b;
    enum td_err rc;
    const char *out = NULL;
    sb_init(&b, 1u << 20);
    rc = sb_puts(&b, "{\"signals\":[");
    for (size_t i = 0; !rc && i < v->nsignals; i++) {
        const struct triage_signal *sg = &v->signals[i];
        double w = sg->weight;
        long long mw = (long long)(w * 1000.0 + (w < 0 ? -0.5 : 0.5));
        long long ip = mw / 1000, fp = (mw < 0 ? -mw : mw) % 1000;
        char frac[8] = "";
        if (fp) {
            snprintf(frac, sizeof frac, ".%03lld", fp);
            for (size_t k = strlen(frac) - 1; frac[k] == '0'; k--)
                frac[k] = '\0';
        }
        rc = sb_puts(&b, i ? ",{\"phrase\":" : "{\"phrase\":");
        if (!rc)
            rc = put_json_str(&b, sg->phrase.p ? sg->phrase.p : "",
                              sg->phrase.p ? sg->phrase.len : 0);
        if (!rc)
            rc = sb_printf(&b, ",\"start\":%zu,\"end\":%zu,\"weight\":%s%lld%s,\"category\":",
                           sg->start, sg->end, mw < 0 && ip == 0 ? "-" : "", ip, frac);
        if (!rc)
            rc = sg->category >= 0
                     ? sb_printf(&b, "\"%s\"",
                                 triage_category_code((enum triage_category)sg->category))
                     : sb_puts(&b, "null");
        if (!rc)
            rc = sb_puts(&b, ",\"kind\":");
        if (!rc) {
            const char *k = sg->kind ? sg->kind : "phrase";
            rc = put_json_str(&b, k, strlen(k));
        }
        if (!rc)
            rc =
                sb_puts(&b, sg->folded_only ? ",\"folded_only\":true}" : ",\"folded_only\":false}");
    }
    if (!rc)
        rc = sb_puts(&b, "],\"reasons\":[");
    for (size_t i = 0; !rc && i < 8 && v->reasons[i]; i++) {
        if (i)
            rc = sb_putc(&b, ',');
        if (!rc)
            rc = put_json_str(&b, v->reasons[i], strlen(v->reasons[i]));
    }
    if (!rc)
        rc = sb_puts(&b, "]}");
    if (!rc)
        out = arena_strndup(a, b.p, b.len);
    sb_free(&b);
    return out;
}

struct intake_job {
    struct arena *a;
    struct store_case *row;
    const struct actor *by;
    struct store_entity *ents;
    size_t nents;
    int64_t now;
};

static enum td_err intake_job(struct store_tx *tx, void *arg)
{
    struct intake_job *j = arg;
    struct store_case *r = j->row;
    int staff = j->by && (j->by->role == ROLE_COUNSELLOR || j->by->role == ROLE_LEAD);
    enum td_err rc = store_case_insert(tx, r, &r->id);
    if (!rc)
        rc = store_message_insert(tx, r->id, staff ? "staff" : "student",
                                  staff ? j->by->account_id : 0, r->text, strlen(r->text), 0,
                                  r->opened_at, NULL);
    if (!rc && j->nents)
        rc = store_case_add_entities(tx, r->id, j->ents, j->nents, j->now);
    if (!rc) {
        struct store_event ev = {.actor_id = staff ? j->by->account_id : 0,
                                 .kind = "created",
                                 .to = r->status,
                                 .created_at = j->now};
        snprintf(ev.actor_kind, sizeof ev.actor_kind, "%s", staff ? "staff" : "student");
        rc = store_event_insert(tx, r->id, &ev);
    }
    if (!rc)
        rc = audit_record(tx, j->a, j->by ? j->by->username : "student", "case.create", "case",
                          r->code,
                          json_pack("{s:s,s:s,s:s,s:s,s:b}", "institution", r->institution_code,
                                    "channel", r->channel, "category", r->category, "urgency",
                                    case_urgency_code(r->urgency), "contact", r->contact != NULL),
                          j->now);
    return rc;
}

/* The contact details, validated and canonicalised, sealed for code. NULL blob when none. */
static enum td_err seal_contact(struct core *c, struct arena *a, const struct case_intake *in,
                                const char *code, struct store_case *row, struct core_fail *f)
{
    struct vn_str name = {NULL, 0}, phone = {NULL, 0}, email = {NULL, 0};
    enum td_err rc = TD_OK;
    json_t *o = NULL;
    row->contact = NULL;
    row->contact_len = 0;
    if (present(in->contact_name)) {
        /* A name, by the rule for every name (tester finding: control characters and outer
         * spaces were kept). */
        char *buf = arena_alloc(a, STORE_NAME_MAX + 1);
        if (buf == NULL)
            return TD_ENOMEM;
        rc = core_name_field(a, in->contact_name, CASE_NAME_MAX_CHARS, "contact.name", buf,
                             STORE_NAME_MAX + 1, f);
        if (rc)
            return rc;
        name.p = buf;
        name.len = strlen(buf);
    }
    if (present(in->contact_phone)) {
        if (strlen(in->contact_phone) > 64 ||
            vn_canon_phone(a, in->contact_phone, strlen(in->contact_phone), &phone) != TD_OK)
            return core_fail_set(f, TD_EINVAL, "contact.phone", "invalid");
    }
    if (present(in->contact_email)) {
        if (strlen(in->contact_email) > 254 ||
            vn_canon_email(a, in->contact_email, strlen(in->contact_email), &email) != TD_OK)
            return core_fail_set(f, TD_EINVAL, "contact.email", "invalid");
    }
    if (!name.p && !phone.p && !email.p)
        return TD_OK;
    o = json_pack("{s:s?,s:s?,s:s?}", "name", name.p, "phone", phone.p, "email", email.p);
    if (o == NULL)
        return TD_ENOMEM;
    size_t len = 0;
    char *pt = td_json_dump(a, o, &len);
    json_decref(o);
    if (pt == NULL)
        return TD_ENOMEM;
    unsigned char *blob = NULL;
    size_t blen = 0;
    rc = privacy_seal(store_key(c->st), code, pt, len, a, &blob, &blen);
    sodium_memzero(pt, len);
    if (rc)
        return rc;
    row->contact = blob;
    row->contact_len = blen;
    return TD_OK;
}

/* What intake keeps from classification, in the request's arena. */
struct classified {
    struct triage_verdict v; /* category, urgency, score, needs_review (pointers not valid) */
    const char *fold;        /* vn_fold(text) */
    const char *signals;     /* signals_json() */
    struct store_entity *ents;
    size_t nents;
};

/*
 * Fold, classify and extract entities in a working arena of its own (the text module and triage
 * need many times the text's size for a moment), then copy what is kept into a, so that the
 * request's arena holds only the results.
 */
static enum td_err classify(struct core *c, struct arena *a, const struct vn_str *text,
                            struct classified *out, struct core_fail *f)
{
    struct arena work;
    struct triage_verdict v;
    struct vn_str fold;
    enum td_err rc;
    memset(out, 0, sizeof *out);
    memset(&v, 0, sizeof v);
    arena_init(&work, CASE_WORK_ARENA_MAX);
    rc = vn_fold(&work, text->p, text->len, &fold);
    if (rc)
        goto out;
    if ((out->fold = arena_strndup(a, fold.p, fold.len)) == NULL) {
        rc = TD_ENOMEM;
        goto out;
    }
    /* Triage. Without a classifier the report is still taken, conservatively. */
    if (c->triage) {
        rc = triage_classify(c->triage, &work, text->p, text->len, &v);
        if (rc) {
            if (rc == TD_EUTF8)
                core_fail_set(f, rc, "text", "invalid_utf8");
            goto out;
        }
    } else {
        v.category = CAT_OTHER;
        v.urgency = URG_HIGH;
        v.score = 50;
        v.needs_review = 1;
        v.reasons[0] = "no_classifier";
    }
    /* Entities even without a classifier: linking cases by a shared phone number or link must
     * not depend on the classifier being loaded. */
    if (c->triage == NULL) {
        rc = vn_extract_entities(&work, text->p, text->len, &v.entities);
        if (rc == TD_ENOMEM)
            goto out;
        if (rc)
            memset(&v.entities, 0, sizeof v.entities);
        rc = TD_OK;
    }
    if ((out->signals = signals_json(a, &v)) == NULL) {
        rc = TD_ENOMEM;
        goto out;
    }
    /* Entities: canonical values; known-bad from the blocklist. */
    if (v.entities.n) {
        out->ents = arena_calloc(a, v.entities.n, sizeof *out->ents);
        if (out->ents == NULL) {
            rc = TD_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < v.entities.n; i++) {
            const struct vn_entity *e = &v.entities.v[i];
            if (e->value.p == NULL || e->value.len == 0)
                continue;
            struct store_entity *se = &out->ents[out->nents++];
            se->kind = vn_entity_kind_name(e->kind);
            se->value = arena_strndup(a, e->value.p, e->value.len);
            if (se->value == NULL) {
                rc = TD_ENOMEM;
                goto out;
            }
            se->linkable = linkable(e->kind, se->value);
            se->known_bad = c->triage && e->host.p && e->host.len &&
                            triage_host_is_bad(c->triage, e->host.p, e->host.len);
            se->start = (int64_t)e->start;
            se->end = (int64_t)e->end;
        }
    }
    out->v = v;
    memset(&out->v.entities, 0, sizeof out->v.entities);
    out->v.signals = NULL;
    out->v.nsignals = 0;
out:
    arena_free(&work);
    return rc;
}

enum td_err case_intake(struct core *c, struct arena *a, const struct actor *by,
                        const struct case_intake *in, struct case_intake_result *out,
                        struct core_fail *f)
{
    struct store_institution inst;
    struct store_case row;
    struct triage_verdict v;
    struct vn_str text, fold;
    enum td_err rc;
    int staff = by && (by->role == ROLE_COUNSELLOR || by->role == ROLE_LEAD);
    core_fail_set(f, TD_OK, NULL, NULL);
    memset(out, 0, sizeof *out);
    memset(&row, 0, sizeof row);
    memset(&v, 0, sizeof v);
    if (by && !staff && by->role != ROLE_SYSTEM)
        return TD_EFORBIDDEN;

    /* Institution: required from students and the command line; staff log into their own. */
    const char *icode = in->institution;
    if (staff && !present(icode))
        icode = by->institution_code;
    if (!present(icode))
        return core_fail_set(f, TD_EINVAL, "institution", "required");
    rc = store_institution_get(c->st, icode, &inst);
    if (rc == TD_ENOTFOUND || (rc == TD_OK && staff && inst.id != by->institution_id))
        return core_fail_set(f, TD_EINVAL, "institution", "unknown");
    if (rc)
        return rc;

    const char *channel = present(in->channel) ? in->channel : (staff ? "phone" : "web");
    unsigned chan_by = channel_by(channel);
    if (chan_by == 0)
        return core_fail_set(f, TD_EINVAL, "channel", "invalid");
    if ((by == NULL && !(chan_by & BY_STUDENT)) || (staff && !(chan_by & BY_STAFF)))
        return core_fail_set(f, TD_EINVAL, "channel", "not_allowed");
    rc = text_field(a, in->text, in->text_len, CASE_TEXT_MAX_CHARS, "text", &text, f);
    if (rc)
        return rc;
    struct classified cl;
    rc = classify(c, a, &text, &cl, f);
    if (rc)
        return rc;
    v = cl.v;
    fold.p = cl.fold;
    const char *sig = cl.signals;
    struct store_entity *ents = cl.ents;
    size_t nents = cl.nents;

    int64_t now = td_now_ms();
    int64_t opened = in->received_at > 0 && in->received_at < now ? in->received_at : now;
    row.institution_id = inst.id;
    snprintf(row.institution_code, sizeof row.institution_code, "%s", inst.code);
    snprintf(row.channel, sizeof row.channel, "%s", channel);
    snprintf(row.status, sizeof row.status, "new");
    snprintf(row.category, sizeof row.category, "%s", triage_category_code(v.category));
    row.urgency = 3 - (int)v.urgency; /* rank: 0 critical */
    if (row.urgency < 0 || row.urgency > 3)
        row.urgency = 1;
    row.score = v.score;
    row.needs_review = v.needs_review;
    row.signals_json = sig;
    row.text = text.p;
    row.text_fold = fold.p;
    row.created_by = staff ? by->account_id : 0;
    row.opened_at = opened;
    row.due_at = case_due_at(c->cfg, opened, row.urgency);
    row.updated_at = now;
    row.consent_contact = in->consent_contact ? 1 : 0;

    char key[ACCESS_KEY_SHOWN + 1];
    secret_access_key(key);
    if (secret_access_key_hash(c->st, key, row.access_hash) != 0)
        return TD_EINTERNAL;
    struct intake_job j = {a, &row, by, ents, nents, now};
    for (int attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        secret_case_code(row.code);
        rc = seal_contact(c, a, in, row.code, &row, f);
        if (rc)
            break;
        /* consent to be contacted means nothing without contact details (tester finding:
         * stored as consent with no contact) */
        row.consent_contact = in->consent_contact && row.contact != NULL;
        rc = store_write(c->st, intake_job, &j);
        if (rc != TD_EEXISTS)
            break;
    }
    if (rc) {
        sodium_memzero(key, sizeof key);
        return rc;
    }
    snprintf(out->code, sizeof out->code, "%s", row.code);
    snprintf(out->access_key, sizeof out->access_key, "%s", key);
    sodium_memzero(key, sizeof key);
    out->category = triage_category_code(v.category);
    out->urgency = row.urgency;
    out->score = row.score;
    out->needs_review = row.needs_review;
    out->status = "new";
    out->opened_at = row.opened_at;
    out->due_at = row.due_at;
    return TD_OK;
}

/* ---------- the staff view ---------- */

static enum td_err fetch(struct core *c, struct arena *a, const struct actor *by, const char *code,
                         enum access_action action, struct store_case *out)
{
    struct store_scope scope;
    char norm[CASE_CODE_LEN + 1];
    if (by == NULL)
        return TD_EAUTH;
    access_scope(by, &scope);
    if (secret_crockford_normalize(code, CASE_CODE_LEN, norm, sizeof norm) < 0)
        return TD_ENOTFOUND;
    enum td_err rc = store_case_get(c->st, a, &scope, norm, out);
    if (rc)
        return rc;
    return access_check(by, action, out);
}

enum td_err case_get(struct core *c, struct arena *a, const struct actor *by, const char *code,
                     struct case_view *out)
{
    struct store_scope scope;
    memset(out, 0, sizeof *out);
    enum td_err rc = fetch(c, a, by, code, ACCESS_CASE_READ, &out->c);
    if (rc)
        return rc;
    access_scope(by, &scope);
    out->has_contact = out->c.contact != NULL;
    out->c.contact = NULL; /* the sealed blob goes no further than this */
    out->c.contact_len = 0;
    enum case_status st = ST_NEW;
    case_status_parse(out->c.status, &st);
    out->overdue = case_overdue(st, out->c.first_response_at, out->c.due_at, td_now_ms());
    out->nallowed = case_transitions(st, out->allowed, CASE_NSTATUS);
    rc = store_message_list(c->st, a, &scope, out->c.id, 1, &out->messages, &out->nmessages);
    if (!rc)
        rc = store_event_list(c->st, a, &scope, out->c.id, &out->events, &out->nevents);
    if (!rc)
        rc = store_entity_list(c->st, a, &scope, out->c.id, &out->entities, &out->nentities);
    if (!rc)
        rc = store_case_links(c->st, a, &scope, out->c.id, CASE_LINKS_MAX, &out->links,
                              &out->nlinks);
    return rc;
}

/* ---------- changes ---------- */

struct patch_job {
    struct core *c;
    struct arena *a;
    const struct actor *by;
    const char *code;
    const struct case_patch *p;
    int category_set, urgency_rank, status_set;
    enum case_status status;
    struct vn_str reason;
    struct core_fail *f;
    int64_t now;
};

static enum td_err event_and_audit(struct store_tx *tx, struct arena *a, const struct actor *by,
                                   const struct store_case *cs, const char *kind, const char *from,
                                   const char *to, const char *reason, int64_t now)
{
    int staff = by != NULL;
    struct store_event ev = {.actor_id = staff ? by->account_id : 0,
                             .kind = kind,
                             .from = from,
                             .to = to,
                             .reason = reason,
                             .created_at = now};
    snprintf(ev.actor_kind, sizeof ev.actor_kind, "%s", staff ? "staff" : "student");
    enum td_err rc = store_event_insert(tx, cs->id, &ev);
    if (rc)
        return rc;
    char action[32];
    snprintf(action, sizeof action, "case.%s", kind);
    /* The reason is the staff's free text: it stays in the case, not in the audit chain. */
    return audit_record(
        tx, a, staff ? by->username : "student", action, "case", cs->code,
        json_pack("{s:s?,s:s?,s:b}", "from", from, "to", to, "reason", reason != NULL), now);
}

/* Timestamps that follow a status change. */
static void apply_status(struct store_case *cs, enum case_status to, int64_t now)
{
    snprintf(cs->status, sizeof cs->status, "%s", case_status_code(to));
    if (to == ST_RESOLVED)
        cs->resolved_at = now;
    else if (to == ST_CLOSED)
        cs->closed_at = now;
    else {
        cs->resolved_at = 0;
        cs->closed_at = 0;
    }
}

static enum td_err patch_job(struct store_tx *tx, void *arg)
{
    struct patch_job *j = arg;
    struct store_case cs, old;
    struct store_account acc;
    const char *reason = j->reason.p;
    enum td_err rc = fetch(j->c, j->a, j->by, j->code, ACCESS_CASE_UPDATE, &cs);
    if (rc)
        return rc;
    old = cs;
    enum case_status from = ST_NEW;
    case_status_parse(cs.status, &from);
    int changed = 0;

    /* Check everything before changing anything (the savepoint would undo it anyway). */
    int cat_change = j->category_set && strcmp(j->p->category, cs.category) != 0;
    int urg_change = j->urgency_rank >= 0 && j->urgency_rank != cs.urgency;
    if ((cat_change || urg_change) && reason == NULL)
        return core_fail_set(j->f, TD_EINVAL, "reason", "required");
    int st_change = j->status_set && j->status != from;
    if (st_change && !case_transition_ok(from, j->status)) {
        core_fail_set(j->f, TD_ECONFLICT, "status", "transition");
        j->f->nallowed = case_transitions(from, j->f->allowed, CORE_FAIL_ALLOWED_MAX);
        return TD_ECONFLICT;
    }
    int64_t new_assignee = cs.assignee_id;
    if (j->p->set_assignee) {
        if (j->p->assignee == NULL) {
            new_assignee = 0;
        } else {
            const char *name = strcmp(j->p->assignee, "me") == 0 ? j->by->username : j->p->assignee;
            rc = auth_username_ok(name)
                     ? store_account_get_staff(j->c->st, cs.institution_id, name, &acc)
                     : TD_ENOTFOUND;
            if (rc == TD_ENOTFOUND)
                return core_fail_set(j->f, TD_EINVAL, "assignee", "unknown");
            if (rc)
                return rc;
            new_assignee = acc.id;
            snprintf(cs.assignee, sizeof cs.assignee, "%s", acc.username);
        }
    }

    if (cat_change) {
        snprintf(cs.category, sizeof cs.category, "%s", j->p->category);
        rc = event_and_audit(tx, j->a, j->by, &cs, "category", old.category, cs.category, reason,
                             j->now);
        changed = 1;
    }
    if (!rc && urg_change) {
        cs.urgency = j->urgency_rank;
        cs.due_at = case_due_at(j->c->cfg, cs.opened_at, cs.urgency);
        rc = event_and_audit(tx, j->a, j->by, &cs, "urgency", case_urgency_code(old.urgency),
                             case_urgency_code(cs.urgency), reason, j->now);
        changed = 1;
    }
    if (!rc && new_assignee != old.assignee_id) {
        cs.assignee_id = new_assignee;
        rc =
            event_and_audit(tx, j->a, j->by, &cs, "assignee", old.assignee_id ? old.assignee : NULL,
                            new_assignee ? cs.assignee : NULL, NULL, j->now);
        changed = 1;
        /* Claiming a new case opens it. */
        if (!rc && new_assignee && from == ST_NEW && !j->status_set) {
            st_change = 1;
            j->status = ST_OPEN;
        }
    }
    if (!rc && st_change) {
        apply_status(&cs, j->status, j->now);
        rc = event_and_audit(tx, j->a, j->by, &cs, "status", case_status_code(from), cs.status,
                             reason, j->now);
        changed = 1;
    }
    if (!rc && changed) {
        cs.updated_at = j->now;
        rc = store_case_update(tx, &cs);
    }
    return rc;
}

enum td_err case_patch(struct core *c, struct arena *a, const struct actor *by, const char *code,
                       const struct case_patch *p, struct core_fail *f)
{
    enum triage_category cat;
    struct patch_job j = {c, a, by, code, p, 0, -1, 0, ST_NEW, {NULL, 0}, f, td_now_ms()};
    core_fail_set(f, TD_OK, NULL, NULL);
    if (p->status) {
        if (case_status_parse(p->status, &j.status) != 0)
            return core_fail_set(f, TD_EINVAL, "status", "invalid");
        j.status_set = 1;
    }
    if (p->category) {
        if (triage_category_parse(p->category, &cat) != 0)
            return core_fail_set(f, TD_EINVAL, "category", "invalid");
        j.category_set = 1;
    }
    if (p->urgency && case_urgency_parse(p->urgency, &j.urgency_rank) != 0)
        return core_fail_set(f, TD_EINVAL, "urgency", "invalid");
    if (p->set_assignee && p->assignee && !auth_username_ok(p->assignee))
        return core_fail_set(f, TD_EINVAL, "assignee", "unknown");
    if (present(p->reason)) {
        enum td_err rc = text_field(a, p->reason, strlen(p->reason), CASE_REASON_MAX_CHARS,
                                    "reason", &j.reason, f);
        if (rc)
            return rc;
    }
    return store_write(c->st, patch_job, &j);
}

/* ---------- staff messages ---------- */

struct reply_job {
    struct core *c;
    struct arena *a;
    const struct actor *by;
    const char *code;
    struct vn_str body;
    int internal;
    int64_t id, now;
};

static enum td_err reply_job(struct store_tx *tx, void *arg)
{
    struct reply_job *j = arg;
    struct store_case cs;
    enum td_err rc = fetch(j->c, j->a, j->by, j->code, ACCESS_CASE_REPLY, &cs);
    if (rc)
        return rc;
    rc = store_message_insert(tx, cs.id, "staff", j->by->account_id, j->body.p, j->body.len,
                              j->internal, j->now, &j->id);
    if (!rc)
        rc = audit_record(tx, j->a, j->by->username, "case.message", "case", cs.code,
                          json_pack("{s:s,s:b}", "author", "staff", "internal", j->internal),
                          j->now);
    if (rc || j->internal)
        return rc;
    int changed = 0;
    if (cs.first_response_at == 0) {
        cs.first_response_at = j->now;
        changed = 1;
    }
    if (strcmp(cs.status, "new") == 0) {
        apply_status(&cs, ST_OPEN, j->now);
        rc = event_and_audit(tx, j->a, j->by, &cs, "status", "new", "open", NULL, j->now);
        changed = 1;
    }
    if (!rc && changed) {
        cs.updated_at = j->now;
        rc = store_case_update(tx, &cs);
    }
    return rc;
}

enum td_err case_reply(struct core *c, struct arena *a, const struct actor *by, const char *code,
                       const char *body, size_t len, int internal, int64_t *msg_id, int64_t *at,
                       struct core_fail *f)
{
    struct reply_job j = {c, a, by, code, {NULL, 0}, internal ? 1 : 0, 0, td_now_ms()};
    core_fail_set(f, TD_OK, NULL, NULL);
    enum td_err rc = text_field(a, body, len, CASE_TEXT_MAX_CHARS, "body", &j.body, f);
    if (rc)
        return rc;
    rc = store_write(c->st, reply_job, &j);
    if (!rc) {
        *msg_id = j.id;
        *at = j.now;
    }
    return rc;
}

/* ---------- the student ---------- */

static enum td_err student_scope(struct core *c, const char *code, const char *key, char *norm,
                                 unsigned char *hash, struct store_scope *scope)
{
    if (secret_crockford_normalize(code, CASE_CODE_LEN, norm, CASE_CODE_LEN + 1) < 0 ||
        key == NULL || secret_access_key_hash(c->st, key, hash) != 0)
        return TD_ENOTFOUND;
    memset(scope, 0, sizeof *scope);
    scope->kind = STORE_SCOPE_STUDENT;
    scope->access_hash = hash;
    return TD_OK;
}

enum td_err case_student_get(struct core *c, struct arena *a, const char *code,
                             const char *access_key, struct case_public *out)
{
    char norm[CASE_CODE_LEN + 1];
    unsigned char h[STORE_HASH_BYTES];
    struct store_scope scope;
    memset(out, 0, sizeof *out);
    enum td_err rc = student_scope(c, code, access_key, norm, h, &scope);
    if (!rc)
        rc = store_case_get(c->st, a, &scope, norm, &out->c);
    if (rc)
        return rc;
    out->c.contact = NULL;
    out->c.contact_len = 0;
    return store_message_list(c->st, a, &scope, out->c.id, 0, &out->messages, &out->nmessages);
}

struct student_job {
    struct arena *a;
    struct core *c;
    const char *code;
    const struct store_scope *scope;
    struct vn_str text;
    int64_t id, now;
    const char *status;
};

static enum td_err student_job(struct store_tx *tx, void *arg)
{
    struct student_job *j = arg;
    struct store_case cs;
    enum td_err rc = store_case_get(j->c->st, j->a, j->scope, j->code, &cs);
    if (rc)
        return rc;
    rc = store_message_insert(tx, cs.id, "student", 0, j->text.p, j->text.len, 0, j->now, &j->id);
    if (!rc)
        rc = audit_record(tx, j->a, "student", "case.message", "case", cs.code,
                          json_pack("{s:s,s:b}", "author", "student", "internal", 0), j->now);
    enum case_status from = ST_NEW;
    case_status_parse(cs.status, &from);
    j->status = case_status_code(from);
    if (rc || (from != ST_RESOLVED && from != ST_CLOSED && from != ST_WAITING))
        return rc;
    apply_status(&cs, ST_OPEN, j->now);
    j->status = case_status_code(ST_OPEN);
    rc = event_and_audit(tx, j->a, NULL, &cs, "status", case_status_code(from), "open",
                         from == ST_WAITING ? NULL : "student_wrote_again", j->now);
    if (!rc) {
        cs.updated_at = j->now;
        rc = store_case_update(tx, &cs);
    }
    return rc;
}

enum td_err case_student_write(struct core *c, struct arena *a, const char *code,
                               const char *access_key, const char *text, size_t len,
                               int64_t *msg_id, int64_t *at, const char **status,
                               struct core_fail *f)
{
    char norm[CASE_CODE_LEN + 1];
    unsigned char h[STORE_HASH_BYTES];
    struct store_scope scope;
    core_fail_set(f, TD_OK, NULL, NULL);
    enum td_err rc = student_scope(c, code, access_key, norm, h, &scope);
    if (rc)
        return rc;
    struct student_job j = {a, c, norm, &scope, {NULL, 0}, 0, td_now_ms(), NULL};
    rc = text_field(a, text, len, CASE_TEXT_MAX_CHARS, "text", &j.text, f);
    if (!rc)
        rc = store_write(c->st, student_job, &j);
    if (!rc) {
        *msg_id = j.id;
        *at = j.now;
        *status = j.status;
    }
    return rc;
}

/* ---------- contact details ---------- */

struct contact_job {
    struct arena *a;
    const struct actor *by;
    const char *code;
    int64_t now;
};

static enum td_err contact_job(struct store_tx *tx, void *arg)
{
    struct contact_job *j = arg;
    return audit_record(tx, j->a, j->by->username, "contact.unseal", "case", j->code, NULL, j->now);
}

enum td_err case_contact(struct core *c, struct arena *a, const struct actor *by, const char *code,
                         struct case_contact *out)
{
    struct store_case cs;
    memset(out, 0, sizeof *out);
    enum td_err rc = fetch(c, a, by, code, ACCESS_CONTACT, &cs);
    if (rc)
        return rc;
    struct contact_job j = {a, by, cs.code, td_now_ms()};
    rc = store_write(c->st, contact_job, &j); /* on the record before anything is shown */
    if (rc)
        return rc;
    out->consent_contact = cs.consent_contact;
    if (cs.contact == NULL)
        return TD_OK;
    char *pt = NULL;
    size_t len = 0;
    rc = privacy_unseal(store_key(c->st), cs.code, cs.contact, cs.contact_len, a, &pt, &len);
    if (rc)
        return rc;
    json_t *o = json_loadb(pt, len, 0, NULL);
    sodium_memzero(pt, len);
    if (!json_is_object(o)) {
        json_decref(o);
        return TD_EINTERNAL;
    }
    const char *keys[3] = {"name", "phone", "email"};
    const char **dst[3] = {&out->name, &out->phone, &out->email};
    for (int i = 0; i < 3; i++) {
        const char *s = td_json_str(o, keys[i], NULL);
        if (s && (*dst[i] = arena_strdup(a, s)) == NULL)
            rc = TD_ENOMEM;
    }
    json_decref(o);
    out->has_contact = 1;
    return rc;
}

/* ---------- closing resolved cases ---------- */

#define AUTOCLOSE_BATCH 64

struct close_job {
    struct core *c;
    struct arena *a;
    const char *code;
    int64_t cutoff, now;
    int closed;
};

static enum td_err close_job(struct store_tx *tx, void *arg)
{
    struct close_job *j = arg;
    struct store_scope all = {STORE_SCOPE_CITY, 0, NULL};
    struct store_case cs;
    j->closed = 0;
    enum td_err rc = store_case_get(j->c->st, j->a, &all, j->code, &cs);
    if (rc)
        return rc == TD_ENOTFOUND ? TD_OK : rc;
    /* Re-checked under the write lock: the student may have written in the meantime. */
    if (strcmp(cs.status, "resolved") != 0 || cs.resolved_at >= j->cutoff)
        return TD_OK;
    apply_status(&cs, ST_CLOSED, j->now);
    struct store_event ev = {.kind = "status",
                             .from = "resolved",
                             .to = "closed",
                             .reason = "autoclose",
                             .created_at = j->now};
    snprintf(ev.actor_kind, sizeof ev.actor_kind, "system");
    rc = store_event_insert(tx, cs.id, &ev);
    if (!rc)
        rc = audit_record(
            tx, j->a, "system", "case.status", "case", cs.code,
            json_pack("{s:s,s:s,s:s}", "from", "resolved", "to", "closed", "reason", "autoclose"),
            j->now);
    if (!rc) {
        cs.updated_at = j->now;
        rc = store_case_update(tx, &cs);
    }
    j->closed = rc == TD_OK;
    return rc;
}

enum td_err case_autoclose(struct core *c, struct arena *a, int64_t now, size_t max, size_t *closed)
{
    char codes[AUTOCLOSE_BATCH][STORE_CASE_CODE_LEN + 1];
    size_t n = 0;
    *closed = 0;
    if (c->cfg == NULL || c->cfg->autoclose_days == 0)
        return TD_OK;
    int64_t cutoff = now - (int64_t)c->cfg->autoclose_days * 86400000;
    if (max > AUTOCLOSE_BATCH)
        max = AUTOCLOSE_BATCH;
    enum td_err rc = store_case_resolved_before(c->st, cutoff, max, codes, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        struct close_job j = {c, a, codes[i], cutoff, now, 0};
        rc = store_write(c->st, close_job, &j);
        *closed += (size_t)j.closed;
    }
    return rc;
}

/* ---------- the queue ---------- */

const char *case_search_query(struct arena *a, const char *q)
{
    struct vn_str fold;
    if (q == NULL || *q == '\0' || vn_fold(a, q, strlen(q), &fold) != TD_OK)
        return NULL;
    size_t cap = fold.len * 3 + 16;
    char *out = arena_alloc(a, cap);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    int ntok = 0;
    for (size_t i = 0; i < fold.len && ntok < 16;) {
        unsigned char ch = (unsigned char)fold.p[i];
        int tokch = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
        if (!tokch) {
            i++;
            continue;
        }
        if (ntok)
            out[o++] = ' ';
        out[o++] = '"';
        while (i < fold.len) {
            ch = (unsigned char)fold.p[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80))
                break;
            out[o++] = (char)ch;
            i++;
        }
        out[o++] = '"';
        ntok++;
    }
    out[o] = '\0';
    return ntok ? out : NULL;
}

/* A count or an id in a query string: ASCII digits only, at most 18 of them (strtoll alone took
 * "+5", " 5" and "-1"; tester finding). */
static int parse_digits(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 18)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_cursor(const char *s, struct store_queue_query *q)
{
    int64_t v[4];
    char buf[96];
    if (strlen(s) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", s);
    char *p = buf;
    for (int i = 0; i < 4; i++) {
        char *dot = strchr(p, i < 3 ? '.' : '\0');
        if (dot == NULL)
            return -1;
        *dot = '\0';
        if (parse_digits(p, &v[i]) != 0)
            return -1;
        p = dot + 1;
    }
    if (v[0] > 3 || v[3] < 1) /* urgency rank 0..3; case ids start at 1 */
        return -1;
    q->has_cursor = 1;
    q->cur_urgency = v[0];
    q->cur_due = v[1];
    q->cur_opened = v[2];
    q->cur_id = v[3];
    return 0;
}

enum td_err case_queue(struct core *c, struct arena *a, const struct actor *by,
                       const struct case_queue_req *r, struct case_queue_page *out,
                       struct core_fail *f)
{
    struct store_queue_query q;
    struct store_account acc;
    int more = 0;
    core_fail_set(f, TD_OK, NULL, NULL);
    memset(out, 0, sizeof *out);
    memset(&q, 0, sizeof q);
    enum td_err rc = access_check(by, ACCESS_QUEUE_READ, NULL);
    if (rc)
        return rc;
    access_scope(by, &q.scope);
    q.urgency = -1;
    q.assignee_id = -1;
    q.limit = 50;
    if (present(r->status)) {
        const char *p = r->status;
        while (*p) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            char one[16];
            enum case_status s;
            if (n == 0 || n >= sizeof one)
                return core_fail_set(f, TD_EINVAL, "status", "invalid");
            memcpy(one, p, n);
            one[n] = '\0';
            if (case_status_parse(one, &s) != 0)
                return core_fail_set(f, TD_EINVAL, "status", "invalid");
            q.status_mask |= 1u << s;
            p += n + (comma ? 1 : 0);
        }
    }
    if (present(r->urgency) && case_urgency_parse(r->urgency, &q.urgency) != 0)
        return core_fail_set(f, TD_EINVAL, "urgency", "invalid");
    if (present(r->category)) {
        enum triage_category cat;
        if (triage_category_parse(r->category, &cat) != 0)
            return core_fail_set(f, TD_EINVAL, "category", "invalid");
        q.category = r->category;
    }
    if (present(r->assignee)) {
        if (strcmp(r->assignee, "none") == 0) {
            q.assignee_id = 0;
        } else if (strcmp(r->assignee, "me") == 0) {
            q.assignee_id = by->account_id;
        } else {
            if (!auth_username_ok(r->assignee))
                return core_fail_set(f, TD_EINVAL, "assignee", "unknown");
            rc = store_account_get(c->st, r->assignee, &acc);
            /* Within the caller's scope: a counsellor asking for a name from another
             * institution hears "unknown", as for a name nobody has (tester finding: the
             * answers differed, so usernames could be probed across institutions). A disabled
             * colleague is still found: their cases wait to be handed over. */
            if (rc == TD_OK && q.scope.kind == STORE_SCOPE_INSTITUTION &&
                acc.institution_id != q.scope.institution_id)
                rc = TD_ENOTFOUND;
            if (rc == TD_ENOTFOUND)
                return core_fail_set(f, TD_EINVAL, "assignee", "unknown");
            if (rc)
                return rc;
            sodium_memzero(acc.pw_hash, sizeof acc.pw_hash);
            q.assignee_id = acc.id;
        }
    }
    if (present(r->limit)) {
        int64_t lim;
        if (parse_digits(r->limit, &lim) != 0 || lim < 1 || lim > 200)
            return core_fail_set(f, TD_EINVAL, "limit", "invalid");
        q.limit = (unsigned)lim;
    }
    if (present(r->cursor) && parse_cursor(r->cursor, &q) != 0)
        return core_fail_set(f, TD_EINVAL, "cursor", "invalid");
    if (present(r->since) && td_parse_rfc3339(r->since, &q.since) != 0)
        return core_fail_set(f, TD_EINVAL, "since", "invalid");
    if (present(r->q)) {
        if (strlen(r->q) > 1000 || vn_utf8_check(r->q, strlen(r->q)) != TD_OK)
            return core_fail_set(f, TD_EINVAL, "q", "invalid");
        q.match = case_search_query(a, r->q);
    }
    rc = store_case_queue(c->st, a, &q, &out->items, &out->n, &more);
    if (rc)
        return rc;
    out->now = td_now_ms();
    out->overdue = arena_calloc(a, out->n ? out->n : 1, sizeof *out->overdue);
    if (out->overdue == NULL)
        return TD_ENOMEM;
    for (size_t i = 0; i < out->n; i++) {
        enum case_status s = ST_NEW;
        case_status_parse(out->items[i].status, &s);
        out->overdue[i] =
            case_overdue(s, out->items[i].first_response_at, out->items[i].due_at, out->now);
    }
    if (more && out->n) {
        const struct store_queue_item *l = &out->items[out->n - 1];
        out->next_cursor = arena_printf(a, "%d.%lld.%lld.%lld", l->urgency, (long long)l->due_at,
                                        (long long)l->opened_at, (long long)l->id);
        if (out->next_cursor == NULL)
            return TD_ENOMEM;
    }
    return TD_OK;
}
