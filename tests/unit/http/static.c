/* Static files: the same containment rules with openat2(RESOLVE_BENEATH) and with the realpath
 * fallback used where the kernel lacks openat2. A real temporary directory with symlinks. */
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/internal.h"

static char top[64];        /* temp dir: secret.txt and web/ */
static char root[PATH_MAX]; /* realpath of top/web */
static int rootfd = -1;

static void put(const char *rel, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", top, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void link_at(const char *target, const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", top, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
    (void)state;
    char p[PATH_MAX];
    snprintf(top, sizeof top, "/tmp/tongdai-static-XXXXXX");
    if (mkdtemp(top) == NULL)
        return -1;
    snprintf(p, sizeof p, "%s/web", top);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/web/sub", top);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/web/empty", top);
    mkdir(p, 0755);
    put("secret.txt", "secret");
    put("web/index.html", "<p>index</p>");
    put("web/app.js", "export {};");
    put("web/sub/index.html", "<p>sub</p>");
    put("web/.env", "hidden");
    link_at("../secret.txt", "web/leak.txt");
    link_at("/etc", "web/etc");
    link_at("app.js", "web/alias.js");
    link_at("sub", "web/subalias");
    snprintf(p, sizeof p, "%s/web", top);
    if (realpath(p, root) == NULL)
        return -1;
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return rootfd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    close(rootfd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    return system(cmd) == 0 ? 0 : -1;
}

/* status of GET path, 0 when refused (TD_ENOTFOUND) */
static int get(const char *path, const char *inm)
{
    int status = 0;
    enum td_err rc = TD_OK;
    struct MHD_Response *r = http_static_response(rootfd, root, path, inm, &status, &rc);
    if (r == NULL) {
        assert_int_equal(rc, TD_ENOTFOUND);
        return 0;
    }
    assert_int_equal(rc, TD_OK);
    MHD_destroy_response(r);
    return status;
}

static void check_rules(void)
{
    assert_int_equal(get("/", NULL), 200);
    assert_int_equal(get("/index.html", NULL), 200);
    assert_int_equal(get("/app.js", NULL), 200);
    assert_int_equal(get("/sub/", NULL), 200);
    assert_int_equal(get("/sub", NULL), 301);
    assert_int_equal(get("/subalias/", NULL), 200); /* symlink inside web/ */
    assert_int_equal(get("/alias.js", NULL), 200);
    assert_int_equal(get("/empty/", NULL), 0); /* no index.html */
    assert_int_equal(get("/missing", NULL), 0);
    assert_int_equal(get("/.env", NULL), 0);
    assert_int_equal(get("/sub/.env", NULL), 0);
    assert_int_equal(get("/leak.txt", NULL), 0);
    assert_int_equal(get("/etc/passwd", NULL), 0);
    assert_int_equal(get("/etc/", NULL), 0);
    assert_int_equal(get("/index.html/", NULL), 0);
    assert_int_equal(get("relative", NULL), 0);
    assert_int_equal(get("/app.js", "*"), 304);
    assert_int_equal(get("/app.js", "\"nope\""), 200);
    assert_null(http_static_response(-1, "", "/index.html", NULL, &(int){0}, &(enum td_err){0}));
}

static void with_openat2(void **state)
{
    (void)state;
    http_static_force_fallback(0);
    check_rules();
}

static void with_realpath_fallback(void **state)
{
    (void)state;
    http_static_force_fallback(1);
    check_rules();
    /* without a root descriptor the fallback is used as well */
    int status = 0;
    enum td_err rc;
    struct MHD_Response *r = http_static_response(-1, root, "/app.js", NULL, &status, &rc);
    assert_non_null(r);
    assert_int_equal(status, 200);
    MHD_destroy_response(r);
    http_static_force_fallback(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_openat2),
        cmocka_unit_test(with_realpath_fallback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
