-- Users of the oauth2 source are keyed by who the provider says they are, not by their name:
-- oauth2_provider is the provider's OAUTH2_NAME, oauth2_subject its stable id for the user
-- (the ID token's or userinfo's `sub`; GitHub's numeric `id`). A name alone would let a user of
-- one provider (or of a provider where users choose their own names) sign in as another's.
-- Users made before this (both NULL) are bound on their first sign-in only when the provider is
-- certain (docs/security.md, "Sign-in sources": the upgrade path).
ALTER TABLE users ADD COLUMN oauth2_provider TEXT;
ALTER TABLE users ADD COLUMN oauth2_subject TEXT;
CREATE UNIQUE INDEX users_oauth2_identity ON users (oauth2_provider, oauth2_subject)
	WHERE oauth2_subject IS NOT NULL;
