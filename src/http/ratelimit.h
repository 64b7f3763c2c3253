/*
 * A per-key rate limiter: a token bucket per key ("limit events per window, bursts up to
 * limit", kept as GCRA: one timestamp per key), thread-safe, in bounded memory.
 *
 * Keys are hashed with SipHash under a random per-process key (libsodium crypto_shorthash), so
 * no key text (addresses, usernames) is kept and an attacker cannot aim keys at one slot.
 * Memory is fixed at creation: a table of max_keys slots rounded up to a power of two, in groups
 * of 8 with one lock per group. A new key takes a free or refilled slot of its group, else the
 * one idle longest; so at most max_keys keys are tracked, and under a flood of distinct keys the
 * quietest keys are forgotten first (their next event is allowed).
 */
#ifndef TD_HTTP_RATELIMIT_H
#define TD_HTTP_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct ratelimit;

/**
 * A limiter allowing limit events per window_s seconds per key (steady rate limit/window_s,
 * bursts of up to limit). limit 0 means "off": returns NULL, and a NULL limiter allows all.
 * NULL also when out of memory or window_s is 0 (the caller treats a limit it asked for and did
 * not get as a start-up error).
 */
struct ratelimit *ratelimit_new(unsigned limit, unsigned window_s, size_t max_keys);
void ratelimit_free(struct ratelimit *rl);

/**
 * Count one event for key[0..len) at time now_ms (td_now_ms() or a monotonic clock; it only
 * needs to be non-decreasing). TD_OK when allowed; TD_ELIMIT when over the limit, with
 * *retry_after_s set to the whole seconds until one event will be allowed (at least 1).
 * A refused event is not counted.
 */
enum td_err ratelimit_hit(struct ratelimit *rl, const void *key, size_t len, int64_t now_ms,
                          unsigned *retry_after_s);

#endif
