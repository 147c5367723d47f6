//! The IAM policy language: one parser for every kind of policy (identity, managed, trust,
//! resource, session), IAM's validation messages, and the matching primitives evaluation
//! builds on. Pure code: no I/O, no logging.

pub mod glob;
pub mod json;
pub mod model;
pub mod operators;
pub mod parse;

pub use model::{Policy, PolicyKind};
pub use parse::{PolicyError, counted_size, parse_policy};
