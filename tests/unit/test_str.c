#include <criterion/criterion.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/str.h"

Test(str, appends_grow_and_stay_terminated)
{
	str s = STR_INIT;
	for (int i = 0; i < 1000; i++)
		str_appendf(&s, "%d,", i);
	cr_assert(str_ok(&s));
	cr_assert_eq(strlen(str_cstr(&s)), s.len);
	cr_assert(strncmp(str_cstr(&s), "0,1,2,", 6) == 0);
	str_free(&s);
	cr_assert_str_eq(str_cstr(&s), "");
}

Test(str, the_cap_is_sticky)
{
	str s;
	str_init_max(&s, 8);
	str_append_cstr(&s, "12345");
	str_append_cstr(&s, "6789");
	cr_assert_not(str_ok(&s));
	str_append_cstr(&s, "x");
	cr_assert_not(str_ok(&s));
	cr_assert_str_eq(str_cstr(&s), "12345");
	str_free(&s);
}

Test(arena, allocations_are_aligned_and_survive_until_free)
{
	arena *a = arena_new();
	char *strs[200];
	for (int i = 0; i < 200; i++) {
		strs[i] = arena_printf(a, "item-%d", i);
		void *p = arena_alloc(a, (size_t)i * 7 + 1);
		cr_assert_eq((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 0xab, (size_t)i * 7 + 1);
	}
	char big[10000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_str_eq(arena_strdup(a, big), big);
	cr_assert_str_eq(strs[0], "item-0");
	cr_assert_str_eq(strs[199], "item-199");
	arena_free(a);
}
