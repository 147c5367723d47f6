"""iamd's own JSON endpoints (health, accounts, reset) and state kept across restarts."""

import re

import pytest
from botocore.exceptions import ClientError


def account_ids(server) -> set[str]:
    status, body = server.admin("GET", "/_iamd/accounts")
    assert status == 200, body
    return {account["account_id"] for account in body["accounts"]}


def create_account(server, **payload) -> dict:
    status, body = server.admin("POST", "/_iamd/accounts", payload)
    assert status == 201, body
    return body


def caller_account(server, account: dict) -> str:
    sts = server.client("sts", key=account["access_key_id"], secret=account["secret_access_key"])
    return sts.get_caller_identity()["Account"]


def test_health_is_ok(iamd):
    status, body = iamd.admin("GET", "/_iamd/health")

    assert status == 200
    assert body["status"] == "ok"


def test_created_account_gets_generated_root_keys_that_sign_as_it(iamd):
    account = create_account(iamd)

    assert re.fullmatch(r"\d{12}", account["account_id"])
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", account["access_key_id"])
    assert len(account["secret_access_key"]) == 40
    assert account["account_id"] in account_ids(iamd)
    assert caller_account(iamd, account) == account["account_id"]


def test_creating_an_existing_account_is_conflict(iamd):
    create_account(iamd, account_id="222222222222")

    status, body = iamd.admin("POST", "/_iamd/accounts", {"account_id": "222222222222"})

    assert status == 409
    assert "222222222222" in body["error"]
    assert account_ids(iamd) == {"000000000000", "222222222222"}


def test_reset_removes_created_accounts_and_keeps_the_configured_one(iamd):
    account = create_account(iamd)

    status, body = iamd.admin("POST", "/_iamd/reset")

    assert (status, body["status"]) == (200, "ok")
    assert account_ids(iamd) == {"000000000000"}
    with pytest.raises(ClientError) as raised:
        caller_account(iamd, account)
    assert raised.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert iamd.client("sts").get_caller_identity()["Account"] == "000000000000"


def test_moto_reset_path_resets_too(iamd):
    create_account(iamd, account_id="333333333333")

    status, _ = iamd.admin("POST", "/moto-api/reset")

    assert status == 200
    assert account_ids(iamd) == {"000000000000"}


def test_accounts_and_keys_survive_a_restart_on_the_same_data_dir(start_iamd, tmp_path):
    data_dir = str(tmp_path / "data")
    first = start_iamd("--data-dir", data_dir)
    account = create_account(first)

    assert first.stop() == 0

    second = start_iamd("--data-dir", data_dir)
    assert account["account_id"] in account_ids(second)
    assert caller_account(second, account) == account["account_id"]
