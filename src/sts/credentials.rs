//! Minting temporary credentials: an `ASIA…` key id that encodes the account, a secret and
//! an opaque session token, and their `<Credentials>` element.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;

use crate::ids::{self, IdPrefix};
use crate::protocol::XmlWriter;
use crate::secret::Secret;

/// A fresh key id, secret and token for `account_id`.
#[must_use]
pub fn mint(account_id: &str) -> (String, Secret, Secret) {
    let key = ids::access_key_id(IdPrefix::TemporaryAccessKey, account_id);
    let secret = Secret::new(ids::secret_access_key());
    let mut bytes = [0u8; 120];
    rand::thread_rng().fill_bytes(&mut bytes);
    // SDKs never look inside a token; AWS's are long base64 blobs, and so are these.
    let token = format!(
        "FwoGZXIvYXdzEI///////////wEa{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    );
    (key, secret, Secret::new(token))
}

/// `<Credentials>` with the key id, secret, token and expiry.
pub fn write(
    w: &mut XmlWriter,
    key: &str,
    secret: &Secret,
    token: &Secret,
    expires_at: DateTime<Utc>,
) {
    w.element("Credentials", |w| {
        w.text("AccessKeyId", key);
        w.text("SecretAccessKey", secret.expose());
        w.text("SessionToken", token.expose());
        w.timestamp("Expiration", expires_at);
    });
}
