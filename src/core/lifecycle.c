#include "core/lifecycle.h"

#include <string.h>

static const char *const status_names[CASE_NSTATUS] = {"new",      "open",     "waiting",
                                                       "referred", "resolved", "closed"};

/* allowed[from] = bit mask of statuses reachable by a staff action. */
#define B(s) (1u << (s))
static const unsigned allowed[CASE_NSTATUS] = {
    [ST_NEW] = B(ST_OPEN) | B(ST_WAITING) | B(ST_REFERRED) | B(ST_RESOLVED),
    [ST_OPEN] = B(ST_WAITING) | B(ST_REFERRED) | B(ST_RESOLVED),
    [ST_WAITING] = B(ST_OPEN) | B(ST_REFERRED) | B(ST_RESOLVED),
    [ST_REFERRED] = B(ST_OPEN) | B(ST_WAITING) | B(ST_RESOLVED),
    [ST_RESOLVED] = B(ST_OPEN) | B(ST_CLOSED),
    [ST_CLOSED] = B(ST_OPEN),
};
#undef B

const char *case_status_code(enum case_status s)
{
    return (unsigned)s < CASE_NSTATUS ? status_names[s] : "new";
}

int case_status_parse(const char *s, enum case_status *out)
{
    for (int i = 0; s && i < CASE_NSTATUS; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *out = (enum case_status)i;
            return 0;
        }
    }
    return -1;
}

int case_transition_ok(enum case_status from, enum case_status to)
{
    if ((unsigned)from >= CASE_NSTATUS || (unsigned)to >= CASE_NSTATUS)
        return 0;
    return (allowed[from] >> to) & 1u;
}

size_t case_transitions(enum case_status from, const char **out, size_t max)
{
    size_t n = 0;
    for (int to = 0; to < CASE_NSTATUS && n < max; to++)
        if (case_transition_ok(from, (enum case_status)to))
            out[n++] = status_names[to];
    return n;
}

static const char *const urgency_names[URGENCY_RANKS] = {"critical", "high", "medium", "low"};

const char *case_urgency_code(int rank)
{
    return rank >= 0 && rank < URGENCY_RANKS ? urgency_names[rank] : "low";
}

int case_urgency_parse(const char *s, int *rank)
{
    for (int i = 0; s && i < URGENCY_RANKS; i++) {
        if (strcmp(s, urgency_names[i]) == 0) {
            *rank = i;
            return 0;
        }
    }
    return -1;
}

int64_t case_due_at(const struct td_config *cfg, int64_t opened_ms, int rank)
{
    if (rank < 0 || rank >= URGENCY_RANKS)
        rank = URGENCY_RANKS - 1;
    return opened_ms + (int64_t)cfg->sla_minutes[rank] * 60000;
}

int case_overdue(enum case_status s, int64_t first_response_at, int64_t due_at, int64_t now)
{
    return first_response_at == 0 && s != ST_RESOLVED && s != ST_CLOSED && now > due_at;
}
