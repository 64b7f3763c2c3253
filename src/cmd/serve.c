/*
 * tongdai serve [--data DIR] [--listen ADDR:PORT] [--config FILE] [--check-config]
 *
 * Settings: built-in defaults < tongdai.conf (--config FILE, else DIR/tongdai.conf when it
 * exists) < TONGDAI_* environment < flags. --check-config validates everything (settings, the
 * config file being UTF-8 text, message catalogs, the data directory and key file as start-up
 * will need them: see check_datadir) without creating anything, and exits 0, or 2 with a
 * one-line message.
 * Start-up: initialise the data directory if needed, open the store, load the message catalogs
 * and the triage data, start the HTTP server, print the URL. SIGINT/SIGTERM: stop accepting,
 * finish requests in flight (at most DRAIN_MS), close the database, exit 0.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "api/api.h"
#include "cmd/cmd.h"
#include "core/classifier.h"
#include "http/http.h"
#include "lib/config.h"
#include "lib/fileutil.h"
#include "lib/i18n.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "store/store.h"
#include "triage/triage.h"
#include "version.h"

#define DRAIN_MS 4000       /* in-flight requests get this long after SIGTERM */
#define CONF_MAX (1u << 20) /* tongdai.conf size cap */
#define TRIAGE_FILE_MAX (64u << 20)

struct serve_args {
    const char *data;
    const char *listen;
    const char *config;
    int check;
};

/* "--name VALUE" or "--name=VALUE": 1 and *val set when argv[*i] is this flag, -1 when its
 * value is missing, 0 when it is another flag. */
static int flag_value(const char *name, int argc, char **argv, int *i, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return **val ? 1 : -1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

static int parse_args(int argc, char **argv, struct serve_args *sa)
{
    static const char *const names[] = {"--data", "--listen", "--config"};
    memset(sa, 0, sizeof *sa);
    for (int i = 1; i < argc; i++) {
        const char **slots[] = {&sa->data, &sa->listen, &sa->config};
        int matched = 0;
        for (size_t k = 0; k < 3 && !matched; k++) {
            int r = flag_value(names[k], argc, argv, &i, slots[k]);
            if (r < 0)
                return cmd_usage_error("serve: %s needs a value", names[k]);
            matched = r;
        }
        if (matched)
            continue;
        if (strcmp(argv[i], "--check-config") == 0) {
            sa->check = 1;
            continue;
        }
        return cmd_usage_error("serve: unknown argument '%s' (usage: tongdai serve [--data DIR] "
                               "[--listen ADDR:PORT] [--config FILE] [--check-config])",
                               argv[i]);
    }
    return 0;
}

static int parse_level(const char *s, enum log_level *out)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

/* Settings from every source; 0, or 2 after printing a one-line message. */
static int load_config(const struct serve_args *sa, struct td_config *cfg, enum log_level *lvl)
{
    char err[512];
    char conf[PATH_MAX];
    char *buf = NULL;
    size_t len = 0;
    int rc = 0;
    config_defaults(cfg);

    /* The data directory locates the default tongdai.conf: flag, environment, default. */
    const char *env_data = getenv("TONGDAI_DATA");
    const char *dir = sa->data ? sa->data : (env_data && *env_data ? env_data : cfg->data_dir);
    int explicit_conf = sa->config != NULL;
    if (explicit_conf)
        snprintf(conf, sizeof conf, "%s", sa->config);
    else if (snprintf(conf, sizeof conf, "%s/tongdai.conf", dir) >= (int)sizeof conf)
        return cmd_usage_error("serve: data directory path too long");
    enum td_err e = td_read_file(conf, CONF_MAX, &buf, &len);
    if (e == TD_OK) {
        if (config_apply_file(cfg, conf, buf, len, err, sizeof err) != TD_OK)
            rc = cmd_usage_error("serve: %s", err);
    } else if (explicit_conf || e != TD_ENOTFOUND) {
        rc = cmd_usage_error("serve: cannot read config file %s (%s)", conf, td_err_code(e));
    }
    free(buf);
    if (rc)
        return rc;
    if (config_apply_env(cfg, err, sizeof err) != TD_OK)
        return cmd_usage_error("serve: environment: %s", err);
    if (sa->data && config_set(cfg, "data", sa->data, err, sizeof err) != TD_OK)
        return cmd_usage_error("serve: --data: %s", err);
    if (sa->listen && config_parse_listen(cfg, sa->listen) != 0)
        return cmd_usage_error("serve: --listen: expected IPV4:PORT, got '%s'", sa->listen);

    if (parse_level(cfg->log_level, lvl) != 0)
        return cmd_usage_error("serve: server.log_level: expected debug|info|warn|error, got '%s'",
                               cfg->log_level);
    return 0; /* zero limits and timeouts are refused by config_set itself */
}

/*
 * For --check-config: what start-up will need from the data directory, checked without leaving
 * anything behind. A missing directory must be creatable (probed with mkdir and rmdir at once);
 * an existing one must be a writable directory on a writable file system; an existing key file
 * must be a regular file of mode 0600 holding a hex key, and may only be missing together with
 * the database. 0, or -1 with a message in err.
 */
static int check_datadir(const char *dir, char *err, size_t errlen)
{
    char key[PATH_MAX], db[PATH_MAX];
    struct stat st;
    struct statvfs vfs;
    if (*dir == '\0') {
        snprintf(err, errlen, "empty path");
        return -1;
    }
    if (snprintf(key, sizeof key, "%s/tongdai.key", dir) >= (int)sizeof key ||
        snprintf(db, sizeof db, "%s/tongdai.db", dir) >= (int)sizeof db) {
        snprintf(err, errlen, "%.300s: path too long", dir);
        return -1;
    }
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT) {
            snprintf(err, errlen, "%.300s: %s", dir, strerror(errno));
            return -1;
        }
        if (mkdir(dir, 0700) != 0) {
            snprintf(err, errlen, "%.300s: cannot be created (%s)", dir, strerror(errno));
            return -1;
        }
        rmdir(dir);
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%.300s: not a directory", dir);
        return -1;
    }
    if (access(dir, R_OK | W_OK | X_OK) != 0) {
        snprintf(err, errlen, "%.300s: %s", dir, strerror(errno));
        return -1;
    }
    if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
        snprintf(err, errlen, "%.300s: read-only file system", dir);
        return -1;
    }
    int have_db = stat(db, &st) == 0;
    if (have_db && (!S_ISREG(st.st_mode) || access(db, R_OK | W_OK) != 0)) {
        snprintf(err, errlen, "%.300s: not a readable and writable file", db);
        return -1;
    }
    if (stat(key, &st) != 0) {
        if (errno != ENOENT || have_db) {
            snprintf(err, errlen, "%.300s: %s", key,
                     errno == ENOENT ? "missing beside an existing database (restore it from the "
                                       "backup taken with the database)"
                                     : strerror(errno));
            return -1;
        }
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%.300s: not a regular file", key);
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, errlen, "%.200s: mode %03o, must be 0600 (chmod 600 %.200s)", key,
                 (unsigned)(st.st_mode & 0777), key);
        return -1;
    }
    char *buf = NULL;
    size_t len = 0;
    unsigned char bin[STORE_KEY_BYTES];
    size_t bin_len = 0;
    int rc = 0;
    if (td_read_file(key, 4096, &buf, &len) != TD_OK) {
        snprintf(err, errlen, "%.300s: cannot read key file", key);
        return -1;
    }
    if (sodium_hex2bin(bin, sizeof bin, buf, len, " \r\n", &bin_len, NULL) != 0 ||
        bin_len != STORE_KEY_BYTES) {
        snprintf(err, errlen, "%.300s: not a %d-byte hex key", key, STORE_KEY_BYTES);
        rc = -1;
    }
    sodium_memzero(bin, sizeof bin);
    sodium_memzero(buf, len);
    free(buf);
    return rc;
}

/*
 * The triage classifier: data/triage/lexicon and model, data/text/teencode.tsv, plus the
 * known-bad domains imported into the database (core_triage_load). A missing lexicon is not
 * fatal (intake then takes reports as other/high, flagged for review); data that exists and does
 * not load is.
 */
static enum td_err load_triage(struct api_ctx *ctx, char *err, size_t errlen)
{
    size_t nblocked = 0;
    ctx->triage = NULL;
    enum td_err rc = core_triage_load(ctx->store, &ctx->triage, &nblocked, err, errlen);
    if (rc == TD_ENOTFOUND) {
        log_warn("msg=\"triage data missing\" detail=\"%s\"", err);
        return TD_OK;
    }
    if (rc == TD_OK)
        log_info("msg=\"triage loaded\" blocked_domains=%zu", nblocked);
    return rc;
}

static void free_triage(struct api_ctx *ctx)
{
    triage_free(ctx->triage);
    ctx->triage = NULL;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_args sa;
    struct td_config cfg;
    struct api_ctx ctx;
    struct http_server *srv = NULL;
    struct http_route *routes = NULL;
    enum log_level lvl = LOG_INFO;
    char err[512];
    char dir[PATH_MAX], web[PATH_MAX];
    int status = 1, api_ready = 0;
    memset(&ctx, 0, sizeof ctx);

    int rc = parse_args(argc, argv, &sa);
    if (rc)
        return rc;
    rc = load_config(&sa, &cfg, &lvl);
    if (rc)
        return rc;
    td_json_init();
    if (td_share_path("data/i18n", dir, sizeof dir) != 0 ||
        td_share_path("web", web, sizeof web) != 0)
        return cmd_usage_error("serve: share directory path too long");
    if (i18n_load(dir, err, sizeof err) != TD_OK) {
        if (sa.check)
            return cmd_usage_error("serve: message catalogs: %s", err);
        fprintf(stderr, "tongdai: message catalogs: %s\n", err);
        return 1;
    }
    if (sa.check && check_datadir(cfg.data_dir, err, sizeof err) != 0) {
        i18n_unload();
        return cmd_usage_error("serve: data directory: %s", err);
    }
    if (sa.check) {
        printf("config ok: data=%s listen=%s:%u threads=%u body_max=%zu\n", cfg.data_dir,
               cfg.listen_addr, (unsigned)cfg.listen_port, cfg.threads, cfg.body_max);
        i18n_unload();
        return 0;
    }
    log_set_level(lvl);

    /* Block the stop signals before any thread starts (the store's writer and checkpointer, the
     * HTTP workers inherit the mask), so that only sigwait below receives them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    int created = 0;
    if (store_init_datadir(cfg.data_dir, &created, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: data directory: %s\n", err);
        goto out;
    }
    if (created)
        log_info("msg=\"data directory initialised\" dir=\"%s\"", cfg.data_dir);
    if (store_open(cfg.data_dir, &ctx.store, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: store: %s\n", err);
        goto out;
    }
    ctx.cfg = &cfg;
    ctx.started_ms = td_now_ms();
    const char *tr = getenv("TONGDAI_TEST_ROUTES");
    ctx.test_routes = tr != NULL && strcmp(tr, "1") == 0;
    if (load_triage(&ctx, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: triage data: %s\n", err);
        goto out;
    }
    if (api_init(&ctx, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: %s\n", err);
        goto out;
    }
    api_ready = 1;

    size_t nroutes = api_nroutes + (ctx.test_routes ? api_test_nroutes : 0);
    routes = calloc(nroutes, sizeof *routes);
    if (routes == NULL) {
        fprintf(stderr, "tongdai: out of memory\n");
        goto out;
    }
    memcpy(routes, api_routes, api_nroutes * sizeof *routes);
    if (ctx.test_routes) {
        memcpy(routes + api_nroutes, api_test_routes, api_test_nroutes * sizeof *routes);
        log_warn("msg=\"test-only routes enabled (TONGDAI_TEST_ROUTES=1); never in production\"");
    }

    struct http_server_config hc = {
        .addr = cfg.listen_addr,
        .port = cfg.listen_port,
        .threads = cfg.threads,
        .conn_limit = cfg.conn_limit,
        .conn_limit_per_ip = cfg.conn_limit_per_ip,
        .conn_timeout = cfg.conn_timeout,
        .body_max = cfg.body_max,
        .json_depth = cfg.json_depth,
        .web_dir = web,
    };
    if (http_server_start(&hc, routes, nroutes, &ctx, &srv, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: %s\n", err);
        goto out;
    }
    printf("tongdai %s listening on http://%s:%u/\n", TONGDAI_VERSION, cfg.listen_addr,
           (unsigned)http_server_port(srv));
    fflush(stdout);
    log_info("msg=listening addr=%s port=%u data=\"%s\"", cfg.listen_addr,
             (unsigned)http_server_port(srv), cfg.data_dir);

    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    log_info("msg=\"shutting down\" signal=%d inflight=%u", sig, http_server_inflight(srv));
    http_server_stop(srv, DRAIN_MS);
    srv = NULL;
    status = 0;
out:
    http_server_stop(srv, 0);
    if (api_ready)
        api_fini(&ctx);
    free_triage(&ctx);
    store_close(ctx.store);
    free(routes);
    i18n_unload();
    if (status == 0)
        log_info("msg=stopped");
    return status;
}
