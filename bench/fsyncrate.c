/*
 * The raw durable-append rate of a disk: append 1 KiB to a file and fdatasync, in a loop, for a
 * given time. Prints "ops/s p50_ms p99_ms". The reference for bench/intake (a durable report
 * intake needs at least one such flush; group commit shares one among several reports).
 *   build/bench/fsyncrate DIR SECONDS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fsyncrate DIR SECONDS\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/fsyncrate.tmp", argv[1]);
    double secs = strtod(argv[2], NULL);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    char buf[1024];
    memset(buf, 'x', sizeof buf);
    size_t cap = 1 << 20, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    if (lat == NULL)
        return 1;
    double t0 = now_s(), end = t0 + secs;
    for (;;) {
        double a = now_s();
        if (a >= end)
            break;
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || fdatasync(fd) != 0) {
            perror("write/fdatasync");
            return 1;
        }
        if (n < cap)
            lat[n++] = now_s() - a;
    }
    double el = now_s() - t0;
    close(fd);
    unlink(path);
    qsort(lat, n, sizeof *lat, cmp);
    printf("%.0f %.3f %.3f\n", (double)n / el, n ? lat[n / 2] * 1e3 : 0.0,
           n ? lat[(size_t)((double)n * 0.99)] * 1e3 : 0.0);
    free(lat);
    return 0;
}
