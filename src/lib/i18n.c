#include "lib/i18n.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/fileutil.h"
#include "lib/json.h"

#define CATALOG_MAX (4u << 20)

static json_t *catalogs[2];
static const char *const lang_codes[2] = {"vi", "en"};

static enum td_err load_one(const char *dir, const char *code, json_t **out, char *err,
                            size_t errlen)
{
    char path[4096];
    char *buf = NULL;
    size_t len = 0;
    enum td_err rc = TD_OK;
    json_t *root = NULL;
    if (snprintf(path, sizeof path, "%s/%s.json", dir, code) >= (int)sizeof path) {
        snprintf(err, errlen, "i18n path too long");
        return TD_EIO;
    }
    rc = td_read_file(path, CATALOG_MAX, &buf, &len);
    if (rc) {
        snprintf(err, errlen, "%s: cannot read (%s)", path, td_err_code(rc));
        rc = TD_EIO;
        goto out;
    }
    json_error_t je;
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column,
                 root ? "expected an object" : je.text);
        rc = TD_EINVAL;
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (!json_is_string(val)) {
            snprintf(err, errlen, "%s: value of \"%s\" is not a string", path, key);
            rc = TD_EINVAL;
            goto out;
        }
    }
    *out = root;
    root = NULL;
out:
    json_decref(root);
    free(buf);
    return rc;
}

enum td_err i18n_load(const char *dir, char *err, size_t errlen)
{
    json_t *loaded[2] = {NULL, NULL};
    enum td_err rc = TD_OK;
    td_json_init();
    for (int i = 0; i < 2; i++) {
        rc = load_one(dir, lang_codes[i], &loaded[i], err, errlen);
        if (rc)
            goto out;
    }
    i18n_unload();
    catalogs[0] = loaded[0];
    catalogs[1] = loaded[1];
    loaded[0] = loaded[1] = NULL;
out:
    json_decref(loaded[0]);
    json_decref(loaded[1]);
    return rc;
}

void i18n_unload(void)
{
    for (int i = 0; i < 2; i++) {
        json_decref(catalogs[i]);
        catalogs[i] = NULL;
    }
}

const char *i18n_get(enum i18n_lang lang, const char *key)
{
    int l = lang == I18N_EN ? 1 : 0;
    const char *s = json_string_value(json_object_get(catalogs[l], key));
    if (s == NULL && l != 0)
        s = json_string_value(json_object_get(catalogs[0], key));
    return s;
}

const char *i18n_lang_code(enum i18n_lang lang)
{
    return lang == I18N_EN ? "en" : "vi";
}

int i18n_lang_parse(const char *s, enum i18n_lang *out)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < 2; i++) {
        if (strncasecmp(s, lang_codes[i], 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_')) {
            *out = (enum i18n_lang)i;
            return 0;
        }
    }
    return -1;
}

/* q-value in thousandths from a parameter list like ";q=0.8"; 1000 when absent, 0 when bad. */
static int parse_q(const char *p, const char *end)
{
    while (p < end) {
        while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
            p++;
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            p += 2;
            int q = 0, digits = 0;
            if (p < end && (*p == '0' || *p == '1')) {
                q = (*p - '0') * 1000;
                p++;
            } else {
                return 0;
            }
            if (p < end && *p == '.') {
                p++;
                int scale = 100;
                while (p < end && isdigit((unsigned char)*p) && digits < 3) {
                    q += (*p - '0') * scale;
                    scale /= 10;
                    digits++;
                    p++;
                }
            }
            return q > 1000 ? 1000 : q;
        }
        while (p < end && *p != ';')
            p++;
    }
    return 1000;
}

enum i18n_lang i18n_negotiate(const char *h)
{
    int best_q[2] = {-1, -1};
    int first[2] = {-1, -1};
    int idx = 0;
    if (h == NULL)
        return I18N_VI;
    const char *p = h;
    while (*p) {
        const char *item_end = strchr(p, ',');
        if (item_end == NULL)
            item_end = p + strlen(p);
        while (p < item_end && (*p == ' ' || *p == '\t'))
            p++;
        const char *tag_end = p;
        while (tag_end < item_end && *tag_end != ';' && *tag_end != ' ')
            tag_end++;
        size_t tlen = (size_t)(tag_end - p);
        for (int l = 0; l < 2; l++) {
            if (tlen >= 2 && strncasecmp(p, lang_codes[l], 2) == 0 &&
                (tlen == 2 || p[2] == '-' || p[2] == '_')) {
                int q = parse_q(tag_end, item_end);
                if (q > best_q[l]) {
                    best_q[l] = q;
                    if (first[l] < 0)
                        first[l] = idx;
                }
            }
        }
        idx++;
        p = *item_end ? item_end + 1 : item_end;
    }
    if (best_q[1] <= 0)
        return I18N_VI;
    if (best_q[1] > best_q[0])
        return I18N_EN;
    if (best_q[1] == best_q[0] && first[1] < first[0])
        return I18N_EN;
    return I18N_VI;
}

char *i18n_format(struct arena *a, enum i18n_lang lang, const char *key, const char *const *args)
{
    const char *t = i18n_get(lang, key);
    if (t == NULL)
        t = key;
    /* Two passes: measure, then write. */
    char *out = NULL;
    size_t need = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t o = 0;
        for (const char *p = t; *p;) {
            const char *val = NULL;
            size_t skip = 0;
            if (*p == '{' && args != NULL) {
                const char *close = strchr(p, '}');
                if (close) {
                    size_t nlen = (size_t)(close - p - 1);
                    for (const char *const *ar = args; ar[0] && ar[1]; ar += 2) {
                        if (strlen(ar[0]) == nlen && memcmp(ar[0], p + 1, nlen) == 0) {
                            val = ar[1];
                            skip = nlen + 2;
                            break;
                        }
                    }
                }
            }
            if (val) {
                size_t vl = strlen(val);
                if (pass)
                    memcpy(out + o, val, vl);
                o += vl;
                p += skip;
            } else {
                if (pass)
                    out[o] = *p;
                o++;
                p++;
            }
        }
        if (pass == 0) {
            need = o;
            out = arena_alloc(a, need + 1);
            if (out == NULL)
                return NULL;
        } else {
            out[o] = '\0';
        }
    }
    (void)need;
    return out;
}
