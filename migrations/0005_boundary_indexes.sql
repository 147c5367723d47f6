-- Finding who uses a policy as a permissions boundary (policy usage counts, DeletePolicy's
-- conflict check, ListEntitiesForPolicy) without reading every user and role. Few
-- identities carry a boundary, so only those are indexed.

CREATE INDEX users_by_boundary ON users (account_id, permissions_boundary_arn)
    WHERE permissions_boundary_arn IS NOT NULL;
CREATE INDEX roles_by_boundary ON roles (account_id, permissions_boundary_arn)
    WHERE permissions_boundary_arn IS NOT NULL;
