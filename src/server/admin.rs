//! iamd's own endpoints, outside the AWS namespace: health, reset (also at moto's
//! `/moto-api/reset`, so suites written for moto switch unchanged), accounts and the clock.
//! They take and give JSON and need no signature: they exist for local tooling and tests.

use bytes::Bytes;
use chrono::TimeDelta;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::App;
use crate::ids::{self, IdPrefix};
use crate::store::StoreError;
use crate::store::accounts::RootKey;

/// Whether a path belongs to the admin endpoints.
#[must_use]
pub fn is_admin_path(path: &str) -> bool {
    path.starts_with("/_iamd/") || path == "/moto-api/reset"
}

/// Answers an admin request with a status and a JSON body.
pub async fn handle(app: &App, method: &Method, path: &str, body: &[u8]) -> (StatusCode, Value) {
    let result = match (method, path) {
        (&Method::GET, "/_iamd/health") => Ok(health(app)),
        (&Method::POST, "/_iamd/reset" | "/moto-api/reset") => reset(app).await,
        (&Method::GET, "/_iamd/accounts") => list_accounts(app).await,
        (&Method::POST, "/_iamd/accounts") => create_account(app, body).await,
        (&Method::GET, "/_iamd/clock") => Ok(clock(app)),
        (&Method::POST, "/_iamd/clock") => advance_clock(app, body),
        _ => Err((
            StatusCode::NOT_FOUND,
            format!("no admin endpoint {method} {path}"),
        )),
    };
    match result {
        Ok(answer) => answer,
        Err((status, message)) => (status, json!({ "error": message })),
    }
}

type AdminResult = Result<(StatusCode, Value), (StatusCode, String)>;

fn health(app: &App) -> (StatusCode, Value) {
    let mode = format!("{:?}", app.config.auth_mode).to_lowercase();
    (
        StatusCode::OK,
        json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "auth_mode": mode }),
    )
}

async fn reset(app: &App) -> AdminResult {
    app.reset().await.map_err(internal)?;
    tracing::info!("state reset");
    Ok((StatusCode::OK, json!({ "status": "ok" })))
}

async fn list_accounts(app: &App) -> AdminResult {
    let ids = app.store.list_accounts().await.map_err(internal)?;
    let accounts: Vec<Value> = ids
        .into_iter()
        .map(|id| json!({ "account_id": id }))
        .collect();
    Ok((StatusCode::OK, json!({ "accounts": accounts })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAccount {
    account_id: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
}

async fn create_account(app: &App, body: &[u8]) -> AdminResult {
    let request: NewAccount = if body.iter().all(u8::is_ascii_whitespace) {
        NewAccount {
            account_id: None,
            access_key_id: None,
            secret_access_key: None,
        }
    } else {
        serde_json::from_slice(body).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?
    };
    let account_id = match request.account_id {
        Some(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => id,
        Some(id) => {
            return Err((
                StatusCode::BAD_REQUEST,
                format!("`{id}` is not a 12-digit account id"),
            ));
        }
        None => random_account_id(),
    };
    let (access_key_id, secret_access_key) =
        match (request.access_key_id, request.secret_access_key) {
            (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => (key, secret),
            (None, None) => (
                ids::access_key_id(IdPrefix::AccessKey, &account_id),
                ids::secret_access_key(),
            ),
            _ => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    "give both access_key_id and secret_access_key, or neither".to_owned(),
                ));
            }
        };
    let key = RootKey {
        access_key_id: &access_key_id,
        secret_access_key: &secret_access_key,
    };
    match app
        .store
        .create_account(&account_id, &key, app.clock.now())
        .await
    {
        Ok(()) => {}
        Err(StoreError::AlreadyExists) => {
            return Err((
                StatusCode::CONFLICT,
                format!("account {account_id} or key {access_key_id} already exists"),
            ));
        }
        Err(e) => return Err(internal(e)),
    }
    tracing::info!(%account_id, %access_key_id, "account created");
    Ok((
        StatusCode::CREATED,
        json!({
            "account_id": account_id,
            "access_key_id": access_key_id,
            "secret_access_key": secret_access_key,
        }),
    ))
}

fn clock(app: &App) -> (StatusCode, Value) {
    let now = crate::protocol::xml::format_timestamp(app.clock.now());
    (
        StatusCode::OK,
        json!({ "now": now, "offset_seconds": app.clock.offset().num_seconds() }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_seconds: i64,
}

fn advance_clock(app: &App, body: &[u8]) -> AdminResult {
    let request: Advance =
        serde_json::from_slice(body).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let out_of_range = || {
        (
            StatusCode::BAD_REQUEST,
            "advance_seconds must move the clock forward, by at most 100 years in all".to_owned(),
        )
    };
    let by = TimeDelta::try_seconds(request.advance_seconds).ok_or_else(out_of_range)?;
    if !app.clock.advance(by) {
        return Err(out_of_range());
    }
    Ok(clock(app))
}

fn random_account_id() -> String {
    use rand::Rng;
    format!(
        "{:012}",
        rand::thread_rng().gen_range(100_000_000_000_u64..1_000_000_000_000)
    )
}

#[expect(clippy::needless_pass_by_value, reason = "shaped for `map_err`")]
fn internal(error: StoreError) -> (StatusCode, String) {
    tracing::error!(cause = %error, "admin request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error".to_owned(),
    )
}

/// The JSON body as bytes.
#[must_use]
pub fn to_bytes(value: &Value) -> Bytes {
    Bytes::from(value.to_string())
}
