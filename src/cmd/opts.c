#include "cmd/opts.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/classifier.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "store/store.h"
#include "triage/triage.h"

#define CONF_MAX (1u << 20)

int cmd_common_flag(const char *cmd, int argc, char **argv, int *i, const char **data,
                    const char **config)
{
    static const char *const names[] = {"--data", "--config"};
    const char **slots[] = {data, config};
    const char *a = argv[*i];
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(a, names[k], n) != 0 || (a[n] != '=' && a[n] != '\0'))
            continue;
        if (a[n] == '=' && a[n + 1] != '\0') {
            *slots[k] = a + n + 1;
            return 1;
        }
        if (a[n] == '\0' && *i + 1 < argc) {
            *slots[k] = argv[++*i];
            return 1;
        }
        cmd_usage_error("%s: %s needs a value", cmd, names[k]);
        return -1;
    }
    return 0;
}

int cmd_env_open(struct cmd_env *env, const char *cmd, const char *data, const char *config,
                 int create)
{
    char err[512], conf[PATH_MAX];
    char *buf = NULL;
    size_t len = 0;
    memset(env, 0, sizeof *env);
    td_json_init();
    config_defaults(&env->cfg);
    const char *env_data = getenv("TONGDAI_DATA");
    const char *dir = data ? data : (env_data && *env_data ? env_data : env->cfg.data_dir);
    if (config)
        snprintf(conf, sizeof conf, "%s", config);
    else if (snprintf(conf, sizeof conf, "%s/tongdai.conf", dir) >= (int)sizeof conf)
        return cmd_usage_error("%s: data directory path too long", cmd);
    enum td_err e = td_read_file(conf, CONF_MAX, &buf, &len);
    if (e == TD_OK) {
        enum td_err ce = config_apply_file(&env->cfg, conf, buf, len, err, sizeof err);
        free(buf);
        if (ce != TD_OK)
            return cmd_usage_error("%s: %s", cmd, err);
    } else if (config || e != TD_ENOTFOUND) {
        return cmd_usage_error("%s: cannot read config file %s (%s)", cmd, conf, td_err_code(e));
    }
    if (config_apply_env(&env->cfg, err, sizeof err) != TD_OK)
        return cmd_usage_error("%s: environment: %s", cmd, err);
    if (data && config_set(&env->cfg, "data", data, err, sizeof err) != TD_OK)
        return cmd_usage_error("%s: --data: %s", cmd, err);
    int created = 0;
    if (!create && !store_datadir_has_db(env->cfg.data_dir)) {
        fprintf(stderr,
                "tongdai: %s: no database in %s (tongdai.db): give the data directory with "
                "--data DIR or TONGDAI_DATA\n",
                cmd, env->cfg.data_dir);
        return 1;
    }
    if (store_init_datadir(env->cfg.data_dir, &created, err, sizeof err) != TD_OK ||
        store_open(env->cfg.data_dir, &env->st, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: %s: %s\n", cmd, err);
        return 1;
    }
    env->core.st = env->st;
    env->core.cfg = &env->cfg;
    env->core.triage = NULL;
    return 0;
}

int cmd_env_triage(struct cmd_env *env, const char *cmd)
{
    char err[512];
    size_t nblocked = 0;
    enum td_err rc = core_triage_load(env->st, &env->triage, &nblocked, err, sizeof err);
    if (rc) {
        fprintf(stderr, "tongdai: %s: triage data: %s\n", cmd, err);
        return 1;
    }
    env->core.triage = env->triage;
    return 0;
}

void cmd_env_close(struct cmd_env *env)
{
    store_close(env->st);
    triage_free(env->triage);
    env->st = NULL;
    env->triage = NULL;
}

int cmd_read_password(const char *cmd, const char *file, char *out, size_t cap, size_t *len)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    size_t n = 0;
    int rc = -1;
    if (f == NULL) {
        fprintf(stderr, "tongdai: %s: cannot open password file %s\n", cmd, file);
        return -1;
    }
    n = fread(out, 1, cap - 1, f);
    if (ferror(f)) {
        fprintf(stderr, "tongdai: %s: cannot read password file %s\n", cmd, file);
        goto out;
    }
    if (n == cap - 1 && fgetc(f) != EOF) {
        fprintf(stderr, "tongdai: %s: password file too long\n", cmd);
        goto out;
    }
    out[n] = '\0';
    /* Only the first line counts; its end of line is not part of the password. */
    char *nl = memchr(out, '\n', n);
    if (nl) {
        n = (size_t)(nl - out);
        if (n && out[n - 1] == '\r')
            n--;
        out[n] = '\0';
    }
    *len = n;
    rc = 0;
out:
    if (f != stdin)
        fclose(f);
    if (rc)
        sodium_memzero(out, cap);
    return rc;
}
