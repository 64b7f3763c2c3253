/*
 * Logging in logfmt to stderr: `time=... level=... msg=... key=value ...`.
 * Never log personal data (report text, contact details, passwords, tokens).
 * Thread-safe: each line is written with one write(2).
 */
#ifndef TD_LIB_LOG_H
#define TD_LIB_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/** Write one logfmt line. fmt renders the fields after "level=... " (caller quotes values). */
void log_line(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_info(...) log_line(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_line(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_line(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_line(LOG_DEBUG, __VA_ARGS__)

#endif
