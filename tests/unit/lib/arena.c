#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/arena.h"
#include "lib/strbuf.h"

static void arena_allocates_aligned_and_frees(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    for (int i = 0; i < 1000; i++) {
        char *p = arena_alloc(&a, (size_t)i + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 'x', (size_t)i + 1);
    }
    char *s = arena_printf(&a, "%s-%d", "case", 42);
    assert_string_equal(s, "case-42");
    arena_free(&a);
    assert_null(a.head);
}

static void arena_refuses_past_cap(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 8192);
    assert_non_null(arena_alloc(&a, 1000));
    assert_null(arena_alloc(&a, 100000));
    assert_null(arena_alloc(&a, SIZE_MAX));
    assert_null(arena_calloc(&a, SIZE_MAX / 2, 4));
    arena_free(&a);
}

static void strbuf_caps_growth(void **state)
{
    (void)state;
    struct sb b;
    sb_init(&b, 10);
    assert_int_equal(sb_puts(&b, "0123456789"), TD_OK);
    assert_int_equal(sb_putc(&b, 'x'), TD_ETOOBIG);
    assert_string_equal(sb_cstr(&b), "0123456789");
    sb_reset(&b);
    assert_int_equal(sb_printf(&b, "%d", 12345), TD_OK);
    assert_string_equal(sb_cstr(&b), "12345");
    assert_int_equal(sb_printf(&b, "%s", "toolong!"), TD_ETOOBIG);
    sb_free(&b);
    sb_init(&b, 4);
    assert_string_equal(sb_cstr(&b), "");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocates_aligned_and_frees),
        cmocka_unit_test(arena_refuses_past_cap),
        cmocka_unit_test(strbuf_caps_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
