"""Terraform and the AWS provider against iamd: the IAM layout of a typical project
(compat/terraform/layout/main.tf) is applied, read back with boto3, planned again
(any drift means iamd answered a field differently from what it was given), changed
in place, and destroyed, leaving an empty account.

Needs /usr/local/bin/terraform and the provider in /opt/tf-plugins (both ship with
the machine image; nothing is downloaded). Without them the tests skip, saying so.
Set TF_LOG=DEBUG (and TF_LOG_PATH) in the environment to get the provider's wire log.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TERRAFORM = Path("/usr/local/bin/terraform")
PLUGIN_DIR = Path("/opt/tf-plugins")
LAYOUT = Path(__file__).resolve().parent / "terraform" / "layout"
TIMEOUT_S = 300

ACCOUNT = "000000000000"
DEVELOPERS = {"alice", "bob", "carol"}
ADMINS = {"dave", "erin"}
POLICIES = {
    "myapp-developer",
    "myapp-admin",
    "myapp-readonly",
    "myapp-ec2",
    "myapp-lambda",
    "myapp-require-mfa",
}
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

# The second apply of test_layout_changes_in_place.
CHANGES = {
    "environment": "staging",
    "lambda_max_session_duration": "14400",
    "partner_external_id": "new-partner",
    "developers": '["alice", "bob", "dan"]',
}


class TerraformFailed(AssertionError):
    """A terraform command exited with an unexpected code."""


@dataclass
class Terraform:
    """terraform in a working directory of its own, with a hermetic environment."""

    workdir: Path
    env: dict[str, str]
    endpoint: str

    def run(self, *args: str, codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        """Runs one terraform command; fails with its whole output on an unexpected exit."""
        command = [str(TERRAFORM), *args]
        started = time.monotonic()
        try:
            result = subprocess.run(
                command,
                cwd=self.workdir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as error:
            raise TerraformFailed(
                f"`terraform {' '.join(args)}` ran over {TIMEOUT_S}s\n"
                f"--- stdout\n{error.stdout}\n--- stderr\n{error.stderr}"
            ) from None
        took = time.monotonic() - started
        print(f"terraform {args[0]}: exit {result.returncode} in {took:.1f}s")
        if result.returncode not in codes:
            raise TerraformFailed(
                f"`terraform {' '.join(args)}` exited {result.returncode}, expected {codes}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result

    def vars(self, overrides: dict[str, str]) -> list[str]:
        settings = {"endpoint": self.endpoint, **overrides}
        return [f"-var={name}={value}" for name, value in settings.items()]

    def apply(self, **overrides: str) -> None:
        self.run("apply", "-auto-approve", "-input=false", "-no-color", *self.vars(overrides))

    def plan_is_empty(self, **overrides: str) -> None:
        """`plan -detailed-exitcode` exits 2 when there are changes: a drift."""
        result = self.run(
            "plan", "-detailed-exitcode", "-input=false", "-no-color", *self.vars(overrides),
            codes=(0, 2),
        )
        if result.returncode == 2:
            raise TerraformFailed(
                "terraform plans changes right after an apply: some field iamd returns "
                f"differs from what it was given\n--- plan\n{result.stdout}\n--- stderr\n"
                f"{result.stderr}"
            )

    def destroy(self, **overrides: str) -> None:
        self.run("destroy", "-auto-approve", "-input=false", "-no-color", *self.vars(overrides))

    def outputs(self) -> dict[str, object]:
        result = self.run("output", "-json", "-no-color")
        return {name: value["value"] for name, value in json.loads(result.stdout).items()}


@pytest.fixture(autouse=True)
def terraform_installed() -> None:
    """Skips, naming what is missing, before any server starts."""
    missing = [str(p) for p in (TERRAFORM, PLUGIN_DIR) if not p.exists()]
    if missing:
        pytest.skip(
            f"TERRAFORM COMPAT NOT RUN: {', '.join(missing)} missing "
            "(terraform and the hashicorp/aws provider ship with the machine image)"
        )


@pytest.fixture
def terraform(tmp_path, iamd) -> Terraform:
    """The layout copied into tmp_path and `terraform init`-ed from the local plugin dir."""
    workdir = tmp_path / "layout"
    shutil.copytree(LAYOUT, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    home = tmp_path / "tf-home"
    home.mkdir()
    cli_config = home / "terraformrc"
    cli_config.write_text("")  # no credentials helpers, mirrors or plugin caches
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        # The provider must find no credentials, profile or instance role but the
        # ones in main.tf, and must reach iamd directly.
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    for name in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER"):
        if name in os.environ:
            env[name] = os.environ[name]
    tf = Terraform(workdir, env, iamd.url)
    tf.run("init", f"-plugin-dir={PLUGIN_DIR}", "-input=false", "-no-color")
    return tf


def tags_of(items: list[dict]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in items}


def default_document(iam, arn: str) -> dict:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


def attached(pages) -> set[str]:
    return {p["PolicyArn"] for p in pages["AttachedPolicies"]}


def assert_layout(
    iam,
    outputs: dict,
    environment: str = "dev",
    developers: set[str] = DEVELOPERS,
    lambda_max_session: int = 7200,
    external_id: str = "myapp-partner",
) -> None:
    """Everything main.tf describes, read back through boto3."""
    local = f"arn:aws:iam::{ACCOUNT}:policy/policies/"

    # Users, their paths and tags.
    dev_users = iam.list_users(PathPrefix="/developers/")["Users"]
    admin_users = iam.list_users(PathPrefix="/admins/")["Users"]
    assert {u["UserName"] for u in dev_users} == developers
    assert {u["UserName"] for u in admin_users} == ADMINS
    assert len(iam.list_users()["Users"]) == len(developers) + len(ADMINS)
    kinds = ((dev_users, "developer", "developers"), (admin_users, "admin", "admins"))
    for users, role, path in kinds:
        for user in users:
            name = user["UserName"]
            assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{path}/{name}"
            assert tags_of(iam.list_user_tags(UserName=name)["Tags"]) == {
                "Name": name,
                "Environment": environment,
                "Project": "myapp",
                "Role": role,
            }

    # The access key of alice.
    keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    alice_key = outputs["alice_access_key_id"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(alice_key, "Active")]

    # Groups and memberships.
    groups = iam.list_groups(PathPrefix="/groups/")["Groups"]
    assert {g["GroupName"] for g in groups} == {"developers", "admins", "readonly"}
    members = {
        g["GroupName"]: {u["UserName"] for u in iam.get_group(GroupName=g["GroupName"])["Users"]}
        for g in groups
    }
    assert members == {"developers": developers, "admins": ADMINS, "readonly": developers | ADMINS}
    assert {g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]} == {
        "developers",
        "readonly",
    }

    # Customer managed policies, their tags and documents.
    policies = iam.list_policies(Scope="Local")["Policies"]
    assert {p["PolicyName"] for p in policies} == POLICIES
    for policy in policies:
        assert policy["Path"] == "/policies/"
        assert policy["Arn"] == local + policy["PolicyName"]
        tags = tags_of(iam.list_policy_tags(PolicyArn=policy["Arn"])["Tags"])
        name = policy["PolicyName"]
        assert tags == {"Name": name, "Environment": environment, "Project": "myapp"}
    counts = {p["PolicyName"]: p["AttachmentCount"] for p in policies}
    assert counts == {
        "myapp-developer": 1,
        "myapp-admin": 1,
        "myapp-readonly": 2,
        "myapp-ec2": 1,
        "myapp-lambda": 1,
        "myapp-require-mfa": 2,
    }

    developer = default_document(iam, local + "myapp-developer")
    logs = [s for s in developer["Statement"] if s.get("Sid") == "Logs"]
    assert logs and logs[0]["Resource"] == "arn:aws:logs:*:*:*"
    assert "ec2:Describe*" in developer["Statement"][0]["Action"]
    assert default_document(iam, local + "myapp-admin")["Statement"] == [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}
    ]
    ec2 = default_document(iam, local + "myapp-ec2")
    assert ec2["Statement"][0]["Resource"] == ["arn:aws:s3:::myapp-*", "arn:aws:s3:::myapp-*/*"]
    lambda_doc = default_document(iam, local + "myapp-lambda")
    assert lambda_doc["Statement"][0]["Resource"] == (
        f"arn:aws:dynamodb:us-east-1:*:table/myapp-{environment}-*"
    )
    mfa = default_document(iam, local + "myapp-require-mfa")["Statement"][0]
    assert mfa["Effect"] == "Deny"
    assert "Action" not in mfa and "iam:EnableMFADevice" in mfa["NotAction"]
    assert mfa["Condition"] == {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}

    # Attachments to groups and roles.
    assert attached(iam.list_attached_group_policies(GroupName="developers")) == {
        local + "myapp-developer",
        local + "myapp-require-mfa",
    }
    assert attached(iam.list_attached_group_policies(GroupName="admins")) == {
        local + "myapp-admin",
        local + "myapp-require-mfa",
    }
    assert attached(iam.list_attached_group_policies(GroupName="readonly")) == {
        local + "myapp-readonly"
    }
    assert attached(iam.list_attached_role_policies(RoleName="myapp-ec2")) == {
        local + "myapp-ec2",
        SSM_CORE,
    }
    assert attached(iam.list_attached_role_policies(RoleName="myapp-lambda")) == {
        local + "myapp-lambda",
        LAMBDA_BASIC,
    }
    assert attached(iam.list_attached_role_policies(RoleName="myapp-cross-account")) == {
        local + "myapp-readonly"
    }

    # Roles and their trust policies.
    roles = {r["RoleName"]: r for r in iam.list_roles()["Roles"]}
    assert set(roles) == {"myapp-ec2", "myapp-lambda", "myapp-cross-account"}
    ec2_role = iam.get_role(RoleName="myapp-ec2")["Role"]
    assert ec2_role["Description"] == f"Role of the {environment} application instances"
    assert ec2_role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "ec2.amazonaws.com"},
        }
    ]
    assert tags_of(ec2_role["Tags"]) == {
        "Name": "myapp-ec2",
        "Environment": environment,
        "Project": "myapp",
    }
    lambda_role = iam.get_role(RoleName="myapp-lambda")["Role"]
    assert lambda_role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/service/myapp-lambda"
    assert lambda_role["MaxSessionDuration"] == lambda_max_session
    assert lambda_role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }
    partner = iam.get_role(RoleName="myapp-cross-account")["Role"]
    assert partner["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
        }
    ]

    # The instance profile holds the EC2 role.
    profile = iam.get_instance_profile(InstanceProfileName="myapp-ec2")["InstanceProfile"]
    assert profile["Arn"] == outputs["instance_profile_arn"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["myapp-ec2"]
    assert tags_of(profile["Tags"])["Environment"] == environment
    for_role = iam.list_instance_profiles_for_role(RoleName="myapp-ec2")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["myapp-ec2"]

    # The provider's own STS view of the caller.
    assert outputs["account_id"] == ACCOUNT
    assert outputs["caller_arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def assert_account_empty(iam) -> None:
    assert iam.list_users()["Users"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.list_roles()["Roles"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []


def test_layout_applies_reads_back_plans_clean_and_destroys(terraform, iam):
    terraform.apply()
    assert_layout(iam, terraform.outputs())

    terraform.plan_is_empty()

    terraform.destroy()
    assert_account_empty(iam)


def test_layout_changes_in_place_then_plans_clean_and_destroys(terraform, iam):
    terraform.apply()

    # A new environment name retags everything and rewrites a policy and a role
    # description; the lambda role's session grows; the partner gets a new external
    # id; carol leaves and dan joins.
    terraform.apply(**CHANGES)
    assert_layout(
        iam,
        terraform.outputs(),
        environment="staging",
        developers={"alice", "bob", "dan"},
        lambda_max_session=14400,
        external_id="new-partner",
    )
    versions = iam.list_policy_versions(
        PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/policies/myapp-lambda"
    )["Versions"]
    assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions) == [
        ("v1", False),
        ("v2", True),
    ]

    terraform.plan_is_empty(**CHANGES)

    terraform.destroy(**CHANGES)
    assert_account_empty(iam)
