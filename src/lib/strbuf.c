#include "lib/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct sb *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static enum td_err grow(struct sb *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return TD_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return TD_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > (b->max + 1) / 2 ? b->max + 1 : cap * 2;
    char *p = realloc(b->p, cap);
    if (p == NULL)
        return TD_ENOMEM;
    b->p = p;
    b->cap = cap;
    return TD_OK;
}

enum td_err sb_append(struct sb *b, const void *data, size_t n)
{
    enum td_err rc = grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return TD_OK;
}

enum td_err sb_puts(struct sb *b, const char *s)
{
    return sb_append(b, s, strlen(s));
}

enum td_err sb_putc(struct sb *b, char c)
{
    return sb_append(b, &c, 1);
}

enum td_err sb_printf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return TD_EINTERNAL;
    enum td_err rc = grow(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return TD_OK;
}

const char *sb_cstr(const struct sb *b)
{
    return b->p ? b->p : "";
}

void sb_reset(struct sb *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

char *sb_take(struct sb *b)
{
    char *p = b->p;
    if (p == NULL)
        p = calloc(1, 1);
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void sb_free(struct sb *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
