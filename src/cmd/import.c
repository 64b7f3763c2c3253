/*
 * tongdai import FILE.jsonl --institution CODE [--data DIR] [--config FILE]
 *
 * One JSON object a line: "text" (required), "channel", "received_at" (RFC 3339), "contact"
 * {"name","phone","email"}, "consent_contact"; other members are ignored. The channel
 * "phone_note" (a counsellor's note of a call, as in the shared corpus) is taken as "phone". Every
 * line goes through the same validation, triage and audit as a report to the API (core/case.c). A
 * bad line is reported as FILE:LINE: reason and skipped; the counts are printed at the end. Exit
 * status: 0 when every line was imported, 1 when some were skipped or the file could not be read, 2
 * for a usage error or an unknown institution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "core/case.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "store/store.h"

#define LINE_MAX_BYTES (1u << 20)

static const char *member(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

/* Import one line; 0 imported, -1 skipped (reported). */
static int import_line(struct cmd_env *env, const struct actor *cli, const char *path, long lineno,
                       const char *inst, const char *line, size_t len)
{
    struct arena a;
    struct td_json_error jerr;
    json_t *o = NULL;
    struct case_intake in;
    struct case_intake_result res;
    struct core_fail f;
    int status = -1, bad = 0;
    const char *badfield = NULL;
    arena_init(&a, 16u << 20);
    memset(&in, 0, sizeof in);
    memset(&f, 0, sizeof f);
    if (td_json_parse(line, len, env->cfg.json_depth, &o, &jerr) != TD_OK) {
        fprintf(stderr, "%s:%ld: not a JSON object (column %d: %s)\n", path, lineno, jerr.column,
                jerr.text);
        goto out;
    }
    json_t *text = json_object_get(o, "text");
    if (!json_is_string(text)) {
        fprintf(stderr, "%s:%ld: %s\n", path, lineno,
                text == NULL || json_is_null(text) ? "missing text (required)"
                                                   : "invalid text (must be a string)");
        goto out;
    }
    in.institution = inst;
    in.text = json_string_value(text);
    in.text_len = json_string_length(text);
    if (strlen(in.text) != in.text_len) {
        fprintf(stderr, "%s:%ld: invalid text (NUL character)\n", path, lineno);
        goto out;
    }
    in.channel = member(o, "channel", &bad);
    if (bad)
        badfield = "channel";
    else if (in.channel && strcmp(in.channel, "phone_note") == 0)
        in.channel = "phone"; /* a counsellor's note of a call (the shared corpus's label) */
    const char *when = member(o, "received_at", &bad);
    if (!badfield && bad)
        badfield = "received_at";
    if (!badfield && when && td_parse_rfc3339(when, &in.received_at) != 0)
        badfield = "received_at";
    json_t *contact = json_object_get(o, "contact");
    if (!badfield && contact && !json_is_null(contact)) {
        if (!json_is_object(contact)) {
            badfield = "contact";
        } else {
            in.contact_name = member(contact, "name", &bad);
            in.contact_phone = member(contact, "phone", &bad);
            in.contact_email = member(contact, "email", &bad);
            if (bad)
                badfield = "contact";
        }
    }
    json_t *consent = json_object_get(o, "consent_contact");
    if (!badfield && consent && !json_is_null(consent)) {
        if (!json_is_boolean(consent))
            badfield = "consent_contact";
        else
            in.consent_contact = json_is_true(consent);
    }
    if (badfield) {
        fprintf(stderr, "%s:%ld: invalid %s\n", path, lineno, badfield);
        goto out;
    }
    enum td_err rc = case_intake(&env->core, &a, cli, &in, &res, &f);
    if (rc) {
        fprintf(stderr, "%s:%ld: %s %s (%s)\n", path, lineno,
                rc == TD_EINVAL || rc == TD_EUTF8 ? "invalid" : td_err_code(rc),
                f.field ? f.field : "", f.reason ? f.reason : td_err_code(rc));
        goto out;
    }
    status = 0;
out:
    json_decref(o);
    arena_free(&a);
    return status;
}

int cmd_import_file(struct cmd_env *env, const char *path, const char *inst, long *ok, long *bad)
{
    struct actor cli;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t n;
    *ok = *bad = 0;
    actor_system(&cli);
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "tongdai: import: cannot open %s\n", path);
        return -1;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t sp = 0;
        while (sp < len && (line[sp] == ' ' || line[sp] == '\t'))
            sp++;
        if (sp == len)
            continue; /* blank line */
        if (len > LINE_MAX_BYTES) {
            fprintf(stderr, "%s:%ld: line longer than %u bytes\n", path, lineno, LINE_MAX_BYTES);
            (*bad)++;
            continue;
        }
        if (import_line(env, &cli, path, lineno, inst, line, len) == 0)
            (*ok)++;
        else
            (*bad)++;
    }
    int err = ferror(f);
    free(line);
    size_t indexed = 0; /* the search index, in a few large batches rather than per line */
    if (store_search_catch_up(env->st, &indexed) != TD_OK)
        fprintf(stderr, "tongdai: import: the search index could not be updated (the server "
                        "will do it)\n");
    if (f != stdin)
        fclose(f);
    if (err) {
        fprintf(stderr, "tongdai: import: read error in %s after line %ld\n", path, lineno);
        return -1;
    }
    return 0;
}

int cmd_import(int argc, char **argv)
{
    const char *data = NULL, *config = NULL, *inst = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        int r = cmd_common_flag("import", argc, argv, &i, &data, &config);
        if (r < 0)
            return 2;
        if (r)
            continue;
        if (strcmp(argv[i], "--institution") == 0 && i + 1 < argc)
            inst = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            return cmd_usage_error("import: unknown option '%s' (usage: tongdai import "
                                   "FILE.jsonl --institution CODE [--data DIR])",
                                   argv[i]);
        else if (file == NULL)
            file = argv[i];
        else
            return cmd_usage_error("import: one file at a time");
    }
    if (file == NULL || inst == NULL)
        return cmd_usage_error(
            "import: usage: tongdai import FILE.jsonl --institution CODE [--data DIR]");
    struct cmd_env env;
    int status = cmd_env_open(&env, "import", data, config, 0);
    if (status)
        return status;
    struct store_institution si;
    if (store_institution_get(env.st, inst, &si) != TD_OK) {
        fprintf(stderr, "tongdai: import: unknown institution %s\n", inst);
        cmd_env_close(&env);
        return 2;
    }
    status = cmd_env_triage(&env, "import");
    if (status) {
        cmd_env_close(&env);
        return status;
    }
    long ok = 0, bad = 0;
    int64_t t0 = td_mono_ns();
    int r = cmd_import_file(&env, file, inst, &ok, &bad);
    double secs = (double)(td_mono_ns() - t0) / 1e9;
    printf("imported %ld, skipped %ld (%.1f s)\n", ok, bad, secs);
    cmd_env_close(&env);
    return r != 0 || bad ? 1 : 0;
}
