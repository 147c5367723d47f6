//! Account-wide settings: aliases, the password policy, and GetAccountSummary.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{Service, XmlWriter};
use crate::store::StoreError;
use crate::store::account_settings::{Flag, PasswordPolicy};

use super::errors;
use super::input::{ACCOUNT_ALIAS_RULE, Input};
use super::page::{Page, PageRequest};

/// Gives the account an alias (unique across accounts); a new alias replaces the old one.
pub async fn create_account_alias(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let alias = input.required("AccountAlias", &ACCOUNT_ALIAS_RULE);
    input.finish()?;

    let store = &ctx.app.store;
    store
        .create_account_alias(&ctx.principal.account_id, &alias)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::alias_taken(&alias),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Removes the account's alias.
pub async fn delete_account_alias(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let alias = input.required("AccountAlias", &ACCOUNT_ALIAS_RULE);
    input.finish()?;

    let store = &ctx.app.store;
    store
        .delete_account_alias(&ctx.principal.account_id, &alias)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_alias(&alias),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// The account's alias, as a (paginated) list of at most one.
pub async fn list_account_aliases(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    let alias = ctx
        .app
        .store
        .account_alias(&ctx.principal.account_id)
        .await
        .map_err(errors::store)?;
    let rows: Vec<String> = alias
        .into_iter()
        .filter(|a| after.as_ref().is_none_or(|m| a > m))
        .collect();
    let page = Page::from_rows(rows, &page, Clone::clone);
    let mut w = XmlWriter::new();
    w.list("AccountAliases", &page.items, |w, alias| {
        w.buf_text(alias);
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// Sets the password policy; every member left out takes its default.
pub async fn update_account_password_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let min_length = input.integer("MinimumPasswordLength", 6, 128);
    let symbols = input.boolean("RequireSymbols");
    let numbers = input.boolean("RequireNumbers");
    let upper = input.boolean("RequireUppercaseCharacters");
    let lower = input.boolean("RequireLowercaseCharacters");
    let allow_change = input.boolean("AllowUsersToChangePassword");
    // Read in the order AWS lists their violations.
    let reuse = input.integer("PasswordReusePrevention", 1, 24);
    let max_age = input.integer("MaxPasswordAge", 1, 1095);
    let hard_expiry = input.boolean("HardExpiry");
    input.finish()?;

    let policy = PasswordPolicy {
        minimum_password_length: min_length.unwrap_or(6),
        require_symbols: Flag(symbols.unwrap_or(false)),
        require_numbers: Flag(numbers.unwrap_or(false)),
        require_uppercase_characters: Flag(upper.unwrap_or(false)),
        require_lowercase_characters: Flag(lower.unwrap_or(false)),
        allow_users_to_change_password: Flag(allow_change.unwrap_or(false)),
        max_password_age: max_age,
        password_reuse_prevention: reuse,
        hard_expiry: hard_expiry.map(i64::from),
    };
    let store = &ctx.app.store;
    store
        .put_password_policy(&ctx.principal.account_id, &policy)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

/// The password policy, or `NoSuchEntity` when none is set.
pub async fn get_account_password_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    Input::new(ctx.params, Service::Iam).finish()?;
    let account = &ctx.principal.account_id;
    let policy = ctx
        .app
        .store
        .password_policy(account)
        .await
        .map_err(errors::store)?;
    let policy = policy.ok_or_else(|| errors::no_password_policy(account))?;
    let mut w = XmlWriter::new();
    w.element("PasswordPolicy", |w| {
        w.number("MinimumPasswordLength", policy.minimum_password_length);
        w.boolean("RequireSymbols", policy.require_symbols.0);
        w.boolean("RequireNumbers", policy.require_numbers.0);
        w.boolean(
            "RequireUppercaseCharacters",
            policy.require_uppercase_characters.0,
        );
        w.boolean(
            "RequireLowercaseCharacters",
            policy.require_lowercase_characters.0,
        );
        w.boolean(
            "AllowUsersToChangePassword",
            policy.allow_users_to_change_password.0,
        );
        w.boolean("ExpirePasswords", policy.max_password_age.is_some());
        if let Some(days) = policy.max_password_age {
            w.number("MaxPasswordAge", days);
        }
        if let Some(count) = policy.password_reuse_prevention {
            w.number("PasswordReusePrevention", count);
        }
        if let Some(hard) = policy.hard_expiry {
            w.boolean("HardExpiry", hard != 0);
        }
    });
    Ok(Reply::Result(w.finish()))
}

/// Removes the password policy.
pub async fn delete_account_password_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    Input::new(ctx.params, Service::Iam).finish()?;
    let store = &ctx.app.store;
    store
        .delete_password_policy(&ctx.principal.account_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_password_policy_to_delete(),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Entity counts and quotas of the account.
pub async fn get_account_summary(ctx: &RequestCtx<'_>) -> HandlerResult {
    Input::new(ctx.params, Service::Iam).finish()?;
    let counts = ctx
        .app
        .store
        .account_counts(&ctx.principal.account_id)
        .await
        .map_err(errors::store)?;
    // Entities iamd does not store yet (MFA devices, certificates, identity providers)
    // are counted as what they are: none.
    let entries: [(&str, i64); 34] = [
        ("Users", counts.users),
        ("UsersQuota", 5000),
        ("Groups", counts.groups),
        ("GroupsQuota", 300),
        ("ServerCertificates", 0),
        ("ServerCertificatesQuota", 20),
        ("UserPolicySizeQuota", 2048),
        ("GroupPolicySizeQuota", 5120),
        ("RolePolicySizeQuota", 10240),
        ("GroupsPerUserQuota", 10),
        ("SigningCertificatesPerUserQuota", 2),
        ("AccessKeysPerUserQuota", 2),
        ("MFADevices", 0),
        ("MFADevicesInUse", 0),
        ("AccountMFAEnabled", 0),
        (
            "AccountAccessKeysPresent",
            i64::from(counts.root_access_keys > 0),
        ),
        ("AccountPasswordPresent", counts.root_password),
        ("AccountSigningCertificatesPresent", 0),
        ("AttachedPoliciesPerGroupQuota", 10),
        ("AttachedPoliciesPerRoleQuota", 10),
        ("AttachedPoliciesPerUserQuota", 10),
        ("Policies", counts.policies),
        ("PoliciesQuota", 1500),
        ("PolicySizeQuota", 6144),
        ("PolicyVersionsInUse", counts.policy_versions),
        ("PolicyVersionsInUseQuota", 10000),
        ("VersionsPerPolicyQuota", 5),
        ("GlobalEndpointTokenVersion", 1),
        ("AssumeRolePolicySizeQuota", 2048),
        ("InstanceProfiles", counts.instance_profiles),
        ("InstanceProfilesQuota", 1000),
        ("Providers", 0),
        ("Roles", counts.roles),
        ("RolesQuota", 1000),
    ];
    let mut w = XmlWriter::new();
    w.element("SummaryMap", |w| {
        for (key, value) in entries {
            w.element("entry", |w| {
                w.text("key", key);
                w.number("value", value);
            });
        }
    });
    Ok(Reply::Result(w.finish()))
}
