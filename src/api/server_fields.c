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

const char *server_tunnel_problem(const store_server *sv, const char **key)
{
	*key = "TunnelPort";
	if (sv->tunnel_port < 1 || sv->tunnel_port > 65535)
		return "the SSH port must be a whole number from 1 to 65535";
	*key = "TunnelAuthentication";
	if (sv->tunnel_authentication != 0 && sv->tunnel_authentication != 1)
		return "must be 0 (password) or 1 (identity file)";
	*key = "TunnelKeepAlive";
	if (sv->tunnel_keepalive < 0 || sv->tunnel_keepalive > 86400)
		return "must be a number of seconds from 0 (none) to 86400";
	if (!sv->use_ssh_tunnel)
		return NULL;
	*key = "TunnelHost";
	if (!sv->tunnel_host)
		return "an SSH tunnel needs the SSH server's host";
	*key = "TunnelUsername";
	if (!sv->tunnel_username)
		return "an SSH tunnel needs the SSH user name";
	*key = "TunnelIdentityFile";
	if (sv->tunnel_authentication == 1 && !sv->tunnel_identity_file)
		return "identity file authentication needs the key file (in your storage)";
	*key = "Host";
	if (!sv->host || strchr(sv->host, ','))
		return "a server reached through an SSH tunnel needs one host name or address, as the SSH server "
		       "resolves it";
	return NULL;
}
