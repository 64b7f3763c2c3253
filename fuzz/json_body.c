/*
 * Fuzz td_json_parse, the parser of every JSON request body, as the server calls it: inside a
 * request arena (jansson allocating from it) with the default nesting limit 16.
 * Properties: the result is TD_OK, TD_EBADJSON or TD_ENOMEM; an error names a line and column
 * from 1 and a byte position inside the input (for excess depth: an opening bracket); a value is
 * an object nested at most 16 deep whose strings and keys are UTF-8 without NUL; it serialises
 * (td_json_dump) to text that parses back to an equal value; without the depth limit the parse
 * agrees (same value; refused only when the limited parse refused too); and the depth pre-scan
 * agrees with the nesting of every accepted value.
 */
#include "fuzz.h"

#include "lib/json.h"

int fuzz_json_body(const uint8_t *d, size_t n);

#define FUZZ_JSON_DEPTH 16u

/* Nesting depth of v (a scalar is 0); checks every string and key on the way. */
static unsigned fuzz_json_walk(const json_t *v)
{
    unsigned deepest = 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        FUZZ_CHECK(strlen(s) == len);
        FUZZ_CHECK(vn_utf8_check(s, len) == TD_OK);
        return 0;
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        json_object_foreach((json_t *)(uintptr_t)v, key, m)
        {
            FUZZ_CHECK(vn_utf8_check(key, strlen(key)) == TD_OK);
            unsigned dm = fuzz_json_walk(m);
            if (dm > deepest)
                deepest = dm;
        }
        return deepest + 1;
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            unsigned dm = fuzz_json_walk(json_array_get(v, i));
            if (dm > deepest)
                deepest = dm;
        }
        return deepest + 1;
    }
    return 0;
}

static void fuzz_json_error_ok(const struct td_json_error *e, const char *buf, size_t n)
{
    FUZZ_CHECK(e->line >= 1 && e->column >= 1);
    FUZZ_CHECK(e->position <= n);
    FUZZ_CHECK(memchr(e->text, '\0', sizeof e->text) != NULL);
    if (e->too_deep)
        FUZZ_CHECK(e->position < n && (buf[e->position] == '[' || buf[e->position] == '{'));
}

int fuzz_json_body(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    /* the request body as the server holds it: a NUL-terminated copy */
    char *buf = malloc(n + 1);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, d, n);
    buf[n] = '\0';
    struct arena a;
    arena_init(&a, 16 * (n + 1024) + (1u << 20));
    struct arena *prev = td_json_use_arena(&a);

    json_t *v = NULL, *u = NULL, *back = NULL;
    struct td_json_error e, eu, eb;
    enum td_err r = td_json_parse(buf, n, FUZZ_JSON_DEPTH, &v, &e);
    FUZZ_CHECK(r == TD_OK || r == TD_EBADJSON || r == TD_ENOMEM);
    enum td_err ru = td_json_parse(buf, n, 0, &u, &eu);
    FUZZ_CHECK(ru == TD_OK || ru == TD_EBADJSON || ru == TD_ENOMEM);
    size_t pos = 0;
    int shallow = td_json_depth_ok(buf, n, FUZZ_JSON_DEPTH, &pos) == 0;
    if (r == TD_EBADJSON)
        fuzz_json_error_ok(&e, buf, n);
    if (ru == TD_EBADJSON) {
        fuzz_json_error_ok(&eu, buf, n);
        FUZZ_CHECK(!eu.too_deep);
        FUZZ_CHECK(r != TD_OK); /* the limit only ever refuses more */
    }
    if (r == TD_OK) {
        FUZZ_CHECK(json_is_object(v));
        FUZZ_CHECK(fuzz_json_walk(v) <= FUZZ_JSON_DEPTH);
        if (ru == TD_OK)
            FUZZ_CHECK(json_equal(v, u));
        size_t len = 0;
        char *text = td_json_dump(&a, v, &len);
        if (text != NULL) {
            FUZZ_CHECK(strlen(text) == len);
            enum td_err rb = td_json_parse(text, len, FUZZ_JSON_DEPTH, &back, &eb);
            if (rb != TD_ENOMEM && (rb != TD_OK || !json_equal(v, back)))
                FUZZ_FAIL("dump of a parsed body does not parse back equal: [%s]", text);
        }
    }
    if (ru == TD_OK) {
        FUZZ_CHECK(json_is_object(u));
        unsigned depth = fuzz_json_walk(u);
        /* the lexical pre-scan is exact on valid JSON */
        FUZZ_CHECK(shallow == (depth <= FUZZ_JSON_DEPTH));
        if (depth <= FUZZ_JSON_DEPTH)
            FUZZ_CHECK(r == TD_OK || r == TD_ENOMEM);
        else
            FUZZ_CHECK(r == TD_EBADJSON && e.too_deep);
    }
    json_decref(v);
    json_decref(u);
    json_decref(back);
    td_json_use_arena(prev);
    arena_free(&a);
    free(buf);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_json_body(d, n);
}
#endif
