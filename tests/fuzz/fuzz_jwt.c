/* libFuzzer: ID tokens and key sets as a provider could send them: the input is a JWKS (JSON),
 * a newline, then a compact JWS; jwt_verify must neither crash nor accept what does not verify. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	json_t *jwks = json_loadb((const char *)data, (size_t)(nl - data), 0, NULL);
	char *token = xstrndup((const char *)nl + 1, size - (size_t)(nl + 1 - data));
	json_t *claims = NULL;
	enum jwt_result r = jwt_verify(token, jwks, &claims);
	if ((r == JWT_OK) != (claims != NULL) || (claims && !json_is_object(claims)))
		abort();
	json_decref(claims);
	json_decref(jwks);
	free(token);
	return 0;
}
