#include "pg/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/str.h"

#define TAIL_ROWS 8192		/* index entries kept in memory before flushing */
#define DATA_FLUSH (256 * 1024) /* data bytes kept in memory before flushing */

struct spool {
	pthread_mutex_t lock;
	int ncols;
	size_t mem_limit;
	char *dir;
	_Atomic uint64_t rows; /* written under the lock, read without it by spool_rows */
	/* data: file holds [0, data_flushed); buf holds the rest */
	int data_fd;
	uint64_t data_flushed;
	str buf;
	/* index: file holds offsets of rows [0, index_flushed); tail the rest */
	int index_fd;
	uint64_t index_flushed;
	uint64_t *tail;
	size_t tail_n, tail_cap;
};

spool *spool_new(const char *dir, int ncols, size_t mem_limit)
{
	spool *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->ncols = ncols;
	s->mem_limit = mem_limit;
	s->dir = xstrdup(dir);
	s->data_fd = s->index_fd = -1;
	return s;
}

void spool_free(spool *s)
{
	if (!s)
		return;
	if (s->data_fd >= 0)
		close(s->data_fd);
	if (s->index_fd >= 0)
		close(s->index_fd);
	str_free(&s->buf);
	free(s->tail);
	free(s->dir);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* An anonymous file: unlinked at once, so it vanishes with the process. */
static int temp_file(const char *dir, tusk_err *err)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[4096];
	snprintf(path, sizeof(path), "%s/spool-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		err_set(err, ERR_SPOOL_FAILED, "cannot create a result file in %s: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

/* n bytes at offset at, all of them: written from p (write) or read into it. */
static bool transfer(int fd, void *p, size_t n, uint64_t at, bool write, tusk_err *err)
{
	char *c = p;
	while (n) {
		ssize_t got = write ? pwrite(fd, c, n, (off_t)at) : pread(fd, c, n, (off_t)at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err_set(err, ERR_SPOOL_FAILED, "%s the result %s disk failed: %s",
				write ? "writing" : "reading", write ? "to" : "from",
				got < 0 ? strerror(errno)
				: write ? "short write"
					: "unexpected end");
			return false;
		}
		c += got;
		n -= (size_t)got;
		at += (uint64_t)got;
	}
	return true;
}

static bool write_all(int fd, const void *p, size_t n, uint64_t at, tusk_err *err)
{
	return transfer(fd, (void *)p, n, at, true, err);
}

static bool read_all(int fd, void *p, size_t n, uint64_t at, tusk_err *err)
{
	return transfer(fd, p, n, at, false, err);
}

/* Moves the memory buffers to the files (opening them the first time). */
static bool flush(spool *s, tusk_err *err)
{
	if (s->data_fd < 0 && ((s->data_fd = temp_file(s->dir, err)) < 0 || (s->index_fd = temp_file(s->dir, err)) < 0))
		return false;
	if (s->buf.len) {
		if (!write_all(s->data_fd, s->buf.buf, s->buf.len, s->data_flushed, err))
			return false;
		s->data_flushed += s->buf.len;
		str_reset(&s->buf);
	}
	if (s->tail_n) {
		if (!write_all(s->index_fd, s->tail, s->tail_n * sizeof(uint64_t), s->index_flushed * sizeof(uint64_t),
			       err))
			return false;
		s->index_flushed += s->tail_n;
		s->tail_n = 0;
	}
	return true;
}

bool spool_append(spool *s, const char *const *vals, const int *lens, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	if (s->tail_n == s->tail_cap) {
		s->tail_cap = s->tail_cap ? s->tail_cap * 2 : 256;
		s->tail = xrealloc(s->tail, s->tail_cap * sizeof(uint64_t));
	}
	s->tail[s->tail_n++] = s->data_flushed + s->buf.len;
	for (int i = 0; i < s->ncols; i++) {
		int32_t len = vals[i] ? (int32_t)lens[i] : -1;
		str_append(&s->buf, &len, sizeof(len));
		if (len > 0)
			str_append(&s->buf, vals[i], (size_t)len);
	}
	s->rows++;
	bool ok = true;
	bool spilled = s->data_fd >= 0;
	if ((!spilled && s->buf.len + s->tail_n * sizeof(uint64_t) > s->mem_limit) ||
	    (spilled && (s->buf.len >= DATA_FLUSH || s->tail_n >= TAIL_ROWS)))
		ok = flush(s, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

uint64_t spool_rows(spool *s)
{
	return atomic_load(&s->rows);
}

bool spool_on_disk(spool *s)
{
	pthread_mutex_lock(&s->lock);
	bool d = s->data_fd >= 0;
	pthread_mutex_unlock(&s->lock);
	return d;
}

/* Offset of row i's first byte, or the total size for i == rows. Lock held. */
static bool row_offset(spool *s, uint64_t i, uint64_t *off, tusk_err *err)
{
	if (i >= s->rows) {
		*off = s->data_flushed + s->buf.len;
		return true;
	}
	if (i >= s->index_flushed) {
		*off = s->tail[i - s->index_flushed];
		return true;
	}
	return read_all(s->index_fd, off, sizeof(*off), i * sizeof(uint64_t), err);
}

/* Copies bytes [from, to) of the data, from file and memory. Lock held. */
static bool read_bytes(spool *s, uint64_t from, uint64_t to, char *out, tusk_err *err)
{
	if (from < s->data_flushed) {
		uint64_t end = to < s->data_flushed ? to : s->data_flushed;
		if (!read_all(s->data_fd, out, (size_t)(end - from), from, err))
			return false;
		out += end - from;
		from = end;
	}
	if (from < to)
		memcpy(out, s->buf.buf + (from - s->data_flushed), (size_t)(to - from));
	return true;
}

bool spool_read(spool *s, uint64_t offset, uint64_t limit, spool_row_fn fn, void *ctx, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	uint64_t end = offset + limit;
	if (end > s->rows || end < offset)
		end = s->rows;
	if (offset >= end) {
		pthread_mutex_unlock(&s->lock);
		return true;
	}
	uint64_t from, to;
	bool ok = row_offset(s, offset, &from, err) && row_offset(s, end, &to, err);
	char *bytes = ok ? xmalloc((size_t)(to - from) + 1) : NULL;
	ok = ok && read_bytes(s, from, to, bytes, err);
	int ncols = s->ncols;
	pthread_mutex_unlock(&s->lock);
	if (!ok) {
		free(bytes);
		return false;
	}
	/* decode outside the lock: the writer goes on */
	const char **vals = xcalloc((size_t)ncols + 1, sizeof(char *));
	int *lens = xcalloc((size_t)ncols + 1, sizeof(int));
	char *p = bytes, *stop = bytes + (to - from);
	for (uint64_t row = offset; row < end && ok; row++) {
		for (int c = 0; c < ncols; c++) {
			int32_t len;
			if (p + sizeof(len) > stop) {
				err_set(err, ERR_SPOOL_FAILED, "the result file is damaged");
				ok = false;
				break;
			}
			memcpy(&len, p, sizeof(len));
			p += sizeof(len);
			vals[c] = len < 0 ? NULL : p;
			lens[c] = len < 0 ? 0 : len;
			p += len > 0 ? len : 0;
		}
		if (ok && !fn(ctx, row, ncols, vals, lens))
			break;
	}
	free(vals);
	free(lens);
	free(bytes);
	return ok;
}

/* Windows up to this size are read at once; bigger ones row by row, cutting values. */
#define WHOLE_WINDOW (4u << 20)

/* Reads row i with values cut to cell_limit bytes into *buf; vals/lens/full
 * point into it. Lock held. */
static bool read_row_cut(spool *s, uint64_t i, size_t cell_limit, str *buf, const char **vals, int *lens, int *full,
			 tusk_err *err)
{
	uint64_t from, to;
	if (!row_offset(s, i, &from, err) || !row_offset(s, i + 1, &to, err))
		return false;
	str_reset(buf);
	size_t *at = xcalloc((size_t)s->ncols + 1, sizeof(size_t));
	bool ok = true;
	uint64_t pos = from;
	for (int c = 0; c < s->ncols && ok; c++) {
		int32_t len;
		if (pos + sizeof(len) > to) {
			err_set(err, ERR_SPOOL_FAILED, "the result file is damaged");
			ok = false;
			break;
		}
		ok = read_bytes(s, pos, pos + sizeof(len), (char *)&len, err);
		pos += sizeof(len);
		full[c] = len;
		size_t n = len > 0 ? (size_t)len : 0;
		if (n > cell_limit)
			n = cell_limit;
		at[c] = buf->len;
		lens[c] = (int)n;
		if (ok && n) {
			char *piece = xmalloc(n);
			ok = read_bytes(s, pos, pos + n, piece, err);
			str_append(buf, piece, n);
			free(piece);
		}
		pos += len > 0 ? (uint64_t)len : 0;
	}
	for (int c = 0; c < s->ncols && ok; c++)
		vals[c] = full[c] < 0 ? NULL : buf->buf + at[c];
	free(at);
	return ok;
}

struct cut_ctx {
	spool_cut_fn fn;
	void *ctx;
	size_t cell_limit;
	int *lens, *full;
};

static bool cut_row(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens)
{
	struct cut_ctx *c = ctx;
	for (int i = 0; i < ncols; i++) {
		c->full[i] = vals[i] ? lens[i] : -1;
		c->lens[i] = (size_t)lens[i] > c->cell_limit ? (int)c->cell_limit : lens[i];
	}
	return c->fn(c->ctx, row, ncols, vals, c->lens, c->full);
}

bool spool_read_cut(spool *s, uint64_t offset, uint64_t limit, size_t cell_limit, spool_cut_fn fn, void *ctx,
		    tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	uint64_t end = offset + limit;
	if (end > s->rows || end < offset)
		end = s->rows;
	uint64_t from = 0, to = 0;
	bool ok = offset >= end || (row_offset(s, offset, &from, err) && row_offset(s, end, &to, err));
	int ncols = s->ncols;
	pthread_mutex_unlock(&s->lock);
	if (!ok || offset >= end)
		return ok;
	int *lens = xcalloc((size_t)ncols + 1, sizeof(int));
	int *full = xcalloc((size_t)ncols + 1, sizeof(int));
	if (to - from <= WHOLE_WINDOW) {
		struct cut_ctx c = {fn, ctx, cell_limit, lens, full};
		ok = spool_read(s, offset, end - offset, cut_row, &c, err);
	} else {
		/* a window of big values: only their first cell_limit bytes are read */
		const char **vals = xcalloc((size_t)ncols + 1, sizeof(char *));
		str buf = STR_INIT;
		for (uint64_t row = offset; row < end && ok; row++) {
			pthread_mutex_lock(&s->lock);
			ok = read_row_cut(s, row, cell_limit, &buf, vals, lens, full, err);
			pthread_mutex_unlock(&s->lock);
			if (ok && !fn(ctx, row, ncols, vals, lens, full))
				break;
		}
		str_free(&buf);
		free(vals);
	}
	free(lens);
	free(full);
	return ok;
}
