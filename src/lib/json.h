/*
 * JSON helpers over jansson: request-arena allocation, bounded parsing with error positions,
 * serialisation into an arena.
 *
 * Allocation. td_json_init() installs jansson allocation functions once per process. While a
 * thread has a current arena (td_json_use_arena), every jansson allocation on that thread comes
 * from the arena and is released with it: json_decref is then optional and never frees. Outside
 * an arena (start-up, commands) jansson uses malloc as usual. Each block carries a 16-byte tag
 * saying where it came from, so a value may be decref'd on either side.
 * Rule: a json_t created inside a request must not outlive the request (no caching it).
 * The functions are installed by a constructor before main() whenever this file is linked in
 * (td_json_init() is idempotent and may be called again), so blocks are always tagged.
 */
#ifndef TD_LIB_JSON_H
#define TD_LIB_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/err.h"

/** Install the allocation functions (idempotent, thread-safe). */
void td_json_init(void);

/** Make a the current thread's jansson arena (NULL: back to malloc). Returns the previous one. */
struct arena *td_json_use_arena(struct arena *a);

/** Where a parse failed. line and column are 1-based (column counts characters, as jansson). */
struct td_json_error {
    int line;
    int column;
    size_t position; /* byte offset */
    int too_deep;    /* nesting deeper than allowed */
    int not_object;  /* valid JSON, but not an object (null, a number, an array, ...) */
    char text[160];  /* jansson's message (English, for logs) */
};

/**
 * Parse buf[0..len) as one JSON object, nested at most max_depth levels (0 = no limit besides
 * jansson's own). Duplicate keys and trailing garbage are refused; NUL bytes inside strings are
 * refused. On success *out holds a new reference. TD_EBADJSON (err filled) on malformed input,
 * a non-object top level or excess depth; TD_ENOMEM when out of memory (arena cap).
 */
enum td_err td_json_parse(const char *buf, size_t len, unsigned max_depth, json_t **out,
                          struct td_json_error *err);

/**
 * Nesting depth check without parsing: 0 when buf never nests deeper than max_depth arrays or
 * objects, else -1 with *pos set to the offending byte offset.
 */
int td_json_depth_ok(const char *buf, size_t len, unsigned max_depth, size_t *pos);

/** Compact serialisation of v into arena a (NUL-terminated); NULL on failure. */
char *td_json_dump(struct arena *a, const json_t *v, size_t *len);

/** The string member key of obj, or NULL when missing or not a string; length in *len. */
const char *td_json_str(const json_t *obj, const char *key, size_t *len);

#endif
