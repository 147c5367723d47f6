-- Accounts and their access keys.
-- Times are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    -- The owning IAM user's unique id; NULL for the account root's own keys.
    user_id TEXT,
    -- Kept in clear: verifying SigV4 needs the secret itself, not a hash of it.
    secret_access_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_used_service TEXT,
    last_used_region TEXT
) STRICT;

CREATE INDEX access_keys_by_owner ON access_keys (account_id, user_id, created_at);
