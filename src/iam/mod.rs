//! IAM: the action table and one module per entity family. Handlers read as
//! decode → validate → (authorize) → store → render.

mod access_keys;
mod account;
pub mod action;
mod boundary;
mod errors;
mod groups;
pub mod input;
mod login_profiles;
mod page;
mod password;
mod subject;
mod tags;
mod users;

pub use action::IamAction;

crate::api::dispatch_table!(IamAction {
    AddUserToGroup => groups::add_user_to_group,
    ChangePassword => login_profiles::change_password,
    CreateAccessKey => access_keys::create_access_key,
    CreateAccountAlias => account::create_account_alias,
    CreateGroup => groups::create_group,
    CreateLoginProfile => login_profiles::create_login_profile,
    CreateUser => users::create_user,
    DeleteAccessKey => access_keys::delete_access_key,
    DeleteAccountAlias => account::delete_account_alias,
    DeleteAccountPasswordPolicy => account::delete_account_password_policy,
    DeleteGroup => groups::delete_group,
    DeleteLoginProfile => login_profiles::delete_login_profile,
    DeleteUser => users::delete_user,
    GetAccessKeyLastUsed => access_keys::get_access_key_last_used,
    GetAccountPasswordPolicy => account::get_account_password_policy,
    GetAccountSummary => account::get_account_summary,
    GetGroup => groups::get_group,
    GetLoginProfile => login_profiles::get_login_profile,
    GetUser => users::get_user,
    ListAccessKeys => access_keys::list_access_keys,
    ListAccountAliases => account::list_account_aliases,
    ListGroups => groups::list_groups,
    ListGroupsForUser => groups::list_groups_for_user,
    ListUserTags => tags::list_user_tags,
    ListUsers => users::list_users,
    RemoveUserFromGroup => groups::remove_user_from_group,
    TagUser => tags::tag_user,
    UntagUser => tags::untag_user,
    UpdateAccessKey => access_keys::update_access_key,
    UpdateAccountPasswordPolicy => account::update_account_password_policy,
    UpdateGroup => groups::update_group,
    UpdateLoginProfile => login_profiles::update_login_profile,
    UpdateUser => users::update_user,
});
