//! STS: the actions iamd answers and the dispatch table.

mod access_key_info;
pub mod action;
mod caller_identity;

pub use action::StsAction;

crate::api::dispatch_table!(StsAction {
    GetAccessKeyInfo => access_key_info::get_access_key_info,
    GetCallerIdentity => caller_identity::get_caller_identity,
});

/// Whether AWS accepts this action without a signature (identity comes from a token instead).
#[must_use]
pub fn is_unsigned(action: StsAction) -> bool {
    matches!(
        action,
        StsAction::AssumeRoleWithSAML | StsAction::AssumeRoleWithWebIdentity
    )
}
