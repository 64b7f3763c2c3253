/*
 * Replays every seed and regression input under fuzz/corpus/http_path/ and fuzz/corpus/json_body/
 * through the HTTP fuzz drivers' entry points (included with TD_FUZZ_NO_MAIN), so `make test`
 * checks their properties under the normal and the sanitizer build without clang or libFuzzer.
 * A broken property aborts; the log names the file being replayed.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "seeds.h"

#include "lib/fileutil.h"

#define TD_FUZZ_NO_MAIN
#include "../../../fuzz/http_path.c"
#include "../../../fuzz/json_body.c"

static const struct {
    const char *dir;
    int (*fn)(const uint8_t *, size_t);
} DRIVERS[] = {
    {"http_path", fuzz_http_path},
    {"json_body", fuzz_json_body},
};

static void replay_every_seed(void **state)
{
    (void)state;
    td_json_init();
    for (size_t d = 0; d < sizeof DRIVERS / sizeof DRIVERS[0]; d++) {
        size_t n = replay_corpus(DRIVERS[d].dir, DRIVERS[d].fn);
        print_message("%-10s %zu inputs\n", DRIVERS[d].dir, n);
        if (n < 10)
            fail_msg("%s: only %zu seeds", DRIVERS[d].dir, n);
    }
}

/* The drivers' properties hold on inputs written here too (not only on files). */
static void drivers_on_fixed_inputs(void **state)
{
    (void)state;
    static const char *const paths[] = {"/", "/api/v1/reports/K1CN58YW", "/%2e%2e", "", "?"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        fuzz_http_path((const uint8_t *)paths[i], strlen(paths[i]));
    static const char *const bodies[] = {"{}", "{\"a\":[1,{\"b\":null}]}", "[",
                                         "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        fuzz_json_body((const uint8_t *)bodies[i], strlen(bodies[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_every_seed),
        cmocka_unit_test(drivers_on_fixed_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
