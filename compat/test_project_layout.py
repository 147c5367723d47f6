"""The whole IAM set-up of a typical project, built through boto3 and the AWS CLI, read back
the way an application reads it, then torn down: first in the wrong order (every step is a
DeleteConflict that changes nothing), then in dependency order."""

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def statement(effect, actions, resources="*", **extra):
    return {"Effect": effect, "Action": actions, "Resource": resources, **extra}


def document(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


POLICIES = {
    "developer": document(
        statement("Allow", ["ec2:Describe*", "ec2:StartInstances", "ec2:StopInstances", "s3:Get*", "s3:Put*",
                            "s3:List*", "rds:Describe*", "rds:ModifyDBInstance", "cloudformation:*"]),
        statement("Allow", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:*:*:*"),
    ),
    "admin": document(statement("Allow", "*")),
    "readonly": document(statement("Allow", ["ec2:Describe*", "s3:Get*", "s3:List*", "rds:Describe*"])),
    "ec2-app": document(statement("Allow", ["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::myapp-*")),
    "lambda-app": document(statement("Allow", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                                               "s3:GetObject", "ses:SendEmail"])),
    "require-mfa": {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices",
                          "iam:ResyncMFADevice", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        }],
    },
}
GROUP_POLICIES = {"developers": ["developer", "require-mfa"], "admins": ["admin", "require-mfa"], "readonly": ["readonly"]}
USERS = {"dev-alice": "developers", "dev-bob": "developers", "dev-carol": "developers",
         "admin-dave": "admins", "admin-erin": "admins"}
TRUST = {
    "app-ec2": document({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
    "app-lambda": document({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
    "partner-access": document({
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "partner-secret-42"}},
    }),
}
ROLE_POLICIES = {"app-ec2": ["ec2-app", SSM_CORE], "app-lambda": ["lambda-app", LAMBDA_BASIC], "partner-access": ["readonly"]}


def policy_arn(name):
    return name if name.startswith("arn:") else f"arn:aws:iam::{ACCOUNT}:policy/policies/{name}"


def tags(name, role):
    return [{"Key": "Name", "Value": name}, {"Key": "Environment", "Value": "dev"},
            {"Key": "Project", "Value": "myapp"}, {"Key": "Role", "Value": role}]


def build(iamd):
    """Builds the layout: the CLI for a part, boto3 for the rest."""
    iam = iamd.client("iam")
    for name, group in USERS.items():
        path = "/admins/" if group == "admins" else "/developers/"
        if name == "dev-alice":
            tag_args = [f"Key={t['Key']},Value={t['Value']}" for t in tags(name, group)]
            result = iamd.aws("iam", "create-user", "--user-name", name, "--path", path, "--tags", *tag_args)
            assert result.returncode == 0, result.stderr
        else:
            iam.create_user(UserName=name, Path=path, Tags=tags(name, group))
    for group in GROUP_POLICIES:
        iam.create_group(GroupName=group, Path="/groups/")
    for name, group in USERS.items():
        iam.add_user_to_group(GroupName=group, UserName=name)
    iam.add_user_to_group(GroupName="readonly", UserName="dev-carol")
    for name, body in POLICIES.items():
        if name == "developer":
            created = iamd.aws("iam", "create-policy", "--policy-name", name, "--path", "/policies/",
                               "--policy-document", json.dumps(body), "--tags", "Key=Project,Value=myapp")
            assert created.returncode == 0, created.stderr
        else:
            iam.create_policy(PolicyName=name, Path="/policies/", PolicyDocument=json.dumps(body),
                              Tags=[{"Key": "Project", "Value": "myapp"}])
    for group, names in GROUP_POLICIES.items():
        for name in names:
            iam.attach_group_policy(GroupName=group, PolicyArn=policy_arn(name))
    for role, trust in TRUST.items():
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust), Tags=tags(role, "service"),
                        Description=f"{role} role")
        for name in ROLE_POLICIES[role]:
            iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn(name))
    iam.create_instance_profile(InstanceProfileName="app-ec2-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-ec2-profile", RoleName="app-ec2")
    return iam.create_access_key(UserName="dev-alice")["AccessKey"]


@pytest.fixture
def layout(iamd):
    key = build(iamd)
    return iamd, iamd.client("iam"), key


def test_lists_return_exactly_the_layout(layout):
    _, iam, _ = layout
    users = iam.list_users()["Users"]
    assert sorted(u["UserName"] for u in users) == sorted(USERS)
    assert {u["UserName"]: u["Path"] for u in users}["admin-dave"] == "/admins/"
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/groups/")["Groups"]] == ["admins", "developers", "readonly"]
    roles = {r["RoleName"]: r for r in iam.list_roles()["Roles"]}
    assert sorted(roles) == sorted(TRUST)
    for name, trust in TRUST.items():
        assert roles[name]["AssumeRolePolicyDocument"] == trust
    for group, names in GROUP_POLICIES.items():
        attached = iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
        assert sorted(p["PolicyArn"] for p in attached) == sorted(policy_arn(n) for n in names)
    for role, names in ROLE_POLICIES.items():
        attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        assert sorted(p["PolicyArn"] for p in attached) == sorted(policy_arn(n) for n in names)
    assert iam.list_attached_user_policies(UserName="dev-bob")["AttachedPolicies"] == []
    groups_of_carol = iam.list_groups_for_user(UserName="dev-carol")["Groups"]
    assert [g["GroupName"] for g in groups_of_carol] == ["developers", "readonly"]


def test_documents_come_back_equal_to_what_was_sent(layout):
    _, iam, _ = layout
    for name, body in POLICIES.items():
        policy = iam.get_policy(PolicyArn=policy_arn(name))["Policy"]
        version = iam.get_policy_version(PolicyArn=policy_arn(name), VersionId=policy["DefaultVersionId"])
        assert version["PolicyVersion"]["Document"] == body
        assert policy["Tags"] == [{"Key": "Project", "Value": "myapp"}]
    assert iam.get_policy(PolicyArn=policy_arn("readonly"))["Policy"]["AttachmentCount"] == 2
    assert iam.get_role(RoleName="partner-access")["Role"]["AssumeRolePolicyDocument"] == TRUST["partner-access"]
    profile = iam.get_instance_profile(InstanceProfileName="app-ec2-profile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["app-ec2"]


def test_authorization_details_and_summary_describe_the_layout(layout):
    iamd, iam, _ = layout
    details = iam.get_account_authorization_details()
    assert sorted(u["UserName"] for u in details["UserDetailList"]) == sorted(USERS)
    alice = next(u for u in details["UserDetailList"] if u["UserName"] == "dev-alice")
    assert alice["GroupList"] == ["developers"] and alice["Tags"] == tags("dev-alice", "developers")
    ec2 = next(r for r in details["RoleDetailList"] if r["RoleName"] == "app-ec2")
    assert [p["InstanceProfileName"] for p in ec2["InstanceProfileList"]] == ["app-ec2-profile"]
    assert sorted(p["PolicyArn"] for p in ec2["AttachedManagedPolicies"]) == sorted(policy_arn(n) for n in ROLE_POLICIES["app-ec2"])
    policies = {p["PolicyName"]: p for p in details["Policies"]}
    assert set(POLICIES) | {"AmazonSSMManagedInstanceCore", "AWSLambdaBasicExecutionRole"} == set(policies)
    mfa_versions = policies["require-mfa"]["PolicyVersionList"]
    assert [v["Document"] for v in mfa_versions] == [POLICIES["require-mfa"]]
    local_only = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])
    assert sorted(p["PolicyName"] for p in local_only["Policies"]) == sorted(POLICIES)
    assert local_only["UserDetailList"] == [] and local_only["RoleDetailList"] == []

    summary = json.loads(iamd.aws("iam", "get-account-summary").stdout)["SummaryMap"]
    assert (summary["Users"], summary["Groups"], summary["Roles"]) == (5, 3, 3)
    assert (summary["Policies"], summary["InstanceProfiles"]) == (6, 1)


def test_the_developers_key_signs_and_the_cli_lists_roles(layout):
    iamd, _, key = layout
    identity = iamd.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/developers/dev-alice"
    listed = iamd.aws("iam", "list-roles", "--query", "Roles[].RoleName")
    assert listed.returncode == 0, listed.stderr
    assert sorted(json.loads(listed.stdout)) == sorted(TRUST)


def conflict(call, message):
    with pytest.raises(ClientError) as error:
        call()
    response = error.value.response
    assert response["Error"]["Code"] == "DeleteConflict", response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert response["Error"]["Message"] == message


def test_teardown_in_the_wrong_order_conflicts_at_every_step_and_changes_nothing(layout):
    _, iam, key = layout
    referenced = "Cannot delete entity, must remove referenced objects first."
    detach_first = "Cannot delete entity, must detach all policies first."
    conflict(lambda: iam.delete_user(UserName="dev-alice"), referenced)
    conflict(lambda: iam.delete_user(UserName="dev-bob"), referenced)
    conflict(lambda: iam.delete_group(GroupName="developers"), "Cannot delete entity, must remove users from group first.")
    conflict(lambda: iam.delete_policy(PolicyArn=policy_arn("developer")), "Cannot delete a policy attached to entities.")
    conflict(lambda: iam.delete_role(RoleName="app-ec2"), "Cannot delete entity, must remove roles from instance profile first.")
    conflict(lambda: iam.delete_role(RoleName="app-lambda"), detach_first)
    conflict(lambda: iam.delete_instance_profile(InstanceProfileName="app-ec2-profile"),
             "Cannot delete entity, must remove roles from instance profile first.")

    assert len(iam.list_users()["Users"]) == 5
    assert len(iam.list_groups()["Groups"]) == 3
    assert len(iam.list_roles()["Roles"]) == 3
    assert len(iam.list_policies(Scope="Local")["Policies"]) == 6
    assert len(iam.list_access_keys(UserName="dev-alice")["AccessKeyMetadata"]) == 1
    assert iam.get_policy(PolicyArn=policy_arn("developer"))["Policy"]["AttachmentCount"] == 1
    assert key["AccessKeyId"]


def test_teardown_in_dependency_order_leaves_the_account_empty(layout):
    _, iam, key = layout
    iam.delete_access_key(UserName="dev-alice", AccessKeyId=key["AccessKeyId"])
    iam.remove_role_from_instance_profile(InstanceProfileName="app-ec2-profile", RoleName="app-ec2")
    iam.delete_instance_profile(InstanceProfileName="app-ec2-profile")
    for role, names in ROLE_POLICIES.items():
        for name in names:
            iam.detach_role_policy(RoleName=role, PolicyArn=policy_arn(name))
        iam.delete_role(RoleName=role)
    for group, names in GROUP_POLICIES.items():
        for name in names:
            iam.detach_group_policy(GroupName=group, PolicyArn=policy_arn(name))
    for name, group in USERS.items():
        iam.remove_user_from_group(GroupName=group, UserName=name)
    iam.remove_user_from_group(GroupName="readonly", UserName="dev-carol")
    for group in GROUP_POLICIES:
        iam.delete_group(GroupName=group)
    for name in USERS:
        iam.delete_user(UserName=name)
    for name in POLICIES:
        iam.delete_policy(PolicyArn=policy_arn(name))

    assert iam.list_users()["Users"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.list_roles()["Roles"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []


def test_a_trust_policy_naming_a_missing_user_is_refused_and_an_existing_one_accepted(iam):
    missing = document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/nobody"},
                        "Action": "sts:AssumeRole"})
    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="trusts-nobody", AssumeRolePolicyDocument=json.dumps(missing))
    error = refused.value.response
    assert error["Error"]["Code"] == "MalformedPolicyDocument"
    assert error["Error"]["Message"] == f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT}:user/nobody"'
    assert iam.list_roles()["Roles"] == []

    iam.create_user(UserName="somebody", Path="/team/")
    present = document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/team/somebody"},
                        "Action": "sts:AssumeRole"})
    iam.create_role(RoleName="trusts-somebody", AssumeRolePolicyDocument=json.dumps(present))
    assert iam.get_role(RoleName="trusts-somebody")["Role"]["AssumeRolePolicyDocument"] == present
