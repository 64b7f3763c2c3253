/*
 * Region allocator with a hard cap. Every request owns one; everything allocated from it is
 * released at once by arena_free(). Allocation past the cap, or a failed malloc, returns NULL:
 * callers treat that as TD_ENOMEM (or TD_ETOOBIG for input-driven growth).
 */
#ifndef TD_LIB_ARENA_H
#define TD_LIB_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used; /* bytes handed out plus block overhead, compared against cap */
    size_t cap;  /* 0 = unlimited */
};

/** Initialise an empty arena that may grow to cap bytes (0 = no cap). Never fails. */
void arena_init(struct arena *a, size_t cap);
/** n bytes aligned for any type, or NULL past the cap / out of memory. Memory is not zeroed. */
void *arena_alloc(struct arena *a, size_t n);
/** Zeroed array of n elements of size sz, or NULL (also on overflow). */
void *arena_calloc(struct arena *a, size_t n, size_t sz);
/** Copy of s[0..len) plus a NUL, or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
/** printf into the arena; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Release every block; the arena may be reused afterwards. */
void arena_free(struct arena *a);

#endif
