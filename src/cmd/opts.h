/*
 * Shared start-up for the data commands (institution, user, import, audit, blocklist, demo):
 * settings from defaults < tongdai.conf (--config FILE, else DIR/tongdai.conf when it exists)
 * < TONGDAI_* environment < --data DIR, then the store (initialising the data directory when it
 * is new, like `serve`).
 */
#ifndef TD_CMD_OPTS_H
#define TD_CMD_OPTS_H

#include "core/core.h"
#include "lib/config.h"

struct store;
struct triage;

struct cmd_env {
    struct td_config cfg;
    struct store *st;
    struct triage *triage; /* only after cmd_env_triage */
    struct core core;
};

/**
 * If argv[*i] is --data/--config (with a value, "--data DIR" or "--data=DIR"), consume it into
 * *data / *config and return 1; 0 when it is another argument; -1 (after a usage message) when
 * the value is missing.
 */
int cmd_common_flag(const char *cmd, int argc, char **argv, int *i, const char **data,
                    const char **config);

/**
 * Load settings and open the store. With create = 0 the database must exist already: a command
 * that only reads or changes existing data (audit verify, import, user disable) given a
 * mistyped --data must fail, not verify a new empty database there. 0, or the exit status
 * (1 or 2) after a message.
 */
int cmd_env_open(struct cmd_env *env, const char *cmd, const char *data, const char *config,
                 int create);
/** Load the triage classifier into env (needs the store). 0 or 1 after a message. */
int cmd_env_triage(struct cmd_env *env, const char *cmd);
void cmd_env_close(struct cmd_env *env);

/** Read a password from FILE ("-" = stdin), without its final newline. 0 or -1 (message). */
int cmd_read_password(const char *cmd, const char *file, char *out, size_t cap, size_t *len);

/**
 * Import a JSONL file of reports into institution inst (see import.c). Needs env's triage.
 * 0 when the file was read to the end (*ok imported, *bad skipped lines), -1 otherwise.
 */
int cmd_import_file(struct cmd_env *env, const char *path, const char *inst, long *ok, long *bad);

#endif
