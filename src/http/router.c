#include "http/router.h"

#include <string.h>

/* Next segment of s starting at *pos (after a '/'); advances *pos. */
static slice next_segment(slice s, size_t *pos)
{
	size_t start = *pos, i = start;
	while (i < s.len && s.ptr[i] != '/')
		i++;
	*pos = i;
	return (slice){s.ptr + start, i - start};
}

int router_match(const char *pattern, slice path, route_param *params, int max_params)
{
	slice pat = slice_cstr(pattern);
	size_t pi = 0, si = 0;
	int n = 0;
	for (;;) {
		bool pat_end = pi >= pat.len, path_end = si >= path.len;
		if (pat_end || path_end)
			return pat_end && path_end ? n : -1;
		if (pat.ptr[pi] != '/' || path.ptr[si] != '/')
			return -1;
		pi++;
		si++;
		if (pi == pat.len - 1 && pat.ptr[pi] == '*')
			return n;
		slice ps = next_segment(pat, &pi);
		slice ss = next_segment(path, &si);
		if (ps.len >= 2 && ps.ptr[0] == '{' && ps.ptr[ps.len - 1] == '}') {
			if (ss.len == 0 || n >= max_params)
				return -1;
			params[n].name = (slice){ps.ptr + 1, ps.len - 2};
			params[n].value = ss;
			n++;
		} else if (!slice_eq(ps, ss)) {
			return -1;
		}
	}
}
