/*
 * Replays every seed and regression input under fuzz/corpus/<driver>/ through the fuzz drivers'
 * entry points (the drivers are included with TD_FUZZ_NO_MAIN), so `make test` runs them under
 * the normal and the sanitizer build without clang or libFuzzer. A broken property aborts and
 * the log names the file being replayed.
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
#include "../../../fuzz/canon_phone.c"
#include "../../../fuzz/canon_url.c"
#include "../../../fuzz/entities.c"
#include "../../../fuzz/text_normalize.c"
#include "../../../fuzz/text_tokenize.c"

static const struct {
    const char *dir;
    int (*fn)(const uint8_t *, size_t);
} DRIVERS[] = {
    {"text_normalize", fuzz_text_normalize},
    {"text_tokenize", fuzz_text_tokenize},
    {"canon_url", fuzz_canon_url},
    {"canon_phone", fuzz_canon_phone},
    {"entities", fuzz_entities},
};

static void replay_every_seed(void **state)
{
    (void)state;
    size_t total = 0;
    for (size_t d = 0; d < sizeof DRIVERS / sizeof DRIVERS[0]; d++) {
        size_t n = replay_corpus(DRIVERS[d].dir, DRIVERS[d].fn);
        print_message("%-15s %zu inputs\n", DRIVERS[d].dir, n);
        if (n < 3)
            fail_msg("%s: only %zu seeds", DRIVERS[d].dir, n);
        total += n;
    }
    assert_true(total >= 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_every_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
