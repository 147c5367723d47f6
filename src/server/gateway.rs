//! The AWS side of a request: decode parameters, pick the service, authenticate, resolve the
//! action, run its handler and render the XML answer. No hyper types beyond `http::Parts`.

use http::StatusCode;

use crate::api::{Reply, RequestCtx, RequestMeta};
use crate::app::App;
use crate::auth::{self, RequestView};
use crate::config::AuthMode;
use crate::iam::{self, IamAction};
use crate::protocol::{ApiError, ErrorCode, Params, Service, xml};
use crate::sts::{self, StsAction};

/// A resolved action of either service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// An IAM action.
    Iam(IamAction),
    /// An STS action.
    Sts(StsAction),
}

impl Action {
    /// The AWS name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Iam(a) => a.as_str(),
            Self::Sts(a) => a.as_str(),
        }
    }
}

/// What happened, for the response and the request log line.
#[derive(Debug)]
pub struct Outcome {
    /// HTTP status.
    pub status: StatusCode,
    /// The XML document.
    pub body: String,
    /// The action, once resolved.
    pub action: Option<Action>,
    /// The caller's ARN, once authenticated.
    pub principal: Option<String>,
    /// The error code, for failures.
    pub error: Option<ErrorCode>,
}

/// Handles one AWS Query request whose body has been read.
pub async fn handle(
    app: &App,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
    peer: std::net::SocketAddr,
) -> Outcome {
    let raw_query = parts.uri.query().unwrap_or("");
    let query: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    let params = Params::parse(Some(raw_query), is_form_body(parts).then_some(body));
    let signature = auth::parse::parse_signature(&parts.headers, &query);
    let scope_service = match &signature {
        Ok(Some(input)) => Service::from_signing_name(&input.scope.service),
        _ => None,
    };
    let meta = RequestMeta {
        source_ip: Some(peer.ip()),
        region: match &signature {
            Ok(Some(input)) => Some(input.scope.region.clone()),
            _ => None,
        },
        user_agent: parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let service = scope_service.unwrap_or_else(|| guess_service(&params));
    let resolved = resolve_action(service, &params);

    let mut outcome = Outcome {
        status: StatusCode::OK,
        body: String::new(),
        action: resolved.as_ref().ok().copied(),
        principal: None,
        error: None,
    };
    let result = run(
        app,
        parts,
        body,
        &query,
        &params,
        signature,
        service,
        resolved,
        request_id,
        &meta,
        &mut outcome,
    )
    .await;
    match result {
        Ok(reply) => {
            let action = outcome.action.map_or("", Action::name);
            let result = match &reply {
                Reply::Empty => None,
                Reply::Result(xml) => Some(xml.as_str()),
            };
            outcome.body = xml::success_document(service, action, result, request_id);
        }
        Err(error) => {
            outcome.status = error.code().status();
            outcome.error = Some(error.code());
            outcome.body = xml::error_document(service, &error, request_id);
        }
    }
    outcome
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of one request"
)]
async fn run(
    app: &App,
    parts: &http::request::Parts,
    body: &[u8],
    query: &[(String, String)],
    params: &Params,
    signature: Result<Option<auth::SignatureInput>, auth::AuthError>,
    service: Service,
    resolved: Result<Action, ApiError>,
    request_id: &str,
    meta: &RequestMeta,
    outcome: &mut Outcome,
) -> Result<Reply, ApiError> {
    let unsigned_allowed = matches!(resolved, Ok(Action::Sts(a)) if sts::is_unsigned(a));
    let signature = match signature {
        Ok(input) => input,
        Err(_) if app.config.auth_mode == AuthMode::Off => None,
        Err(error) => return Err(error.into()),
    };
    if unsigned_allowed && signature.is_none() {
        // TODO(#6): web-identity and SAML federation authenticate by their token instead.
        return Err(not_implemented(resolved?));
    }
    let view = RequestView {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or(""),
        query,
        headers: &parts.headers,
        body,
    };
    let principal = auth::authenticate(app, &view, signature.as_ref(), service).await?;
    let arn = principal.arn();
    tracing::Span::current().record("principal", arn.as_str());
    if let Some(key) = &principal.access_key_id {
        tracing::Span::current().record("access_key_id", key.as_str());
    }
    outcome.principal = Some(arn);

    let action = resolved?;
    let ctx = RequestCtx {
        app,
        principal: &principal,
        params,
        request_id,
        meta,
    };
    let implemented = match action {
        Action::Iam(a) => iam::is_implemented(a),
        Action::Sts(a) => sts::is_implemented(a),
    };
    if !implemented {
        return Err(not_implemented(action));
    }
    // TODO(#5): AWS validates parameters before it authorizes; iamd authorizes first, so an
    // unauthorized caller sending invalid input sees AccessDenied rather than ValidationError.
    if let Action::Sts(a) = action {
        sts::gate(a, &principal, app.config.auth_mode)?;
    }
    crate::authz::authorize(&ctx, action).await?;
    let answer = match action {
        Action::Iam(a) => iam::dispatch(a, &ctx).await,
        Action::Sts(a) => sts::dispatch(a, &ctx).await,
    };
    answer.unwrap_or_else(|| Err(not_implemented(action)))
}

/// The service a request is for when its credential scope does not say: its `Version`,
/// else the service that has an action of that name.
fn guess_service(params: &Params) -> Service {
    if let Some(service) = params.version().and_then(Service::from_api_version) {
        return service;
    }
    match params.action() {
        Some(name) if StsAction::from_name(name).is_some() => Service::Sts,
        _ => Service::Iam,
    }
}

/// The action named by `Action`, which must exist in `service` at the sent `Version`.
fn resolve_action(service: Service, params: &Params) -> Result<Action, ApiError> {
    let Some(name) = params.action() else {
        return Err(ApiError::new(ErrorCode::MissingAction, "Missing Action"));
    };
    let version = params.version().unwrap_or("NO_VERSION_SPECIFIED");
    let found = if version == service.api_version() {
        match service {
            Service::Iam => IamAction::from_name(name).map(Action::Iam),
            Service::Sts => StsAction::from_name(name).map(Action::Sts),
        }
    } else {
        None
    };
    found.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidAction,
            format!("Could not find operation {name} for version {version}"),
        )
    })
}

fn not_implemented(action: Action) -> ApiError {
    let service = match action {
        Action::Iam(_) => "IAM",
        Action::Sts(_) => "STS",
    };
    ApiError::new(
        ErrorCode::NotImplemented,
        format!(
            "iamd does not implement the {service} action {} yet.",
            action.name()
        ),
    )
}

/// Whether the body carries form-encoded parameters (AWS SDKs always say so; a body without
/// a content type is read the same way).
fn is_form_body(parts: &http::request::Parts) -> bool {
    match parts.headers.get(http::header::CONTENT_TYPE) {
        None => true,
        Some(value) => value
            .to_str()
            .map(|v| {
                v.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
            .unwrap_or(false),
    }
}
