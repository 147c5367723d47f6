//! Permissions boundaries as users and roles show them.

use crate::protocol::{ApiError, XmlWriter};

use super::errors;

/// Rejects a boundary ARN: not a policy ARN is `InvalidInput`; a policy ARN is unknown
/// because iamd has no managed policies yet.
// TODO(#4): look the policy up once managed policies exist.
pub fn unknown(arn: &str) -> ApiError {
    let is_policy_arn = arn.starts_with("arn:aws:iam::") && arn.contains(":policy/");
    if is_policy_arn {
        errors::no_such_boundary(arn)
    } else {
        errors::invalid_arn(arn)
    }
}

/// `<PermissionsBoundary>` of a user or role.
pub fn write(w: &mut XmlWriter, arn: &str) {
    w.element("PermissionsBoundary", |w| {
        w.text("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
        w.text("PermissionsBoundaryArn", arn);
    });
}
