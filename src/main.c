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
    {"init", cmd_init,
     "init [--data DIR]                      create DIR, the database and the key file"},
    {"serve", cmd_serve,
     "serve [--listen ADDR:PORT] [--check-config]\n"
     "                                         the HTTP server (API and web console)"},
    {"institution", cmd_institution,
     "institution add CODE NAME [--students N] [--staff N]\n"
     "                                         add a school"},
    {"user", cmd_user,
     "user add USERNAME --role counsellor|lead|city|admin [--institution CODE]\n"
     "         --password-file FILE|- [--name NAME]\n"
     "                                         add an account\n"
     "  user disable USERNAME                  disable an account (ends its sessions)\n"
     "  user enable USERNAME                   enable it again"},
    {"import", cmd_import,
     "import FILE.jsonl|- --institution CODE\n"
     "                                         bulk intake of reports, one JSON object a line"},
    {"audit", cmd_audit, "audit verify                           check the audit hash chain"},
    {"blocklist", cmd_blocklist,
     "blocklist import FILE --source NAME    known-bad domains (read at server start-up)"},
    {"demo", cmd_demo,
     "demo                                   demo institution, accounts and reports"},
    {"triage", cmd_triage,
     "triage [--jsonl] [--blocklist FILE]... [--lexicon F] [--model F] [--teencode F]\n"
     "                                         classify the text on standard input\n"
     "  triage train FILE.jsonl... -o OUT [--min-df N]\n"
     "                                         train the model\n"
     "  triage eval FILE.jsonl... [--json] [--cv K [--stratify]] [--extra FILE]...\n"
     "              [--train FILE]... [--strip-diacritics] [--errors]\n"
     "                                         measure the triage quality"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tongdai <command> [options]\n       tongdai --version | --help\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].help);
    fprintf(f, "\nEvery command but init and triage also takes --data DIR (else $TONGDAI_DATA, "
               "else ./var)\nand --config FILE (else DIR/tongdai.conf when it exists). "
               "serve --listen: else\n$TONGDAI_LISTEN, else 127.0.0.1:8080. "
               "Exit status: 0 success, 1 failure, 2 usage error.\n"
               "Details: docs/operations.md.\n");
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
