/*
 * Test fixture shared by tests/unit/core and tests/unit/store: a fresh data directory under
 * /tmp with the real migrations (TONGDAI_SHARE=. : tests run from the repository root), a store,
 * and a core with the given configuration (argon2id at its minimum cost for speed).
 */
#ifndef TD_TEST_FIXTURE_H
#define TD_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "lib/config.h"
#include "store/store.h"

struct fixture {
    char dir[256];
    struct td_config cfg;
    struct store *st;
    struct core core;
};

static inline int fixture_open(struct fixture *fx)
{
    char err[512];
    int created = 0;
    memset(fx, 0, sizeof *fx);
    setenv("TONGDAI_SHARE", ".", 1);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/tongdai-unit-XXXXXX");
    if (mkdtemp(fx->dir) == NULL)
        return -1;
    config_defaults(&fx->cfg);
    fx->cfg.pwhash_ops = 1;
    fx->cfg.pwhash_mem_kib = 8;
    if (store_init_datadir(fx->dir, &created, err, sizeof err) != TD_OK ||
        store_open(fx->dir, &fx->st, err, sizeof err) != TD_OK) {
        fprintf(stderr, "fixture: %s\n", err);
        return -1;
    }
    fx->core.st = fx->st;
    fx->core.cfg = &fx->cfg;
    fx->core.triage = NULL;
    return 0;
}

static inline void fixture_close(struct fixture *fx)
{
    char cmd[300];
    store_close(fx->st);
    fx->st = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fixture: cannot remove %s\n", fx->dir);
}

#endif
