-- An SSH tunnel a server is reached through (pgAdmin's UseSSHTunnel, TunnelHost,
-- TunnelPort, TunnelUsername, TunnelAuthentication 0 password / 1 identity file,
-- TunnelIdentityFile in the owner's storage, TunnelKeepAlive seconds), and the
-- bastion's host key its owner accepted ("SHA256:..."; NULL: none yet). The
-- tunnel's password or key passphrase is a per-user secret (server_secrets).
ALTER TABLE servers ADD COLUMN use_ssh_tunnel INTEGER NOT NULL DEFAULT 0;
ALTER TABLE servers ADD COLUMN tunnel_host TEXT;
ALTER TABLE servers ADD COLUMN tunnel_port INTEGER NOT NULL DEFAULT 22;
ALTER TABLE servers ADD COLUMN tunnel_username TEXT;
ALTER TABLE servers ADD COLUMN tunnel_authentication INTEGER NOT NULL DEFAULT 0;
ALTER TABLE servers ADD COLUMN tunnel_identity_file TEXT;
ALTER TABLE servers ADD COLUMN tunnel_keepalive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE servers ADD COLUMN tunnel_host_key TEXT;
