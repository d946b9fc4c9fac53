#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "pg/spool.h"

struct seen {
	uint64_t first, count;
	bool ok;
};

/* Rows are (n, "v<n>" or NULL for n % 5 == 0, "" for n % 7 == 0). */
static void append(spool *s, uint64_t n)
{
	char a[32], b[32];
	snprintf(a, sizeof(a), "%llu", (unsigned long long)n);
	snprintf(b, sizeof(b), "v%llu", (unsigned long long)n);
	const char *vals[2] = {a, n % 5 == 0 ? NULL : n % 7 == 0 ? "" : b};
	int lens[2] = {(int)strlen(a), vals[1] ? (int)strlen(vals[1]) : 0};
	tusk_err err;
	cr_assert(spool_append(s, vals, lens, &err), "%s", err.msg);
}

static bool check_row(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens)
{
	struct seen *seen = ctx;
	char want[32];
	snprintf(want, sizeof(want), "%llu", (unsigned long long)row);
	bool ok = ncols == 2 && row == seen->first + seen->count && lens[0] == (int)strlen(want) &&
		  memcmp(vals[0], want, (size_t)lens[0]) == 0;
	if (row % 5 == 0)
		ok = ok && vals[1] == NULL;
	else if (row % 7 == 0)
		ok = ok && vals[1] != NULL && lens[1] == 0;
	else
		ok = ok && vals[1] && vals[1][0] == 'v' && memcmp(vals[1] + 1, want, strlen(want)) == 0;
	seen->ok = seen->ok && ok;
	seen->count++;
	return true;
}

static void check_window(spool *s, uint64_t offset, uint64_t limit, uint64_t expect)
{
	struct seen seen = {offset, 0, true};
	tusk_err err;
	cr_assert(spool_read(s, offset, limit, check_row, &seen, &err), "%s", err.msg);
	cr_assert(seen.ok, "window %llu+%llu has a wrong row", (unsigned long long)offset, (unsigned long long)limit);
	cr_assert_eq(seen.count, expect, "window %llu+%llu gave %llu rows", (unsigned long long)offset,
		     (unsigned long long)limit, (unsigned long long)seen.count);
}

Test(spool, small_results_stay_in_memory)
{
	spool *s = spool_new("/tmp", 2, 1 << 20);
	for (uint64_t i = 0; i < 100; i++)
		append(s, i);
	cr_assert_not(spool_on_disk(s));
	cr_assert_eq(spool_rows(s), 100);
	check_window(s, 0, 10, 10);
	check_window(s, 95, 10, 5);
	check_window(s, 100, 10, 0);
	spool_free(s);
}

Test(spool, large_results_spill_and_every_window_reads_back)
{
	spool *s = spool_new("/tmp", 2, 4096);
	const uint64_t n = 50000;
	for (uint64_t i = 0; i < n; i++) {
		append(s, i);
		if (i == 20000) /* reading while the writer is mid-way */
			check_window(s, 19990, 100, 11);
	}
	cr_assert(spool_on_disk(s));
	cr_assert_eq(spool_rows(s), n);
	check_window(s, 0, 100, 100);
	check_window(s, 8190, 10, 10); /* across an index flush */
	check_window(s, 25000, 100, 100);
	check_window(s, n - 50, 100, 50); /* the unflushed tail */
	check_window(s, 0, n, n);
	spool_free(s);
}

Test(spool, a_missing_directory_is_an_error_not_a_crash)
{
	spool *s = spool_new("/nonexistent/dir", 2, 16);
	const char *vals[2] = {"a", "b"};
	int lens[2] = {1, 1};
	tusk_err err = {0};
	bool ok = true;
	for (int i = 0; i < 10 && ok; i++)
		ok = spool_append(s, vals, lens, &err);
	cr_assert_not(ok);
	cr_assert(strstr(err.msg, "/nonexistent/dir") != NULL, "%s", err.msg);
	spool_free(s);
}

struct cut_seen {
	uint64_t next;
	size_t limit;
	bool ok;
};

/* Row n: (n, n * 37000 bytes of 'a' + n, NULL). */
static bool check_cut(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens, const int *full)
{
	struct cut_seen *c = ctx;
	int whole = (int)(row * 37000);
	int given = (size_t)whole > c->limit ? (int)c->limit : whole;
	bool ok = ncols == 3 && row == c->next && full[1] == whole && lens[1] == given && full[2] == -1 &&
		  vals[2] == NULL && full[0] == (row < 10 ? 1 : 2) && lens[0] == (c->limit < 2 ? 1 : full[0]);
	for (int i = 0; ok && i < given; i++)
		ok = vals[1][i] == (char)('a' + row % 26);
	c->ok = c->ok && ok;
	c->next++;
	return true;
}

Test(spool, cut_reads_give_the_first_bytes_and_the_whole_size_in_both_paths)
{
	spool *s = spool_new("/tmp", 3, 1 << 16);
	const int n = 40; /* rows up to 1.4 MB each, 29 MB in all: windows past 4 MB are read row by row */
	char *big = malloc((size_t)n * 37000);
	for (int i = 0; i < n; i++) {
		char num[16];
		snprintf(num, sizeof(num), "%d", i);
		memset(big, 'a' + i % 26, (size_t)i * 37000);
		const char *vals[3] = {num, big, NULL};
		int lens[3] = {(int)strlen(num), i * 37000, 0};
		tusk_err err;
		cr_assert(spool_append(s, vals, lens, &err), "%s", err.msg);
	}
	free(big);
	tusk_err err;
	size_t limits[] = {8192, 1, SIZE_MAX};
	for (size_t l = 0; l < 3; l++) {
		struct cut_seen all = {0, limits[l], true};
		cr_assert(spool_read_cut(s, 0, 100, limits[l], check_cut, &all, &err), "%s", err.msg);
		cr_assert(all.ok && all.next == 40, "limit %zu", limits[l]);
		struct cut_seen one = {5, limits[l], true}; /* one row of 185 kB: read at once */
		cr_assert(spool_read_cut(s, 5, 1, limits[l], check_cut, &one, &err), "%s", err.msg);
		cr_assert(one.ok && one.next == 6, "limit %zu", limits[l]);
	}
	spool_free(s);
}
