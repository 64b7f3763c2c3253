#include "lib/err.h"

#include <stddef.h>

struct err_row {
    int http;
    const char *code;
};

static const struct err_row rows[] = {
#define TD_ERR_ROW(name, val, http, code) [val] = {http, code},
    TD_ERRORS(TD_ERR_ROW)
#undef TD_ERR_ROW
};

int td_err_http(enum td_err e)
{
    if ((size_t)e >= sizeof rows / sizeof rows[0] || rows[e].code == NULL)
        return 500;
    return rows[e].http;
}

const char *td_err_code(enum td_err e)
{
    if ((size_t)e >= sizeof rows / sizeof rows[0] || rows[e].code == NULL)
        return "internal";
    return rows[e].code;
}
