/*
 * Configuration: built-in defaults < tongdai.conf (INI) < TONGDAI_* environment < flags.
 *
 * tongdai.conf format: lines "key = value" in optional [section]s; '#' or ';' start a comment;
 * the full key is "section.key" (e.g. [limits] login_per_minute = 10 -> "limits.login_per_minute").
 * Environment: TONGDAI_<SECTION>_<KEY> upper-case (TONGDAI_LIMITS_LOGIN_PER_MINUTE), plus the
 * short forms TONGDAI_DATA and TONGDAI_LISTEN.
 * Unknown keys are an error (a typo must not silently disable a limit).
 */
#ifndef TD_LIB_CONFIG_H
#define TD_LIB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct td_config {
    char data_dir[512];         /* data directory (database, key file); default ./var */
    char listen_addr[64];       /* IPv4 address to bind; default 127.0.0.1 */
    uint16_t listen_port;       /* default 8080 */
    unsigned threads;           /* HTTP worker threads; 0 = number of cores */
    unsigned conn_limit;        /* max concurrent connections */
    unsigned conn_limit_per_ip; /* max concurrent connections from one client address; 0 = off */
    unsigned conn_timeout;      /* seconds of inactivity before a connection is closed */
    size_t body_max;            /* default request body cap, bytes */
    unsigned json_depth;        /* max JSON nesting */
    char log_level[16];         /* debug|info|warn|error */

    /* rate limits (per client address unless said), requests per minute; 0 = off */
    unsigned rl_login_per_min;       /* per address */
    unsigned rl_login_user_per_min;  /* per username */
    unsigned rl_lookup_per_min;      /* access-key lookups per address */
    unsigned rl_lookup_code_per_min; /* access-key lookups per case code */
    unsigned rl_report_per_min;      /* report intake per address */

    /* first-response targets in minutes: critical, high, medium, low */
    unsigned sla_minutes[4];
    unsigned autoclose_days;  /* resolved cases close after this many days; 0 = never */
    unsigned session_ttl_min; /* idle session lifetime */

    /* argon2id cost for new password hashes (verification reads the cost from the hash) */
    unsigned pwhash_ops;     /* passes; default 2 (libsodium OPSLIMIT_INTERACTIVE) */
    unsigned pwhash_mem_kib; /* memory in KiB; default 65536 (MEMLIMIT_INTERACTIVE) */

    unsigned queue_cache_ms; /* a rendered queue page is reused this long unless data changed */
};

/** Fill with built-in defaults. */
void config_defaults(struct td_config *c);

/**
 * Apply a tongdai.conf file's contents (buf, NUL-terminated). On error: TD_EINVAL and a message
 * "FILE:LINE: ..." in err. A setting given twice (under either of its names) is an error naming
 * both lines. Files read from disk should go through config_apply_file (binary content).
 */
enum td_err config_apply_ini(struct td_config *c, const char *name, const char *buf, char *err,
                             size_t errlen);

/**
 * Apply a tongdai.conf file as read: buf[0..len) (NUL-terminated at len). Refuses text that is
 * not UTF-8 or holds a NUL byte or another control character than tab, CR and LF (naming the
 * line and byte offset), then config_apply_ini(). Same errors.
 */
enum td_err config_apply_file(struct td_config *c, const char *name, const char *buf, size_t len,
                              char *err, size_t errlen);

/** Apply TONGDAI_* environment variables. Same errors as config_apply_ini. */
enum td_err config_apply_env(struct td_config *c, char *err, size_t errlen);

/** Set one key ("section.key" or a short name: data, listen). Same errors. */
enum td_err config_set(struct td_config *c, const char *key, const char *value, char *err,
                       size_t errlen);

/** Parse "ADDR:PORT" (IPv4 or "localhost") into the config. -1 on a bad value. */
int config_parse_listen(struct td_config *c, const char *s);

#endif
