//! Session policies and session tags passed to AssumeRole and GetFederationToken: validation,
//! the plaintext and packed-size limits, and `PackedPolicySize`.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>.

use crate::api::RequestCtx;
use crate::iam::input::{ARN_RULE, Input, Rule, Tag};
use crate::policy::{self, PolicyKind};
use crate::protocol::{ApiError, ErrorCode};

/// How many characters the inline and managed session policies may take together.
const PLAINTEXT_LIMIT: usize = 2048;
/// What the packed form of policies and tags may take, as a size the percentage is of.
const PACKED_LIMIT: usize = 2048;
/// How many managed session policies one call may pass.
const MAX_POLICY_ARNS: usize = 10;

/// The session policies of a request.
#[derive(Debug, Default, Clone)]
pub struct SessionPolicies {
    /// The inline policy text.
    pub inline: Option<String>,
    /// Managed policy ARNs.
    pub arns: Vec<String>,
}

impl SessionPolicies {
    /// Whether any were passed.
    #[must_use]
    pub fn any(&self) -> bool {
        self.inline.is_some() || !self.arns.is_empty()
    }
}

/// Reads `Policy` and `PolicyArns` (violations go into `input`). `Policy` may run to `max`
/// characters where the operation's input has a limit (`GetFederationToken`'s has; past it
/// the call fails validation before the packed-size check).
pub fn read(ctx: &RequestCtx<'_>, input: &mut Input<'_>, max: Option<usize>) -> SessionPolicies {
    let inline = input.optional(
        "Policy",
        &Rule {
            min: 1,
            max,
            pattern: Some(&crate::iam::input::POLICY_DOCUMENT),
        },
    );
    let arns = ctx
        .params
        .struct_list("PolicyArns")
        .unwrap_or_default()
        .iter()
        .map(|item| item.get("arn").copied().unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    for (i, arn) in arns.iter().enumerate() {
        let len = arn.chars().count();
        if len < ARN_RULE.min {
            input.push_raw(
                &format!("policyArns.{}.member.arn", i + 1),
                arn,
                "have length greater than or equal to 20",
            );
        }
    }
    SessionPolicies { inline, arns }
}

/// Checks the policies and tags of a session; returns the `PackedPolicySize` percentage.
///
/// # Errors
/// `MalformedPolicyDocument`, `PackedPolicyTooLarge`, or `InvalidParameterValue`.
pub async fn check(
    ctx: &RequestCtx<'_>,
    policies: &SessionPolicies,
    tags: &[Tag],
) -> Result<i64, ApiError> {
    if policies.arns.len() > MAX_POLICY_ARNS {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{}' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to {MAX_POLICY_ARNS}",
            policies.arns.len()
        )));
    }
    if let Some(text) = &policies.inline {
        policy::parse_policy(text, PolicyKind::Session)
            .map_err(|e| ApiError::new(ErrorCode::MalformedPolicyDocument, e.0))?;
    }
    for arn in &policies.arns {
        let known = crate::authz::identity::managed(ctx.app, arn)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        if known.is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("Policy {arn} does not exist or is not attachable."),
            ));
        }
    }
    let plaintext = policies.inline.as_deref().map_or(0, policy::counted_size)
        + policies.arns.iter().map(String::len).sum::<usize>();
    let policy_percent = percent(plaintext);
    if plaintext > PLAINTEXT_LIMIT {
        return Err(ApiError::new(
            ErrorCode::PackedPolicyTooLarge,
            format!(
                "Packed policy consumes {policy_percent}% of allotted space, please use smaller policy"
            ),
        ));
    }
    let tag_size: usize = tags.iter().map(|t| t.key.len() + t.value.len()).sum();
    let tag_percent = percent(tag_size * 2);
    if tag_percent > 100 {
        return Err(ApiError::new(
            ErrorCode::PackedPolicyTooLarge,
            format!("Packed size of session tags consumes {tag_percent}% of allotted space."),
        ));
    }
    Ok(policy_percent.max(tag_percent))
}

fn percent(size: usize) -> i64 {
    i64::try_from((size * 100).div_ceil(PACKED_LIMIT)).unwrap_or(i64::MAX)
}
