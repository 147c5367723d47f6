//! `GetCallerIdentity`: who the credentials belong to. Never denied by policy.
//! See <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::XmlWriter;

/// Answers with the caller's ARN, user id and account.
#[tracing::instrument(skip_all)]
pub async fn get_caller_identity(ctx: &RequestCtx<'_>) -> HandlerResult {
    let principal = ctx.principal;
    let mut w = XmlWriter::new();
    w.text("UserId", &principal.user_id());
    w.text("Account", &principal.account_id);
    w.text("Arn", &principal.arn());
    Ok(Reply::Result(w.finish()))
}
