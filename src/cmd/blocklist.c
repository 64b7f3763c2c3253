/*
 * tongdai blocklist import FILE --source NAME [--data DIR] [--config FILE]
 *
 * Known-bad domains into the database, with their source and the import time. FILE holds one
 * domain a line, or hosts-file lines ("0.0.0.0 example.com"); '#' starts a comment. Each domain
 * is canonicalised like a URL host (lower case, punycode, no "www.", no trailing dot); lines that
 * are not a domain are counted and skipped. The server reads the list at start-up into the
 * triage classifier's known-bad set. One transaction for the whole file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "core/audit.h"
#include "lib/arena.h"
#include "lib/fileutil.h"
#include "lib/timeutil.h"
#include "store/store.h"
#include "text/vn.h"

#define FILE_MAX (256u << 20)

struct bl_job {
    char *buf;
    size_t len;
    const char *source;
    long read, added, skipped;
    int64_t now;
};

/* The domain on one line ([start, end) into line), or -1 for a comment/blank line. */
static int line_domain(const char *line, size_t len, size_t *start, size_t *end)
{
    size_t i = 0;
    const char *hash = memchr(line, '#', len);
    if (hash)
        len = (size_t)(hash - line);
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len)
        return -1;
    size_t s = i;
    while (i < len && line[i] != ' ' && line[i] != '\t')
        i++;
    size_t e = i;
    /* hosts-file form: an address first, then the host */
    if ((e - s == 7 && memcmp(line + s, "0.0.0.0", 7) == 0) ||
        (e - s == 9 && memcmp(line + s, "127.0.0.1", 9) == 0)) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        s = i;
        while (i < len && line[i] != ' ' && line[i] != '\t')
            i++;
        e = i;
        if (s == e)
            return -1;
    }
    *start = s;
    *end = e;
    return 0;
}

static enum td_err bl_job(struct store_tx *tx, void *arg)
{
    struct bl_job *j = arg;
    struct arena a;
    enum td_err rc = TD_OK;
    arena_init(&a, 1u << 20);
    j->read = j->added = j->skipped = 0;
    char *p = j->buf, *endbuf = j->buf + j->len;
    while (p < endbuf && !rc) {
        char *nl = memchr(p, '\n', (size_t)(endbuf - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(endbuf - p);
        size_t s, e;
        if (line_domain(p, len, &s, &e) == 0) {
            struct vn_str url, host;
            j->read++;
            if (e - s < 256 && vn_canon_url(&a, p + s, e - s, &url, &host) == TD_OK && host.p &&
                host.len && strchr(host.p, '.') != NULL) {
                int added = 0;
                rc = store_blocklist_add(tx, host.p, j->source, j->now, &added);
                j->added += added;
            } else {
                j->skipped++;
            }
            if (a.used > (512u << 10))
                arena_free(&a);
        }
        p += len + 1;
    }
    if (!rc)
        rc = audit_record(tx, &a, "cli", "blocklist.import", "blocklist", j->source,
                          json_pack("{s:I,s:I,s:I}", "read", (json_int_t)j->read, "added",
                                    (json_int_t)j->added, "skipped", (json_int_t)j->skipped),
                          j->now);
    arena_free(&a);
    return rc;
}

int cmd_blocklist(int argc, char **argv)
{
    const char *data = NULL, *config = NULL, *source = NULL, *file = NULL;
    int import = 0;
    for (int i = 1; i < argc; i++) {
        int r = cmd_common_flag("blocklist", argc, argv, &i, &data, &config);
        if (r < 0)
            return 2;
        if (r)
            continue;
        if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
            source = argv[++i];
        else if (strcmp(argv[i], "import") == 0 && !import)
            import = 1;
        else if (argv[i][0] != '-' && import && file == NULL)
            file = argv[i];
        else
            return cmd_usage_error("blocklist: unknown argument '%s' (usage: tongdai blocklist "
                                   "import FILE --source NAME [--data DIR])",
                                   argv[i]);
    }
    if (!import || file == NULL || source == NULL || *source == '\0' || strlen(source) > 200)
        return cmd_usage_error(
            "blocklist: usage: tongdai blocklist import FILE --source NAME [--data DIR]");
    struct bl_job j = {NULL, 0, source, 0, 0, 0, td_now_ms()};
    enum td_err rc = td_read_file(file, FILE_MAX, &j.buf, &j.len);
    if (rc) {
        fprintf(stderr, "tongdai: blocklist: cannot read %s (%s)\n", file, td_err_code(rc));
        return 1;
    }
    struct cmd_env env;
    int status = cmd_env_open(&env, "blocklist", data, config, 0);
    if (status) {
        free(j.buf);
        return status;
    }
    rc = store_write(env.st, bl_job, &j);
    if (rc) {
        fprintf(stderr, "tongdai: blocklist: import failed (%s)\n", td_err_code(rc));
        status = 1;
    } else {
        printf("blocklist %s: %ld domains read, %ld added, %ld already known, %ld skipped\n",
               source, j.read, j.added, j.read - j.added - j.skipped, j.skipped);
    }
    free(j.buf);
    cmd_env_close(&env);
    return status;
}
