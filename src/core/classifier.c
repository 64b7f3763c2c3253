#include "core/classifier.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/fileutil.h"
#include "lib/strbuf.h"
#include "store/store.h"
#include "triage/triage.h"

#define DATA_MAX (64u << 20)
#define BLOCKLIST_MAX (256u << 20)

static enum td_err read_share(const char *rel, char **buf, size_t *len, char *err, size_t errlen)
{
    char path[PATH_MAX];
    *buf = NULL;
    *len = 0;
    if (td_share_path(rel, path, sizeof path) != 0) {
        snprintf(err, errlen, "%s: path too long", rel);
        return TD_EIO;
    }
    enum td_err rc = td_read_file(path, DATA_MAX, buf, len);
    if (rc && rc != TD_ENOTFOUND)
        snprintf(err, errlen, "%s: cannot read (%s)", path, td_err_code(rc));
    else if (rc)
        snprintf(err, errlen, "%s: missing", path);
    return rc;
}

enum td_err core_triage_load(struct store *st, struct triage **out, size_t *nblocked, char *err,
                             size_t errlen)
{
    char *lex = NULL, *model = NULL, *tc = NULL;
    size_t lex_len = 0, model_len = 0, tc_len = 0;
    struct sb bl;
    sb_init(&bl, BLOCKLIST_MAX);
    *out = NULL;
    *nblocked = 0;
    enum td_err rc = read_share("data/triage/lexicon", &lex, &lex_len, err, errlen);
    if (rc)
        goto out;
    rc = read_share("data/triage/model", &model, &model_len, err, errlen);
    if (rc == TD_ENOTFOUND)
        rc = TD_OK;
    if (!rc)
        rc = read_share("data/text/teencode.tsv", &tc, &tc_len, err, errlen);
    if (rc == TD_ENOTFOUND)
        rc = TD_OK;
    if (rc)
        goto out;
    if (st) {
        rc = store_blocklist_dump(st, &bl, nblocked);
        if (rc) {
            snprintf(err, errlen, "blocklist: cannot read from the database (%s)", td_err_code(rc));
            goto out;
        }
    }
    struct triage_inputs in = {
        lex, lex_len, model, model_len, tc, tc_len, bl.len ? sb_cstr(&bl) : NULL, bl.len};
    rc = triage_load(&in, out, err, errlen);
out:
    free(lex);
    free(model);
    free(tc);
    sb_free(&bl);
    return rc;
}
