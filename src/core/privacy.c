#include "core/privacy.h"

#include <sodium.h>
#include <string.h>

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

static void subkey(const unsigned char *store_key, unsigned char *out)
{
    static const char ctx[] = "tongdai contact seal v1";
    crypto_generichash(out, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, (const unsigned char *)ctx,
                       sizeof ctx - 1, store_key, PRIVACY_KEY_BYTES);
}

enum td_err privacy_seal(const unsigned char *store_key, const char *code, const void *pt,
                         size_t len, struct arena *a, unsigned char **blob, size_t *blob_len)
{
    unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    unsigned char *out = arena_alloc(a, NONCE + len + TAG);
    unsigned long long clen = 0;
    if (out == NULL)
        return TD_ENOMEM;
    subkey(store_key, key);
    randombytes_buf(out, NONCE);
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out + NONCE, &clen, pt, len, (const unsigned char *)code, strlen(code), NULL, out, key);
    sodium_memzero(key, sizeof key);
    *blob = out;
    *blob_len = NONCE + (size_t)clen;
    return TD_OK;
}

enum td_err privacy_unseal(const unsigned char *store_key, const char *code,
                           const unsigned char *blob, size_t blob_len, struct arena *a, char **pt,
                           size_t *pt_len)
{
    unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    unsigned long long mlen = 0;
    if (blob == NULL || blob_len < NONCE + TAG)
        return TD_EINTERNAL;
    char *out = arena_alloc(a, blob_len - NONCE - TAG + 1);
    if (out == NULL)
        return TD_ENOMEM;
    subkey(store_key, key);
    int r = crypto_aead_xchacha20poly1305_ietf_decrypt(
        (unsigned char *)out, &mlen, NULL, blob + NONCE, blob_len - NONCE,
        (const unsigned char *)code, strlen(code), blob, key);
    sodium_memzero(key, sizeof key);
    if (r != 0)
        return TD_EINTERNAL;
    out[mlen] = '\0';
    *pt = out;
    *pt_len = (size_t)mlen;
    return TD_OK;
}
