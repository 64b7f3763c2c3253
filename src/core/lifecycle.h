/*
 * The case lifecycle (DESIGN.md section 5) and SLA clocks.
 *
 *   new ──> open <──> waiting          open, waiting ──> referred ──> open, waiting
 *    │        │          │                   │
 *    └────────┴──────────┴──> resolved <─────┘      resolved ──> closed
 *                               │   ^                resolved, closed ──> open (reopen)
 *
 * new may also go straight to waiting or referred (the first staff action implies opening).
 * Staff actions that open a case implicitly: claiming it (assignee set) and the first public
 * reply. A student writing again reopens a resolved or closed case and answers a waiting one.
 *
 * Due time = opened + the first-response target of the urgency, from the configuration
 * (sla.*_minutes): plain UTC millisecond arithmetic, never the process time zone.
 */
#ifndef TD_CORE_LIFECYCLE_H
#define TD_CORE_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

enum case_status { ST_NEW = 0, ST_OPEN, ST_WAITING, ST_REFERRED, ST_RESOLVED, ST_CLOSED };
#define CASE_NSTATUS 6

/** "new", "open", ... */
const char *case_status_code(enum case_status s);
/** 0 and *out, or -1 for an unknown code. */
int case_status_parse(const char *s, enum case_status *out);

/** Whether a staff member may move a case from -> to (from == to is not a transition). */
int case_transition_ok(enum case_status from, enum case_status to);
/** The statuses a staff member may move a case to from `from`; returns how many (<= 6). */
size_t case_transitions(enum case_status from, const char **out, size_t max);

/* Urgency ranks as stored: 0 critical, 1 high, 2 medium, 3 low. */
#define URGENCY_RANKS 4
/** "critical", "high", "medium", "low"; "low" for out-of-range values. */
const char *case_urgency_code(int rank);
/** 0 and *rank, or -1. */
int case_urgency_parse(const char *s, int *rank);

/** opened_ms + the configured first-response target of the urgency rank. */
int64_t case_due_at(const struct td_config *cfg, int64_t opened_ms, int rank);

/** Overdue: no first response yet, not resolved/closed, and now is past due. */
int case_overdue(enum case_status s, int64_t first_response_at, int64_t due_at, int64_t now);

#endif
