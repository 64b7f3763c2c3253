#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/err.h"
#include "lib/timeutil.h"

static void rfc3339_round_trip(void **state)
{
    (void)state;
    char buf[40];
    td_format_rfc3339(0, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
    td_format_rfc3339(1796319780123, buf, sizeof buf);
    int64_t ms = 0;
    assert_int_equal(td_parse_rfc3339(buf, &ms), 0);
    assert_int_equal(ms, 1796319780123);
}

static void rfc3339_offsets_and_errors(void **state)
{
    (void)state;
    int64_t a = 0, b = 0;
    /* 07:00 in Ho Chi Minh City is midnight UTC. */
    assert_int_equal(td_parse_rfc3339("2026-12-03T07:00:00+07:00", &a), 0);
    assert_int_equal(td_parse_rfc3339("2026-12-03T00:00:00Z", &b), 0);
    assert_int_equal(a, b);
    assert_int_equal(td_parse_rfc3339("2026-02-29T00:00:00Z", &a), -1);
    assert_int_equal(td_parse_rfc3339("2024-02-29T00:00:00Z", &a), 0);
    assert_int_equal(td_parse_rfc3339("2026-13-01T00:00:00Z", &a), -1);
    assert_int_equal(td_parse_rfc3339("2026-12-03 00:00:00", &a), -1);
    assert_int_equal(td_parse_rfc3339("2026-12-03T00:00:00Zjunk", &a), -1);
    assert_int_equal(td_parse_rfc3339("", &a), -1);
    assert_int_equal(td_parse_rfc3339("2026-12-03T00:00:00.Z", &a), -1);
}

static void error_table_is_consistent(void **state)
{
    (void)state;
    assert_int_equal(td_err_http(TD_EINVAL), 422);
    assert_string_equal(td_err_code(TD_ENOTFOUND), "not_found");
    assert_int_equal(td_err_http((enum td_err)999), 500);
    assert_string_equal(td_err_code((enum td_err)999), "internal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_round_trip),
        cmocka_unit_test(rfc3339_offsets_and_errors),
        cmocka_unit_test(error_table_is_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
