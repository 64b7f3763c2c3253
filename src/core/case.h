/*
 * Cases: intake (API reports, phone calls logged by staff, bulk import), the staff view, changes
 * (status, assignee, category, urgency), messages both ways, the student's view, contact details
 * and the queue. Every function checks access (core/access.h) and writes its case_event and
 * audit rows in the same transaction as the change itself.
 */
#ifndef TD_CORE_CASE_H
#define TD_CORE_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/core.h"
#include "core/lifecycle.h"
#include "core/secret.h"
#include "lib/arena.h"
#include "store/store.h"

#define CASE_TEXT_MAX_CHARS 20000 /* after NFC */
#define CASE_NAME_MAX_CHARS 200
#define CASE_REASON_MAX_CHARS 2000
#define CASE_LINKS_MAX 50

/** A report or logged call. Strings are NUL-terminated; NULL or "" means absent. */
struct case_intake {
    const char *institution; /* code; staff may leave it empty (their own) */
    const char *text;
    size_t text_len;
    const char *channel; /* web|chat|phone|email|api; default web (student), phone (staff) */
    const char *contact_name, *contact_phone, *contact_email;
    int consent_contact;
    int64_t received_at; /* 0 = now; the command-line import may give an earlier time */
};

struct case_intake_result {
    char code[CASE_CODE_LEN + 1];
    char access_key[ACCESS_KEY_SHOWN + 1]; /* shown once, stored only as a hash */
    const char *category;                  /* static */
    int urgency;                           /* rank */
    int score, needs_review;
    const char *status;
    int64_t opened_at, due_at;
};

/**
 * Validate, classify and store a new case; returns after the commit. by: NULL for an anonymous
 * report; staff (counsellor, lead) for a logged call (institution defaults to theirs, another
 * one is refused); ROLE_SYSTEM for the command line (institution required).
 * TD_EINVAL / TD_EUTF8 with f->field ("institution", "text", "channel", "contact.name",
 * "contact.phone", "contact.email"); TD_EFORBIDDEN for other roles.
 */
enum td_err case_intake(struct core *c, struct arena *a, const struct actor *by,
                        const struct case_intake *in, struct case_intake_result *out,
                        struct core_fail *f);

/** Everything the staff view of a case shows. Memory from the arena given to case_get. */
struct case_view {
    struct store_case c;
    int has_contact;
    int overdue;
    struct store_message *messages;
    size_t nmessages;
    struct store_event *events;
    size_t nevents;
    struct store_entity *entities;
    size_t nentities;
    struct store_link *links;
    size_t nlinks;
    const char *allowed[CASE_NSTATUS];
    size_t nallowed;
};

/** The whole case for staff (counsellor, lead, city). TD_ENOTFOUND outside scope. */
enum td_err case_get(struct core *c, struct arena *a, const struct actor *by, const char *code,
                     struct case_view *out);

/** A change; NULL fields are left as they are. */
struct case_patch {
    const char *status;
    int set_assignee;     /* 1: assignee below (NULL = unassign) */
    const char *assignee; /* username of the same institution, or "me" */
    const char *category;
    const char *urgency;
    const char *reason; /* required when category or urgency change */
};

/**
 * Apply a change (counsellor, lead). TD_ECONFLICT for an illegal status change with
 * f->allowed; TD_EINVAL with f->field ("status", "assignee", "category", "urgency", "reason").
 * Claiming a new case (assignee set, no status given) opens it. A changed urgency moves the due
 * time. Each change is one case_event and one audit row.
 */
enum td_err case_patch(struct core *c, struct arena *a, const struct actor *by, const char *code,
                       const struct case_patch *p, struct core_fail *f);

/**
 * A staff message: a public reply (sets the first-response time once, opens a new case) or an
 * internal note. TD_EINVAL field "body".
 */
enum td_err case_reply(struct core *c, struct arena *a, const struct actor *by, const char *code,
                       const char *body, size_t len, int internal, int64_t *msg_id, int64_t *at,
                       struct core_fail *f);

/** The student's view: status, opened, category and the public messages. */
struct case_public {
    struct store_case c;
    struct store_message *messages;
    size_t nmessages;
};

/** Look a case up by code and access key (TD_ENOTFOUND for either wrong). */
enum td_err case_student_get(struct core *c, struct arena *a, const char *code,
                             const char *access_key, struct case_public *out);

/**
 * The student writes again: reopens a resolved or closed case and answers a waiting one.
 * TD_ENOTFOUND, TD_EINVAL field "text". *status: the status afterwards (static).
 */
enum td_err case_student_write(struct core *c, struct arena *a, const char *code,
                               const char *access_key, const char *text, size_t len,
                               int64_t *msg_id, int64_t *at, const char **status,
                               struct core_fail *f);

struct case_contact {
    int has_contact;
    const char *name, *phone, *email; /* NULL when not given */
    int consent_contact;
};

/**
 * Unseal the reporter's contact details (a lead, or the assigned counsellor): the audit row is
 * committed before anything is returned. TD_ENOTFOUND for city, admin and out of scope;
 * TD_EFORBIDDEN for a counsellor who is not the assignee.
 */
enum td_err case_contact(struct core *c, struct arena *a, const struct actor *by, const char *code,
                         struct case_contact *out);

/** Queue filters as received (strings, NULL = absent). */
struct case_queue_req {
    const char *status, *urgency, *category, *assignee, *q, *limit, *cursor, *since;
};

struct case_queue_page {
    struct store_queue_item *items;
    size_t n;
    int *overdue;            /* per item */
    const char *next_cursor; /* NULL on the last page */
    int64_t now;
};

/**
 * One page of the queue (counsellor, lead, city), ordered by urgency, due time, age.
 * TD_EINVAL with f->field naming the bad filter; TD_EFORBIDDEN for admin.
 */
enum td_err case_queue(struct core *c, struct arena *a, const struct actor *by,
                       const struct case_queue_req *r, struct case_queue_page *out,
                       struct core_fail *f);

/**
 * Close cases resolved more than cfg->autoclose_days ago (DESIGN.md section 5: "closed after
 * follow-up or 7 days"), at most max of them, as the system (a case event and an audit row each).
 * *closed: how many. Nothing when autoclose_days is 0.
 */
enum td_err case_autoclose(struct core *c, struct arena *a, int64_t now, size_t max,
                           size_t *closed);

/** Whether s is one of the channels. */
int case_channel_ok(const char *s);

/**
 * The FTS5 query for a search string: folded tokens, each quoted, all required. NULL when the
 * string has no token (no filter). Memory from a.
 */
const char *case_search_query(struct arena *a, const char *q);

#endif
