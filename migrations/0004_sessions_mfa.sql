-- Temporary credentials (STS sessions) and virtual MFA devices.
-- Times are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE sessions (
    access_key_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    -- Kept in clear: verifying SigV4 needs the secret itself.
    secret_access_key TEXT NOT NULL,
    session_token TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('AssumedRole', 'FederatedUser', 'UserSession', 'RootSession')),
    -- The role of a role session; the IAM user of a user or federated session (NULL for root).
    role_id TEXT,
    user_id TEXT,
    -- The role session name, or the federated user's name.
    session_name TEXT,
    source_identity TEXT,
    -- JSON: [{"Key": ..., "Value": ...}] session tags, and the keys that pass to chained sessions.
    tags TEXT NOT NULL,
    transitive_tag_keys TEXT NOT NULL,
    -- JSON: the inline session policy text (or null) and the managed session policy ARNs.
    session_policy TEXT,
    session_policy_arns TEXT NOT NULL,
    has_session_policies INTEGER NOT NULL,
    mfa_authenticated INTEGER NOT NULL,
    mfa_authenticated_at INTEGER,
    -- Whether the session was made with temporary credentials (role chaining).
    chained INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE mfa_devices (
    -- The device ARN, which is also its serial number.
    serial_number TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    device_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    -- The TOTP secret in base32, as handed to the user once.
    seed TEXT NOT NULL,
    -- The IAM user it is enabled for, or 'root' for the account root; NULL when unassigned.
    assigned_to TEXT,
    enabled_at INTEGER,
    created_at INTEGER NOT NULL,
    -- The last TOTP time step accepted: a code is good once.
    last_step INTEGER,
    UNIQUE (account_id, device_name)
) STRICT;

CREATE INDEX mfa_devices_by_owner ON mfa_devices (account_id, assigned_to);
