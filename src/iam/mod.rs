//! IAM: the action table and one module per entity family. Handlers read as
//! decode → validate → (authorize) → store → render.

mod access_keys;
mod account;
pub mod action;
mod attachments;
mod authorization_details;
mod boundary;
mod documents;
mod errors;
mod groups;
mod inline;
pub mod input;
mod instance_profiles;
mod login_profiles;
pub mod managed;
mod mfa;
mod page;
mod password;
mod policies;
mod roles;
mod simulate;
mod subject;
mod tags;
mod users;

pub use action::IamAction;

crate::api::dispatch_table!(IamAction {
    AddRoleToInstanceProfile => instance_profiles::add_role_to_instance_profile,
    AddUserToGroup => groups::add_user_to_group,
    AttachGroupPolicy => attachments::attach_group_policy,
    AttachRolePolicy => attachments::attach_role_policy,
    AttachUserPolicy => attachments::attach_user_policy,
    ChangePassword => login_profiles::change_password,
    CreateVirtualMFADevice => mfa::create_virtual_mfa_device,
    DeactivateMFADevice => mfa::deactivate_mfa_device,
    DeleteVirtualMFADevice => mfa::delete_virtual_mfa_device,
    EnableMFADevice => mfa::enable_mfa_device,
    GetMFADevice => mfa::get_mfa_device,
    ListMFADevices => mfa::list_mfa_devices,
    ListMFADeviceTags => tags::list_mfa_device_tags,
    ListVirtualMFADevices => mfa::list_virtual_mfa_devices,
    ResyncMFADevice => mfa::resync_mfa_device,
    TagMFADevice => tags::tag_mfa_device,
    UntagMFADevice => tags::untag_mfa_device,
    CreateAccessKey => access_keys::create_access_key,
    CreateAccountAlias => account::create_account_alias,
    CreateGroup => groups::create_group,
    CreateInstanceProfile => instance_profiles::create_instance_profile,
    CreateLoginProfile => login_profiles::create_login_profile,
    CreatePolicy => policies::create_policy,
    CreatePolicyVersion => policies::create_policy_version,
    CreateRole => roles::create_role,
    CreateServiceLinkedRole => roles::create_service_linked_role,
    CreateUser => users::create_user,
    DeleteAccessKey => access_keys::delete_access_key,
    DeleteAccountAlias => account::delete_account_alias,
    DeleteAccountPasswordPolicy => account::delete_account_password_policy,
    DeleteGroup => groups::delete_group,
    DeleteGroupPolicy => inline::delete_group_policy,
    DeleteInstanceProfile => instance_profiles::delete_instance_profile,
    DeleteLoginProfile => login_profiles::delete_login_profile,
    DeletePolicy => policies::delete_policy,
    DeletePolicyVersion => policies::delete_policy_version,
    DeleteRole => roles::delete_role,
    DeleteRolePermissionsBoundary => boundary::delete_role_permissions_boundary,
    DeleteRolePolicy => inline::delete_role_policy,
    DeleteServiceLinkedRole => roles::delete_service_linked_role,
    DeleteUser => users::delete_user,
    DeleteUserPermissionsBoundary => boundary::delete_user_permissions_boundary,
    DeleteUserPolicy => inline::delete_user_policy,
    DetachGroupPolicy => attachments::detach_group_policy,
    DetachRolePolicy => attachments::detach_role_policy,
    DetachUserPolicy => attachments::detach_user_policy,
    GetAccessKeyLastUsed => access_keys::get_access_key_last_used,
    GetAccountAuthorizationDetails => authorization_details::get_account_authorization_details,
    GetAccountPasswordPolicy => account::get_account_password_policy,
    GetAccountSummary => account::get_account_summary,
    GetContextKeysForCustomPolicy => simulate::get_context_keys_for_custom_policy,
    GetContextKeysForPrincipalPolicy => simulate::get_context_keys_for_principal_policy,
    GetGroup => groups::get_group,
    GetGroupPolicy => inline::get_group_policy,
    GetInstanceProfile => instance_profiles::get_instance_profile,
    GetLoginProfile => login_profiles::get_login_profile,
    GetPolicy => policies::get_policy,
    GetPolicyVersion => policies::get_policy_version,
    GetRole => roles::get_role,
    GetRolePolicy => inline::get_role_policy,
    GetServiceLinkedRoleDeletionStatus => roles::get_service_linked_role_deletion_status,
    GetUser => users::get_user,
    GetUserPolicy => inline::get_user_policy,
    ListAccessKeys => access_keys::list_access_keys,
    ListAccountAliases => account::list_account_aliases,
    ListAttachedGroupPolicies => attachments::list_attached_group_policies,
    ListAttachedRolePolicies => attachments::list_attached_role_policies,
    ListAttachedUserPolicies => attachments::list_attached_user_policies,
    ListEntitiesForPolicy => policies::list_entities_for_policy,
    ListGroupPolicies => inline::list_group_policies,
    ListGroups => groups::list_groups,
    ListGroupsForUser => groups::list_groups_for_user,
    ListInstanceProfileTags => tags::list_instance_profile_tags,
    ListInstanceProfiles => instance_profiles::list_instance_profiles,
    ListInstanceProfilesForRole => instance_profiles::list_instance_profiles_for_role,
    ListPolicies => policies::list_policies,
    ListPolicyTags => tags::list_policy_tags,
    ListPolicyVersions => policies::list_policy_versions,
    ListRolePolicies => inline::list_role_policies,
    ListRoleTags => tags::list_role_tags,
    ListRoles => roles::list_roles,
    ListUserPolicies => inline::list_user_policies,
    ListUserTags => tags::list_user_tags,
    ListUsers => users::list_users,
    PutGroupPolicy => inline::put_group_policy,
    PutRolePermissionsBoundary => boundary::put_role_permissions_boundary,
    PutRolePolicy => inline::put_role_policy,
    PutUserPermissionsBoundary => boundary::put_user_permissions_boundary,
    PutUserPolicy => inline::put_user_policy,
    RemoveRoleFromInstanceProfile => instance_profiles::remove_role_from_instance_profile,
    RemoveUserFromGroup => groups::remove_user_from_group,
    SetDefaultPolicyVersion => policies::set_default_policy_version,
    SimulateCustomPolicy => simulate::simulate_custom_policy,
    SimulatePrincipalPolicy => simulate::simulate_principal_policy,
    TagInstanceProfile => tags::tag_instance_profile,
    TagPolicy => tags::tag_policy,
    TagRole => tags::tag_role,
    TagUser => tags::tag_user,
    UntagInstanceProfile => tags::untag_instance_profile,
    UntagPolicy => tags::untag_policy,
    UntagRole => tags::untag_role,
    UntagUser => tags::untag_user,
    UpdateAccessKey => access_keys::update_access_key,
    UpdateAccountPasswordPolicy => account::update_account_password_policy,
    UpdateAssumeRolePolicy => roles::update_assume_role_policy,
    UpdateGroup => groups::update_group,
    UpdateLoginProfile => login_profiles::update_login_profile,
    UpdateRole => roles::update_role,
    UpdateRoleDescription => roles::update_role_description,
    UpdateUser => users::update_user,
});
