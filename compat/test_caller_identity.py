"""STS GetCallerIdentity from boto3 and the AWS CLI, across accounts and auth modes."""

import json

import pytest

ROOT_ACCOUNT = "000000000000"


def test_boto3_get_caller_identity_with_test_key_is_the_default_root(sts):
    identity = sts.get_caller_identity()

    assert identity["Account"] == ROOT_ACCOUNT
    assert identity["Arn"] == f"arn:aws:iam::{ROOT_ACCOUNT}:root"
    assert identity["UserId"] == ROOT_ACCOUNT
    assert identity["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert identity["ResponseMetadata"]["RequestId"]


def test_cli_get_caller_identity_prints_the_default_root(iamd):
    result = iamd.aws("sts", "get-caller-identity")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "UserId": ROOT_ACCOUNT,
        "Account": ROOT_ACCOUNT,
        "Arn": f"arn:aws:iam::{ROOT_ACCOUNT}:root",
    }


@pytest.mark.parametrize(
    ("flag", "key", "secret"),
    [
        ("111111111111", "111111111111", "test"),
        ("111111111111:AKIAEXTRAACCOUNT0001:extra-secret", "AKIAEXTRAACCOUNT0001", "extra-secret"),
    ],
    ids=["id-only", "id-key-secret"],
)
def test_account_flag_adds_an_account_whose_root_key_signs_as_it(start_iamd, flag, key, secret):
    server = start_iamd("--account", flag)

    identity = server.client("sts", key=key, secret=secret).get_caller_identity()

    assert identity["Account"] == "111111111111"
    assert identity["Arn"] == "arn:aws:iam::111111111111:root"
    assert server.client("sts").get_caller_identity()["Account"] == ROOT_ACCOUNT


@pytest.mark.parametrize(
    ("key", "secret", "account"),
    [
        ("anything", "whatever", ROOT_ACCOUNT),
        ("AKIAUNKNOWNKEY000000", "not-the-secret", ROOT_ACCOUNT),
        ("123456789012", "any-secret", "123456789012"),
    ],
    ids=["any-key", "unknown-akia-key", "account-id-key"],
)
def test_auth_mode_off_accepts_any_key_and_a_12_digit_key_picks_the_account(
    start_iamd, key, secret, account
):
    server = start_iamd("--auth-mode", "off")

    identity = server.client("sts", key=key, secret=secret).get_caller_identity()

    assert identity["Account"] == account
    assert identity["Arn"] == f"arn:aws:iam::{account}:root"


def test_auth_mode_off_is_visible_in_health(start_iamd):
    server = start_iamd("--auth-mode", "off")

    status, health = server.admin("GET", "/_iamd/health")

    assert status == 200
    assert health["status"] == "ok"
    assert health["auth_mode"] == "off"
