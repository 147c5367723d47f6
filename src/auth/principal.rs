//! Who is calling: the principal a verified credential resolves to.

use std::sync::Arc;

use crate::store::KeyOwner;
use crate::store::sessions::{RoleRef, Session};

/// The kind of principal behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// The account's root user (with its own keys, or a GetSessionToken session of them).
    Root,
    /// An IAM user (with its keys, or a GetSessionToken session of them).
    User(KeyOwner),
    /// A session of a role (AssumeRole).
    AssumedRole {
        /// The role.
        role: RoleRef,
        /// The session name.
        session_name: String,
    },
    /// A federated user (GetFederationToken).
    FederatedUser {
        /// The federated user's name.
        name: String,
        /// The IAM user that asked for it; `None` when the root user did.
        parent: Option<KeyOwner>,
    },
}

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The account the principal belongs to.
    pub account_id: String,
    /// Root, user, session, …
    pub kind: PrincipalKind,
    /// The access key the request was signed with (none for unsigned requests in `off` mode).
    pub access_key_id: Option<String>,
    /// For temporary credentials: their session.
    pub session: Option<Arc<Session>>,
}

impl PartialEq for Principal {
    fn eq(&self, other: &Self) -> bool {
        self.account_id == other.account_id
            && self.kind == other.kind
            && self.access_key_id == other.access_key_id
    }
}

impl Principal {
    /// The root user of `account_id`.
    #[must_use]
    pub fn root(account_id: &str, access_key_id: Option<String>) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind: PrincipalKind::Root,
            access_key_id,
            session: None,
        }
    }

    /// An IAM user of `account_id`.
    #[must_use]
    pub fn user(account_id: &str, owner: KeyOwner, access_key_id: Option<String>) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind: PrincipalKind::User(owner),
            access_key_id,
            session: None,
        }
    }

    /// The principal's ARN, as `GetCallerIdentity` reports it.
    #[must_use]
    pub fn arn(&self) -> String {
        let account = &self.account_id;
        match &self.kind {
            PrincipalKind::Root => crate::arn::root(account),
            PrincipalKind::User(user) => crate::arn::user(account, &user.path, &user.user_name),
            PrincipalKind::AssumedRole { role, session_name } => {
                format!(
                    "arn:aws:sts::{account}:assumed-role/{}/{session_name}",
                    role.role_name
                )
            }
            PrincipalKind::FederatedUser { name, .. } => {
                format!("arn:aws:sts::{account}:federated-user/{name}")
            }
        }
    }

    /// The `UserId` `GetCallerIdentity` reports.
    #[must_use]
    pub fn user_id(&self) -> String {
        match &self.kind {
            PrincipalKind::Root => self.account_id.clone(),
            PrincipalKind::User(user) => user.user_id.clone(),
            PrincipalKind::AssumedRole { role, session_name } => {
                format!("{}:{session_name}", role.role_id)
            }
            PrincipalKind::FederatedUser { name, .. } => format!("{}:{name}", self.account_id),
        }
    }

    /// The ARN policies name the principal by (`aws:PrincipalArn`): a role session's role.
    #[must_use]
    pub fn principal_arn(&self) -> String {
        match &self.kind {
            PrincipalKind::AssumedRole { role, .. } => {
                crate::arn::role(&self.account_id, &role.path, &role.role_name)
            }
            _ => self.arn(),
        }
    }

    /// Whether the credentials are temporary.
    #[must_use]
    pub fn is_temporary(&self) -> bool {
        self.session.is_some()
    }
}
