/* Object kinds, one row each: the server's own objects: databases, roles, tablespaces. Each kind's listing, its
 * queries and its DDL come first; the rows at the end tie them together. */
#include "catalog/kinds.h"

/* Collections under a database, a schema and a table. */
static const char *const database_children[] = {
    "schemas",	    "extensions",    "casts",	       "event_triggers", "foreign_data_wrappers", "languages",
    "publications", "subscriptions", "access_methods", "transforms",	 "default_privileges",	  NULL};

/* ---- database ---- */

static const catalog_listing database_list =
    LISTING("databases", "Databases", CATALOG_AT_SERVER,
	    "SELECT datname, datname, 'database', oid FROM pg_catalog.pg_database "
	    "WHERE NOT datistemplate AND ($1::text[] IS NULL OR datname = ANY ($1::text[]))",
	    NULL, "pg_database",
	    COLUMNS({"owner", "pg_catalog.pg_get_userbyid(o.datdba)"},
		    {"encoding", "pg_catalog.pg_encoding_to_char(o.encoding)"},
		    {"comment", "pg_catalog.shobj_description(x.oid, 'pg_database')"}),
	    "databases", true);

static const char database_props[] =
    "SELECT d.datname AS name, pg_catalog.pg_get_userbyid(d.datdba) AS owner, d.oid::text AS oid, "
    "pg_catalog.pg_encoding_to_char(d.encoding) AS encoding, d.datcollate AS collate, d.datctype AS ctype, "
    "t.spcname AS tablespace, d.datconnlimit AS connection_limit, d.datallowconn AS allow_connections, "
    "d.datistemplate AS is_template, pg_catalog.pg_size_pretty(pg_catalog.pg_database_size(d.oid)) AS size, "
    "d.datacl::text AS privileges, pg_catalog.shobj_description(d.oid, 'pg_database') AS comment FROM "
    "pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = "
    "pg_catalog.current_database()";

static const char database_stats[] =
    "SELECT numbackends AS backends, xact_commit AS commits, xact_rollback AS rollbacks, blks_read, blks_hit, "
    "tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, conflicts, temp_files, "
    "pg_catalog.pg_size_pretty(temp_bytes) AS temp_size, deadlocks, stats_reset FROM pg_catalog.pg_stat_database "
    "WHERE datname = pg_catalog.current_database()";

/* The database the connection is on (the path's database). */
static const char *const database_sql[] = {
    "SELECT format('CREATE DATABASE %I WITH OWNER = %I ENCODING = %L LC_COLLATE = %L LC_CTYPE = %L TABLESPACE = %I "
    "CONNECTION LIMIT = %s;', d.datname, pg_catalog.pg_get_userbyid(d.datdba), "
    "pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, t.spcname, d.datconnlimit) FROM "
    "pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = "
    "pg_catalog.current_database()",
    "SELECT format('COMMENT ON DATABASE %I IS %L;', pg_catalog.current_database(), c) FROM "
    "pg_catalog.shobj_description((SELECT oid FROM pg_catalog.pg_database WHERE datname = "
    "pg_catalog.current_database()), 'pg_database') c WHERE c IS NOT NULL",
    GRANTS("'DATABASE'", "'d'", "format('%I', o.datname)",
	   "pg_catalog.pg_database o WHERE o.datname = pg_catalog.current_database()", "datacl", "datdba",
	   "pg_database"),
    NULL,
};

static const char *const database_privileges[] = {"CONNECT", "CREATE", "TEMPORARY", NULL};

/* ---- role ---- */

static const catalog_listing role_list =
    LISTING("roles", "Login/Group Roles", CATALOG_AT_SERVER,
	    "SELECT rolname, rolname, CASE WHEN rolcanlogin THEN 'login_role' ELSE 'group_role' END, oid "
	    "FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'",
	    NULL, "pg_roles",
	    COLUMNS({"can_login", "o.rolcanlogin"}, {"superuser", "o.rolsuper"},
		    {"comment", "pg_catalog.shobj_description(x.oid, 'pg_authid')"}),
	    "roles", false);

static const char role_props[] =
    "SELECT r.rolname AS name, r.oid::text AS oid, r.rolcanlogin AS can_login, r.rolsuper AS superuser, "
    "r.rolcreatedb AS create_databases, r.rolcreaterole AS create_roles, r.rolinherit AS inherit, "
    "r.rolreplication AS replication, r.rolbypassrls AS bypass_rls, r.rolconnlimit AS connection_limit, "
    "r.rolvaliduntil AS valid_until, (SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM "
    "pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS "
    "member_of, (SELECT string_agg(u.rolname, ', ' ORDER BY u.rolname) FROM pg_catalog.pg_auth_members m JOIN "
    "pg_catalog.pg_roles u ON u.oid = m.member WHERE m.roleid = r.oid) AS members, "
    "array_to_string(r.rolconfig, ', ') AS settings, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment "
    "FROM pg_catalog.pg_roles r WHERE r.rolname = $1";

static const char role_stats[] =
    "SELECT (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE usename = $1) AS sessions, (SELECT count(*) "
    "FROM pg_catalog.pg_database d WHERE d.datdba = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1)) AS "
    "databases_owned";

/* Roles and tablespaces, like pg_dumpall --roles-only / --tablespaces-only
 * (never a password: pg_roles hides it). $1 is the name. */
static const char *const role_sql[] = {
    "SELECT format('CREATE ROLE %I;', rolname) FROM pg_catalog.pg_roles WHERE rolname = $1",
    "SELECT format('ALTER ROLE %I WITH %sSUPERUSER %sINHERIT %sCREATEROLE %sCREATEDB %sLOGIN %sREPLICATION "
    "%sBYPASSRLS%s%s;', rolname, CASE WHEN rolsuper THEN '' ELSE 'NO' END, CASE WHEN rolinherit THEN '' ELSE 'NO' "
    "END, CASE WHEN rolcreaterole THEN '' ELSE 'NO' END, CASE WHEN rolcreatedb THEN '' ELSE 'NO' END, CASE WHEN "
    "rolcanlogin THEN '' ELSE 'NO' END, CASE WHEN rolreplication THEN '' ELSE 'NO' END, CASE WHEN rolbypassrls "
    "THEN '' ELSE 'NO' END, CASE WHEN rolconnlimit <> -1 THEN ' CONNECTION LIMIT ' || rolconnlimit END, CASE WHEN "
    "rolvaliduntil IS NOT NULL THEN format(' VALID UNTIL %L', rolvaliduntil) END) FROM pg_catalog.pg_roles WHERE "
    "rolname = $1",
    "SELECT format('COMMENT ON ROLE %I IS %L;', r.rolname, c) FROM pg_catalog.pg_roles r, "
    "pg_catalog.shobj_description(r.oid, 'pg_authid') c WHERE r.rolname = $1 AND c IS NOT NULL",
    "SELECT format('ALTER ROLE %I%s SET %s TO %L;', r.rolname, CASE WHEN s.setdatabase <> 0 THEN format(' IN "
    "DATABASE %I', (SELECT datname FROM pg_catalog.pg_database WHERE oid = s.setdatabase)) END, split_part(c, "
    "'=', 1), substr(c, strpos(c, '=') + 1)) FROM pg_catalog.pg_roles r JOIN pg_catalog.pg_db_role_setting s ON "
    "s.setrole = r.oid, unnest(s.setconfig) c WHERE r.rolname = $1 ORDER BY s.setdatabase, c",
    "SELECT format('GRANT %I TO %I%s;', g.rolname, r.rolname, CASE WHEN m.admin_option THEN ' WITH ADMIN OPTION' "
    "END) FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN "
    "pg_catalog.pg_roles r ON r.oid = m.member WHERE r.rolname = $1 ORDER BY g.rolname",
    NULL,
};

/* ---- tablespace ---- */

static const catalog_listing tablespace_list =
    LISTING("tablespaces", "Tablespaces", CATALOG_AT_SERVER,
	    "SELECT spcname, spcname, 'tablespace', oid FROM pg_catalog.pg_tablespace", NULL, "pg_tablespace",
	    COLUMNS({"owner", "pg_catalog.pg_get_userbyid(o.spcowner)"},
		    {"location", "pg_catalog.pg_tablespace_location(x.oid)"},
		    {"comment", "pg_catalog.shobj_description(x.oid, 'pg_tablespace')"}),
	    "tablespaces", false);

static const char tablespace_props[] =
    "SELECT t.spcname AS name, pg_catalog.pg_get_userbyid(t.spcowner) AS owner, t.oid::text AS oid, "
    "pg_catalog.pg_tablespace_location(t.oid) AS location, array_to_string(t.spcoptions, ', ') AS options, "
    "CASE WHEN pg_catalog.has_tablespace_privilege(t.oid, 'CREATE') OR t.spcname = 'pg_default' OR "
    "pg_catalog.pg_has_role('pg_read_all_stats', 'MEMBER') THEN pg_catalog.pg_size_pretty("
    "pg_catalog.pg_tablespace_size(t.oid)) END AS size, t.spcacl::text AS privileges, "
    "pg_catalog.shobj_description(t.oid, 'pg_tablespace') AS comment FROM pg_catalog.pg_tablespace t WHERE "
    "t.spcname = $1";

static const char *const tablespace_sql[] = {
    "SELECT CASE WHEN pg_catalog.pg_tablespace_location(oid) = '' THEN format('-- %s is built into PostgreSQL', "
    "spcname) ELSE format('CREATE TABLESPACE %I OWNER %I LOCATION %L;', spcname, "
    "pg_catalog.pg_get_userbyid(spcowner), pg_catalog.pg_tablespace_location(oid)) END FROM "
    "pg_catalog.pg_tablespace WHERE spcname = $1",
    "SELECT format('ALTER TABLESPACE %I SET (%s);', spcname, array_to_string(spcoptions, ', ')) FROM "
    "pg_catalog.pg_tablespace WHERE spcname = $1 AND spcoptions IS NOT NULL",
    "SELECT format('COMMENT ON TABLESPACE %I IS %L;', t.spcname, c) FROM pg_catalog.pg_tablespace t, "
    "pg_catalog.shobj_description(t.oid, 'pg_tablespace') c WHERE t.spcname = $1 AND c IS NOT NULL",
    "SELECT format('GRANT %s ON TABLESPACE %I TO %s%s;', a.privilege_type, t.spcname, CASE WHEN a.grantee = 0 "
    "THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, CASE WHEN a.is_grantable THEN "
    "' WITH GRANT OPTION' ELSE '' END) FROM pg_catalog.pg_tablespace t, pg_catalog.aclexplode(t.spcacl) a WHERE "
    "t.spcname = $1 AND a.grantee <> t.spcowner ORDER BY a.grantee, a.privilege_type",
    NULL,
};

/* kind, icon, listing, second listing, children, parameters, identity, properties, statistics,
 * DDL, DDL by version, search: order, query, parent; statements: address type, keyword, form,
 * what PostgreSQL has, article; GRANT keyword, privileges */
const catalog_kind catalog_server_kinds[] = {
    KIND("database", "database", &database_list, NULL, database_children, 0,
	 "SELECT 'pg_catalog.pg_database'::regclass::oid, oid FROM pg_catalog.pg_database WHERE datname = "
	 "pg_catalog.current_database()",
	 database_props, database_stats, database_sql, NULL, 0, NULL, NULL, "database", "DATABASE", NAMED, 0, "a",
	 "DATABASE", database_privileges),
    KIND("role", "role", &role_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_authid'::regclass::oid, oid FROM pg_catalog.pg_roles WHERE rolname = $1", role_props,
	 role_stats, role_sql, NULL, 0, NULL, NULL, "role", "ROLE", NAMED, CAN_DROP | CAN_RENAME | CAN_COMMENT, "a",
	 NULL, NULL),
    KIND("tablespace", "tablespace", &tablespace_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_tablespace'::regclass::oid, oid FROM pg_catalog.pg_tablespace WHERE spcname = $1",
	 tablespace_props, NULL, tablespace_sql, NULL, 0, NULL, NULL, "tablespace", "TABLESPACE", NAMED,
	 (GLOBAL_OBJECT & ~CAN_CASCADE) | DROP_ALONE, "a", NULL, NULL),
    {0},
};
