/*
 * tongdai demo [--data DIR] [--config FILE]
 *
 * A demo instance, idempotent (`make run` calls it every time): the institution and accounts
 * described in data/demo/demo.json, each account with a random password printed once when it is
 * created (and stored nowhere in clear: only its argon2id hash), and the reports of
 * data/demo/reports.jsonl imported once (when the institution has no case yet).
 *
 * demo.json: {"institution":{"code","name","students","staff"},
 *             "accounts":[{"username","role","display_name"}]}
 */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "core/auth.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "store/store.h"

static int64_t count_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

/* A password of 4 groups of 4 Crockford characters (80 bits), easy to type from the screen. */
static void demo_password(char *out)
{
    static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
    unsigned char r[16];
    size_t o = 0;
    randombytes_buf(r, sizeof r);
    for (size_t i = 0; i < sizeof r; i++) {
        if (i && i % 4 == 0)
            out[o++] = '-';
        out[o++] = alphabet[r[i] & 31];
    }
    out[o] = '\0';
    sodium_memzero(r, sizeof r);
}

int cmd_demo(int argc, char **argv)
{
    const char *data = NULL, *config = NULL;
    char path[PATH_MAX], err[256];
    char *buf = NULL;
    size_t len = 0;
    json_t *spec = NULL;
    struct arena a;
    struct actor cli;
    struct core_fail f;
    int status = 1;
    for (int i = 1; i < argc; i++) {
        int r = cmd_common_flag("demo", argc, argv, &i, &data, &config);
        if (r < 0)
            return 2;
        if (!r)
            return cmd_usage_error("demo: unknown argument '%s' (usage: tongdai demo "
                                   "[--data DIR])",
                                   argv[i]);
    }
    struct cmd_env env;
    status = cmd_env_open(&env, "demo", data, config, 1);
    if (status)
        return status;
    status = 1;
    arena_init(&a, 16u << 20);
    actor_system(&cli);
    struct td_json_error jerr;
    if (td_share_path("data/demo/demo.json", path, sizeof path) != 0 ||
        td_read_file(path, 1u << 20, &buf, &len) != TD_OK ||
        td_json_parse(buf, len, 8, &spec, &jerr) != TD_OK) {
        fprintf(stderr, "tongdai: demo: cannot read %s\n", path);
        goto out;
    }
    json_t *inst = json_object_get(spec, "institution");
    const char *code = td_json_str(inst, "code", NULL);
    const char *name = td_json_str(inst, "name", NULL);
    if (code == NULL || name == NULL) {
        fprintf(stderr, "tongdai: demo: %s: institution code and name required\n", path);
        goto out;
    }
    enum td_err rc = core_institution_add(&env.core, &a, &cli, code, name,
                                          count_of(inst, "students"), count_of(inst, "staff"), &f);
    if (rc == TD_OK)
        printf("institution %s created\n", code);
    else if (rc == TD_EEXISTS)
        printf("institution %s exists\n", code);
    else {
        fprintf(stderr, "tongdai: demo: institution %s: %s\n", code, td_err_code(rc));
        goto out;
    }

    json_t *accounts = json_object_get(spec, "accounts"), *acc;
    size_t i;
    json_array_foreach(accounts, i, acc)
    {
        const char *user = td_json_str(acc, "username", NULL);
        const char *role = td_json_str(acc, "role", NULL);
        const char *display = td_json_str(acc, "display_name", NULL);
        char pw[32];
        struct store_account existing;
        if (user == NULL || role == NULL)
            continue;
        if (store_account_get(env.st, user, &existing) == TD_OK) {
            sodium_memzero(existing.pw_hash, sizeof existing.pw_hash);
            printf("account %-12s exists (its password was printed when it was created)\n", user);
            continue;
        }
        demo_password(pw);
        int inst_role = strcmp(role, "counsellor") == 0 || strcmp(role, "lead") == 0;
        rc = auth_user_add(&env.core, &a, &cli, user, display, role, inst_role ? code : NULL, pw,
                           strlen(pw), &f);
        if (rc) {
            fprintf(stderr, "tongdai: demo: account %s: %s %s\n", user, td_err_code(rc),
                    f.field ? f.field : "");
            sodium_memzero(pw, sizeof pw);
            goto out;
        }
        printf("account %-12s role %-10s password %s   (shown once; not stored in clear)\n", user,
               role, pw);
        sodium_memzero(pw, sizeof pw);
    }

    struct store_institution si;
    struct store_scope scope = {STORE_SCOPE_INSTITUTION, 0, NULL};
    int64_t ncases = 0;
    if (store_institution_get(env.st, code, &si) != TD_OK)
        goto out;
    scope.institution_id = si.id;
    if (store_case_count(env.st, &scope, &ncases) != TD_OK)
        goto out;
    if (ncases > 0) {
        printf("reports: %lld cases already in %s, none imported\n", (long long)ncases, code);
        status = 0;
        goto out;
    }
    if (cmd_env_triage(&env, "demo") != 0)
        goto out;
    long ok = 0, bad = 0;
    if (td_share_path("data/demo/reports.jsonl", path, sizeof path) != 0 ||
        cmd_import_file(&env, path, code, &ok, &bad) != 0)
        goto out;
    printf("reports: %ld imported into %s, %ld skipped\n", ok, code, bad);
    status = bad ? 1 : 0;
out:
    (void)err;
    json_decref(spec);
    free(buf);
    arena_free(&a);
    cmd_env_close(&env);
    return status;
}
