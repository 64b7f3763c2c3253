#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/timeutil.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level lvl)
{
    min_level = lvl;
}

void log_line(enum log_level lvl, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (lvl < min_level)
        return;
    char line[2048];
    char ts[40];
    td_format_rfc3339(td_now_ms(), ts, sizeof ts);
    int n = snprintf(line, sizeof line, "time=%s level=%s ", ts, names[lvl]);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + (size_t)m;
    if (len >= sizeof line - 1)
        len = sizeof line - 2; /* truncated line: still one line */
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
