//! Encoded authorization messages: iamd encodes the details of each denial it decides (and
//! logs the encoded form with the denial); `DecodeAuthorizationMessage` turns one back into
//! AWS's JSON document. Messages are authenticated with a key iamd draws at start-up, so a
//! changed or foreign message is refused.
//! See <https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html>.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::iam::input::{Input, Rule};
use crate::policy::{Decision, Evaluation, RequestContext};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};

const PREFIX: &str = "iamd1.";
const MESSAGE_RULE: Rule = Rule {
    min: 1,
    max: Some(10240),
    pattern: None,
};

/// The document AWS's decoder returns, for one decision.
#[must_use]
pub fn document(
    principal_id: &str,
    principal_arn: &str,
    request: &RequestContext,
    evaluation: &Evaluation,
) -> String {
    json!({
        "allowed": evaluation.decision == Decision::Allowed,
        "explicitDeny": evaluation.decision == Decision::ExplicitDeny,
        "matchedStatements": { "items": evaluation.matched.iter().map(|m| json!({
            "statementId": "",
            "effect": if evaluation.decision == Decision::ExplicitDeny { "DENY" } else { "ALLOW" },
            "sourcePolicyId": m.source_id,
        })).collect::<Vec<_>>() },
        "failures": { "items": [] },
        "context": {
            "principal": { "id": principal_id, "arn": principal_arn },
            "action": request.action,
            "resource": request.resource,
        },
    })
    .to_string()
}

/// Encodes a document with the server's key.
#[must_use]
pub fn encode(key: &[u8; 32], document: &str) -> String {
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(document.as_bytes());
    format!("{PREFIX}{body}.{}", tag(key, &body))
}

fn tag(key: &[u8; 32], body: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Decodes a message this server encoded.
pub async fn decode_authorization_message(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Sts);
    let message = input.required("EncodedMessage", &MESSAGE_RULE);
    input.finish()?;
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidAuthorizationMessageException,
            "The message is not a valid authorization message.",
        )
    };
    let rest = message.strip_prefix(PREFIX).ok_or_else(invalid)?;
    let (body, given) = rest.rsplit_once('.').ok_or_else(invalid)?;
    let expected = tag(&ctx.app.message_key, body);
    let same: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes()).into();
    if !same {
        return Err(invalid());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| invalid())?;
    let decoded = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut w = XmlWriter::new();
    w.text("DecodedMessage", &decoded);
    Ok(Reply::Result(w.finish()))
}
