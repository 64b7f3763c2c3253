/* The `tongdai` command: parses nothing itself, only dispatches to src/cmd/. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "version.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"init", cmd_init, "init [--data DIR]            create the data directory and database"},
    {"serve", cmd_serve,
     "serve [--data DIR] [--listen ADDR:PORT] [--config FILE] [--check-config]"},
    {"triage", cmd_triage, "triage [--jsonl] [--blocklist FILE] | train | eval   classify text"},
    {"institution", cmd_institution, "institution add CODE NAME [--students N] [--staff N]"},
    {"user", cmd_user,
     "user add USERNAME --role ROLE [--institution CODE] --password-file FILE|- | disable USERNAME"},
    {"import", cmd_import, "import FILE.jsonl --institution CODE   bulk intake of reports"},
    {"audit", cmd_audit, "audit verify                 check the audit hash chain"},
    {"blocklist", cmd_blocklist, "blocklist import FILE --source NAME   known-bad domains"},
    {"demo", cmd_demo, "demo                         demo institution, accounts and reports"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tongdai <command> [options]\n       tongdai --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("tongdai %s\n", TONGDAI_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "tongdai: unknown command '%s' (try tongdai --help)\n", argv[1]);
    return 2;
}
