"""IAM identities through boto3 and the AWS CLI v1: users, groups, access keys, login
profiles, tags and account settings, including their error paths."""

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


def error_of(excinfo) -> tuple[str, int, str]:
    """Code, HTTP status and message of a boto3 ClientError."""
    error = excinfo.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Message"]


def test_boto3_paginator_walks_260_users_100_at_a_time_each_once_in_name_order(iam):
    names = [f"user-{i:03d}" for i in range(260)]
    for name in reversed(names):
        iam.create_user(UserName=name, Path="/bulk/")

    pages = list(iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 100}))

    assert [len(p["Users"]) for p in pages] == [100, 100, 60]
    assert [p["IsTruncated"] for p in pages] == [True, True, False]
    assert "Marker" not in pages[-1]
    assert [u["UserName"] for p in pages for u in p["Users"]] == names


def test_cli_list_users_follows_every_page(iamd):
    iam = iamd.client("iam")
    for i in range(130):
        iam.create_user(UserName=f"cli-{i:03d}")

    result = iamd.aws("iam", "list-users", "--page-size", "50")

    assert result.returncode == 0, result.stderr
    users = json.loads(result.stdout)["Users"]
    assert len(users) == 130
    assert len({u["UserId"] for u in users}) == 130


def test_path_prefix_filters_users_and_groups(iam):
    iam.create_user(UserName="dev1", Path="/developers/")
    iam.create_user(UserName="admin1", Path="/admins/")
    iam.create_group(GroupName="devs", Path="/developers/")
    iam.create_group(GroupName="ops", Path="/")

    users = iam.list_users(PathPrefix="/developers/")["Users"]
    groups = iam.list_groups(PathPrefix="/developers/")["Groups"]

    assert [u["UserName"] for u in users] == ["dev1"]
    assert users[0]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/developers/dev1"
    assert [g["GroupName"] for g in groups] == ["devs"]


def test_a_new_users_key_signs_get_caller_identity_with_boto3_and_the_cli(iamd):
    iam = iamd.client("iam")
    user = iam.create_user(UserName="alice", Path="/team/")["User"]
    key = iam.create_access_key(UserName="alice")["AccessKey"]

    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    identity = iamd.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/alice"
    assert identity["UserId"] == user["UserId"] and user["UserId"].startswith("AIDA")
    cli = iamd.aws("sts", "get-caller-identity", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"] == identity["Arn"]


def test_a_renamed_user_loses_its_old_name_and_its_keys_still_sign(iamd):
    iam = iamd.client("iam")
    user_id = iam.create_user(UserName="bob")["User"]["UserId"]
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    iam.create_group(GroupName="builders")
    iam.add_user_to_group(GroupName="builders", UserName="bob")

    iam.update_user(UserName="bob", NewUserName="robert", NewPath="/renamed/")

    with pytest.raises(ClientError) as gone:
        iam.get_user(UserName="bob")
    assert error_of(gone) == ("NoSuchEntity", 404, "The user with name bob cannot be found.")
    renamed = iam.get_user(UserName="robert")["User"]
    assert renamed["UserId"] == user_id
    assert renamed["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/renamed/robert"
    sts = iamd.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == renamed["Arn"]
    groups = iam.list_groups_for_user(UserName="robert")["Groups"]
    assert [g["GroupName"] for g in groups] == ["builders"]


def test_names_are_unique_ignoring_case_and_found_ignoring_case(iam):
    iam.create_user(UserName="Carol")
    with pytest.raises(ClientError) as duplicate:
        iam.create_user(UserName="carol")
    assert error_of(duplicate) == ("EntityAlreadyExists", 409, "User with name carol already exists.")
    assert iam.get_user(UserName="CAROL")["User"]["UserName"] == "Carol"
    assert len(iam.list_users()["Users"]) == 1


def test_invalid_input_is_a_validation_error_and_creates_nothing(iam):
    with pytest.raises(ClientError) as invalid:
        iam.create_user(UserName="x" * 65, Path="no-slashes")
    code, status, message = error_of(invalid)
    assert (code, status) == ("ValidationError", 400)
    assert message.startswith("2 validation errors detected: ")
    assert "Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64" in message
    assert "Value at 'path' failed to satisfy constraint" in message
    assert iam.list_users()["Users"] == []


def test_deleting_a_user_with_dependents_is_a_conflict_until_they_are_gone(iam):
    iam.create_user(UserName="dave")
    key_id = iam.create_access_key(UserName="dave")["AccessKey"]["AccessKeyId"]
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="dave")

    with pytest.raises(ClientError) as conflict:
        iam.delete_user(UserName="dave")
    assert error_of(conflict) == (
        "DeleteConflict", 409, "Cannot delete entity, must remove referenced objects first."
    )
    with pytest.raises(ClientError) as group_conflict:
        iam.delete_group(GroupName="g")
    assert error_of(group_conflict)[:2] == ("DeleteConflict", 409)
    assert iam.get_user(UserName="dave")["User"]["UserName"] == "dave"

    iam.delete_access_key(UserName="dave", AccessKeyId=key_id)
    iam.remove_user_from_group(GroupName="g", UserName="dave")
    iam.delete_user(UserName="dave")
    iam.delete_group(GroupName="g")
    assert iam.list_users()["Users"] == [] and iam.list_groups()["Groups"] == []


def test_a_deactivated_key_is_refused_and_a_third_key_exceeds_the_quota(iamd):
    iam = iamd.client("iam")
    iam.create_user(UserName="erin")
    first = iam.create_access_key(UserName="erin")["AccessKey"]
    iam.create_access_key(UserName="erin")
    with pytest.raises(ClientError) as quota:
        iam.create_access_key(UserName="erin")
    assert error_of(quota) == ("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")

    iam.update_access_key(UserName="erin", AccessKeyId=first["AccessKeyId"], Status="Inactive")
    sts = iamd.client("sts", first["AccessKeyId"], first["SecretAccessKey"])
    with pytest.raises(ClientError) as refused:
        sts.get_caller_identity()
    assert error_of(refused)[:2] == ("InvalidClientTokenId", 403)
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="erin")["AccessKeyMetadata"]}
    assert statuses[first["AccessKeyId"]] == "Inactive"


def test_cli_tags_a_user_and_lists_the_tags_in_order(iamd):
    iamd.client("iam").create_user(UserName="frank")
    tagged = iamd.aws("iam", "tag-user", "--user-name", "frank", "--tags", "Key=Team,Value=core", "Key=Env,Value=dev")
    assert tagged.returncode == 0, tagged.stderr

    listed = iamd.aws("iam", "list-user-tags", "--user-name", "frank")

    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["Tags"] == [{"Key": "Team", "Value": "core"}, {"Key": "Env", "Value": "dev"}]
    missing = iamd.aws("iam", "list-user-tags", "--user-name", "nobody")
    assert missing.returncode != 0
    assert "NoSuchEntity" in missing.stderr and "The user with name nobody cannot be found." in missing.stderr


def test_duplicate_tag_keys_ignoring_case_are_invalid_input(iam):
    with pytest.raises(ClientError) as duplicate:
        iam.create_user(UserName="gina", Tags=[{"Key": "Env", "Value": "a"}, {"Key": "env", "Value": "b"}])
    assert error_of(duplicate)[:2] == ("InvalidInput", 400)
    assert iam.list_users()["Users"] == []


def test_login_profile_follows_the_password_policy(iam):
    iam.create_user(UserName="hank")
    with pytest.raises(ClientError) as weak:
        iam.create_login_profile(UserName="hank", Password="short")
    assert error_of(weak) == (
        "PasswordPolicyViolation", 400, "Password does not conform to the account password policy."
    )
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    with pytest.raises(ClientError):
        iam.create_login_profile(UserName="hank", Password="Passw0rd-long")

    profile = iam.create_login_profile(UserName="hank", Password="Passw0rd!-long", PasswordResetRequired=True)

    assert profile["LoginProfile"]["UserName"] == "hank"
    assert iam.get_login_profile(UserName="hank")["LoginProfile"]["PasswordResetRequired"] is True
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14 and policy["RequireSymbols"] is True
    assert policy["ExpirePasswords"] is False


def test_a_user_changes_its_own_password_with_its_key(iamd):
    iam = iamd.client("iam")
    iam.create_user(UserName="ivy")
    iam.create_login_profile(UserName="ivy", Password="Initial-Pass1")
    # Users are held to their policies: this one may change its own password.
    allow_change = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/${aws:username}"}]}
    iam.put_user_policy(UserName="ivy", PolicyName="self-service", PolicyDocument=json.dumps(allow_change))
    key = iam.create_access_key(UserName="ivy")["AccessKey"]
    as_ivy = iamd.client("iam", key["AccessKeyId"], key["SecretAccessKey"])

    as_ivy.change_password(OldPassword="Initial-Pass1", NewPassword="Second-Pass2")

    with pytest.raises(ClientError) as wrong:
        as_ivy.change_password(OldPassword="Initial-Pass1", NewPassword="Third-Pass3")
    assert error_of(wrong)[:2] == ("AccessDenied", 403)
    with pytest.raises(ClientError) as root:
        iam.change_password(OldPassword="x", NewPassword="y")
    assert error_of(root)[:2] == ("InvalidUserType", 400)


def test_account_alias_and_summary_from_the_cli(iamd):
    created = iamd.aws("iam", "create-account-alias", "--account-alias", "my-team")
    assert created.returncode == 0, created.stderr
    aliases = json.loads(iamd.aws("iam", "list-account-aliases").stdout)["AccountAliases"]
    assert aliases == ["my-team"]

    iamd.client("iam").create_user(UserName="jack")
    summary = json.loads(iamd.aws("iam", "get-account-summary").stdout)["SummaryMap"]
    assert summary["Users"] == 1 and summary["Groups"] == 0
    assert summary["AccessKeysPerUserQuota"] == 2 and summary["AccountAccessKeysPresent"] == 1


def test_get_access_key_info_names_the_keys_account(iamd):
    status, created = iamd.admin("POST", "/_iamd/accounts", {"account_id": "123456789012"})
    assert status == 201
    sts = iamd.client("sts")

    assert sts.get_access_key_info(AccessKeyId=created["access_key_id"])["Account"] == "123456789012"
    iam = iamd.client("iam")
    iam.create_user(UserName="kim")
    key_id = iam.create_access_key(UserName="kim")["AccessKey"]["AccessKeyId"]
    assert sts.get_access_key_info(AccessKeyId=key_id)["Account"] == ACCOUNT


def test_identities_survive_a_restart_on_the_same_data_dir(start_iamd, tmp_path):
    data = str(tmp_path / "data")
    first = start_iamd("--data-dir", data)
    iam = first.client("iam")
    iam.create_user(UserName="lee", Path="/keep/", Tags=[{"Key": "Team", "Value": "x"}])
    iam.create_group(GroupName="keepers")
    iam.add_user_to_group(GroupName="keepers", UserName="lee")
    key = iam.create_access_key(UserName="lee")["AccessKey"]
    before = iam.get_user(UserName="lee")["User"]
    assert first.stop() == 0

    second = start_iamd("--data-dir", data)
    iam = second.client("iam")
    assert iam.get_user(UserName="lee")["User"] == before
    assert [u["UserName"] for u in iam.get_group(GroupName="keepers")["Users"]] == ["lee"]
    sts = second.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/keep/lee"
