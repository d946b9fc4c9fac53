#include <criterion/criterion.h>

#include "api/server_fields.h"

Test(server_fields, colours)
{
	cr_assert(server_color_ok("#A0b1C2"));
	cr_assert(server_color_ok(""));
	cr_assert(server_color_ok(NULL));
	cr_assert_not(server_color_ok("red"));
	cr_assert_not(server_color_ok("#12345"));
	cr_assert_not(server_color_ok("#12345g"));
}
