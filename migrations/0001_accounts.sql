-- Accounts and their access keys.
-- Times are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
