//! STS sessions: temporary credentials and everything later authorization needs to know about
//! them (role or user, tags, source identity, session policies, MFA state, lifetime).

use super::writer::Write;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::access_keys::KeyOwner;
use super::tags::Tag;
use super::{Store, StoreError, from_millis, to_flag, to_millis};
use crate::secret::Secret;

/// How temporary credentials were obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// AssumeRole.
    AssumedRole,
    /// GetFederationToken.
    FederatedUser,
    /// GetSessionToken by an IAM user.
    UserSession,
    /// GetSessionToken by the root user.
    RootSession,
}

impl SessionKind {
    /// As stored.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AssumedRole => "AssumedRole",
            Self::FederatedUser => "FederatedUser",
            Self::UserSession => "UserSession",
            Self::RootSession => "RootSession",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "AssumedRole" => Self::AssumedRole,
            "FederatedUser" => Self::FederatedUser,
            "UserSession" => Self::UserSession,
            _ => Self::RootSession,
        }
    }
}

/// The role a role session belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleRef {
    /// `AROA…`.
    pub role_id: String,
    /// The role's name.
    pub role_name: String,
    /// The role's path.
    pub path: String,
}

/// A session tag as kept with the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTag {
    /// The key.
    #[serde(rename = "Key")]
    pub key: String,
    /// The value.
    #[serde(rename = "Value")]
    pub value: String,
}

/// Everything known about a session.
#[derive(Clone, Debug)]
pub struct Session {
    /// The `ASIA…` key id.
    pub access_key_id: String,
    /// The account.
    pub account_id: String,
    /// The secret it signs with.
    pub secret: Secret,
    /// The session token every request must carry.
    pub token: Secret,
    /// How it was obtained.
    pub kind: SessionKind,
    /// The role of a role session.
    pub role: Option<RoleRef>,
    /// The IAM user of a user or federated session.
    pub user: Option<KeyOwner>,
    /// Whether the session was issued to an IAM user (who may since have been deleted, when
    /// `user` is `None`).
    pub issued_to_user: bool,
    /// The role session name, or the federated user's name.
    pub session_name: Option<String>,
    /// The source identity, set once and carried through chaining.
    pub source_identity: Option<String>,
    /// Session tags.
    pub tags: Vec<Tag>,
    /// Keys of tags that pass to sessions this one creates.
    pub transitive_tag_keys: Vec<String>,
    /// The inline session policy.
    pub session_policy: Option<String>,
    /// Managed session policies.
    pub session_policy_arns: Vec<String>,
    /// Whether session policies were given (then they limit the session, even if empty).
    pub has_session_policies: bool,
    /// Whether MFA was used to obtain it.
    pub mfa_authenticated: bool,
    /// When MFA was used.
    pub mfa_authenticated_at: Option<DateTime<Utc>>,
    /// Whether it was obtained with temporary credentials.
    pub chained: bool,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

#[derive(FromRow)]
pub(crate) struct SessionRow {
    access_key_id: String,
    account_id: String,
    secret_access_key: String,
    session_token: String,
    kind: String,
    role_id: Option<String>,
    role_name: Option<String>,
    role_path: Option<String>,
    user_id: Option<String>,
    user_name: Option<String>,
    user_path: Option<String>,
    session_name: Option<String>,
    source_identity: Option<String>,
    tags: String,
    transitive_tag_keys: String,
    session_policy: Option<String>,
    session_policy_arns: String,
    has_session_policies: i64,
    mfa_authenticated: i64,
    mfa_authenticated_at: Option<i64>,
    chained: i64,
    issued_at: i64,
    expires_at: i64,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        let tags: Vec<StoredTag> = serde_json::from_str(&row.tags).unwrap_or_default();
        Self {
            access_key_id: row.access_key_id,
            account_id: row.account_id,
            secret: Secret::new(row.secret_access_key),
            token: Secret::new(row.session_token),
            kind: SessionKind::parse(&row.kind),
            role: match (row.role_id, row.role_name, row.role_path) {
                (Some(role_id), Some(role_name), Some(path)) => Some(RoleRef {
                    role_id,
                    role_name,
                    path,
                }),
                _ => None,
            },
            issued_to_user: row.user_id.is_some(),
            user: match (row.user_id, row.user_name, row.user_path) {
                (Some(user_id), Some(user_name), Some(path)) => Some(KeyOwner {
                    user_id,
                    user_name,
                    path,
                }),
                _ => None,
            },
            session_name: row.session_name,
            source_identity: row.source_identity,
            tags: tags
                .into_iter()
                .map(|t| Tag {
                    key: t.key,
                    value: t.value,
                })
                .collect(),
            transitive_tag_keys: serde_json::from_str(&row.transitive_tag_keys).unwrap_or_default(),
            session_policy: row.session_policy,
            session_policy_arns: serde_json::from_str(&row.session_policy_arns).unwrap_or_default(),
            has_session_policies: row.has_session_policies != 0,
            mfa_authenticated: row.mfa_authenticated != 0,
            mfa_authenticated_at: row.mfa_authenticated_at.map(from_millis),
            chained: row.chained != 0,
            issued_at: from_millis(row.issued_at),
            expires_at: from_millis(row.expires_at),
        }
    }
}

/// The session columns, joined with its role and user.
pub(crate) const SESSION_SELECT: &str = r"SELECT s.access_key_id, s.account_id, s.secret_access_key,
    s.session_token, s.kind, s.role_id, r.role_name, r.path AS role_path, s.user_id,
    u.user_name, u.path AS user_path, s.session_name, s.source_identity, s.tags,
    s.transitive_tag_keys, s.session_policy, s.session_policy_arns, s.has_session_policies,
    s.mfa_authenticated, s.mfa_authenticated_at, s.chained, s.issued_at, s.expires_at
    FROM sessions s
    LEFT JOIN roles r ON r.role_id = s.role_id
    LEFT JOIN users u ON u.user_id = s.user_id";

impl Store {
    /// Stores a new session; with `role_used_in` (a region), also records the use of the
    /// session's role (written out later, see `record_role_use`).
    ///
    /// # Errors
    /// A database failure.
    pub async fn create_session(
        &self,
        session: &Session,
        role_used_in: Option<&str>,
    ) -> Result<(), StoreError> {
        let tags: Vec<StoredTag> = session
            .tags
            .iter()
            .map(|t| StoredTag {
                key: t.key.clone(),
                value: t.value.clone(),
            })
            .collect();
        let mut tx = self.writer.begin().await?;
        // A new session is in no cache: credentials are cached on their first use.
        tx.leaves_caches_valid();
        sqlx::query(
            r"INSERT INTO sessions (access_key_id, account_id, secret_access_key, session_token, kind,
                  role_id, user_id, session_name, source_identity, tags, transitive_tag_keys,
                  session_policy, session_policy_arns, has_session_policies, mfa_authenticated,
                  mfa_authenticated_at, chained, issued_at, expires_at)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )
        .bind(&session.access_key_id)
        .bind(&session.account_id)
        .bind(session.secret.expose())
        .bind(session.token.expose())
        .bind(session.kind.as_str())
        .bind(session.role.as_ref().map(|r| r.role_id.clone()))
        .bind(session.user.as_ref().map(|u| u.user_id.clone()))
        .bind(&session.session_name)
        .bind(&session.source_identity)
        .bind(serde_json::to_string(&tags).unwrap_or_else(|_| "[]".to_owned()))
        .bind(serde_json::to_string(&session.transitive_tag_keys).unwrap_or_else(|_| "[]".to_owned()))
        .bind(&session.session_policy)
        .bind(serde_json::to_string(&session.session_policy_arns).unwrap_or_else(|_| "[]".to_owned()))
        .bind(to_flag(session.has_session_policies))
        .bind(to_flag(session.mfa_authenticated))
        .bind(session.mfa_authenticated_at.map(to_millis))
        .bind(to_flag(session.chained))
        .bind(to_millis(session.issued_at))
        .bind(to_millis(session.expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if let (Some(region), Some(role)) = (role_used_in, &session.role) {
            self.record_role_use(&role.role_id, session.issued_at, region);
        }
        Ok(())
    }

    /// A session by its access key id.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_session(&self, access_key_id: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> =
            sqlx::query_as(&format!("{SESSION_SELECT} WHERE s.access_key_id = ?1"))
                .bind(access_key_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(Session::from))
    }

    /// Forgets sessions that expired before `now`.
    ///
    /// # Errors
    /// A database failure.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at < ?1")
            .bind(to_millis(now))
            .write(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }
}
