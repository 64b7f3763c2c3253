/*
 * Time: storage is UTC milliseconds since the epoch (int64). Never depends on the process TZ.
 */
#ifndef TD_LIB_TIMEUTIL_H
#define TD_LIB_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/** Wall clock, UTC ms since the epoch. */
int64_t td_now_ms(void);
/** Monotonic clock in ns, for durations. */
int64_t td_mono_ns(void);
/** Format ms as RFC 3339 UTC with milliseconds: "2026-12-03T17:38:07.123Z". Needs 25 bytes. */
void td_format_rfc3339(int64_t ms, char *out, size_t outlen);
/**
 * Parse RFC 3339 ("YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM]") into UTC ms.
 * Returns 0 on success, -1 on a malformed or out-of-range value.
 */
int td_parse_rfc3339(const char *s, int64_t *ms);

#endif
