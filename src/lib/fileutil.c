#include "lib/fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum td_err td_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    enum td_err rc = TD_OK;
    char *p = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TD_ENOTFOUND : TD_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = TD_EIO;
        goto out;
    }
    if ((unsigned long long)st.st_size > max) {
        rc = TD_ETOOBIG;
        goto out;
    }
    size_t size = (size_t)st.st_size;
    p = malloc(size + 1);
    if (p == NULL) {
        rc = TD_ENOMEM;
        goto out;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, p + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != size) {
        rc = TD_EIO;
        goto out;
    }
    p[size] = '\0';
    *buf = p;
    *len = size;
    p = NULL;
out:
    free(p);
    close(fd);
    return rc;
}

enum td_err td_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return TD_EIO;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0)
        return TD_EIO;
    const char *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        off += (size_t)w;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0)
        goto fail;
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return TD_EIO;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return TD_OK;
fail:
    close(fd);
    unlink(tmp);
    return TD_EIO;
}

static char share_dir[PATH_MAX];
static pthread_once_t share_once = PTHREAD_ONCE_INIT;

static void find_share(void)
{
    const char *env = getenv("TONGDAI_SHARE");
    if (env && *env && strlen(env) < sizeof share_dir) {
        snprintf(share_dir, sizeof share_dir, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *d = dirname(exe); /* .../build */
        char cand[PATH_MAX];
        if (snprintf(cand, sizeof cand, "%s/../data", d) < (int)sizeof cand) {
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
                char parent[PATH_MAX];
                snprintf(parent, sizeof parent, "%s/..", d);
                if (realpath(parent, share_dir) != NULL)
                    return;
            }
        }
    }
    snprintf(share_dir, sizeof share_dir, ".");
}

const char *td_share_dir(void)
{
    pthread_once(&share_once, find_share);
    return share_dir;
}

int td_share_path(const char *rel, char *out, size_t n)
{
    int w = snprintf(out, n, "%s/%s", td_share_dir(), rel);
    return (w < 0 || (size_t)w >= n) ? -1 : 0;
}
