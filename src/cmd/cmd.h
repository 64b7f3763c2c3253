/*
 * Subcommands of the `tongdai` binary. Each takes the arguments after its name (argv[0] is the
 * subcommand name) and returns the process exit status: 0 success, 1 failure, 2 usage error
 * (unknown flag or bad value, with a one-line message on stderr).
 */
#ifndef TD_CMD_CMD_H
#define TD_CMD_CMD_H

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_institution(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_blocklist(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/** Print a one-line usage error "tongdai: <msg>" and return 2. */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
