#include "lib/json.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every block handed to jansson is preceded by a 16-byte header whose first word says where the
 * block came from. 16 bytes keep the payload aligned like malloc's.
 */
#define TAG_HEAP 0x6a736f6e68656170ull  /* "jsonheap" */
#define TAG_ARENA 0x6a736f6e6172656eull /* "jsonaren" */
#define HDR 16

static _Thread_local struct arena *cur_arena;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void *tagged_malloc(size_t n)
{
    if (n > SIZE_MAX - HDR)
        return NULL;
    unsigned char *p;
    uint64_t tag;
    if (cur_arena != NULL) {
        p = arena_alloc(cur_arena, n + HDR);
        tag = TAG_ARENA;
    } else {
        p = malloc(n + HDR);
        tag = TAG_HEAP;
    }
    if (p == NULL)
        return NULL;
    memcpy(p, &tag, sizeof tag);
    return p + HDR;
}

static void tagged_free(void *ptr)
{
    if (ptr == NULL)
        return;
    unsigned char *p = (unsigned char *)ptr - HDR;
    uint64_t tag;
    memcpy(&tag, p, sizeof tag);
    if (tag == TAG_HEAP) {
        free(p);
    } else if (tag != TAG_ARENA) {
        /* A block jansson did not get from us: memory corruption or td_json_init called late. */
        fputs("tongdai: jansson block with a bad tag\n", stderr);
        abort();
    }
}

static void install(void)
{
    json_set_alloc_funcs(tagged_malloc, tagged_free);
}

void td_json_init(void)
{
    pthread_once(&init_once, install);
}

/* Installed before main() whenever this file is linked in, so no jansson value can exist with
 * an untagged block (td_json_init stays for clarity and for programs that dlopen us). */
__attribute__((constructor)) static void install_early(void)
{
    td_json_init();
}

struct arena *td_json_use_arena(struct arena *a)
{
    struct arena *prev = cur_arena;
    cur_arena = a;
    return prev;
}

int td_json_depth_ok(const char *buf, size_t len, unsigned max_depth, size_t *pos)
{
    unsigned depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\')
                i++; /* skip the escaped character (a \u escape has no quotes or brackets) */
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                *pos = i;
                return -1;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

/* 1-based line and character column of byte offset pos (UTF-8 continuation bytes not counted). */
static void line_col(const char *buf, size_t pos, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < pos; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xc0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

enum td_err td_json_parse(const char *buf, size_t len, unsigned max_depth, json_t **out,
                          struct td_json_error *err)
{
    memset(err, 0, sizeof *err);
    *out = NULL;
    size_t pos = 0;
    if (max_depth > 0 && td_json_depth_ok(buf, len, max_depth, &pos) != 0) {
        err->too_deep = 1;
        err->position = pos;
        line_col(buf, pos, &err->line, &err->column);
        snprintf(err->text, sizeof err->text, "nesting deeper than %u", max_depth);
        return TD_EBADJSON;
    }
    json_error_t je;
    json_t *v = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (v == NULL) {
        /* jansson leaves the text empty on some allocation failures (lexer buffers) */
        if (json_error_code(&je) == json_error_out_of_memory || je.text[0] == '\0')
            return TD_ENOMEM;
        err->line = je.line > 0 ? je.line : 1;
        err->column = je.column > 0 ? je.column : 1;
        err->position = je.position > 0 ? (size_t)je.position : 0;
        /* jansson names its own flag here; say what is wrong with the input instead */
        snprintf(err->text, sizeof err->text, "%s",
                 strstr(je.text, "JSON_ALLOW_NUL") ? "\\u0000 is not allowed in a string"
                                                   : je.text);
        return TD_EBADJSON;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        err->line = 1;
        err->column = 1;
        err->not_object = 1;
        snprintf(err->text, sizeof err->text, "expected a JSON object");
        return TD_EBADJSON;
    }
    *out = v;
    return TD_OK;
}

char *td_json_dump(struct arena *a, const json_t *v, size_t *len)
{
    size_t need = json_dumpb(v, NULL, 0, JSON_COMPACT);
    if (need == 0)
        return NULL;
    char *p = arena_alloc(a, need + 1);
    if (p == NULL)
        return NULL;
    struct arena *prev = td_json_use_arena(a);
    size_t got = json_dumpb(v, p, need, JSON_COMPACT);
    td_json_use_arena(prev);
    if (got != need)
        return NULL;
    p[need] = '\0';
    if (len)
        *len = need;
    return p;
}

const char *td_json_str(const json_t *obj, const char *key, size_t *len)
{
    json_t *s = json_object_get(obj, key);
    if (!json_is_string(s))
        return NULL;
    if (len)
        *len = json_string_length(s);
    return json_string_value(s);
}
