//! iamd's integration tests: one binary, so the AWS SDKs link once. Each test starts its own
//! iamd in-process on a free port with an in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod admin;
mod common;
mod coverage;
mod protocol;
mod sigv4_raw;
mod sts_caller_identity;
