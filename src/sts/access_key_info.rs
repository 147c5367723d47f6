//! `GetAccessKeyInfo`: the account an access key belongs to. AWS reads it from the key id
//! itself, so it answers even for keys that are deleted or of other accounts.
//! See <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::iam::input::{ACCESS_KEY_ID, Input, Rule};
use crate::ids;
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};

const KEY_RULE: Rule = Rule::new(16, 128, &ACCESS_KEY_ID);

/// Answers with the key's account.
pub async fn get_access_key_info(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Sts);
    let key_id = input.required("AccessKeyId", &KEY_RULE);
    input.finish()?;

    let stored = ctx
        .app
        .store
        .find_credential(&key_id)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let account = stored
        .map(|c| c.account_id.clone())
        .or_else(|| ids::account_of_access_key(&key_id))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("{key_id} is not a valid access key id"),
            )
        })?;
    let mut w = XmlWriter::new();
    w.text("Account", &account);
    Ok(Reply::Result(w.finish()))
}
