/* tongdai init [--data DIR]: create the data directory, database (migrated) and key file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/config.h"
#include "store/store.h"

int cmd_init(int argc, char **argv)
{
    struct td_config cfg;
    char err[512];
    config_defaults(&cfg);
    if (config_apply_env(&cfg, err, sizeof err) != TD_OK)
        return cmd_usage_error("%s", err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            if (config_set(&cfg, "data", argv[++i], err, sizeof err) != TD_OK)
                return cmd_usage_error("--data: %s", err);
        } else if (strncmp(argv[i], "--data=", 7) == 0) {
            if (config_set(&cfg, "data", argv[i] + 7, err, sizeof err) != TD_OK)
                return cmd_usage_error("--data: %s", err);
        } else {
            return cmd_usage_error("init: unknown option '%s' (usage: tongdai init [--data DIR])",
                                   argv[i]);
        }
    }
    int created = 0;
    if (store_init_datadir(cfg.data_dir, &created, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: init: %s\n", err);
        return 1;
    }
    printf("%s %s\n", created ? "initialised" : "already initialised", cfg.data_dir);
    return 0;
}
