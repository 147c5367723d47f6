"""Policy enforcement and the simulator through boto3: users are held to their policies in
strict mode, soft mode logs would-be denials and lets calls through, and the simulator
explains decisions for any action of any service."""

import json

import pytest
from botocore.exceptions import ClientError

MFA_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
}


def user_client(iamd, name, policy=None):
    iam = iamd.client("iam")
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return iamd.client("iam", key["AccessKeyId"], key["SecretAccessKey"])


def test_strict_mode_denies_what_no_policy_allows_with_awss_message(iamd):
    reader = user_client(iamd, "reader", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]})
    assert [u["UserName"] for u in reader.list_users()["Users"]] == ["reader"]
    with pytest.raises(ClientError) as denied:
        reader.create_group(GroupName="g")
    error = denied.value.response
    assert error["Error"]["Code"] == "AccessDenied"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Message"] == (
        "User: arn:aws:iam::000000000000:user/reader is not authorized to perform: iam:CreateGroup on "
        "resource: arn:aws:iam::000000000000:group/g because no identity-based policy allows the "
        "iam:CreateGroup action"
    )
    assert iamd.client("iam").list_groups()["Groups"] == []


def test_soft_mode_lets_the_call_through_and_logs_the_would_be_denial(start_iamd):
    server = start_iamd("--auth-mode", "soft")
    nobody = user_client(server, "nobody")
    nobody.create_group(GroupName="created-anyway")
    assert [g["GroupName"] for g in server.client("iam").list_groups()["Groups"]] == ["created-anyway"]
    log = server.log.read_text()
    line = next(l for l in log.splitlines() if "would_deny" in l)
    assert "action=iam:CreateGroup" in line and "principal=arn:aws:iam::000000000000:user/nobody" in line
    assert "resource=arn:aws:iam::000000000000:group/created-anyway" in line


def test_the_simulator_explains_the_mfa_policy_with_and_without_mfa(iam):
    text = json.dumps(MFA_POLICY)
    without = iam.simulate_custom_policy(PolicyInputList=[text], ActionNames=["s3:GetObject", "iam:ListMFADevices"])
    deny, allow = without["EvaluationResults"]
    assert deny["EvalDecision"] == "explicitDeny"
    assert deny["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    assert deny["MatchedStatements"][0]["StartPosition"] == {"Line": 1, "Column": text.index('{"Sid": "DenyAll') + 2}
    assert deny["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    assert allow["EvalDecision"] == "allowed"

    with_mfa = iam.simulate_custom_policy(
        PolicyInputList=[text],
        ActionNames=["s3:GetObject", "dynamodb:Query"],
        ContextEntries=[{"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["true"],
                         "ContextKeyType": "boolean"}],
    )
    assert [r["EvalDecision"] for r in with_mfa["EvaluationResults"]] == ["allowed", "allowed"]


def test_simulate_principal_policy_uses_the_users_groups_and_resources(iam):
    iam.create_user(UserName="dev")
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="dev")
    iam.put_group_policy(GroupName="devs", PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::myapp-*"}]}))
    result = iam.simulate_principal_policy(
        PolicySourceArn="arn:aws:iam::000000000000:user/dev",
        ActionNames=["s3:PutObject"],
        ResourceArns=["arn:aws:s3:::myapp-data/x", "arn:aws:s3:::other/x"],
    )["EvaluationResults"]
    assert [(r["EvalResourceName"], r["EvalDecision"]) for r in result] == [
        ("arn:aws:s3:::myapp-data/x", "allowed"), ("arn:aws:s3:::other/x", "implicitDeny")]
    assert result[0]["MatchedStatements"][0]["SourcePolicyId"] == "group_devs_s3"


def test_a_denial_logs_an_encoded_message_that_decode_authorization_message_explains(iamd):
    nobody = user_client(iamd, "nobody")
    with pytest.raises(ClientError):
        nobody.create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    line = next(l for l in iamd.log.read_text().splitlines() if "encoded_authorization_message=" in l)
    encoded = line.split("encoded_authorization_message=")[1].split()[0].strip('"')
    sts = iamd.client("sts")

    decoded = json.loads(sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])

    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "iam:CreateRole"
    assert decoded["context"]["principal"]["arn"] == "arn:aws:iam::000000000000:user/nobody"
    with pytest.raises(ClientError) as tampered:
        sts.decode_authorization_message(EncodedMessage=encoded[:-1] + ("0" if encoded[-1] != "0" else "1"))
    assert tampered.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"
    assert tampered.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
