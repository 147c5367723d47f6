"""aws-sdk-go v1 against iamd: compat/go/layout reads the IAM layout back the way a
Go service would (GetCallerIdentity, paginated List* calls, attached policies) and
its JSON must equal what boto3 created.

Needs Debian's golang-go and golang-github-aws-aws-sdk-go-dev (.ci/run installs
them); without them the tests skip, saying so. The build is offline (GOPATH mode,
GOPROXY=off).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REGION = "us-east-1"
ROOT_KEY_ID = "test"
ROOT_SECRET = "test"

GO_SOURCE = Path(__file__).resolve().parent / "go" / "layout"
GOCODE = Path("/usr/share/gocode")
SDK = GOCODE / "src" / "github.com" / "aws" / "aws-sdk-go"
BUILD_TIMEOUT_S = 300
RUN_TIMEOUT_S = 60

ACCOUNT = "000000000000"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
DEPLOY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::app-*/*",
        }
    ],
}


@pytest.fixture(scope="module")
def layout_program(tmp_path_factory) -> Path:
    """compat/go/layout built with `go build` into a temporary directory."""
    go = shutil.which("go")
    needed = (("go (golang-go)", go), (str(SDK), SDK.is_dir()))
    missing = [name for name, there in needed if not there]
    if missing:
        pytest.skip(
            f"GO COMPAT NOT RUN: {', '.join(missing)} missing "
            "(apt-get install golang-go golang-github-aws-aws-sdk-go-dev; .ci/run does)"
        )
    build = tmp_path_factory.mktemp("go-layout")
    program = build / "layout"
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": f"{build / 'gopath'}{os.pathsep}{GOCODE}",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
    }
    if "HOME" not in env and "GOCACHE" not in env:
        env["GOCACHE"] = str(build / "cache")
    result = subprocess.run(
        [go, "build", "-o", str(program), "."],
        cwd=GO_SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert result.returncode == 0, f"go build failed:\n{result.stdout}\n{result.stderr}"
    return program


def read_layout(program: Path, url: str, *flags: str) -> dict:
    """Runs the Go program against iamd with the root key; its stdout as JSON."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_ACCESS_KEY_ID": ROOT_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": ROOT_SECRET,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    result = subprocess.run(
        [program, "-endpoint", url, "-region", REGION, *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert result.returncode == 0, f"layout exited {result.returncode}:\n{result.stderr}"
    return json.loads(result.stdout)


def test_go_sdk_reads_back_the_layout_boto3_created(layout_program, iamd):
    iam = iamd.client("iam")
    users = [
        iam.create_user(UserName=name, Path="/developers/")["User"]
        for name in ("dev-ann", "dev-ben")
    ]
    group = iam.create_group(GroupName="deployers", Path="/groups/")["Group"]
    for user in users:
        iam.add_user_to_group(GroupName="deployers", UserName=user["UserName"])
    policy = iam.create_policy(
        PolicyName="deploy", Path="/policies/", PolicyDocument=json.dumps(DEPLOY_POLICY)
    )["Policy"]
    iam.attach_group_policy(GroupName="deployers", PolicyArn=policy["Arn"])
    iam.attach_user_policy(UserName="dev-ben", PolicyArn=policy["Arn"])
    role = iam.create_role(
        RoleName="app-instance", Path="/service/", AssumeRolePolicyDocument=json.dumps(EC2_TRUST)
    )["Role"]
    iam.attach_role_policy(RoleName="app-instance", PolicyArn=SSM_CORE)

    layout = read_layout(layout_program, iamd.url)

    deploy = {"name": "deploy", "arn": f"arn:aws:iam::{ACCOUNT}:policy/policies/deploy"}
    assert layout == {
        "caller": {
            "account": ACCOUNT,
            "arn": f"arn:aws:iam::{ACCOUNT}:root",
            "user_id": ACCOUNT,
        },
        "users": [
            {
                "name": "dev-ann",
                "path": "/developers/",
                "arn": f"arn:aws:iam::{ACCOUNT}:user/developers/dev-ann",
                "id": users[0]["UserId"],
                "attached_policies": [],
            },
            {
                "name": "dev-ben",
                "path": "/developers/",
                "arn": f"arn:aws:iam::{ACCOUNT}:user/developers/dev-ben",
                "id": users[1]["UserId"],
                "attached_policies": [deploy],
            },
        ],
        "groups": [
            {
                "name": "deployers",
                "path": "/groups/",
                "arn": f"arn:aws:iam::{ACCOUNT}:group/groups/deployers",
                "id": group["GroupId"],
                "attached_policies": [deploy],
            }
        ],
        "roles": [
            {
                "name": "app-instance",
                "path": "/service/",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/service/app-instance",
                "id": role["RoleId"],
                "assume_role_policy": EC2_TRUST,
                "attached_policies": [{"name": "AmazonSSMManagedInstanceCore", "arn": SSM_CORE}],
            }
        ],
    }


def test_go_sdk_pagers_follow_markers_one_item_at_a_time(layout_program, iamd):
    iam = iamd.client("iam")
    for i in range(5):
        iam.create_user(UserName=f"user-{i}", Path="/developers/")
        iam.create_group(GroupName=f"group-{i}")
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    for arn in (
        SSM_CORE,
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ):
        iam.attach_role_policy(RoleName="role-0", PolicyArn=arn)
        iam.attach_group_policy(GroupName="group-0", PolicyArn=arn)
        iam.attach_user_policy(UserName="user-0", PolicyArn=arn)

    whole = read_layout(layout_program, iamd.url)
    paged = read_layout(layout_program, iamd.url, "-page-size", "1")

    assert paged == whole
    assert [u["name"] for u in paged["users"]] == [f"user-{i}" for i in range(5)]
    assert [g["name"] for g in paged["groups"]] == [f"group-{i}" for i in range(5)]
    assert [r["name"] for r in paged["roles"]] == [f"role-{i}" for i in range(5)]
    for kind in ("users", "groups", "roles"):
        assert len(paged[kind][0]["attached_policies"]) == 3, kind
