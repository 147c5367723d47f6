-- IAM users, groups, access keys, login profiles, tags and account settings.
-- Times are integer milliseconds since the Unix epoch, UTC. IAM names are ASCII and unique
-- per account ignoring case, hence COLLATE NOCASE on every name column.

CREATE TABLE users (
    user_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_last_used_at INTEGER,
    permissions_boundary_arn TEXT,
    -- Also the index every name lookup and every ListUsers page is served from.
    UNIQUE (account_id, user_name)
) STRICT;

CREATE TABLE groups (
    group_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    group_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, group_name)
) STRICT;

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX group_members_by_user ON group_members (user_id);

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    -- The owning IAM user; NULL for the account root's own keys.
    user_id TEXT REFERENCES users (user_id),
    -- Kept in clear: verifying SigV4 needs the secret itself, not a hash of it.
    secret_access_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_used_service TEXT,
    last_used_region TEXT
) STRICT;

CREATE INDEX access_keys_by_owner ON access_keys (account_id, user_id, created_at);

CREATE TABLE login_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    -- An Argon2id PHC string; passwords are never stored in clear.
    password_hash TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Earlier password hashes, for the password policy's reuse prevention.
CREATE TABLE password_history (
    user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    set_at INTEGER NOT NULL
) STRICT;

CREATE INDEX password_history_by_user ON password_history (user_id, set_at);

CREATE TABLE tags (
    -- The unique id of the tagged entity (AIDA…, AROA…, ANPA…), whatever its kind.
    resource_id TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    -- The key in Unicode lower case: keys are unique ignoring case, beyond ASCII too, which
    -- SQLite's NOCASE does not fold.
    folded_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    -- Tags are listed in the order they were first added.
    position INTEGER NOT NULL,
    PRIMARY KEY (resource_id, folded_key)
) STRICT;

CREATE INDEX tags_in_order ON tags (resource_id, position);

CREATE TABLE password_policies (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    minimum_password_length INTEGER NOT NULL,
    require_symbols INTEGER NOT NULL,
    require_numbers INTEGER NOT NULL,
    require_uppercase_characters INTEGER NOT NULL,
    require_lowercase_characters INTEGER NOT NULL,
    allow_users_to_change_password INTEGER NOT NULL,
    max_password_age INTEGER,
    password_reuse_prevention INTEGER,
    hard_expiry INTEGER
) STRICT;

CREATE TABLE account_aliases (
    -- Aliases are unique across all accounts, as in AWS.
    account_alias TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts (account_id) ON DELETE CASCADE
) STRICT;
