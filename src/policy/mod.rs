//! The IAM policy language: one parser for every kind of policy (identity, managed, trust,
//! resource, session), IAM's validation messages, and the evaluation that decides requests
//! and simulations. Pure code: no I/O, no logging.

pub mod condition;
pub mod context;
pub mod eval;
pub mod glob;
pub mod json;
pub mod matcher;
pub mod model;
pub mod operators;
pub mod parse;
pub mod variables;

pub use context::{Caller, ContextValue, RequestContext};
pub use eval::{Decision, Evaluation, Layer, PolicySet, Source, evaluate};
pub use model::{Policy, PolicyKind};
pub use parse::{PolicyError, counted_size, parse_policy};
