//! Every STS (API version 2011-06-15) action in the current AWS model, implemented or not.
//! See <https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html>.

crate::api::action_enum! {
    /// An STS action.
    StsAction {
        AssumeRole,
        AssumeRoleWithSAML,
        AssumeRoleWithWebIdentity,
        AssumeRoot,
        DecodeAuthorizationMessage,
        GetAccessKeyInfo,
        GetCallerIdentity,
        GetDelegatedAccessToken,
        GetFederationToken,
        GetScopedCredentials,
        GetSessionToken,
        GetWebIdentityToken,
    }
}
