#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/config.h"

static void ini_sets_values(void **state)
{
    (void)state;
    struct td_config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(c.conn_limit_per_ip, 64);
    const char *ini =
        "# comment\n[server]\nlisten = 0.0.0.0:9090\nthreads=4\nconnection_limit_per_ip = 5\n\n"
        "[limits]\nlogin_per_minute = 3 \n; other comment\n[sla]\ncritical_minutes=10\n";
    assert_int_equal(config_apply_ini(&c, "t.conf", ini, err, sizeof err), TD_OK);
    assert_string_equal(c.listen_addr, "0.0.0.0");
    assert_int_equal(c.listen_port, 9090);
    assert_int_equal(c.threads, 4);
    assert_int_equal(c.conn_limit_per_ip, 5);
    assert_int_equal(c.rl_login_per_min, 3);
    assert_int_equal(c.sla_minutes[0], 10);
}

static void ini_errors_name_the_line(void **state)
{
    (void)state;
    struct td_config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(config_apply_ini(&c, "t.conf", "[server]\nlisten = nope\n", err, sizeof err),
                     TD_EINVAL);
    assert_non_null(strstr(err, "t.conf:2"));
    assert_int_equal(
        config_apply_ini(&c, "t.conf", "[limits]\nlogin_per_mnute = 3\n", err, sizeof err),
        TD_EINVAL);
    assert_non_null(strstr(err, "unknown setting"));
    assert_int_equal(config_apply_ini(&c, "t.conf", "[server]\nthreads = -1\n", err, sizeof err),
                     TD_EINVAL);
    assert_int_equal(config_apply_ini(&c, "t.conf", "[server\n", err, sizeof err), TD_EINVAL);
    assert_int_equal(config_apply_ini(&c, "t.conf", "novalue\n", err, sizeof err), TD_EINVAL);
}

static void listen_parsing(void **state)
{
    (void)state;
    struct td_config c;
    config_defaults(&c);
    assert_int_equal(config_parse_listen(&c, "localhost:1"), 0);
    assert_string_equal(c.listen_addr, "127.0.0.1");
    assert_int_equal(config_parse_listen(&c, "127.0.0.1:65536"), -1);
    assert_int_equal(config_parse_listen(&c, "127.0.0.1:"), -1);
    assert_int_equal(config_parse_listen(&c, ":80"), -1);
    assert_int_equal(config_parse_listen(&c, "300.0.0.1:80"), -1);
}

static void env_overrides(void **state)
{
    (void)state;
    struct td_config c;
    char err[256];
    config_defaults(&c);
    setenv("TONGDAI_LISTEN", "127.0.0.1:7000", 1);
    setenv("TONGDAI_LIMITS_REPORT_PER_MINUTE", "77", 1);
    assert_int_equal(config_apply_env(&c, err, sizeof err), TD_OK);
    assert_int_equal(c.listen_port, 7000);
    assert_int_equal(c.rl_report_per_min, 77);
    setenv("TONGDAI_LIMITS_REPORT_PER_MINUTE", "lots", 1);
    assert_int_equal(config_apply_env(&c, err, sizeof err), TD_EINVAL);
    unsetenv("TONGDAI_LIMITS_REPORT_PER_MINUTE");
    unsetenv("TONGDAI_LISTEN");
    /* Regression (tester finding): a misspelt setting in one of our sections was ignored. */
    setenv("TONGDAI_SERVER_THREADZ", "4", 1);
    assert_int_equal(config_apply_env(&c, err, sizeof err), TD_EINVAL);
    assert_non_null(strstr(err, "TONGDAI_SERVER_THREADZ"));
    unsetenv("TONGDAI_SERVER_THREADZ");
    setenv("TONGDAI_TEST_ROUTES", "1", 1); /* not a section of settings: ignored */
    assert_int_equal(config_apply_env(&c, err, sizeof err), TD_OK);
    unsetenv("TONGDAI_TEST_ROUTES");
}

static void duplicate_settings_name_both_lines(void **state)
{
    (void)state;
    struct td_config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(
        config_apply_ini(&c, "t.conf", "[server]\nthreads = 2\n\nthreads = 3\n", err, sizeof err),
        TD_EINVAL);
    assert_string_equal(err,
                        "t.conf:4: duplicate setting 'server.threads' (already set on line 2)");
    /* one setting under its two names */
    assert_int_equal(
        config_apply_ini(&c, "t.conf", "data = /a\n[server]\ndata = /b\n", err, sizeof err),
        TD_EINVAL);
    assert_string_equal(err, "t.conf:3: duplicate setting 'server.data' (already set on line 1)");
    /* the same key name in two sections is two settings */
    config_defaults(&c);
    assert_int_equal(config_apply_ini(&c, "t.conf",
                                      "[limits]\nlogin_per_minute = 5\n[server]\nthreads = 1\n",
                                      err, sizeof err),
                     TD_OK);
    /* each call starts afresh (the environment and flags override the file on purpose) */
    assert_int_equal(config_apply_ini(&c, "t.conf", "[server]\nthreads = 2\n", err, sizeof err),
                     TD_OK);
    assert_int_equal(c.threads, 2);
}

static void file_must_be_text(void **state)
{
    (void)state;
    struct td_config c;
    char err[256];
    config_defaults(&c);
    /* the tester's file: printf '\x00\x01\x02\xff' */
    static const char garbage[] = "\x00\x01\x02\xff";
    assert_int_equal(config_apply_file(&c, "t.conf", garbage, 4, err, sizeof err), TD_EINVAL);
    assert_string_equal(err, "t.conf:1: not a text file (a NUL byte at byte 0)");
    static const char nul_later[] = "[server]\nthreads = 2\0junk\n";
    assert_int_equal(
        config_apply_file(&c, "t.conf", nul_later, sizeof nul_later - 1, err, sizeof err),
        TD_EINVAL);
    assert_string_equal(err, "t.conf:2: not a text file (a NUL byte at byte 20)");
    static const char latin1[] = "# ghi ch\xfa\n[server]\nthreads = 2\n";
    assert_int_equal(config_apply_file(&c, "t.conf", latin1, sizeof latin1 - 1, err, sizeof err),
                     TD_EINVAL);
    assert_non_null(strstr(err, "t.conf:1: not a text file (bytes that are not UTF-8"));
    static const char ctl[] = "[server]\n\x1b[31mthreads = 2\n";
    assert_int_equal(config_apply_file(&c, "t.conf", ctl, sizeof ctl - 1, err, sizeof err),
                     TD_EINVAL);
    assert_non_null(strstr(err, "t.conf:2: not a text file (a control character"));
    static const char overlong[] = "# \xc0\xaf\n";
    assert_int_equal(
        config_apply_file(&c, "t.conf", overlong, sizeof overlong - 1, err, sizeof err), TD_EINVAL);
    /* Vietnamese comments, tabs and CRLF line ends are text */
    static const char ok[] = "# ghi chú tiếng Việt\r\n[server]\r\n\tthreads = 3\r\n";
    assert_int_equal(config_apply_file(&c, "t.conf", ok, sizeof ok - 1, err, sizeof err), TD_OK);
    assert_int_equal(c.threads, 3);
    assert_int_equal(config_apply_file(&c, "t.conf", "", 0, err, sizeof err), TD_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ini_sets_values),
        cmocka_unit_test(ini_errors_name_the_line),
        cmocka_unit_test(listen_parsing),
        cmocka_unit_test(env_overrides),
        cmocka_unit_test(duplicate_settings_name_both_lines),
        cmocka_unit_test(file_must_be_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
