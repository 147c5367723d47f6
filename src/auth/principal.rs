//! Who is calling: the principal a verified credential resolves to.

/// The kind of principal behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// The account's root user.
    Root,
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

    /// The principal's ARN, as `GetCallerIdentity` reports it.
    #[must_use]
    pub fn arn(&self) -> String {
        match &self.kind {
            PrincipalKind::Root => crate::arn::root(&self.account_id),
        }
    }

    /// The `UserId` `GetCallerIdentity` reports: the account id for root.
    #[must_use]
    pub fn user_id(&self) -> String {
        match &self.kind {
            PrincipalKind::Root => self.account_id.clone(),
        }
    }
}
