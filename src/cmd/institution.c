/* tongdai institution add CODE NAME [--students N] [--staff N] [--data DIR] [--config FILE] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "core/auth.h"

#define USAGE "usage: tongdai institution add CODE NAME [--students N] [--staff N] [--data DIR]"

static int parse_count(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 100000000)
        return -1;
    *out = v;
    return 0;
}

int cmd_institution(int argc, char **argv)
{
    const char *data = NULL, *config = NULL, *pos[3] = {NULL, NULL, NULL};
    int npos = 0;
    int64_t students = -1, staff = -1;
    for (int i = 1; i < argc; i++) {
        int r = cmd_common_flag("institution", argc, argv, &i, &data, &config);
        if (r < 0)
            return 2;
        if (r)
            continue;
        if ((strcmp(argv[i], "--students") == 0 || strcmp(argv[i], "--staff") == 0) &&
            i + 1 < argc) {
            int64_t *dst =
                argv[i][2] == 's' && argv[i][3] == 't' && argv[i][4] == 'u' ? &students : &staff;
            if (parse_count(argv[i + 1], dst) != 0)
                return cmd_usage_error("institution: %s: expected a count, got '%s'", argv[i],
                                       argv[i + 1]);
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            return cmd_usage_error("institution: unknown option '%s' (" USAGE ")", argv[i]);
        } else if (npos < 3) {
            pos[npos++] = argv[i];
        } else {
            return cmd_usage_error("institution: too many arguments (" USAGE ")");
        }
    }
    if (npos != 3 || strcmp(pos[0], "add") != 0)
        return cmd_usage_error("institution: " USAGE);
    /* before the data directory is opened: a refused code must not leave a new database */
    char code[STORE_CODE_MAX + 1]; /* as stored, for the messages */
    if (core_institution_code(pos[1], code) != 0) {
        fprintf(stderr, "tongdai: institution: invalid code (1 to 32 of A-Z 0-9 - _)\n");
        return 2;
    }

    struct cmd_env env;
    int status = cmd_env_open(&env, "institution", data, config, 1);
    if (status)
        return status;
    struct actor cli;
    struct core_fail f;
    struct arena a;
    actor_system(&cli);
    arena_init(&a, 1u << 20);
    enum td_err rc = core_institution_add(&env.core, &a, &cli, pos[1], pos[2], students, staff, &f);
    if (rc == TD_OK) {
        printf("institution %s added\n", code);
    } else if (rc == TD_EEXISTS) {
        fprintf(stderr, "tongdai: institution: %s already exists\n", code);
        status = 1;
    } else if (rc == TD_EINVAL) {
        fprintf(stderr, "tongdai: institution: invalid %s (%s)\n", f.field ? f.field : "value",
                f.reason ? f.reason : "invalid");
        status = 2;
    } else {
        fprintf(stderr, "tongdai: institution: %s\n", td_err_code(rc));
        status = 1;
    }
    arena_free(&a);
    cmd_env_close(&env);
    return status;
}
