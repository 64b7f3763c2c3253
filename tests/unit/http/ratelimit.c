/* The token-bucket limiter: bursts, refill, Retry-After, key independence, bounded memory,
 * and concurrent use from several threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/ratelimit.h"

static enum td_err hit(struct ratelimit *rl, const char *key, int64_t now, unsigned *retry)
{
    return ratelimit_hit(rl, key, strlen(key), now, retry);
}

static void burst_then_refill(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(3, 60, 100); /* 3 per minute */
    unsigned retry = 0;
    assert_non_null(rl);
    int64_t t = 1000000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(hit(rl, "10.0.0.1", t, &retry), TD_OK);
    assert_int_equal(hit(rl, "10.0.0.1", t, &retry), TD_ELIMIT);
    assert_int_equal(retry, 20); /* one token per 20 s */
    /* another key is independent */
    assert_int_equal(hit(rl, "10.0.0.2", t, &retry), TD_OK);
    /* 19 s later still limited, 20 s later one more */
    assert_int_equal(hit(rl, "10.0.0.1", t + 19000, &retry), TD_ELIMIT);
    assert_int_equal(retry, 1);
    assert_int_equal(hit(rl, "10.0.0.1", t + 20000, &retry), TD_OK);
    assert_int_equal(hit(rl, "10.0.0.1", t + 20000, &retry), TD_ELIMIT);
    /* a long pause refills to the burst, not beyond */
    t += 3600 * 1000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(hit(rl, "10.0.0.1", t, &retry), TD_OK);
    assert_int_equal(hit(rl, "10.0.0.1", t, &retry), TD_ELIMIT);
    ratelimit_free(rl);
}

static void frequent_hits_still_refill(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(3, 60, 16);
    unsigned retry = 0;
    int allowed = 0;
    assert_non_null(rl);
    /* a key hammered every millisecond for a minute: the burst of 3 plus one per 20 s */
    for (int64_t t = 0; t <= 60000; t++)
        if (hit(rl, "busy", t, &retry) == TD_OK)
            allowed++;
    assert_int_equal(allowed, 6);
    ratelimit_free(rl);
}

static void off_and_null(void **state)
{
    (void)state;
    unsigned retry = 0;
    assert_null(ratelimit_new(0, 60, 10));
    assert_null(ratelimit_new(5, 0, 10));
    for (int i = 0; i < 100; i++)
        assert_int_equal(hit(NULL, "k", i, &retry), TD_OK);
    ratelimit_free(NULL);
}

static void bounded_keys_forget_the_quietest(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(1, 60, 64);
    unsigned retry = 0;
    char key[32];
    assert_non_null(rl);
    /* "victim" is limited ... */
    assert_int_equal(hit(rl, "victim", 0, &retry), TD_OK);
    assert_int_equal(hit(rl, "victim", 1, &retry), TD_ELIMIT);
    /* ... a flood of 100000 other keys fits in the fixed table (no growth) and must not make
     * every key free: the limiter still limits a key that keeps coming */
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(hit(rl, key, 2 + i / 1000, &retry), TD_OK);
    }
    assert_int_equal(hit(rl, "steady", 200, &retry), TD_OK);
    assert_int_equal(hit(rl, "steady", 201, &retry), TD_ELIMIT);
    ratelimit_free(rl);
}

struct worker {
    struct ratelimit *rl;
    int allowed;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    unsigned retry;
    for (int i = 0; i < 10000; i++)
        if (ratelimit_hit(w->rl, "shared", 6, 5000, &retry) == TD_OK)
            w->allowed++;
    return NULL;
}

static void thread_safe(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(100, 60, 1000);
    struct worker w[4];
    pthread_t th[4];
    assert_non_null(rl);
    for (int i = 0; i < 4; i++) {
        w[i].rl = rl;
        w[i].allowed = 0;
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        total += w[i].allowed;
    }
    assert_int_equal(total, 100); /* exactly the burst, no lost or double-counted tokens */
    ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_refill), cmocka_unit_test(frequent_hits_still_refill),
        cmocka_unit_test(off_and_null),      cmocka_unit_test(bounded_keys_forget_the_quietest),
        cmocka_unit_test(thread_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
