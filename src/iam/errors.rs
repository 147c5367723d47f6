//! AWS's wording for IAM errors, one constructor per message, so handlers never format
//! messages themselves. Wording follows responses recorded from real AWS.

use crate::protocol::{ApiError, ErrorCode};
use crate::store::{Conflict, Entity, Limit, StoreError};

/// `NoSuchEntity`: the user does not exist.
pub fn no_such_user(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The user with name {name} cannot be found."),
    )
}

/// `NoSuchEntity`: the group does not exist.
pub fn no_such_group(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The group with name {name} cannot be found."),
    )
}

/// `NoSuchEntity`: the role does not exist.
pub fn no_such_role(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The role with name {name} cannot be found."),
    )
}

/// `NoSuchEntity`: the instance profile does not exist.
pub fn no_such_instance_profile(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Instance Profile {name} cannot be found."),
    )
}

/// `NoSuchEntity`: a policy ARN that names no attachable policy (Attach*, ListEntitiesForPolicy).
pub fn policy_not_attachable(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Policy {arn} does not exist or is not attachable."),
    )
}

/// `NoSuchEntity`: a policy ARN that names no policy (Get/Delete/Detach/Tag).
pub fn no_such_policy(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Policy {arn} was not found."),
    )
}

/// `NoSuchEntity`: a version the policy does not have.
pub fn no_such_policy_version(arn: &str, version: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Policy {arn} version {version} does not exist or is not attachable."),
    )
}

/// `NoSuchEntity`: an inline policy the entity does not have (`kind` is user, group or role).
pub fn no_such_inline_policy(kind: &str, name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The {kind} policy with name {name} cannot be found."),
    )
}

/// `EntityAlreadyExists` for a role name.
pub fn role_exists(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("Role with name {name} already exists."),
    )
}

/// `EntityAlreadyExists` for an instance profile name.
pub fn instance_profile_exists(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("Instance Profile {name} already exists."),
    )
}

/// `EntityAlreadyExists` for a managed policy name.
pub fn policy_exists(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("A policy called {name} already exists. Duplicate names are not allowed."),
    )
}

/// `ValidationError`: a policy ARN that is not an ARN at all.
pub fn arn_not_valid(arn: &str) -> ApiError {
    ApiError::validation(format!("ARN {arn} is not valid."))
}

/// `PolicyNotAttachable`: AWS policies reserved for service-linked roles.
pub fn service_role_policy(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::PolicyNotAttachable,
        format!("Cannot attach a Service Role Policy to a Customer Role: {arn}"),
    )
}

/// `LimitExceeded`: the summed inline policies of an entity are too large.
pub fn inline_size(kind: &str, name: &str, max: usize) -> ApiError {
    ApiError::new(
        ErrorCode::LimitExceeded,
        format!("Maximum policy size of {max} bytes exceeded for {kind} {name}"),
    )
}

/// `NoSuchEntity`: the caller has no access key with this id.
pub fn no_such_access_key(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The Access Key with id {id} cannot be found."),
    )
}

/// `NoSuchEntity`: the user has no login profile.
pub fn no_such_login_profile(user_name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Login Profile for User {user_name} cannot be found."),
    )
}

/// `NoSuchEntity`: the account has no password policy (Get).
pub fn no_password_policy(account_id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The Password Policy with domain name {account_id} cannot be found."),
    )
}

/// `NoSuchEntity`: the account has no password policy (Delete).
pub fn no_password_policy_to_delete() -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        "The account policy with name PasswordPolicy cannot be found.",
    )
}

/// `NoSuchEntity`: the account does not have this alias.
pub fn no_such_alias(alias: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The account alias {alias} cannot be found."),
    )
}

/// `NoSuchEntity`: a permissions boundary that is not a known policy.
pub fn no_such_boundary(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Scope ARN: {arn} does not exist or is not attachable."),
    )
}

/// `EntityAlreadyExists` for a user name.
pub fn user_exists(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("User with name {name} already exists."),
    )
}

/// `EntityAlreadyExists` for a group name.
pub fn group_exists(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("Group with name {name} already exists."),
    )
}

/// `EntityAlreadyExists` for a login profile.
pub fn login_profile_exists(user_name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("Login Profile for user {user_name} already exists."),
    )
}

/// `EntityAlreadyExists` for an alias another account holds.
pub fn alias_taken(alias: &str) -> ApiError {
    ApiError::new(
        ErrorCode::EntityAlreadyExists,
        format!("The account alias {alias} already exists."),
    )
}

/// `InvalidInput`: tag keys repeated (ignoring case) in one request.
pub fn duplicate_tag_keys() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInput,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    )
}

/// `InvalidInput`: a tag key in the reserved `aws:` namespace.
pub fn reserved_tag_key() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInput,
        "Tag keys starting with 'aws:' are reserved for internal use.",
    )
}

/// `InvalidInput`: a permissions boundary that is not a policy ARN.
pub fn invalid_arn(arn: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, format!("ARN {arn} is not valid."))
}

/// `ValidationError`: a caller-implicit operation called with non-user credentials.
pub fn user_name_required() -> ApiError {
    ApiError::validation("Must specify userName when calling with non-User credentials")
}

/// `PasswordPolicyViolation`.
pub fn password_policy_violation() -> ApiError {
    ApiError::new(
        ErrorCode::PasswordPolicyViolation,
        "Password does not conform to the account password policy.",
    )
}

/// `InvalidUserType`: only IAM users have their own password to change.
pub fn not_an_iam_user() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidUserType,
        "Only IAM Users can change their own password.",
    )
}

/// `AccessDenied`: the old password given to `ChangePassword` is wrong.
pub fn wrong_old_password() -> ApiError {
    ApiError::new(ErrorCode::AccessDenied, "The old password is incorrect.")
}

/// `DeleteConflict` for what still hangs on an entity.
pub fn delete_conflict(conflict: Conflict) -> ApiError {
    let message = match conflict {
        Conflict::ReferencedObjects => {
            "Cannot delete entity, must remove referenced objects first."
        }
        Conflict::GroupHasUsers => "Cannot delete entity, must remove users from group first.",
        Conflict::MfaDevices => "Cannot delete entity, must delete MFA device first.",
        Conflict::AttachedPolicies => "Cannot delete entity, must detach all policies first.",
        Conflict::InlinePolicies => "Cannot delete entity, must delete policies first.",
        Conflict::InInstanceProfile => {
            "Cannot delete entity, must remove roles from instance profile first."
        }
        Conflict::PolicyAttached => "Cannot delete a policy attached to entities.",
        Conflict::PolicyHasVersions => {
            "This policy has more than one version. Before you delete a policy, you must delete the \
             policy's versions. The default version is deleted with the policy."
        }
        Conflict::DefaultVersion => "Cannot delete the default version of a policy.",
    };
    ApiError::new(ErrorCode::DeleteConflict, message)
}

/// `LimitExceeded` for a quota.
pub fn limit_exceeded(limit: Limit) -> ApiError {
    let message = match limit {
        Limit::AccessKeysPerUser => "Cannot exceed quota for AccessKeysPerUser: 2",
        Limit::GroupsPerUser => "Cannot exceed quota for GroupsPerUser: 10",
        Limit::TagsPerResource => "The number of tags has reached the maximum limit.",
        Limit::PoliciesPerUser => "Cannot exceed quota for PoliciesPerUser: 10",
        Limit::PoliciesPerGroup => "Cannot exceed quota for PoliciesPerGroup: 10",
        Limit::PoliciesPerRole => "Cannot exceed quota for PoliciesPerRole: 10",
        Limit::VersionsPerPolicy => {
            "A managed policy can have up to 5 versions. Before you create a new version, you must \
             delete an existing version."
        }
        Limit::RolesPerInstanceProfile => {
            "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
        }
        Limit::InlinePolicySize => "Cannot exceed quota for InlinePolicySize.",
    };
    ApiError::new(ErrorCode::LimitExceeded, message)
}

/// A store failure without a more specific meaning at the call site.
pub fn store(error: StoreError) -> ApiError {
    match error {
        StoreError::Conflict(conflict) => delete_conflict(conflict),
        StoreError::Limit(limit) => limit_exceeded(limit),
        StoreError::NotFound(entity) => ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("The {} cannot be found.", entity_noun(entity)),
        ),
        other => ApiError::internal(&other),
    }
}

fn entity_noun(entity: Entity) -> &'static str {
    match entity {
        Entity::User => "user",
        Entity::Group => "group",
        Entity::AccessKey => "access key",
        Entity::LoginProfile => "login profile",
        Entity::PasswordPolicy => "password policy",
        Entity::AccountAlias => "account alias",
        Entity::Role => "role",
        Entity::Policy => "policy",
        Entity::PolicyVersion => "policy version",
        Entity::InlinePolicy => "policy",
        Entity::InstanceProfile => "instance profile",
        Entity::MfaDevice => "MFA device",
    }
}
