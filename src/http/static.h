/* Serves the embedded single-page app: hashed assets cached forever, the
 * index page with the base path filled in, ETag/304 and precompressed gzip. */
#ifndef TUSK_HTTP_STATIC_H
#define TUSK_HTTP_STATIC_H

#include "http/http.h"
#include "util/embed.h"

void http_static_init(const embedded_file *files, size_t n);
/* The fallback handler for GET paths outside /api/. */
void http_static_serve(http_req *r);

#endif
