#include "api/server_fields.h"

#include <ctype.h>
#include <string.h>

bool server_color_ok(const char *c)
{
	if (!c || !*c)
		return true;
	if (strlen(c) != 7 || c[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)c[i]))
			return false;
	return true;
}
