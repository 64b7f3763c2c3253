/*
 * tongdai audit verify [--data DIR] [--config FILE]
 * Walks the audit chain: exit 0 and the row count when unbroken, 1 naming the first broken row.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "store/store.h"

int cmd_audit(int argc, char **argv)
{
    const char *data = NULL, *config = NULL;
    int verify = 0;
    for (int i = 1; i < argc; i++) {
        int r = cmd_common_flag("audit", argc, argv, &i, &data, &config);
        if (r < 0)
            return 2;
        if (r)
            continue;
        if (strcmp(argv[i], "verify") == 0 && !verify)
            verify = 1;
        else
            return cmd_usage_error("audit: unknown argument '%s' (usage: tongdai audit verify "
                                   "[--data DIR])",
                                   argv[i]);
    }
    if (!verify)
        return cmd_usage_error("audit: usage: tongdai audit verify [--data DIR]");
    struct cmd_env env;
    int status = cmd_env_open(&env, "audit", data, config, 0);
    if (status)
        return status;
    int64_t rows = 0, bad = 0;
    char err[256] = "";
    enum td_err rc = store_audit_verify(env.st, &rows, &bad, err, sizeof err);
    if (rc == TD_OK) {
        printf("audit chain ok: %lld rows\n", (long long)rows);
    } else if (rc == TD_ECONFLICT) {
        printf("audit chain broken at row %lld: %s (%lld rows before it are intact)\n",
               (long long)bad, err, (long long)rows);
        status = 1;
    } else {
        fprintf(stderr, "tongdai: audit: cannot read the chain (%s)\n", td_err_code(rc));
        status = 1;
    }
    cmd_env_close(&env);
    return status;
}
