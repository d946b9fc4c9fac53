#include "http/static.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct asset {
	const embedded_file *file;
	const embedded_file *gz;
	char etag[24];
};

static struct asset *assets;
static size_t nassets;
static const struct asset *index_page;

static size_t file_len(const embedded_file *f)
{
	return (size_t)(f->end - f->start);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

void http_static_init(const embedded_file *files, size_t n)
{
	assets = xcalloc(n ? n : 1, sizeof(*assets));
	nassets = 0;
	for (size_t i = 0; i < n; i++) {
		if (ends_with(files[i].name, ".gz"))
			continue;
		struct asset *a = &assets[nassets++];
		a->file = &files[i];
		snprintf(a->etag, sizeof(a->etag), "\"%016llx\"",
			 (unsigned long long)fnv1a(files[i].start, file_len(&files[i])));
		for (size_t k = 0; k < n; k++) {
			size_t len = strlen(files[i].name);
			if (strncmp(files[k].name, files[i].name, len) == 0 && strcmp(files[k].name + len, ".gz") == 0)
				a->gz = &files[k];
		}
		if (strcmp(files[i].name, "index.html") == 0)
			index_page = a;
	}
}

static const char *content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".json", "application/json"},
	    {".woff2", "font/woff2"},
	    {".txt", "text/plain; charset=utf-8"},
	    {".map", "application/json"},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (ends_with(name, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static const struct asset *find(slice path)
{
	if (path.len < 2)
		return NULL;
	slice name = {path.ptr + 1, path.len - 1};
	for (size_t i = 0; i < nassets; i++)
		if (slice_eq_cstr(name, assets[i].file->name))
			return &assets[i];
	return NULL;
}

static bool accepts_gzip(http_req *r)
{
	const char *ae = http_req_header(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip") != NULL;
}

/* index.html with {{BASE}} replaced by the request's base path. */
static void serve_index(http_req *r)
{
	if (!index_page) {
		http_respond_error(r, ERR_NO_WEB_APP, "This build has no web app embedded.");
		return;
	}
	const char *src = (const char *)index_page->file->start;
	size_t len = file_len(index_page->file);
	str out = STR_INIT;
	const char *mark = "{{BASE}}";
	size_t mlen = strlen(mark);
	size_t i = 0, run = 0;
	while (i + mlen <= len) {
		if (memcmp(src + i, mark, mlen) == 0) {
			str_append(&out, src + run, i - run);
			str_append_cstr(&out, http_req_base(r));
			i += mlen;
			run = i;
		} else {
			i++;
		}
	}
	str_append(&out, src + run, len - run);
	http_add_header(r, "Cache-Control", "no-cache");
	http_respond(r, 200, "text/html; charset=utf-8", out.buf, out.len);
	str_free(&out);
}

void http_static_serve(http_req *r)
{
	slice path = http_req_path(r);
	const struct asset *a = find(path);
	if (!a) {
		/* a file name that is not embedded is a real 404, other paths are app routes */
		const char *last = memrchr(path.ptr, '/', path.len);
		bool looks_like_file = last && memchr(last, '.', path.len - (size_t)(last - path.ptr)) != NULL;
		if (looks_like_file || slice_starts_with(path, "/assets/")) {
			http_respond_error(r, ERR_NOT_FOUND, "Nothing is at %.*s.", (int)path.len, path.ptr);
			return;
		}
		serve_index(r);
		return;
	}
	if (a == index_page) {
		serve_index(r);
		return;
	}
	http_add_header(r, "ETag", a->etag);
	http_add_header(r, "Cache-Control",
			slice_starts_with(path, "/assets/") ? "public, max-age=31536000, immutable"
							    : "public, max-age=3600");
	http_add_header(r, "Vary", "Accept-Encoding");
	const char *inm = http_req_header(r, "If-None-Match");
	if (inm && strstr(inm, a->etag)) {
		http_respond_empty(r, 304);
		return;
	}
	const embedded_file *f = a->file;
	if (a->gz && accepts_gzip(r)) {
		f = a->gz;
		http_add_header(r, "Content-Encoding", "gzip");
	}
	http_respond_static(r, 200, content_type(a->file->name), f->start, file_len(f));
}
