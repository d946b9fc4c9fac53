-- Where each user signs in: Tusk's own password ('internal'), an LDAP
-- directory ('ldap'), or an authenticating proxy in front ('webserver').
-- Users of the last two have no Tusk password (password_hash '!external');
-- their data key is wrapped under a key Tusk derives from a server secret.
ALTER TABLE users ADD COLUMN auth_source TEXT NOT NULL DEFAULT 'internal'
	CHECK (auth_source IN ('internal', 'ldap', 'webserver', 'oauth2'));
