/*
 * Static files from web/. The decoded path has already been canonicalised (http_path_decode:
 * no "." / ".." / empty segments, no NUL, no encoded slash). Here: hidden names are refused,
 * the file is opened with openat2(RESOLVE_BENEATH) relative to the web root, so the kernel
 * refuses any resolution leaving it (a symlink inside web/ pointing elsewhere is refused; one
 * staying inside is followed), with realpath() and a prefix check where openat2 is missing,
 * directories answer with their index.html (or a redirect that adds the trailing slash), and the
 * ETag is derived from inode, size and mtime so that no file is read to validate a cache entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <inttypes.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
};

const char *http_content_type(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (dot != NULL) {
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
    }
    return "application/octet-stream";
}

/* Any segment starting with '.' (".git", ".env", editor backups) is not served. */
static int has_hidden_segment(const char *path)
{
    for (const char *p = path; (p = strchr(p, '/')) != NULL; p++)
        if (p[1] == '.')
            return 1;
    return 0;
}

/* Whether If-None-Match (a list of entity tags, or "*") contains etag. */
static int etag_matches(const char *inm, const char *etag)
{
    if (inm == NULL)
        return 0;
    size_t elen = strlen(etag);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (p[0] == 'W' && p[1] == '/')
            p += 2; /* weak comparison, as RFC 9110 asks for If-None-Match */
        if (strncmp(p, etag, elen) == 0 &&
            (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' ' || p[elen] == '\t'))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

static int under_root(const char *root, const char *real)
{
    size_t rl = strlen(root);
    return strncmp(real, root, rl) == 0 && (real[rl] == '/' || real[rl] == '\0');
}

static atomic_int no_openat2; /* the kernel (or a seccomp filter) refused openat2 */

void http_static_force_fallback(int on)
{
    atomic_store(&no_openat2, on);
}

/*
 * Open rel (relative to the web root, no leading slash; "" is the root itself) for reading.
 * With openat2(RESOLVE_BENEATH) the kernel refuses any resolution leaving the root, symlinks
 * included, in one call and without a race; without it (Linux < 5.6, some sandboxes),
 * realpath() and a prefix check do the same in user space. -1 when refused or missing.
 */
static int open_beneath(int rootfd, const char *root, const char *rel)
{
    const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    if (rootfd >= 0 && !atomic_load(&no_openat2)) {
        struct open_how how;
        memset(&how, 0, sizeof how);
        how.flags = (uint64_t)flags;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        long fd = syscall(SYS_openat2, rootfd, rel[0] ? rel : ".", &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        if (errno != ENOSYS && errno != EPERM)
            return -1;
        atomic_store(&no_openat2, 1);
    }
    char cand[PATH_MAX], real[PATH_MAX];
    if (snprintf(cand, sizeof cand, "%s/%s", root, rel) >= (int)sizeof cand)
        return -1;
    if (realpath(cand, real) == NULL || !under_root(root, real))
        return -1;
    return open(real, flags | O_NOFOLLOW);
}

struct MHD_Response *http_static_response(int rootfd, const char *root, const char *path,
                                          const char *if_none_match, int *status, enum td_err *rc)
{
    char rel[PATH_MAX], etag[80];
    struct MHD_Response *r = NULL;
    int fd = -1;
    size_t plen = strlen(path);
    int dir_req = plen > 0 && path[plen - 1] == '/';
    *rc = TD_ENOTFOUND;
    if (root == NULL || root[0] == '\0' || path[0] != '/' || has_hidden_segment(path))
        goto out;
    if (snprintf(rel, sizeof rel, "%s%s", path + 1, dir_req ? "index.html" : "") >= (int)sizeof rel)
        goto out;
    fd = open_beneath(rootfd, root, rel);
    if (fd < 0)
        goto out;
    struct stat st;
    if (fstat(fd, &st) != 0)
        goto out;
    if (S_ISDIR(st.st_mode)) {
        if (dir_req)
            goto out; /* ".../index.html" is a directory */
        /* "/console" -> "/console/" so that relative links in its index.html resolve. */
        char loc[PATH_MAX];
        if (snprintf(loc, sizeof loc, "%s/", path) >= (int)sizeof loc)
            goto out;
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (r == NULL || MHD_add_response_header(r, "Location", loc) != MHD_YES) {
            *rc = TD_ENOMEM;
            goto out;
        }
        *status = 301;
        *rc = TD_OK;
        goto out;
    }
    if (!S_ISREG(st.st_mode))
        goto out;
    snprintf(etag, sizeof etag, "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "\"", (uint64_t)st.st_ino,
             (uint64_t)st.st_size,
             (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec);
    if (etag_matches(if_none_match, etag)) {
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        *status = 304;
    } else {
        r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
        if (r != NULL)
            fd = -1; /* MHD closes it with the response */
        *status = 200;
    }
    if (r == NULL) {
        *rc = TD_ENOMEM;
        goto out;
    }
    if (MHD_add_response_header(r, "ETag", etag) != MHD_YES ||
        MHD_add_response_header(r, "Content-Type", http_content_type(rel)) != MHD_YES ||
        MHD_add_response_header(r, "Cache-Control", "no-cache") != MHD_YES) {
        MHD_destroy_response(r);
        r = NULL;
        *rc = TD_ENOMEM;
        goto out;
    }
    *rc = TD_OK;
out:
    if (fd >= 0)
        close(fd);
    if (*rc != TD_OK && r != NULL) {
        MHD_destroy_response(r);
        r = NULL;
    }
    return r;
}
