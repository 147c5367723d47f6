//! Who is calling: the principal a verified credential resolves to.

use crate::store::KeyOwner;

/// The kind of principal behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// The account's root user.
    Root,
    /// An IAM user, signing with one of its access keys.
    User(KeyOwner),
}

/// The authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The account the principal belongs to.
    pub account_id: String,
    /// Root, user, session, …
    pub kind: PrincipalKind,
    /// The access key the request was signed with (none for unsigned requests in `off` mode).
    pub access_key_id: Option<String>,
}

impl Principal {
    /// The root user of `account_id`.
    #[must_use]
    pub fn root(account_id: &str, access_key_id: Option<String>) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind: PrincipalKind::Root,
            access_key_id,
        }
    }

    /// An IAM user of `account_id`.
    #[must_use]
    pub fn user(account_id: &str, owner: KeyOwner, access_key_id: Option<String>) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind: PrincipalKind::User(owner),
            access_key_id,
        }
    }

    /// The principal's ARN, as `GetCallerIdentity` reports it.
    #[must_use]
    pub fn arn(&self) -> String {
        match &self.kind {
            PrincipalKind::Root => crate::arn::root(&self.account_id),
            PrincipalKind::User(user) => {
                crate::arn::user(&self.account_id, &user.path, &user.user_name)
            }
        }
    }

    /// The `UserId` `GetCallerIdentity` reports: the account id for root, `AIDA…` for users.
    #[must_use]
    pub fn user_id(&self) -> String {
        match &self.kind {
            PrincipalKind::Root => self.account_id.clone(),
            PrincipalKind::User(user) => user.user_id.clone(),
        }
    }
}
