//! The HTTP server: accept loop, per-connection limits and timeouts, graceful shutdown, and
//! the per-request wrapper (request id, body cap, one log line). AWS semantics live in
//! `gateway`; iamd's own endpoints in `admin`.

pub mod admin;
mod conn;
pub mod gateway;

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::{Instrument, field};

use crate::app::App;
use crate::protocol::{ApiError, ErrorCode, Service, xml};

/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a keep-alive connection may sit without traffic.
const IDLE_TIMEOUT: Duration = Duration::from_secs(75);
/// How long a client may take to send a request's body.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `listener` until `shutdown` completes, then drains open connections.
pub async fn run(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let flusher = tokio::spawn(flush_key_usage(app.clone(), stop_rx.clone()));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, app.clone(), stop_rx.clone()));
                }
                Err(error) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
        while connections.try_join_next().is_some() {}
    }
    tracing::info!(open_connections = connections.len(), "shutting down");
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("connections still open after the drain timeout; closing them");
        connections.abort_all();
    }
    // The flusher stops between rounds, never in the middle of a write.
    let _ = flusher.await;
    app.store.close().await;
}

/// Writes recorded access-key uses every few seconds, so signing never waits on a write.
/// Also forgets sessions a day after they expired: until then their tokens keep answering
/// `ExpiredToken`, as AWS's do.
async fn flush_key_usage(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    let mut rounds: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = app.store.flush_key_usage().await {
            tracing::warn!(%error, "could not write access key usage");
        }
        if let Err(error) = app.store.flush_role_usage().await {
            tracing::warn!(%error, "could not write role usage");
        }
        rounds += 1;
        if rounds.is_multiple_of(60) {
            let cutoff = app.clock.now() - chrono::TimeDelta::days(1);
            if let Err(error) = app.store.delete_expired_sessions(cutoff).await {
                tracing::warn!(%error, "could not forget expired sessions");
            }
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let activity = conn::Activity::new();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let io = TokioIo::new(conn::Tracked::new(stream, activity.clone()));
    let service = {
        let in_flight = in_flight.clone();
        service_fn(move |request| {
            let app = app.clone();
            let in_flight = in_flight.clone();
            async move {
                let _busy = InFlight::enter(in_flight);
                // A request runs to its end in a task of its own: hyper drops this future when
                // the client goes away, and a write cut off between two statements would leave
                // SQLite's connection in the middle of its work.
                let response = tokio::spawn(async move { handle(&app, request, peer).await })
                    .await
                    .unwrap_or_else(|failed| {
                        respond_error(&ApiError::internal(&failed), &crate::ids::request_id())
                    });
                Ok::<_, Infallible>(response)
            }
        })
    };
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let mut idle_check = tokio::time::interval(IDLE_TIMEOUT / 4);
    let mut closing = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            _ = stop.changed(), if !closing => {
                connection.as_mut().graceful_shutdown();
                closing = true;
            }
            _ = idle_check.tick(), if !closing => {
                let idle = in_flight.load(Ordering::Acquire) == 0 && activity.idle_for() >= IDLE_TIMEOUT;
                if idle {
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// Counts a request as in flight on its connection until it is answered or abandoned.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(count: Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self(count)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One request: id, span, body cap, route to admin or AWS, one log line.
async fn handle(
    app: &App,
    request: Request<Incoming>,
    peer: std::net::SocketAddr,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let request_id = crate::ids::request_id();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        action = field::Empty,
        access_key_id = field::Empty,
        principal = field::Empty,
    );
    async move {
        let (parts, body) = request.into_parts();
        let path = parts.uri.path().to_owned();
        let body = match read_body(body, app.config.max_body_bytes).await {
            Ok(body) => body,
            Err(error) => {
                log_request(error.code().status(), None, Some(error.code()), started);
                return respond_error(&error, &request_id);
            }
        };
        if admin::is_admin_path(&path) {
            let (status, json) = admin::handle(app, &parts.method, &path, &body).await;
            log_request(status, None, None, started);
            return respond(
                status,
                "application/json",
                admin::to_bytes(&json),
                &request_id,
            );
        }
        let outcome = gateway::handle(app, &parts, &body, &request_id, peer).await;
        log_request(
            outcome.status,
            outcome.action.map(gateway::Action::name),
            outcome.error,
            started,
        );
        respond(
            outcome.status,
            "text/xml",
            Bytes::from(outcome.body),
            &request_id,
        )
    }
    .instrument(span)
    .await
}

async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, ApiError> {
    let collected =
        tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, limit).collect()).await;
    let Ok(collected) = collected else {
        return Err(ApiError::new(
            ErrorCode::RequestTimeout,
            "The request body was not received in time.",
        ));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(ApiError::new(
            ErrorCode::RequestEntityTooLarge,
            format!("Request body is larger than the limit of {limit} bytes."),
        )),
        Err(error) => {
            tracing::debug!(%error, "reading the request body failed");
            Err(ApiError::new(
                ErrorCode::MalformedQueryString,
                "The request body could not be read.",
            ))
        }
    }
}

fn log_request(
    status: StatusCode,
    action: Option<&str>,
    error: Option<ErrorCode>,
    started: Instant,
) {
    let span = tracing::Span::current();
    if let Some(action) = action {
        span.record("action", action);
    }
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let error_code = error.map(ErrorCode::as_str);
    if status == StatusCode::NOT_IMPLEMENTED {
        tracing::warn!(
            status = status.as_u16(),
            error_code,
            latency_us,
            "request for an unimplemented action"
        );
    } else if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            error_code,
            latency_us,
            "request failed"
        );
    } else {
        tracing::info!(status = status.as_u16(), error_code, latency_us, "request");
    }
}

/// An IAM error document for a request that never reached its service.
fn respond_error(error: &ApiError, request_id: &str) -> Response<Full<Bytes>> {
    let xml = xml::error_document(Service::Iam, error, request_id);
    respond(
        error.code().status(),
        "text/xml",
        Bytes::from(xml),
        request_id,
    )
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    request_id: &str,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}
