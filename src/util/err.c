#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
	const char *name;
	int status, on_connect;
	bool internal;
} table[] = {
#define ERR_ROW(e, name, status, internal, connect) [e] = {name, status, connect, internal},
    ERR_TABLE(ERR_ROW)
#undef ERR_ROW
};

void err_set(tusk_err *err, err_code code, const char *fmt, ...)
{
	if (!err)
		return;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

const char *err_name(err_code code)
{
	return code < ERR_COUNT ? table[code].name : "internal";
}

int err_status(err_code code, bool on_connect)
{
	if (code >= ERR_COUNT)
		return 500;
	return on_connect && table[code].on_connect ? table[code].on_connect : table[code].status;
}

bool err_internal(err_code code)
{
	return code >= ERR_COUNT || table[code].internal;
}
