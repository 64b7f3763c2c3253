/*
 * GET /api/v1/i18n/{lang}: the message catalog data/i18n/<lang>.json exactly as shipped, for the
 * web front end (web/lib/i18n.js). The server takes its own error messages from the same files,
 * so the portal, the console and the API speak with one vocabulary.
 *
 * {lang} is "vi" or "en" (nothing else: one URL per catalog); anything else answers 404. The
 * files are read once per process, on first use, and the bytes are kept for the process's
 * lifetime (handed to responses as static memory, never freed mid-flight). A catalog that cannot
 * be read answers 500 io_error; the server itself refuses to start without its catalogs.
 */
#include <pthread.h>
#include <string.h>

#include "api/api.h"
#include "lib/fileutil.h"
#include "lib/i18n.h"
#include "lib/log.h"

#define CATALOG_MAX (1024 * 1024) /* bytes; the catalogs are tens of KiB */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char *catalog_body[2]; /* indexed by enum i18n_lang; NULL when unreadable */
static size_t catalog_len[2];

static void load_catalogs(void)
{
    static const char *const files[2] = {"data/i18n/vi.json", "data/i18n/en.json"};
    for (size_t i = 0; i < 2; i++) {
        char path[4096];
        if (td_share_path(files[i], path, sizeof path) != 0) {
            log_error("msg=\"catalog path too long\" file=%s", files[i]);
            continue;
        }
        enum td_err rc = td_read_file(path, CATALOG_MAX, &catalog_body[i], &catalog_len[i]);
        if (rc != TD_OK) {
            catalog_body[i] = NULL;
            log_error("msg=\"catalog unreadable\" file=\"%s\" code=%s", path, td_err_code(rc));
        }
    }
}

enum td_err api_i18n_get(struct http_request *req, struct http_response *res)
{
    const char *code = http_param(req, "lang");
    enum i18n_lang lang;
    if (code != NULL && strcmp(code, "vi") == 0)
        lang = I18N_VI;
    else if (code != NULL && strcmp(code, "en") == 0)
        lang = I18N_EN;
    else
        return http_fail(res, TD_ENOTFOUND, NULL, NULL);
    pthread_once(&load_once, load_catalogs);
    if (catalog_body[lang] == NULL)
        return http_fail(res, TD_EIO, NULL, NULL);
    res->status = 200;
    res->body = catalog_body[lang];
    res->body_len = catalog_len[lang];
    res->content_type = "application/json; charset=utf-8";
    return TD_OK;
}
