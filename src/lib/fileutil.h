/*
 * Small file helpers used by the command layer (triage and text modules do no I/O themselves).
 */
#ifndef TD_LIB_FILEUTIL_H
#define TD_LIB_FILEUTIL_H

#include <stddef.h>

#include "lib/err.h"

/**
 * Read a whole file into a malloc'd, NUL-terminated buffer (caller frees).
 * TD_ENOTFOUND if it does not exist, TD_ETOOBIG if larger than max, TD_EIO otherwise.
 */
enum td_err td_read_file(const char *path, size_t max, char **buf, size_t *len);

/**
 * Write data to path atomically (temp file in the same directory, fsync, rename, fsync dir)
 * with the given mode. TD_EIO on failure.
 */
enum td_err td_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);

/**
 * The directory holding the shipped data/ and web/ folders: $TONGDAI_SHARE if set, else the
 * parent of the directory holding the running binary when it contains data/, else ".".
 * Result is cached after the first call; returns a NUL-terminated path.
 */
const char *td_share_dir(void);

/** Join td_share_dir() and rel into out (size n). Returns 0, or -1 if it does not fit. */
int td_share_path(const char *rel, char *out, size_t n);

#endif
