"""botocore's own assume-role credential provider against iamd: a profile with `role_arn`,
`source_profile` and `external_id` (endpoint from the profile, a `services` section or the
environment), used by boto3 and by the AWS CLI, and how it refreshes across iamd's clock."""

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})

HOME = "000000000000"
PARTNER = "111111111111"
ROLE_ARN = f"arn:aws:iam::{PARTNER}:role/Deployer"
EXPIRED = "The security token included in the request is expired"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def accounts(iamd):
    """Account B with role Deployer (trusting the default account with external id ext-42,
    allowed to list roles) and user alice in the default account who may assume roles.
    Returns alice's key id and secret."""
    status, created = iamd.admin("POST", "/_iamd/accounts", {"account_id": PARTNER})
    assert status == 201, created
    b = iamd.client("iam", created["access_key_id"], created["secret_access_key"])
    b.create_role(
        RoleName="Deployer",
        AssumeRolePolicyDocument=document({
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{HOME}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "ext-42"}},
        }),
    )
    b.put_role_policy(
        RoleName="Deployer",
        PolicyName="list",
        PolicyDocument=document({"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}),
    )
    iam = iamd.client("iam")
    iam.create_user(UserName="alice")
    iam.put_user_policy(
        UserName="alice",
        PolicyName="assume",
        PolicyDocument=document({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
    )
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def write_config(tmp_path: Path, monkeypatch, text: str, credentials: str | None = None) -> Path:
    """Writes an AWS config (and credentials) file and points botocore at them."""
    config = tmp_path / "config"
    config.write_text(text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    if credentials is not None:
        shared = tmp_path / "credentials"
        shared.write_text(credentials)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    return config


def base_profile(key: str, secret: str) -> str:
    return f"""
[profile base]
aws_access_key_id = {key}
aws_secret_access_key = {secret}
region = {REGION}
"""


def role_profile(name: str, url: str, external_id: str = "ext-42", extra: str = "") -> str:
    return f"""
[profile {name}]
role_arn = {ROLE_ARN}
source_profile = base
external_id = {external_id}
role_session_name = ci-run
region = {REGION}
endpoint_url = {url}
{extra}"""


def session_arn(name: str = "ci-run") -> str:
    return f"arn:aws:sts::{PARTNER}:assumed-role/Deployer/{name}"


def test_a_role_profile_with_an_external_id_assumes_the_cross_account_role(iamd, accounts, tmp_path, monkeypatch):
    write_config(tmp_path, monkeypatch, base_profile(*accounts) + role_profile("deploy", iamd.url))
    session = boto3.Session(profile_name="deploy")

    identity = session.client("sts", config=NO_RETRIES).get_caller_identity()
    assert identity["Arn"] == session_arn()
    assert identity["Account"] == PARTNER
    assert identity["UserId"].startswith("AROA") and identity["UserId"].endswith(":ci-run")
    frozen = session.get_credentials().get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA") and frozen.token

    iam = session.client("iam", config=NO_RETRIES)
    assert [r["Arn"] for r in iam.list_roles()["Roles"]] == [ROLE_ARN]
    with pytest.raises(ClientError) as denied:
        iam.list_users()
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Message"].startswith(f"User: {session_arn()} is not authorized to perform: iam:ListUsers")
    assert error["Message"].endswith("because no identity-based policy allows the iam:ListUsers action")


def test_a_wrong_external_id_in_the_profile_surfaces_sts_access_denied(iamd, accounts, tmp_path, monkeypatch):
    write_config(tmp_path, monkeypatch, base_profile(*accounts) + role_profile("deploy", iamd.url, "ext-43"))
    session = boto3.Session(profile_name="deploy")

    with pytest.raises(ClientError) as denied:
        session.client("sts", config=NO_RETRIES).get_caller_identity()
    assert denied.value.operation_name == "AssumeRole"
    assert denied.value.response["Error"] == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": f"User: arn:aws:iam::{HOME}:user/alice is not authorized to perform: sts:AssumeRole "
                   f"on resource: {ROLE_ARN}",
    }


def test_the_endpoint_can_come_from_a_services_section(iamd, accounts, tmp_path, monkeypatch):
    text = base_profile(*accounts) + f"""
[profile deploy]
role_arn = {ROLE_ARN}
source_profile = base
external_id = ext-42
role_session_name = from-services
region = {REGION}
services = local-iamd

[services local-iamd]
sts =
  endpoint_url = {iamd.url}
iam =
  endpoint_url = {iamd.url}
"""
    write_config(tmp_path, monkeypatch, text)
    session = boto3.Session(profile_name="deploy")

    assert session.client("sts", config=NO_RETRIES).get_caller_identity()["Arn"] == session_arn("from-services")
    assert session.client("iam", config=NO_RETRIES).list_roles()["Roles"][0]["RoleName"] == "Deployer"


def test_source_keys_in_the_credentials_file_and_the_endpoint_in_the_environment(
    iamd, accounts, tmp_path, monkeypatch
):
    key, secret = accounts
    text = f"""
[profile deploy]
role_arn = {ROLE_ARN}
source_profile = base
external_id = ext-42
role_session_name = from-env
region = {REGION}
"""
    credentials = f"""
[base]
aws_access_key_id = {key}
aws_secret_access_key = {secret}
"""
    write_config(tmp_path, monkeypatch, text, credentials)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", iamd.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", iamd.url)
    session = boto3.Session(profile_name="deploy")

    assert session.client("sts", config=NO_RETRIES).get_caller_identity()["Arn"] == session_arn("from-env")


def test_the_cli_uses_the_role_profile(iamd, accounts, tmp_path):
    config = tmp_path / "config"
    config.write_text(base_profile(*accounts) + role_profile("deploy", iamd.url))
    cli = Path(sys.executable).with_name("aws")
    assert cli.exists(), f"no AWS CLI at {cli}: run the suite with compat/test-all"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        # The CLI caches assumed-role sessions under ~/.aws/cli/cache: keep it per test.
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "absent"),
        "AWS_PROFILE": "deploy",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    result = subprocess.run(
        [cli, "--output", "json", "sts", "get-caller-identity"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    identity = json.loads(result.stdout)
    assert identity["Arn"] == session_arn()
    assert identity["Account"] == PARTNER

    result = subprocess.run(
        [cli, "--output", "json", "iam", "list-roles", "--query", "Roles[].RoleName"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["Deployer"]
    # The session the CLI cached is the one it signed with.
    [cached] = list((tmp_path / ".aws" / "cli" / "cache").glob("*.json"))
    assert json.loads(cached.read_text())["AssumedRoleUser"]["Arn"] == session_arn()


def test_short_sessions_are_refetched_so_a_moved_clock_does_not_break_the_client(
    iamd, accounts, tmp_path, monkeypatch
):
    # botocore refreshes credentials with less than 15 minutes left, so a 900-second session
    # is assumed anew for every call; a session iamd's clock has expired is never sent.
    write_config(
        tmp_path, monkeypatch, base_profile(*accounts) + role_profile("deploy", iamd.url, extra="duration_seconds = 900\n")
    )
    session = boto3.Session(profile_name="deploy")
    sts = session.client("sts", config=NO_RETRIES)
    assert sts.get_caller_identity()["Arn"] == session_arn()
    before = session.get_credentials().get_frozen_credentials()

    iamd.advance_clock(1000)
    stale = iamd.client("sts", before.access_key, before.secret_key, before.token)
    with pytest.raises(ClientError) as expired:
        stale.get_caller_identity()
    assert expired.value.response["Error"]["Code"] == "ExpiredToken"
    assert expired.value.response["Error"]["Message"] == EXPIRED

    assert sts.get_caller_identity()["Arn"] == session_arn()
    after = session.get_credentials().get_frozen_credentials()
    assert after.access_key != before.access_key


def test_an_hour_long_session_is_kept_by_botocore_until_its_own_clock_says_so(iamd, accounts, tmp_path, monkeypatch):
    # botocore judges expiry by the local clock; iamd's moved clock is invisible to it, so the
    # cached session reaches iamd after iamd considers it expired, and iamd says so.
    write_config(tmp_path, monkeypatch, base_profile(*accounts) + role_profile("deploy", iamd.url))
    session = boto3.Session(profile_name="deploy")
    sts = session.client("sts", config=NO_RETRIES)
    assert sts.get_caller_identity()["Arn"] == session_arn()

    iamd.advance_clock(3700)
    with pytest.raises(ClientError) as expired:
        sts.get_caller_identity()
    assert expired.value.response["Error"]["Code"] == "ExpiredToken"
    assert expired.value.response["Error"]["Message"] == EXPIRED
    assert expired.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # A new session (botocore's cache is per session object) assumes the role again.
    fresh = boto3.Session(profile_name="deploy")
    assert fresh.client("sts", config=NO_RETRIES).get_caller_identity()["Arn"] == session_arn()
