/* The case state machine and SLA clocks (src/core/lifecycle.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/lifecycle.h"
#include "lib/config.h"

static void transitions_follow_the_design(void **state)
{
    (void)state;
    /* Every legal move named in DESIGN.md section 5. */
    assert_true(case_transition_ok(ST_NEW, ST_OPEN));
    assert_true(case_transition_ok(ST_OPEN, ST_WAITING));
    assert_true(case_transition_ok(ST_WAITING, ST_OPEN));
    assert_true(case_transition_ok(ST_OPEN, ST_REFERRED));
    assert_true(case_transition_ok(ST_REFERRED, ST_RESOLVED));
    assert_true(case_transition_ok(ST_RESOLVED, ST_CLOSED));
    assert_true(case_transition_ok(ST_RESOLVED, ST_OPEN));
    assert_true(case_transition_ok(ST_CLOSED, ST_OPEN));
    /* And the illegal ones. */
    assert_false(case_transition_ok(ST_NEW, ST_CLOSED));
    assert_false(case_transition_ok(ST_OPEN, ST_NEW));
    assert_false(case_transition_ok(ST_OPEN, ST_CLOSED));
    assert_false(case_transition_ok(ST_CLOSED, ST_RESOLVED));
    assert_false(case_transition_ok(ST_CLOSED, ST_WAITING));
    assert_false(case_transition_ok(ST_RESOLVED, ST_WAITING));
    for (int s = 0; s < CASE_NSTATUS; s++) {
        assert_false(case_transition_ok((enum case_status)s, (enum case_status)s));
        assert_false(case_transition_ok((enum case_status)s, ST_NEW)); /* never back to new */
    }
    assert_false(case_transition_ok((enum case_status)7, ST_OPEN));
}

static void allowed_list_matches_the_table(void **state)
{
    (void)state;
    const char *out[CASE_NSTATUS];
    size_t n = case_transitions(ST_CLOSED, out, CASE_NSTATUS);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "open");
    n = case_transitions(ST_NEW, out, CASE_NSTATUS);
    assert_int_equal(n, 4);
    assert_string_equal(out[0], "open");
    assert_string_equal(out[3], "resolved");
    for (int from = 0; from < CASE_NSTATUS; from++) {
        n = case_transitions((enum case_status)from, out, CASE_NSTATUS);
        size_t count = 0;
        for (int to = 0; to < CASE_NSTATUS; to++)
            count += (size_t)case_transition_ok((enum case_status)from, (enum case_status)to);
        assert_int_equal(n, count);
    }
    assert_int_equal(case_transitions(ST_NEW, out, 2), 2); /* bounded by max */
}

static void codes_round_trip(void **state)
{
    (void)state;
    enum case_status s;
    for (int i = 0; i < CASE_NSTATUS; i++) {
        assert_int_equal(case_status_parse(case_status_code((enum case_status)i), &s), 0);
        assert_int_equal(s, i);
    }
    assert_int_equal(case_status_parse("Open", &s), -1);
    assert_int_equal(case_status_parse(NULL, &s), -1);
    int r;
    assert_int_equal(case_urgency_parse("critical", &r), 0);
    assert_int_equal(r, 0);
    assert_int_equal(case_urgency_parse("low", &r), 0);
    assert_int_equal(r, 3);
    assert_int_equal(case_urgency_parse("urgent", &r), -1);
}

static void due_times_come_from_config_not_tz(void **state)
{
    (void)state;
    struct td_config cfg;
    config_defaults(&cfg);
    const int64_t opened = 1796318287123; /* 2026-12-03T17:18:07.123Z */
    setenv("TZ", "Asia/Ho_Chi_Minh", 1);
    tzset();
    int64_t d0 = case_due_at(&cfg, opened, 0);
    setenv("TZ", "America/Los_Angeles", 1);
    tzset();
    assert_int_equal(case_due_at(&cfg, opened, 0), d0);
    assert_int_equal(d0, opened + 15 * 60000);
    assert_int_equal(case_due_at(&cfg, opened, 1), opened + 2 * 3600000);
    assert_int_equal(case_due_at(&cfg, opened, 2), opened + 24 * 3600000LL);
    assert_int_equal(case_due_at(&cfg, opened, 3), opened + 72 * 3600000LL);
    cfg.sla_minutes[0] = 5;
    assert_int_equal(case_due_at(&cfg, opened, 0), opened + 5 * 60000);
    /* out-of-range rank counts as low */
    assert_int_equal(case_due_at(&cfg, opened, 9), opened + 72 * 3600000LL);
}

static void overdue_needs_no_response_and_an_open_case(void **state)
{
    (void)state;
    assert_true(case_overdue(ST_NEW, 0, 1000, 1001));
    assert_false(case_overdue(ST_NEW, 0, 1000, 1000));
    assert_false(case_overdue(ST_OPEN, 500, 1000, 5000));
    assert_false(case_overdue(ST_RESOLVED, 0, 1000, 5000));
    assert_false(case_overdue(ST_CLOSED, 0, 1000, 5000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transitions_follow_the_design),
        cmocka_unit_test(allowed_list_matches_the_table),
        cmocka_unit_test(codes_round_trip),
        cmocka_unit_test(due_times_come_from_config_not_tz),
        cmocka_unit_test(overdue_needs_no_response_and_an_open_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
