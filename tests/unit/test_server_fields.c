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

/* The SSH tunnel's fields: a reason and the pgAdmin key at fault, or NULL. */
Test(server_fields, tunnel)
{
	store_server sv = {.host = "db.internal", .tunnel_port = 22};
	const char *key;
	cr_assert_null(server_tunnel_problem(&sv, &key), "tunneling off: nothing needed");
	sv.use_ssh_tunnel = true;
	cr_assert_not_null(server_tunnel_problem(&sv, &key));
	cr_assert_str_eq(key, "TunnelHost");
	sv.tunnel_host = "bastion";
	cr_assert_not_null(server_tunnel_problem(&sv, &key));
	cr_assert_str_eq(key, "TunnelUsername");
	sv.tunnel_username = "jump";
	cr_assert_null(server_tunnel_problem(&sv, &key));
	sv.tunnel_authentication = 1;
	cr_assert_not_null(server_tunnel_problem(&sv, &key));
	cr_assert_str_eq(key, "TunnelIdentityFile");
	sv.tunnel_identity_file = "keys/id";
	cr_assert_null(server_tunnel_problem(&sv, &key));
	sv.tunnel_authentication = 2;
	cr_assert_not_null(server_tunnel_problem(&sv, &key));
	cr_assert_str_eq(key, "TunnelAuthentication");
	sv.tunnel_authentication = 0;
	sv.tunnel_port = 0;
	cr_assert_not_null(server_tunnel_problem(&sv, &key));
	cr_assert_str_eq(key, "TunnelPort");
	sv.tunnel_port = 22;
	sv.tunnel_keepalive = -1;
	cr_assert_not_null(server_tunnel_problem(&sv, &key));
	cr_assert_str_eq(key, "TunnelKeepAlive");
	sv.tunnel_keepalive = 30;
	sv.host = "a,b";
	cr_assert_not_null(server_tunnel_problem(&sv, &key), "one host behind a tunnel");
	cr_assert_str_eq(key, "Host");
	sv.host = NULL;
	cr_assert_not_null(server_tunnel_problem(&sv, &key), "a service cannot be reached through a tunnel");
}
