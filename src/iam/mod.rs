//! IAM: the actions iamd answers and the dispatch table.

pub mod action;

pub use action::IamAction;

crate::api::dispatch_table!(IamAction {});
