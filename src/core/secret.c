#include "core/secret.h"

#include <sodium.h>
#include <string.h>

#include "store/store.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* n characters, each 5 random bits. */
static void random_crockford(char *out, size_t n)
{
    unsigned char buf[32];
    randombytes_buf(buf, n);
    for (size_t i = 0; i < n; i++)
        out[i] = crockford[buf[i] & 31];
    out[n] = '\0';
    sodium_memzero(buf, sizeof buf);
}

void secret_case_code(char *out)
{
    random_crockford(out, CASE_CODE_LEN);
}

void secret_access_key(char *out)
{
    char raw[ACCESS_KEY_CHARS + 1];
    random_crockford(raw, ACCESS_KEY_CHARS);
    size_t o = 0;
    for (size_t i = 0; i < ACCESS_KEY_CHARS; i++) {
        if (i && i % 5 == 0)
            out[o++] = '-';
        out[o++] = raw[i];
    }
    out[o] = '\0';
    sodium_memzero(raw, sizeof raw);
}

void secret_session_token(char *out)
{
    unsigned char buf[32];
    randombytes_buf(buf, sizeof buf);
    sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, buf, sizeof buf,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(buf, sizeof buf);
}

int secret_crockford_normalize(const char *in, size_t want, char *out, size_t cap)
{
    size_t n = 0;
    if (in == NULL || cap <= want)
        return -1;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == 'O')
            c = '0';
        else if (c == 'I' || c == 'L')
            c = '1';
        if (c == '\0' || strchr(crockford, c) == NULL || n == want)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == want ? (int)n : -1;
}

int secret_access_key_hash(const struct store *st, const char *typed, unsigned char *out32)
{
    char norm[ACCESS_KEY_CHARS + 1];
    if (secret_crockford_normalize(typed, ACCESS_KEY_CHARS, norm, sizeof norm) < 0)
        return -1;
    store_secret_hash(st, norm, ACCESS_KEY_CHARS, out32);
    sodium_memzero(norm, sizeof norm);
    return 0;
}

void secret_csrf_token(const struct store *st, const char *session_token, char *out)
{
    char buf[8 + SESSION_TOKEN_LEN + 1];
    unsigned char h[STORE_HASH_BYTES];
    size_t tl = strnlen(session_token, SESSION_TOKEN_LEN);
    memcpy(buf, "csrf:", 5);
    memcpy(buf + 5, session_token, tl);
    store_secret_hash(st, buf, 5 + tl, h);
    sodium_bin2base64(out, CSRF_TOKEN_LEN + 1, h, sizeof h,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(buf, sizeof buf);
}
