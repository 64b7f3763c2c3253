/*
 * Privacy: a reporter's contact details are sealed with XChaCha20-Poly1305 (libsodium, IETF
 * construction) under a subkey of the key file (tongdai.key, mode 0600), with the case code as
 * associated data, so a sealed blob copied onto another case does not open.
 * Blob layout: nonce (24 bytes, random) || ciphertext || tag (16 bytes).
 * The plaintext is a small JSON object {"name","phone","email"} and never leaves core except to
 * an allowed caller, each unseal written to the audit chain by the caller (case.c).
 */
#ifndef TD_CORE_PRIVACY_H
#define TD_CORE_PRIVACY_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/err.h"

#define PRIVACY_KEY_BYTES 32

/** Seal pt[0..len) for case `code`; the blob is allocated from a. TD_ENOMEM. */
enum td_err privacy_seal(const unsigned char *store_key, const char *code, const void *pt,
                         size_t len, struct arena *a, unsigned char **blob, size_t *blob_len);

/**
 * Open a blob sealed for `code`; the plaintext (NUL-terminated) is allocated from a.
 * TD_EINTERNAL when the blob is damaged, was sealed for another case or under another key.
 */
enum td_err privacy_unseal(const unsigned char *store_key, const char *code,
                           const unsigned char *blob, size_t blob_len, struct arena *a, char **pt,
                           size_t *pt_len);

#endif
