/*
 * tongdai user add USERNAME --role counsellor|lead|city|admin [--institution CODE]
 *                  --password-file FILE|- [--name "DISPLAY NAME"]
 * tongdai user disable USERNAME      tongdai user enable USERNAME
 * (each also takes --data DIR and --config FILE)
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "core/auth.h"

#define USAGE                                                                                      \
    "usage: tongdai user add USERNAME --role counsellor|lead|city|admin [--institution CODE] "     \
    "--password-file FILE [--name NAME] | user disable USERNAME | user enable USERNAME"

static void report(const char *what, enum td_err rc, const struct core_fail *f, const char *name)
{
    if (rc == TD_EEXISTS)
        fprintf(stderr, "tongdai: user: %s already exists\n", name);
    else if (rc == TD_ENOTFOUND)
        fprintf(stderr, "tongdai: user: no account %s\n", name);
    else if (rc == TD_EINVAL)
        fprintf(stderr, "tongdai: user %s: invalid %s (%s)\n", what, f->field ? f->field : "value",
                f->reason ? f->reason : "invalid");
    else
        fprintf(stderr, "tongdai: user %s: %s\n", what, td_err_code(rc));
}

int cmd_user(int argc, char **argv)
{
    const char *data = NULL, *config = NULL, *role = NULL, *inst = NULL, *pwfile = NULL;
    const char *name = NULL, *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        int r = cmd_common_flag("user", argc, argv, &i, &data, &config);
        if (r < 0)
            return 2;
        if (r)
            continue;
        const char **slot = NULL;
        if (strcmp(argv[i], "--role") == 0)
            slot = &role;
        else if (strcmp(argv[i], "--institution") == 0)
            slot = &inst;
        else if (strcmp(argv[i], "--password-file") == 0)
            slot = &pwfile;
        else if (strcmp(argv[i], "--name") == 0)
            slot = &name;
        if (slot) {
            if (i + 1 >= argc)
                return cmd_usage_error("user: %s needs a value", argv[i]);
            *slot = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            return cmd_usage_error("user: unknown option '%s' (" USAGE ")", argv[i]);
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            return cmd_usage_error("user: too many arguments (" USAGE ")");
        }
    }
    if (npos != 2)
        return cmd_usage_error("user: " USAGE);
    int add = strcmp(pos[0], "add") == 0;
    int disable = strcmp(pos[0], "disable") == 0, enable = strcmp(pos[0], "enable") == 0;
    if (!add && !disable && !enable)
        return cmd_usage_error("user: unknown action '%s' (" USAGE ")", pos[0]);
    if (add && (role == NULL || pwfile == NULL))
        return cmd_usage_error("user add: --role and --password-file are required (" USAGE ")");
    if (!add && (role || inst || pwfile || name))
        return cmd_usage_error("user %s: takes only USERNAME (" USAGE ")", pos[0]);

    char pw[1100];
    size_t pwlen = 0;
    if (add && cmd_read_password("user add", pwfile, pw, sizeof pw, &pwlen) != 0)
        return 1;

    struct cmd_env env;
    int status = cmd_env_open(&env, "user", data, config, add);
    if (status) {
        sodium_memzero(pw, sizeof pw);
        return status;
    }
    struct actor cli;
    struct core_fail f;
    struct arena a;
    enum td_err rc;
    actor_system(&cli);
    arena_init(&a, 1u << 20);
    if (add)
        rc = auth_user_add(&env.core, &a, &cli, pos[1], name, role, inst, pw, pwlen, &f);
    else
        rc = auth_user_set_disabled(&env.core, &a, &cli, pos[1], disable, &f);
    sodium_memzero(pw, sizeof pw);
    if (rc == TD_OK) {
        printf("user %s %s\n", pos[1], add ? "added" : disable ? "disabled" : "enabled");
    } else {
        report(pos[0], rc, &f, pos[1]);
        status = rc == TD_EINVAL ? 2 : 1;
    }
    arena_free(&a);
    cmd_env_close(&env);
    return status;
}
