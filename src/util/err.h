/* The error a failing function leaves for its caller: a snake_case code for
 * the API and a human sentence. */
#ifndef TUSK_UTIL_ERR_H
#define TUSK_UTIL_ERR_H

typedef struct {
	char code[48];
	char msg[1024];
} tusk_err;

void err_set(tusk_err *err, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
