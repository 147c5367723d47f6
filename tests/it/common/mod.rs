//! Starting iamd in-process on a free port, SDK configuration pointing at it, and a raw HTTP
//! client (with an aws-sigv4 signer) for what the SDKs will not send.

use std::net::SocketAddr;
use std::time::SystemTime;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use iamd::config::Config;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running iamd.
pub struct Server {
    pub addr: SocketAddr,
    pub endpoint: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// iamd with an in-memory store and default settings.
pub async fn spawn() -> Server {
    spawn_with(&["--in-memory"]).await
}

/// iamd started with these command-line flags.
pub async fn spawn_with(args: &[&str]) -> Server {
    let config = Config::from_args(args.iter().copied()).expect("test flags parse");
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        iamd::serve(listener, config, async {
            let _ = stopped.await;
        })
        .await
        .expect("iamd serves");
    });
    Server {
        addr,
        endpoint: format!("http://{addr}"),
        stop: Some(stop),
        task: Some(task),
    }
}

impl Server {
    /// SDK settings for the default account's root key `test`/`test`.
    pub fn sdk_config(&self) -> SdkConfig {
        self.sdk_config_as("test", "test", None)
    }

    /// SDK settings for any credentials.
    pub fn sdk_config_as(&self, key: &str, secret: &str, token: Option<&str>) -> SdkConfig {
        let credentials =
            Credentials::new(key, secret, token.map(str::to_owned), None, "iamd-tests");
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build()
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk_config())
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config())
    }

    /// Stops the server and waits until it has drained.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task ends cleanly");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl RawResponse {
    /// The text of the first `<name>` element of the body.
    pub fn element(&self, name: &str) -> Option<String> {
        let open = format!("<{name}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&format!("</{name}>"))? + start;
        Some(self.body[start..end].to_owned())
    }

    /// `<Code>` of an error document.
    pub fn code(&self) -> String {
        self.element("Code").unwrap_or_default()
    }

    /// `<Message>` of an error document, with XML entities undone.
    pub fn message(&self) -> String {
        self.element("Message")
            .unwrap_or_default()
            .replace("&apos;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }
}

/// Sends a request as given.
pub async fn send(request: http::Request<Bytes>) -> RawResponse {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let (parts, body) = request.into_parts();
    let response = client
        .request(http::Request::from_parts(parts, Full::new(body)))
        .await
        .expect("request reaches iamd");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    RawResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A form POST to `/` with the usual SDK headers, unsigned.
pub fn form_post(server: &Server, body: &str) -> http::Request<Bytes> {
    http::Request::builder()
        .method("POST")
        .uri(format!("{}/", server.endpoint))
        .header("host", server.addr.to_string())
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Bytes::from(body.to_owned()))
        .expect("valid request")
}

/// How to sign a raw request.
pub struct Signing<'a> {
    pub key: &'a str,
    pub secret: &'a str,
    pub token: Option<&'a str>,
    pub service: &'a str,
    pub region: &'a str,
    pub time: SystemTime,
    pub location: SignatureLocation,
}

impl Default for Signing<'_> {
    fn default() -> Self {
        Self {
            key: "test",
            secret: "test",
            token: None,
            service: "sts",
            region: "us-east-1",
            time: SystemTime::now(),
            location: SignatureLocation::Headers,
        }
    }
}

/// Signs `request` in place with the aws-sigv4 crate, as an SDK would.
pub fn sign_request(request: &mut http::Request<Bytes>, signing: &Signing<'_>) {
    let identity: Identity = Credentials::new(
        signing.key,
        signing.secret,
        signing.token.map(str::to_owned),
        None,
        "iamd-tests",
    )
    .into();
    let mut settings = SigningSettings::default();
    settings.signature_location = signing.location;
    if signing.location == SignatureLocation::QueryParams {
        settings.expires_in = Some(std::time::Duration::from_secs(300));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(signing.region)
        .name(signing.service)
        .time(signing.time)
        .settings(settings)
        .build()
        .expect("signing params")
        .into();
    let uri = request.uri().to_string();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().expect("ascii header").to_owned(),
            )
        })
        .collect();
    let body = request.body().clone();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&body),
    )
    .expect("signable request");
    let (instructions, _signature) = sign(signable, &params).expect("signs").into_parts();
    instructions.apply_to_request_http1x(request);
}

/// A signed form POST.
pub fn signed_post(server: &Server, body: &str, signing: &Signing<'_>) -> http::Request<Bytes> {
    let mut request = form_post(server, body);
    sign_request(&mut request, signing);
    request
}

/// A JSON call to an admin endpoint.
pub async fn admin(
    server: &Server,
    method: &str,
    path: &str,
    json: &str,
) -> (u16, serde_json::Value) {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", server.endpoint))
        .header("content-type", "application/json")
        .body(Bytes::from(json.to_owned()))
        .expect("valid request");
    let response = send(request).await;
    let value = serde_json::from_str(&response.body).unwrap_or(serde_json::Value::Null);
    (response.status, value)
}

/// An SDK call's failure, reduced to what AWS sent.
#[derive(Debug)]
pub struct AwsError {
    pub code: String,
    pub message: String,
    pub status: u16,
}

/// Unwraps the error of an SDK call that must fail.
pub fn aws_error<T: std::fmt::Debug, E>(
    result: Result<
        T,
        aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
    >,
) -> AwsError
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::fmt::Debug,
{
    use aws_sdk_sts::error::ProvideErrorMetadata;
    let error = result.expect_err("the call must fail");
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    AwsError {
        code: error.code().unwrap_or_default().to_owned(),
        message: error.message().unwrap_or_default().to_owned(),
        status,
    }
}

/// An IAM tag.
pub fn tag(key: &str, value: &str) -> aws_sdk_iam::types::Tag {
    aws_sdk_iam::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .expect("a tag with key and value builds")
}

impl Server {
    /// An IAM client signing with these long-term credentials.
    pub fn iam_as(&self, key: &str, secret: &str) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config_as(key, secret, None))
    }

    /// An STS client signing with these long-term credentials.
    pub fn sts_as(&self, key: &str, secret: &str) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk_config_as(key, secret, None))
    }
}

/// Creates a user at path `/` as root.
pub async fn create_user(iam: &aws_sdk_iam::Client, name: &str) -> aws_sdk_iam::types::User {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser succeeds")
        .user
        .expect("CreateUser returns the user")
}

/// Creates an access key for `user_name`, and (strict mode holding users to their policies)
/// gives the user an inline policy allowing every IAM and STS action, so tests that sign as
/// the user exercise the operation rather than the policy engine. Returns the key id and secret.
pub async fn create_access_key(iam: &aws_sdk_iam::Client, user_name: &str) -> (String, String) {
    iam.put_user_policy()
        .user_name(user_name)
        .policy_name("iamd-tests-allow-all")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}]}"#)
        .send()
        .await
        .expect("PutUserPolicy succeeds");
    create_access_key_only(iam, user_name).await
}

/// Creates an access key for `user_name` and nothing else; returns its id and secret.
pub async fn create_access_key_only(
    iam: &aws_sdk_iam::Client,
    user_name: &str,
) -> (String, String) {
    let key = iam
        .create_access_key()
        .user_name(user_name)
        .send()
        .await
        .expect("CreateAccessKey succeeds")
        .access_key
        .expect("CreateAccessKey returns the key");
    (key.access_key_id, key.secret_access_key)
}

/// A new account made through the admin endpoint; returns its root key id and secret.
pub async fn create_account(server: &Server, account_id: &str) -> (String, String) {
    let (status, created) = admin(
        server,
        "POST",
        "/_iamd/accounts",
        &format!(r#"{{"account_id":"{account_id}"}}"#),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let field = |name: &str| created[name].as_str().expect("key field").to_owned();
    (field("access_key_id"), field("secret_access_key"))
}

impl AwsError {
    /// Asserts the code, HTTP status and exact message together.
    #[track_caller]
    pub fn assert_is(&self, code: &str, status: u16, message: &str) {
        assert_eq!(
            (self.code.as_str(), self.status, self.message.as_str()),
            (code, status, message),
            "unexpected error"
        );
    }
}

/// The default account's id, as it appears in ARNs.
pub const ACCOUNT: &str = "000000000000";

/// A small identity policy, laid out with newlines and indentation.
pub const S3_READ: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \
     \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \
     \"Resource\": \"arn:aws:s3:::bucket/*\"\n    }\n  ]\n}";

/// A trust policy letting EC2 assume a role.
pub const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// The ARN of a customer managed policy at path `/` in the default account.
pub fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

/// A policy document as IAM returns it (percent-encoded), decoded to its submitted text.
pub fn decode_document(encoded: &str) -> String {
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .expect("a document decodes to UTF-8")
        .into_owned()
}

/// Creates a customer managed policy at path `/` as root.
pub async fn create_policy(
    iam: &aws_sdk_iam::Client,
    name: &str,
    document: &str,
) -> aws_sdk_iam::types::Policy {
    iam.create_policy()
        .policy_name(name)
        .policy_document(document)
        .send()
        .await
        .expect("CreatePolicy succeeds")
        .policy
        .expect("CreatePolicy returns the policy")
}

/// Creates a role at path `/` that EC2 may assume.
pub async fn create_role(iam: &aws_sdk_iam::Client, name: &str) -> aws_sdk_iam::types::Role {
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(EC2_TRUST)
        .send()
        .await
        .expect("CreateRole succeeds")
        .role
        .expect("CreateRole returns the role")
}

/// Creates a group at path `/`.
pub async fn create_group(iam: &aws_sdk_iam::Client, name: &str) -> aws_sdk_iam::types::Group {
    iam.create_group()
        .group_name(name)
        .send()
        .await
        .expect("CreateGroup succeeds")
        .group
        .expect("CreateGroup returns the group")
}

/// Creates an instance profile at path `/`.
pub async fn create_instance_profile(
    iam: &aws_sdk_iam::Client,
    name: &str,
) -> aws_sdk_iam::types::InstanceProfile {
    iam.create_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .expect("CreateInstanceProfile succeeds")
        .instance_profile
        .expect("CreateInstanceProfile returns the profile")
}

/// The managed policy with this ARN, read back with GetPolicy.
pub async fn get_policy(iam: &aws_sdk_iam::Client, arn: &str) -> aws_sdk_iam::types::Policy {
    iam.get_policy()
        .policy_arn(arn)
        .send()
        .await
        .expect("GetPolicy succeeds")
        .policy
        .expect("GetPolicy returns the policy")
}

impl AwsError {
    /// Asserts the code and HTTP status where AWS's exact wording is not on record.
    #[track_caller]
    pub fn assert_code(&self, code: &str, status: u16) {
        assert_eq!(
            (self.code.as_str(), self.status),
            (code, status),
            "unexpected error: {}",
            self.message
        );
    }
}

/// An identity policy whose whitespace-free text is exactly `size` characters long (at least
/// 106), with `pad` spaces after each of its three commas.
pub fn policy_of_size(size: usize, pad: usize) -> String {
    let head = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#;
    let tail = r#""}]}"#;
    let fill = "x".repeat(size - head.len() - tail.len());
    let compact = format!("{head}{fill}{tail}");
    assert_eq!(compact.len(), size);
    compact.replace(',', &format!(",{}", " ".repeat(pad)))
}

impl Server {
    /// SDK settings signing with temporary credentials STS issued.
    pub fn sdk_config_with(&self, credentials: &aws_sdk_sts::types::Credentials) -> SdkConfig {
        self.sdk_config_as(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token()),
        )
    }

    /// An IAM client signing with temporary credentials STS issued.
    pub fn iam_with(&self, credentials: &aws_sdk_sts::types::Credentials) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config_with(credentials))
    }

    /// An STS client signing with temporary credentials STS issued.
    pub fn sts_with(&self, credentials: &aws_sdk_sts::types::Credentials) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk_config_with(credentials))
    }

    /// Moves iamd's lifetime clock (credential expiry) forward through the admin endpoint.
    pub async fn advance_clock(&self, seconds: i64) {
        let (status, body) = admin(
            self,
            "POST",
            "/_iamd/clock",
            &format!(r#"{{"advance_seconds":{seconds}}}"#),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
}

/// The six-digit TOTP code a virtual MFA app shows for `step` (a 30-second step since the
/// epoch), from the device's `Base32StringSeed` text.
pub fn totp(seed_base32: &str, step: i64) -> String {
    let secret = data_encoding::BASE32_NOPAD
        .decode(seed_base32.as_bytes())
        .expect("the seed is unpadded base32");
    iamd::totp::code(&secret, step)
}

/// The TOTP step of the wall clock now.
pub fn totp_step_now() -> i64 {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs();
    iamd::totp::step_of(i64::try_from(now).expect("seconds fit"))
}

impl AwsError {
    /// Asserts an `AccessDenied` 403 that names `principal`, `action` and ends with `reason`
    /// (e.g. `because no session policy allows the iam:ListUsers action`), whatever resource
    /// the message renders in between.
    #[track_caller]
    pub fn assert_denied_any_resource(&self, principal: &str, action: &str, reason: &str) {
        let head = format!("User: {principal} is not authorized to perform: {action}");
        assert_eq!(
            (self.code.as_str(), self.status),
            ("AccessDenied", 403),
            "unexpected error: {}",
            self.message
        );
        assert!(
            self.message.starts_with(&head) && self.message.ends_with(reason),
            "unexpected message: {}",
            self.message
        );
    }
}
