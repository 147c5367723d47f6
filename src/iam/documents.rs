//! Policy documents at the API edge: validation with IAM's messages and size quotas, and the
//! URL encoding AWS applies to every document it returns.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::policy::{self, PolicyKind};
use crate::protocol::{ApiError, ErrorCode};

use super::input::Rule;

/// Characters left as they are when a document is URL-encoded.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `policyDocumentType`: 1 to 131072 characters of TAB, LF, CR and U+0020–U+00FF.
pub const DOCUMENT_RULE: Rule = Rule::new(1, 131_072, &super::input::POLICY_DOCUMENT);

/// The largest managed policy, counted without whitespace.
pub const MANAGED_POLICY_MAX: usize = 6144;
/// The largest trust policy, counted without whitespace.
pub const TRUST_POLICY_MAX: usize = 2048;

/// A document as AWS sends it back: percent-encoded, spaces as `%20`.
#[must_use]
pub fn encode(document: &str) -> String {
    utf8_percent_encode(document, KEEP).to_string()
}

/// Validates a document for `kind`.
///
/// # Errors
/// `MalformedPolicyDocument` with IAM's message.
pub fn validate(document: &str, kind: PolicyKind) -> Result<policy::Policy, ApiError> {
    policy::parse_policy(document, kind)
        .map_err(|e| ApiError::new(ErrorCode::MalformedPolicyDocument, e.0))
}

/// Validates a managed policy version, including its size quota.
///
/// # Errors
/// `MalformedPolicyDocument` or `LimitExceeded`.
pub fn validate_managed(document: &str) -> Result<(), ApiError> {
    validate(document, PolicyKind::Managed)?;
    if policy::counted_size(document) > MANAGED_POLICY_MAX {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            "Cannot exceed quota for PolicySize: 6144",
        ));
    }
    Ok(())
}

/// Validates a role trust policy, including its size quota.
///
/// # Errors
/// `MalformedPolicyDocument` or `LimitExceeded`.
pub fn validate_trust(document: &str) -> Result<policy::Policy, ApiError> {
    let parsed = validate(document, PolicyKind::Trust)?;
    if policy::counted_size(document) > TRUST_POLICY_MAX {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            "Cannot exceed quota for ACLSizePerRole: 2048",
        ));
    }
    Ok(parsed)
}

/// Rejects a trust policy naming a user or role that does not exist in an account iamd
/// hosts (IAM resolves such principals when the policy is saved).
///
/// # Errors
/// `MalformedPolicyDocument` "Invalid principal in policy: ...".
pub async fn check_trust_principals(
    ctx: &crate::api::RequestCtx<'_>,
    parsed: &policy::Policy,
) -> Result<(), ApiError> {
    use crate::policy::model::{PrincipalEntry, PrincipalType};
    let store = &ctx.app.store;
    let hosted = store
        .list_accounts()
        .await
        .map_err(|e| ApiError::internal(&e))?;
    for statement in &parsed.statements {
        let Some(principal) = &statement.principal else {
            continue;
        };
        for entry in &principal.items {
            let PrincipalEntry::Named(PrincipalType::Aws, arn) = entry else {
                continue;
            };
            let Some((account, kind, path, name)) = split_principal_arn(arn) else {
                continue;
            };
            if !hosted.iter().any(|a| a == account) {
                continue;
            }
            let exists = match kind {
                "user" => store
                    .find_user(account, name)
                    .await
                    .map_err(|e| ApiError::internal(&e))?
                    .is_some_and(|u| u.path == path && u.user_name == name),
                _ => store
                    .find_role(account, name)
                    .await
                    .map_err(|e| ApiError::internal(&e))?
                    .is_some_and(|r| r.path == path && r.role_name == name),
            };
            if !exists {
                return Err(ApiError::new(
                    ErrorCode::MalformedPolicyDocument,
                    format!("Invalid principal in policy: \"AWS\":\"{arn}\""),
                ));
            }
        }
    }
    Ok(())
}

/// `arn:aws:iam::ACCOUNT:user|role{path}{name}` split into its parts.
fn split_principal_arn(arn: &str) -> Option<(&str, &str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let (kind, full) = resource
        .split_once('/')
        .map(|(k, _)| (k, &resource[k.len()..]))?;
    if kind != "user" && kind != "role" {
        return None;
    }
    let split = full.rfind('/')?;
    Some((account, kind, &full[..=split], &full[split + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_percent_encoded_with_spaces_as_percent_20() {
        assert_eq!(
            encode("{\"a\": \"b c\"}\n"),
            "%7B%22a%22%3A%20%22b%20c%22%7D%0A"
        );
    }
}
