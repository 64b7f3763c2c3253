/*
 * Replay of a fuzz driver's seed corpus (fuzz/corpus/<name>/) in a cmocka test, so that the
 * sanitizer build runs every seed on every CI run. Include after <cmocka.h>; tests run from the
 * repository root. Returns the number of inputs replayed; fails the test if the directory or a
 * file cannot be read.
 */
#ifndef TD_TESTS_UNIT_SEEDS_H
#define TD_TESTS_UNIT_SEEDS_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/fileutil.h"

static size_t replay_corpus(const char *name, int (*fn)(const uint8_t *, size_t))
{
    char dir[256];
    snprintf(dir, sizeof dir, "fuzz/corpus/%s", name);
    DIR *dh = opendir(dir);
    if (dh == NULL)
        fail_msg("cannot open %s (tests run from the repository root)", dir);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        char *buf = NULL;
        size_t len = 0;
        if (td_read_file(path, 1 << 20, &buf, &len) != TD_OK)
            fail_msg("cannot read %s", path);
        fprintf(stderr, "replay %s\n", path); /* names the culprit if a property aborts */
        fn((const uint8_t *)buf, len);
        free(buf);
        n++;
    }
    closedir(dh);
    return n;
}

#endif
