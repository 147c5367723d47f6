//! iamd's integration tests: one binary, so the AWS SDKs link once. Each test starts its own
//! iamd in-process on a free port with an in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod admin;
mod common;
mod coverage;
mod iam_access_keys;
mod iam_account;
mod iam_groups;
mod iam_login_profiles;
mod iam_persistence;
mod iam_tags;
mod iam_users;
mod protocol;
mod sigv4_raw;
mod sts_access_key_info;
mod sts_caller_identity;
