#include "lib/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct td_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->data_dir, sizeof c->data_dir, "./var");
    snprintf(c->listen_addr, sizeof c->listen_addr, "127.0.0.1");
    c->listen_port = 8080;
    c->threads = 0;
    c->conn_limit = 1024;
    c->conn_limit_per_ip = 64;
    c->conn_timeout = 30;
    c->body_max = 64 * 1024;
    c->json_depth = 16;
    snprintf(c->log_level, sizeof c->log_level, "info");
    c->rl_login_per_min = 10;
    c->rl_login_user_per_min = 10;
    c->rl_lookup_per_min = 20;
    c->rl_lookup_code_per_min = 10;
    c->rl_report_per_min = 10;
    c->sla_minutes[0] = 15;      /* critical */
    c->sla_minutes[1] = 120;     /* high */
    c->sla_minutes[2] = 24 * 60; /* medium */
    c->sla_minutes[3] = 72 * 60; /* low */
    c->session_ttl_min = 8 * 60;
    c->autoclose_days = 7;
    c->pwhash_ops = 2;
    c->pwhash_mem_kib = 64 * 1024;
    c->queue_cache_ms = 1000;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    if (*s == '\0' || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int config_parse_listen(struct td_config *c, const char *s)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof c->listen_addr)
        return -1;
    char addr[sizeof c->listen_addr];
    memcpy(addr, s, (size_t)(colon - s));
    addr[colon - s] = '\0';
    if (strcmp(addr, "localhost") == 0)
        snprintf(addr, sizeof addr, "127.0.0.1");
    struct in_addr ia;
    if (inet_pton(AF_INET, addr, &ia) != 1)
        return -1;
    unsigned long long port;
    if (parse_uint(colon + 1, 65535, &port) != 0)
        return -1;
    snprintf(c->listen_addr, sizeof c->listen_addr, "%s", addr);
    c->listen_port = (uint16_t)port;
    return 0;
}

enum kind { K_UINT, K_SIZE, K_STR, K_LISTEN };

struct key {
    const char *name;
    enum kind kind;
    size_t off;
    size_t size;
    unsigned long long max;
    unsigned long long min; /* K_UINT, K_SIZE: the smallest value that makes sense (most: 0) */
};

#define U(name, field, max)                                                                        \
    {                                                                                              \
        name, K_UINT, offsetof(struct td_config, field), 0, max, 0                                 \
    }
/* At least 1: a due time or session lifetime of 0 minutes has no use (tester finding:
 * session.ttl_minutes = 0 was accepted, and every session expired before its next request). */
#define U1(name, field, max)                                                                       \
    {                                                                                              \
        name, K_UINT, offsetof(struct td_config, field), 0, max, 1                                 \
    }
static const struct key keys[] = {
    {"data", K_STR, offsetof(struct td_config, data_dir), sizeof(((struct td_config *)0)->data_dir),
     0, 0},
    {"listen", K_LISTEN, 0, 0, 0, 0},
    {"server.data", K_STR, offsetof(struct td_config, data_dir),
     sizeof(((struct td_config *)0)->data_dir), 0, 0},
    {"server.listen", K_LISTEN, 0, 0, 0, 0},
    U("server.threads", threads, 256),
    U1("server.connection_limit", conn_limit, 100000),
    U("server.connection_limit_per_ip", conn_limit_per_ip, 100000),
    U1("server.connection_timeout", conn_timeout, 3600),
    {"server.body_max", K_SIZE, offsetof(struct td_config, body_max), 0, 64ull << 20, 1},
    U1("server.json_depth", json_depth, 64),
    {"server.log_level", K_STR, offsetof(struct td_config, log_level),
     sizeof(((struct td_config *)0)->log_level), 0, 0},
    U("limits.login_per_minute", rl_login_per_min, 1000000),
    U("limits.login_per_user_per_minute", rl_login_user_per_min, 1000000),
    U("limits.lookup_per_minute", rl_lookup_per_min, 1000000),
    U("limits.lookup_per_code_per_minute", rl_lookup_code_per_min, 1000000),
    U("limits.report_per_minute", rl_report_per_min, 1000000),
    U1("sla.critical_minutes", sla_minutes[0], 100000),
    U1("sla.high_minutes", sla_minutes[1], 100000),
    U1("sla.medium_minutes", sla_minutes[2], 100000),
    U1("sla.low_minutes", sla_minutes[3], 100000),
    U("sla.autoclose_days", autoclose_days, 3650),
    U1("session.ttl_minutes", session_ttl_min, 100000),
    U("auth.pwhash_ops", pwhash_ops, 16),
    U("auth.pwhash_mem_kib", pwhash_mem_kib, 4 * 1024 * 1024),
    U("server.queue_cache_ms", queue_cache_ms, 60000),
};
#undef U
#undef U1

#define NKEYS (sizeof keys / sizeof keys[0])

/* The setting a key names, as the index of its first spelling ("data" and "server.data" are one
 * setting), or -1 for an unknown key. */
static int key_slot(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].name, key) != 0)
            continue;
        for (size_t j = 0; j <= i; j++)
            if (keys[j].kind == keys[i].kind && keys[j].off == keys[i].off)
                return (int)j;
    }
    return -1;
}

enum td_err config_set(struct td_config *c, const char *key, const char *value, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        if (strcmp(k->name, key) != 0)
            continue;
        char *base = (char *)c;
        unsigned long long v;
        switch (k->kind) {
        case K_STR:
            if (strlen(value) >= k->size || *value == '\0') {
                snprintf(err, errlen, "%s: empty or too long", key);
                return TD_EINVAL;
            }
            snprintf(base + k->off, k->size, "%s", value);
            return TD_OK;
        case K_LISTEN:
            if (config_parse_listen(c, value) != 0) {
                snprintf(err, errlen, "%s: expected IPV4:PORT, got '%s'", key, value);
                return TD_EINVAL;
            }
            return TD_OK;
        case K_UINT:
            if (parse_uint(value, k->max, &v) != 0 || v < k->min) {
                snprintf(err, errlen, "%s: expected an integer %llu..%llu, got '%s'", key, k->min,
                         k->max, value);
                return TD_EINVAL;
            }
            *(unsigned *)(void *)(base + k->off) = (unsigned)v;
            return TD_OK;
        case K_SIZE:
            if (parse_uint(value, k->max, &v) != 0 || v < k->min) {
                snprintf(err, errlen, "%s: expected a byte count %llu..%llu, got '%s'", key, k->min,
                         k->max, value);
                return TD_EINVAL;
            }
            *(size_t *)(void *)(base + k->off) = (size_t)v;
            return TD_OK;
        }
    }
    snprintf(err, errlen, "unknown setting '%s'", key);
    return TD_EINVAL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

enum td_err config_apply_ini(struct td_config *c, const char *name, const char *buf, char *err,
                             size_t errlen)
{
    char section[64] = "";
    int lineno = 0;
    int seen[NKEYS] = {0}; /* line where each setting was set, 0 = not yet */
    const char *p = buf;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char line[1024];
        if (len >= sizeof line) {
            snprintf(err, errlen, "%s:%d: line too long", name, lineno);
            return TD_EINVAL;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (nl ? 1 : 0);
        char *s = trim(line);
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end == NULL || end[1] != '\0' || (size_t)(end - s - 1) >= sizeof section) {
                snprintf(err, errlen, "%s:%d: bad section header", name, lineno);
                return TD_EINVAL;
            }
            *end = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected key = value", name, lineno);
            return TD_EINVAL;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        char full[160];
        if (snprintf(full, sizeof full, "%s%s%s", section, *section ? "." : "", k) >=
            (int)sizeof full) {
            snprintf(err, errlen, "%s:%d: key too long", name, lineno);
            return TD_EINVAL;
        }
        /* A setting given twice is an error: which one wins would be a guess for the reader. */
        int slot = key_slot(full);
        if (slot >= 0 && seen[slot] != 0) {
            snprintf(err, errlen, "%s:%d: duplicate setting '%s' (already set on line %d)", name,
                     lineno, full, seen[slot]);
            return TD_EINVAL;
        }
        char e2[256];
        if (config_set(c, full, v, e2, sizeof e2) != TD_OK) {
            snprintf(err, errlen, "%s:%d: %s", name, lineno, e2);
            return TD_EINVAL;
        }
        if (slot >= 0)
            seen[slot] = lineno;
    }
    return TD_OK;
}

/* Length of the well-formed UTF-8 sequence at s[0..len), or 0 (overlong forms, surrogates and
 * values past U+10FFFF are not well-formed). */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (len <= n)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3fu);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n + 1;
}

enum td_err config_apply_file(struct td_config *c, const char *name, const char *buf, size_t len,
                              char *err, size_t errlen)
{
    const unsigned char *u = (const unsigned char *)buf;
    int lineno = 1;
    for (size_t i = 0; i < len;) {
        const char *what = NULL;
        size_t step = 1;
        if (u[i] == '\0')
            what = "a NUL byte";
        else if (u[i] < 0x20 && u[i] != '\n' && u[i] != '\r' && u[i] != '\t')
            what = "a control character";
        else if ((step = utf8_seq(u + i, len - i)) == 0)
            what = "bytes that are not UTF-8";
        if (what != NULL) {
            snprintf(err, errlen, "%s:%d: not a text file (%s at byte %zu)", name, lineno, what, i);
            return TD_EINVAL;
        }
        if (u[i] == '\n')
            lineno++;
        i += step;
    }
    return config_apply_ini(c, name, buf, err, errlen);
}

/* Whether "section.key" names a section that has settings (server, limits, sla, ...). */
static int known_section(const char *key)
{
    const char *dot = strchr(key, '.');
    if (dot == NULL)
        return 0;
    size_t n = (size_t)(dot - key);
    for (size_t i = 0; i < NKEYS; i++)
        if (strncmp(keys[i].name, key, n) == 0 && keys[i].name[n] == '.')
            return 1;
    return 0;
}

extern char **environ;

enum td_err config_apply_env(struct td_config *c, char *err, size_t errlen)
{
    static const char prefix[] = "TONGDAI_";
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, prefix, sizeof prefix - 1) != 0)
            continue;
        const char *eq = strchr(*e, '=');
        if (eq == NULL)
            continue;
        const char *name = *e + sizeof prefix - 1;
        size_t nlen = (size_t)(eq - name);
        char lower[160];
        if (nlen == 0 || nlen >= sizeof lower)
            continue;
        for (size_t i = 0; i < nlen; i++)
            lower[i] = (char)tolower((unsigned char)name[i]);
        lower[nlen] = '\0';
        /* Variables that are not settings (TONGDAI_SHARE, TONGDAI_BIN, ...) are skipped. */
        if (strcmp(lower, "share") == 0 || strcmp(lower, "bin") == 0)
            continue;
        if (strcmp(lower, "data") != 0 && strcmp(lower, "listen") != 0) {
            /* SECTION_KEY: the first underscore separates section and key. */
            char *us = strchr(lower, '_');
            if (us == NULL)
                continue;
            *us = '.';
        }
        char e2[256];
        if (config_set(c, lower, eq + 1, e2, sizeof e2) != TD_OK) {
            /* Variables outside our sections (TONGDAI_TEST_ROUTES, ...) are not settings; a
             * typo inside one of our sections must not silently leave a limit at its default. */
            if (strncmp(e2, "unknown setting", 15) == 0 && !known_section(lower))
                continue;
            snprintf(err, errlen, "%.*s: %s", (int)(eq - *e), *e, e2);
            return TD_EINVAL;
        }
    }
    return TD_OK;
}
