//! The benchmark's own driver, for the requests a fixed-request load generator cannot send:
//! every CreateUser needs a distinct name, so every request needs its own signature.
//!
//! `measure` sends CreateUser for a fixed time from N connections and prints throughput and
//! latency as JSON; `populate` creates a number of users (with tags, and optionally one access
//! key each) as fast as the server allows and prints the last key it created.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

#[derive(Parser)]
struct Cli {
    /// Base URL of the server, such as http://127.0.0.1:4566.
    #[arg(long)]
    endpoint: String,
    /// Access key id to sign with.
    #[arg(long, default_value = "test")]
    key: String,
    /// Secret access key to sign with.
    #[arg(long, default_value = "test")]
    secret: String,
    /// Connections, one thread each.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Prefix of every user name, distinct per run.
    #[arg(long)]
    prefix: String,
    /// Tags to put on every created user.
    #[arg(long, default_value_t = 0)]
    tags: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create users with distinct names for a fixed time; print throughput and latency.
    Measure {
        /// Seconds to run.
        #[arg(long)]
        seconds: f64,
    },
    /// Create a number of users as fast as possible.
    Populate {
        /// Users to create.
        #[arg(long)]
        users: u64,
        /// Also create one access key per user.
        #[arg(long)]
        keys: bool,
    },
}

/// Signs IAM Query requests with SigV4 for `us-east-1`.
struct Signer {
    host: String,
    key: String,
    secret: String,
}

impl Signer {
    fn headers(&self, body: &str) -> [(String, String); 3] {
        let now = chrono::Utc::now();
        let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
        let date = &amz_date[..8];
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let signed = "content-type;host;x-amz-date";
        let canonical = format!(
            "POST\n/\n\ncontent-type:{content_type}\nhost:{}\nx-amz-date:{amz_date}\n\n{signed}\n{}",
            self.host,
            hex::encode(Sha256::digest(body.as_bytes()))
        );
        let scope = format!("{date}/us-east-1/iam/aws4_request");
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let mut key = hmac(format!("AWS4{}", self.secret).as_bytes(), date.as_bytes());
        for part in ["us-east-1", "iam", "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let signature = hex::encode(hmac(&key, to_sign.as_bytes()));
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
            self.key
        );
        [
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("X-Amz-Date".to_owned(), amz_date),
            ("Authorization".to_owned(), authorization),
        ]
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// One connection's client: sends a signed IAM action and returns the response body.
struct Client {
    agent: ureq::Agent,
    url: String,
    signer: Arc<Signer>,
}

impl Client {
    fn call(&self, params: &[(&str, &str)]) -> Result<String, String> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Version", "2010-05-08");
        for (name, value) in params {
            form.append_pair(name, value);
        }
        let body = form.finish();
        let mut request = self.agent.post(&self.url);
        for (name, value) in self.signer.headers(&body) {
            request = request.set(&name, &value);
        }
        match request.send_string(&body) {
            Ok(response) => response.into_string().map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, response)) => {
                Err(format!("HTTP {code}: {}", response.into_string().unwrap_or_default()))
            }
            Err(e) => Err(e.to_string()),
        }
    }

    fn create_user(&self, name: &str, tags: usize) -> Result<String, String> {
        let mut params = vec![("Action", "CreateUser".to_owned()), ("UserName", name.to_owned())];
        for i in 1..=tags {
            params.push((leak(format!("Tags.member.{i}.Key")), format!("team{i}")));
            params.push((leak(format!("Tags.member.{i}.Value")), format!("value{i}")));
        }
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.call(&borrowed)
    }
}

/// Tag parameter names are few and live for the whole run.
fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

fn element(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].to_owned())
}

fn main() {
    let cli = Cli::parse();
    let host = cli
        .endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let signer = Arc::new(Signer { host, key: cli.key.clone(), secret: cli.secret.clone() });
    let url = format!("{}/", cli.endpoint.trim_end_matches('/'));
    let client = || Client {
        agent: ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build(),
        url: url.clone(),
        signer: Arc::clone(&signer),
    };
    let report = match cli.command {
        Command::Measure { seconds } => measure(&cli.prefix, cli.tags, cli.concurrency, seconds, client),
        Command::Populate { users, keys } => {
            populate(&cli.prefix, cli.tags, cli.concurrency, users, keys, client)
        }
    };
    println!("{report}");
}

fn measure(
    prefix: &str,
    tags: usize,
    concurrency: usize,
    seconds: f64,
    client: impl Fn() -> Client,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let client = client();
            let prefix = prefix.to_owned();
            let errors = Arc::clone(&errors);
            thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let name = format!("{prefix}-{worker}-{n}");
                    n += 1;
                    let sent = Instant::now();
                    if let Err(e) = client.create_user(&name, tags) {
                        if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                            eprintln!("loadgen: {name}: {e}");
                        }
                        continue;
                    }
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker thread"))
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    serde_json::json!({
        "requests": latencies.len(),
        "errors": errors.load(Ordering::Relaxed),
        "seconds": elapsed,
        "rps": latencies.len() as f64 / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
    })
}

fn populate(
    prefix: &str,
    tags: usize,
    concurrency: usize,
    users: u64,
    keys: bool,
    client: impl Fn() -> Client,
) -> serde_json::Value {
    let next = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    // The key of the highest-numbered user: the last one created.
    let last_key: Arc<Mutex<(u64, String, String)>> = Arc::default();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client();
            let (prefix, next, failed, last_key) =
                (prefix.to_owned(), Arc::clone(&next), Arc::clone(&failed), Arc::clone(&last_key));
            thread::spawn(move || {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= users || failed.load(Ordering::Relaxed) {
                        return;
                    }
                    let name = format!("{prefix}-{n}");
                    let created = client.create_user(&name, tags).and_then(|_| {
                        if !keys {
                            return Ok(());
                        }
                        let xml = client.call(&[("Action", "CreateAccessKey"), ("UserName", &name)])?;
                        let id = element(&xml, "AccessKeyId").ok_or("no AccessKeyId")?;
                        let secret = element(&xml, "SecretAccessKey").ok_or("no SecretAccessKey")?;
                        let mut last = last_key.lock().expect("last key lock");
                        if n >= last.0 {
                            *last = (n, id, secret);
                        }
                        Ok(())
                    });
                    if let Err(e) = created {
                        eprintln!("loadgen: {name}: {e}");
                        failed.store(true, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker thread");
    }
    if failed.load(Ordering::Relaxed) {
        std::process::exit(1);
    }
    let (_, id, secret) = last_key.lock().expect("last key lock").clone();
    serde_json::json!({
        "users": users,
        "seconds": started.elapsed().as_secs_f64(),
        "last_key_id": id,
        "last_secret": secret,
    })
}
