"""Virtual MFA through boto3 and the AWS CLI with TOTP codes computed here (RFC 6238:
HMAC-SHA1, 30-second steps, six digits): enabling a device, GetSessionToken with a code
unlocking what an MFA-conditioned policy denies, codes good once, and sessions without MFA
kept away from IAM."""

import base64
import hashlib
import hmac
import json
import struct
import time

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
INVALID_TOKEN = "The security token included in the request is invalid."
MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code."

MFA_REQUIRED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Action": ["iam:*", "sts:*"], "Resource": "*"},
        {
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": ["iam:ListMFADevices", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
}


def totp(seed: str, step: int) -> str:
    """The code an authenticator app shows for `step` given the device's base32 seed."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    digest = hmac.new(key, struct.pack(">q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_totp_matches_rfc_6238():
    seed = base64.b32encode(b"12345678901234567890").decode()
    assert totp(seed, 59 // 30) == "287082"
    assert totp(seed, 1_111_111_109 // 30) == "081804"
    assert totp(seed, 2_000_000_000 // 30) == "279037"


def error_of(excinfo) -> tuple[str, int, str]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


@pytest.fixture
def mfa_user(iamd, iam):
    """User mfa-user under MFA_REQUIRED with an enabled virtual device (enabled with the codes
    of the two steps before `step`). Returns (key, secret, serial, seed, step)."""
    iam.create_user(UserName="mfa-user")
    iam.put_user_policy(UserName="mfa-user", PolicyName="mfa", PolicyDocument=json.dumps(MFA_REQUIRED))
    key = iam.create_access_key(UserName="mfa-user")["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="mfa-user-phone")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    step = int(time.time()) // 30
    iam.enable_mfa_device(
        UserName="mfa-user",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp(seed, step - 2),
        AuthenticationCode2=totp(seed, step - 1),
    )
    return key["AccessKeyId"], key["SecretAccessKey"], device["SerialNumber"], seed, step


def test_a_new_device_has_a_base32_seed_and_a_png_qr_code(iam):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT}:mfa/phone"
    seed = device["Base32StringSeed"].decode()
    assert len(base64.b32decode(seed + "=" * (-len(seed) % 8))) >= 20
    assert device["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    listed = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert listed == [{"SerialNumber": device["SerialNumber"]}]


def test_enabling_needs_two_consecutive_current_codes(iam):
    iam.create_user(UserName="alice")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    step = int(time.time()) // 30
    for first, second in [(totp(seed, step), totp(seed, step)), (totp(seed, step - 40), totp(seed, step - 39))]:
        with pytest.raises(ClientError) as invalid:
            iam.enable_mfa_device(
                UserName="alice", SerialNumber=device["SerialNumber"],
                AuthenticationCode1=first, AuthenticationCode2=second,
            )
        assert error_of(invalid) == (
            "InvalidAuthenticationCode", 403, "Authentication code for device is not valid."
        )
    iam.enable_mfa_device(
        UserName="alice", SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step),
    )
    [enabled] = iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert enabled["UserName"] == "alice"
    assert enabled["SerialNumber"] == device["SerialNumber"]
    assert "EnableDate" in enabled
    [assigned] = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned["User"]["UserName"] == "alice"
    with pytest.raises(ClientError) as conflict:
        iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    assert error_of(conflict)[:2] == ("DeleteConflict", 409)


def test_a_code_unlocks_what_the_mfa_policy_denies_once(iamd, mfa_user):
    key, secret, serial, seed, step = mfa_user
    with pytest.raises(ClientError) as denied:
        iamd.client("iam", key, secret).create_user(UserName="x")
    assert error_of(denied) == (
        "AccessDenied",
        403,
        f"User: arn:aws:iam::{ACCOUNT}:user/mfa-user is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{ACCOUNT}:user/x with an explicit deny in an identity-based policy",
    )

    sts = iamd.client("sts", key, secret)
    credentials = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, step))["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    session = iamd.session_client("iam", credentials)
    session.create_user(UserName="made-with-mfa")
    assert {u["UserName"] for u in session.list_users()["Users"]} == {"mfa-user", "made-with-mfa"}

    with pytest.raises(ClientError) as reused:
        sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, step))
    assert error_of(reused) == ("AccessDenied", 403, MFA_FAILED)


def test_a_session_without_mfa_cannot_call_iam(iamd, mfa_user):
    key, secret, _, _, _ = mfa_user
    credentials = iamd.client("sts", key, secret).get_session_token()["Credentials"]
    with pytest.raises(ClientError) as refused:
        iamd.session_client("iam", credentials).list_mfa_devices(UserName="mfa-user")
    assert error_of(refused) == ("InvalidClientTokenId", 403, INVALID_TOKEN)
    identity = iamd.session_client("sts", credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/mfa-user"


def test_the_cli_passes_serial_number_and_token_code(iamd, mfa_user):
    key, secret, serial, seed, step = mfa_user
    result = iamd.aws(
        "sts", "get-session-token", "--serial-number", serial, "--token-code", totp(seed, step),
        "--duration-seconds", "900", key=key, secret=secret,
    )
    assert result.returncode == 0, result.stderr
    credentials = json.loads(result.stdout)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    users = iamd.session_client("iam", credentials).list_users()["Users"]
    assert [u["UserName"] for u in users] == ["mfa-user"]

    again = iamd.aws(
        "sts", "get-session-token", "--serial-number", serial, "--token-code", totp(seed, step),
        key=key, secret=secret,
    )
    assert again.returncode != 0
    assert "An error occurred (AccessDenied) when calling the GetSessionToken operation" in again.stderr
    assert again.stderr.strip().endswith(f": {MFA_FAILED}"), again.stderr
