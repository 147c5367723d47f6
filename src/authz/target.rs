//! What an IAM call acts on: the resource ARN a policy's `Resource` is matched against (with
//! the entity's path), the resource's tags, and the keys the request itself sets
//! (`aws:RequestTag/*`, `aws:TagKeys`, `iam:PolicyARN`, `iam:PermissionsBoundary`, ...).
//! See <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html>.

use crate::api::RequestCtx;
use crate::auth::PrincipalKind;
use crate::iam::IamAction;
use crate::store::StoreError;
use crate::store::tags::Tag;

/// The resource of one request and what it contributes to the context.
#[derive(Debug, Default)]
pub struct Target {
    /// The resource ARN, or `*` for actions without a resource.
    pub resource: String,
    /// How AccessDenied messages name it (AWS shortens some to `user <name>`).
    pub display: Option<String>,
    /// The resource's tags (`aws:ResourceTag/*`).
    pub tags: Vec<Tag>,
    /// Keys the request sets, single-valued.
    pub keys: Vec<(String, String)>,
    /// `aws:TagKeys`, when the request carries tags or tag keys.
    pub tag_keys: Option<Vec<String>>,
    /// What a rename or move makes of the resource: the caller needs the action on both.
    pub renamed_to: Option<String>,
}

/// Works out the resource of an STS call: the role for the AssumeRole family, the
/// federated user for GetFederationToken, `*` for the rest.
#[must_use]
pub fn of_sts(ctx: &RequestCtx<'_>, action: crate::sts::StsAction) -> Target {
    use crate::sts::StsAction;
    let params = ctx.params;
    let resource = match action {
        StsAction::AssumeRole => params.get("RoleArn").unwrap_or("*").to_owned(),
        StsAction::GetFederationToken => format!(
            "arn:aws:sts::{}:federated-user/{}",
            ctx.principal.account_id,
            params.get("Name").unwrap_or_default()
        ),
        _ => "*".to_owned(),
    };
    let mut target = Target {
        resource,
        ..Target::default()
    };
    if let Some(tags) = params.struct_list("Tags") {
        let mut keys = Vec::with_capacity(tags.len());
        for tag in tags {
            let key = tag.get("Key").copied().unwrap_or_default();
            target.keys.push((
                format!("aws:RequestTag/{key}"),
                tag.get("Value").copied().unwrap_or_default().to_owned(),
            ));
            keys.push(key.to_owned());
        }
        target.tag_keys = Some(keys);
    }
    target
}

/// Actions whose resource is the managed policy named by `PolicyArn`.
fn acts_on_policy(action: IamAction) -> bool {
    use IamAction::*;
    matches!(
        action,
        GetPolicy
            | DeletePolicy
            | CreatePolicyVersion
            | GetPolicyVersion
            | DeletePolicyVersion
            | ListPolicyVersions
            | SetDefaultPolicyVersion
            | TagPolicy
            | UntagPolicy
            | ListPolicyTags
            | ListEntitiesForPolicy
    )
}

/// Actions with no resource: they are decided against `*`.
fn has_no_resource(action: IamAction) -> bool {
    use IamAction::*;
    let name = action.as_str();
    (name.starts_with("List")
        && !matches!(
            action,
            ListAccessKeys
                | ListGroupsForUser
                | ListInstanceProfilesForRole
                | ListUserTags
                | ListRoleTags
                | ListPolicyTags
                | ListInstanceProfileTags
                | ListAttachedUserPolicies
                | ListAttachedGroupPolicies
                | ListAttachedRolePolicies
                | ListUserPolicies
                | ListGroupPolicies
                | ListRolePolicies
                | ListPolicyVersions
                | ListEntitiesForPolicy
                | ListMFADevices
                | ListMFADeviceTags
                | ListSSHPublicKeys
                | ListSigningCertificates
                | ListServiceSpecificCredentials
        ))
        || matches!(
            action,
            GetAccountSummary
                | GetAccountPasswordPolicy
                | UpdateAccountPasswordPolicy
                | DeleteAccountPasswordPolicy
                | CreateAccountAlias
                | DeleteAccountAlias
                | GetAccountAuthorizationDetails
                | SimulateCustomPolicy
                | GetContextKeysForCustomPolicy
                | GetCredentialReport
                | GenerateCredentialReport
        )
}

/// The resource of calls that name it by ARN (or, for a new virtual MFA device, by name):
/// MFA devices and the simulated principal.
fn named_by_arn(ctx: &RequestCtx<'_>, action: IamAction) -> Option<String> {
    use IamAction::*;
    let params = ctx.params;
    match action {
        CreateVirtualMFADevice => Some(format!(
            "arn:aws:iam::{}:mfa{}{}",
            ctx.principal.account_id,
            params.get("Path").unwrap_or("/"),
            params.get("VirtualMFADeviceName").unwrap_or_default()
        )),
        DeleteVirtualMFADevice | TagMFADevice | UntagMFADevice | ListMFADeviceTags => Some(
            params
                .get("SerialNumber")
                .filter(|serial| serial.starts_with("arn:"))
                .unwrap_or("*")
                .to_owned(),
        ),
        SimulatePrincipalPolicy | GetContextKeysForPrincipalPolicy => {
            Some(params.get("PolicySourceArn").unwrap_or("*").to_owned())
        }
        _ => None,
    }
}

/// The ARN an UpdateUser or UpdateGroup gives its subject, when it renames or moves it.
fn renamed(ctx: &RequestCtx<'_>, action: IamAction, current: &str) -> Option<String> {
    let (kind, new_name) = match action {
        IamAction::UpdateUser => ("user", "NewUserName"),
        IamAction::UpdateGroup => ("group", "NewGroupName"),
        _ => return None,
    };
    let params = ctx.params;
    if params.get(new_name).is_none() && params.get("NewPath").is_none() {
        return None;
    }
    let (_, path_and_name) = current.split_once(&format!(":{kind}/"))?;
    let (path, name) = match path_and_name.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_owned(), path_and_name),
    };
    Some(format!(
        "arn:aws:iam::{}:{kind}{}{}",
        ctx.principal.account_id,
        params.get("NewPath").unwrap_or(&path),
        params.get(new_name).unwrap_or(name)
    ))
}

/// Works out the resource of an IAM call and its context contributions.
///
/// # Errors
/// A store failure.
pub async fn of_iam(ctx: &RequestCtx<'_>, action: IamAction) -> Result<Target, StoreError> {
    let params = ctx.params;
    let account = &ctx.principal.account_id;
    let store = &ctx.app.store;
    let mut target = Target {
        resource: "*".to_owned(),
        ..Target::default()
    };
    request_keys(ctx, action, &mut target);
    // Listing users, groups, roles or instance profiles is decided against the path being
    // listed (`arn:aws:iam::A:user/` for the whole account), as AWS names it in denials.
    let listed = match action {
        IamAction::ListUsers => Some("user"),
        IamAction::ListGroups => Some("group"),
        IamAction::ListRoles => Some("role"),
        IamAction::ListInstanceProfiles => Some("instance-profile"),
        _ => None,
    };
    if let Some(kind) = listed {
        let prefix = params.get("PathPrefix").unwrap_or("/");
        target.resource = format!("arn:aws:iam::{account}:{kind}{prefix}");
        return Ok(target);
    }
    if has_no_resource(action) {
        return Ok(target);
    }
    if action == IamAction::CreatePolicy {
        let path = params.get("Path").unwrap_or("/");
        target.resource =
            crate::arn::policy(account, path, params.get("PolicyName").unwrap_or_default());
        return Ok(target);
    }
    if acts_on_policy(action) {
        if let Some(arn) = params.get("PolicyArn") {
            target.resource = arn.to_owned();
            if let Some(policy) = store.find_policy(arn).await? {
                target.tags = store.tags(&policy.policy_id).await?;
            }
        }
        return Ok(target);
    }
    if let Some(resource) = named_by_arn(ctx, action) {
        target.resource = resource;
        return Ok(target);
    }
    let creating = action.as_str().starts_with("Create");
    let new_path = params.get("Path").unwrap_or("/");
    if let Some(name) = params.get("InstanceProfileName") {
        let found = if creating {
            None
        } else {
            store.find_instance_profile(account, name).await?
        };
        target.resource = crate::arn::instance_profile(
            account,
            found.as_ref().map_or(new_path, |p| p.path.as_str()),
            name,
        );
        if let Some(profile) = found {
            target.tags = store.tags(&profile.instance_profile_id).await?;
        }
    } else if let Some(name) = params
        .get("GroupName")
        .filter(|_| action != IamAction::ListGroupsForUser)
    {
        let found = if creating {
            None
        } else {
            store.find_group(account, name).await?
        };
        target.resource = crate::arn::group(
            account,
            found.as_ref().map_or(new_path, |g| g.path.as_str()),
            found.as_ref().map_or(name, |g| g.group_name.as_str()),
        );
    } else if let Some(name) = params.get("RoleName") {
        let found = if creating {
            None
        } else {
            store.find_role(account, name).await?
        };
        target.resource = crate::arn::role(
            account,
            found.as_ref().map_or(new_path, |r| r.path.as_str()),
            found.as_ref().map_or(name, |r| r.role_name.as_str()),
        );
        target.display = Some(format!("role {name}"));
        if let Some(role) = found {
            target.tags = store.tags(&role.role_id).await?;
            push_boundary(
                &mut target,
                role.permissions_boundary_arn.as_deref(),
                action,
            );
        }
    } else if let Some(name) = params.get("UserName") {
        let found = if creating {
            None
        } else {
            store.find_user(account, name).await?
        };
        target.resource = crate::arn::user(
            account,
            found.as_ref().map_or(new_path, |u| u.path.as_str()),
            found.as_ref().map_or(name, |u| u.user_name.as_str()),
        );
        target.display = Some(format!("user {name}"));
        if let Some(user) = found {
            target.tags = store.tags(&user.user_id).await?;
            push_boundary(
                &mut target,
                user.permissions_boundary_arn.as_deref(),
                action,
            );
        }
    } else if let PrincipalKind::User(owner) = &ctx.principal.kind {
        // Caller-implicit operations act on the calling user.
        target.resource = crate::arn::user(account, &owner.path, &owner.user_name);
        target.display = Some(format!("user {}", owner.user_name));
        target.tags = store.tags(&owner.user_id).await?;
    } else if action == IamAction::CreateServiceLinkedRole {
        let service = params.get("AWSServiceName").unwrap_or_default();
        target.resource = format!("arn:aws:iam::{account}:role/aws-service-role/{service}/*");
    }
    target.renamed_to = renamed(ctx, action, &target.resource);
    // Only some actions name their resource the short way in denials.
    if !matches!(
        action,
        IamAction::GetUser
            | IamAction::GetLoginProfile
            | IamAction::GetRole
            | IamAction::AttachRolePolicy
    ) {
        target.display = None;
    }
    Ok(target)
}

fn push_boundary(target: &mut Target, arn: Option<&str>, action: IamAction) {
    use IamAction::*;
    let relevant = matches!(
        action,
        PutUserPolicy
            | DeleteUserPolicy
            | AttachUserPolicy
            | DetachUserPolicy
            | DeleteUserPermissionsBoundary
            | PutRolePolicy
            | DeleteRolePolicy
            | AttachRolePolicy
            | DetachRolePolicy
            | DeleteRolePermissionsBoundary
            | DeleteRole
            | GetRole
            | UpdateRole
            | UpdateRoleDescription
            | UpdateAssumeRolePolicy
    );
    if let (true, Some(arn)) = (relevant, arn) {
        target
            .keys
            .push(("iam:PermissionsBoundary".to_owned(), arn.to_owned()));
    }
}

/// Keys set by the request's own parameters.
fn request_keys(ctx: &RequestCtx<'_>, action: IamAction, target: &mut Target) {
    let params = ctx.params;
    if let Some(tags) = params.struct_list("Tags") {
        let mut keys = Vec::with_capacity(tags.len());
        for tag in tags {
            let key = tag.get("Key").copied().unwrap_or_default();
            let value = tag.get("Value").copied().unwrap_or_default();
            target
                .keys
                .push((format!("aws:RequestTag/{key}"), value.to_owned()));
            keys.push(key.to_owned());
        }
        target.tag_keys = Some(keys);
    }
    if let Some(keys) = params.list("TagKeys") {
        target.tag_keys = Some(keys.into_iter().map(str::to_owned).collect());
    }
    let name = action.as_str();
    let attaches =
        (name.starts_with("Attach") || name.starts_with("Detach")) && name.ends_with("Policy");
    if let (true, Some(arn)) = (attaches, params.get("PolicyArn")) {
        target
            .keys
            .push(("iam:PolicyARN".to_owned(), arn.to_owned()));
    }
    if let Some(arn) = params.get("PermissionsBoundary") {
        target
            .keys
            .push(("iam:PermissionsBoundary".to_owned(), arn.to_owned()));
    }
    if let Some(service) = params.get("AWSServiceName") {
        target
            .keys
            .push(("iam:AWSServiceName".to_owned(), service.to_owned()));
    }
}
