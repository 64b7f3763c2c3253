/*
 * Growable byte buffer with a hard cap (like curl's dynbuf). Growing past max fails with
 * TD_ETOOBIG and leaves the content as it was; a failed malloc gives TD_ENOMEM.
 * The content is always NUL-terminated when len > 0 or after sb_cstr().
 */
#ifndef TD_LIB_STRBUF_H
#define TD_LIB_STRBUF_H

#include <stddef.h>

#include "lib/err.h"

struct sb {
    char *p;
    size_t len;
    size_t cap;
    size_t max;
};

/** An empty buffer that may hold at most max bytes (excluding the NUL). Never fails. */
void sb_init(struct sb *b, size_t max);
enum td_err sb_append(struct sb *b, const void *data, size_t n);
enum td_err sb_puts(struct sb *b, const char *s);
enum td_err sb_putc(struct sb *b, char c);
enum td_err sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** The content as a C string ("" when empty); valid until the next change. */
const char *sb_cstr(const struct sb *b);
void sb_reset(struct sb *b);
/** Hand the malloc'd string to the caller (who frees it); the buffer becomes empty. */
char *sb_take(struct sb *b);
void sb_free(struct sb *b);

#endif
