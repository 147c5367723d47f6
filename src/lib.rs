//! iamd: a local AWS IAM and STS server. It speaks the AWS Query protocol, verifies SigV4,
//! keeps its state in SQLite and answers like the real services.
//!
//! [`serve`] is the one entry point; the binary and the integration tests both use it.

pub mod api;
pub mod app;
pub mod arn;
pub mod auth;
pub mod authz;
pub mod clock;
pub mod config;
pub mod coverage;
pub mod iam;
pub mod ids;
pub mod policy;
pub mod protocol;
pub mod secret;
pub mod server;
pub mod store;
pub mod sts;
pub mod totp;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;
use crate::clock::Clock;
use crate::config::Config;
use crate::store::{Location, Store, StoreError};

/// Opens the store, creates the configured accounts, and serves `listener` until `shutdown`
/// completes.
///
/// # Errors
/// The store cannot be opened or seeded.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), StoreError> {
    let database = config.database_path();
    let location = if config.in_memory {
        Location::Memory
    } else {
        Location::File(&database)
    };
    // The configured accounts are created before writes wait for the disk: start-up writes
    // them again whenever they are missing.
    let clock = Clock::new();
    let bootstrap = Store::open_for_bootstrap(location).await?;
    app::seed_accounts(&bootstrap, &config, clock.now()).await?;
    let store = bootstrap.durable().await?;
    let app = Arc::new(App {
        config,
        store,
        clock,
        policies: authz::PolicyCache::default(),
        identities: authz::IdentityCache::default(),
        decisions: authz::DecisionCache::default(),
        deletion_tasks: std::sync::Mutex::default(),
        message_key: rand::random(),
    });
    server::run(listener, app, shutdown).await;
    Ok(())
}
