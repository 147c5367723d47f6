-- Roles, managed and inline policies, attachments and instance profiles.
-- Times are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE roles (
    role_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    role_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- Kept exactly as submitted: AWS returns policy documents verbatim.
    assume_role_policy TEXT NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    permissions_boundary_arn TEXT,
    last_used_at INTEGER,
    last_used_region TEXT,
    UNIQUE (account_id, role_name)
) STRICT;

-- Customer managed policies. AWS managed policies are a built-in catalogue, not rows.
CREATE TABLE policies (
    policy_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    -- Unique per account regardless of path, ignoring case.
    policy_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    default_version INTEGER NOT NULL,
    -- Version numbers are never reused, so the next one is remembered.
    next_version INTEGER NOT NULL,
    UNIQUE (account_id, policy_name)
) STRICT;

CREATE TABLE policy_versions (
    policy_id TEXT NOT NULL REFERENCES policies (policy_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
) STRICT, WITHOUT ROWID;

-- A managed policy (customer or AWS, by ARN) attached to a user, group or role.
CREATE TABLE policy_attachments (
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('User', 'Group', 'Role')),
    policy_arn TEXT NOT NULL,
    attached_at INTEGER NOT NULL,
    PRIMARY KEY (entity_id, policy_arn)
) STRICT, WITHOUT ROWID;

CREATE INDEX policy_attachments_by_policy ON policy_attachments (account_id, policy_arn, entity_kind);

CREATE TABLE inline_policies (
    entity_id TEXT NOT NULL,
    policy_name TEXT NOT NULL COLLATE NOCASE,
    document TEXT NOT NULL,
    PRIMARY KEY (entity_id, policy_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE instance_profiles (
    instance_profile_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    instance_profile_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, instance_profile_name)
) STRICT;

CREATE TABLE instance_profile_roles (
    instance_profile_id TEXT NOT NULL REFERENCES instance_profiles (instance_profile_id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles (role_id),
    PRIMARY KEY (instance_profile_id, role_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX instance_profile_roles_by_role ON instance_profile_roles (role_id);
