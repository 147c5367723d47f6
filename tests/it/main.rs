//! iamd's integration tests: one binary, so the AWS SDKs link once. Each test starts its own
//! iamd in-process on a free port with an in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod admin;
mod authz_enforcement;
mod common;
mod coverage;
mod hardening;
mod iam_access_keys;
mod iam_account;
mod iam_attachments;
mod iam_authorization_details;
mod iam_aws_managed_policies;
mod iam_boundaries;
mod iam_groups;
mod iam_inline_policies;
mod iam_instance_profiles;
mod iam_login_profiles;
mod iam_managed_policies;
mod iam_persistence;
mod iam_policy_versions;
mod iam_roles;
mod iam_service_linked_roles;
mod iam_simulate;
mod iam_tags;
mod iam_users;
mod policy_cases;
mod protocol;
mod sigv4_raw;
mod sts_access_key_info;
mod sts_assume_role;
mod sts_caller_identity;
mod sts_credential_providers;
mod sts_mfa_devices;
mod sts_sessions;
