#include <stdarg.h>
#include <stdio.h>

#include "cmd/cmd.h"

int cmd_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("tongdai: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}
