/*
 * Message catalogs: data/i18n/vi.json and en.json, flat JSON objects {"key": "text", ...}, the
 * same files the web front end reads. Loaded once at start-up (i18n_load) and read-only
 * afterwards, so lookups are thread-safe and need no locking.
 *
 * Keys used by the server: "error.<code>" for every code of lib/err.h, plus detail messages
 * such as "error.bad_json_at". Texts may hold placeholders "{name}" filled by i18n_format.
 * Vietnamese is the default language and the fallback when an English text is missing.
 */
#ifndef TD_LIB_I18N_H
#define TD_LIB_I18N_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/err.h"

enum i18n_lang { I18N_VI = 0, I18N_EN = 1 };

/**
 * Load dir/vi.json and dir/en.json (dir is normally td_share_path("data/i18n")). Every value
 * must be a string. TD_EIO / TD_EINVAL with a message in err. Calling it again replaces the
 * catalogs (only before any request is served).
 */
enum td_err i18n_load(const char *dir, char *err, size_t errlen);
/** Release the catalogs (at exit). */
void i18n_unload(void);

/** The text for key in lang, else in Vietnamese, else NULL. Valid until i18n_unload. */
const char *i18n_get(enum i18n_lang lang, const char *key);

/**
 * Choose the language from an Accept-Language header value (may be NULL): English when it
 * ranks "en" (or en-*) strictly above "vi" by q-value, or lists en first at equal q;
 * Vietnamese otherwise.
 */
enum i18n_lang i18n_negotiate(const char *accept_language);

/** "vi" or "en". */
const char *i18n_lang_code(enum i18n_lang lang);
/** Parse "vi"/"en" (case-insensitive, region ignored: "en-US"); -1 if neither. */
int i18n_lang_parse(const char *s, enum i18n_lang *out);

/**
 * The text for key with each "{name}" replaced by its value. args is a NULL-terminated list of
 * name, value pairs. Unknown placeholders stay as written. Missing key: the key itself.
 * Result in arena a; NULL when the arena is exhausted.
 */
char *i18n_format(struct arena *a, enum i18n_lang lang, const char *key, const char *const *args);

#endif
