"""Assuming a role with MFA: AssumeRole instead of GetSessionToken, written the same way."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from botocore.stub import Stubber
from helpers import FakeAws, IamUser, long_term_text, make_role, run_cli

from awsmfa_profiles.aws import AwsTarget, RoleRequest, connect
from awsmfa_profiles.errors import AwsError
from awsmfa_profiles.keys import LongTermKeys
from awsmfa_profiles.refresh import role_session_name


@pytest.fixture
def role_arn(aws: FakeAws) -> str:
    return make_role(aws)


def written(path: Path) -> dict[str, str]:
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(path)
    return dict(parser.items("dev"))


def test_role_from_the_long_term_section(
    aws: FakeAws, user: IamUser, role_arn: str, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"role_arn = {role_arn}\n"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetCallerIdentity", "ListMFADevices", "AssumeRole"]
    params = aws.calls[-1].params
    assert params["RoleArn"] == role_arn == "arn:aws:iam::123456789012:role/ops/Admin"
    assert params["SerialNumber"] == user.device
    assert params["TokenCode"] == "123456"
    assert params["RoleSessionName"] == "john.doe"
    assert params["DurationSeconds"] == "3600"
    assert "ExternalId" not in params
    session = written(credentials_file)
    assert session["aws_access_key_id"].startswith("ASIA")
    expires_at = datetime.strptime(session["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc
    )
    assert timedelta(minutes=58) < expires_at - datetime.now(timezone.utc) <= timedelta(hours=1)
    assert "Assumed role" in result.stderr
    assert run_cli("check", "dev").exit_code == 0


def test_role_option_session_name_and_external_id(
    aws: FakeAws, user: IamUser, role_arn: str, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(
            user,
            extra=f"aws_mfa_device = {user.device}\nexternal_id = partner-42\n"
            "role_session_name = jd-laptop\n",
        )
    )
    result = run_cli(
        "refresh", "dev", "--code", "123456", "--role-arn", role_arn, "--duration", "2h"
    )
    assert result.exit_code == 0, result.output
    assert aws.requests == ["AssumeRole"]
    params = aws.calls[-1].params
    assert params["ExternalId"] == "partner-42"
    assert params["RoleSessionName"] == "jd-laptop"
    assert params["DurationSeconds"] == "7200"


def test_session_name_defaults_to_the_device_name_when_the_user_is_not_looked_up(
    aws: FakeAws, user: IamUser, role_arn: str, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "123456", "--role-arn", role_arn)
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["RoleSessionName"] == user.device.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("user_name", "device", "expected"),
    [
        ("john.doe", "arn:aws:iam::123456789012:mfa/x", "john.doe"),
        (None, "arn:aws:iam::123456789012:mfa/team/jane", "jane"),
        (None, "GAHT12345678", "awsmfa"),
        ("name with spaces!", "x", "name-with-spaces-"),
        ("a" * 80, "x", "a" * 64),
    ],
)
def test_role_session_name_rules(user_name: str | None, device: str, expected: str) -> None:
    assert role_session_name(user_name, device) == expected


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--role-arn", "arn:aws:iam::123456789012:user/Admin"], "not an IAM role ARN"),
        (["--role-arn", "Admin"], "not an IAM role ARN"),
        (["--role-arn", "arn:aws:iam::123456789012:role/Admin", "--duration", "13h"], "12 hours"),
        (["--role-arn", "arn:aws:iam::123456789012:role/Admin", "--duration", "10m"], "15 minutes"),
    ],
)
def test_bad_role_input_is_refused_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path, args: list[str], fragment: str
) -> None:
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    result = run_cli("refresh", "dev", "--code", "123456", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


def test_a_bad_role_arn_in_the_file_is_refused_too(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra="role_arn = Admin\n"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2
    assert "'Admin' is not an IAM role ARN" in result.stderr
    assert aws.requests == []


def test_duration_beyond_the_role_maximum_names_the_limit(
    aws: FakeAws, user: IamUser, role_arn: str, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nrole_arn = {role_arn}\n")
    )
    before = credentials_file.read_bytes()
    aws.fail(
        "AssumeRole",
        400,
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    result = run_cli("refresh", "dev", "--code", "123456", "--duration", "3h")
    assert result.exit_code == 1
    assert "does not allow sessions of 10800 s" in result.stderr
    assert "at most 120 minutes" in result.stderr
    assert "--duration" in result.stderr
    assert credentials_file.read_bytes() == before


def test_an_unknown_role_limit_is_explained_without_a_number(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    other_account = "arn:aws:iam::210987654321:role/Elsewhere"
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nrole_arn = {other_account}\n")
    )
    aws.fail(
        "AssumeRole",
        400,
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    aws.fail("GetRole", 404, "NoSuchEntity", "The role cannot be found.")
    result = run_cli("refresh", "dev", "--code", "123456", "--duration", "3h")
    assert result.exit_code == 1
    assert "1 to 12 hours" in result.stderr


def test_stubbed_access_denied_on_assume_role() -> None:
    aws = connect(LongTermKeys("AKIAEXAMPLEKEY1234", "s", "[dev-long-term]"), AwsTarget())
    stub = Stubber(aws._sts)
    stub.add_client_error(
        "assume_role",
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/john.doe is not authorized to perform: "
        "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin",
        403,
    )
    request = RoleRequest("arn:aws:iam::123456789012:role/Admin", "john.doe", timedelta(hours=1))
    with stub, pytest.raises(AwsError) as raised:
        aws.assume_role(request, serial="arn:aws:iam::123456789012:mfa/john.doe", code="123456")
    assert "permission missing: sts:AssumeRole" in raised.value.message
    assert "role/Admin" in raised.value.message


def test_a_wrong_code_on_assume_role_is_a_rejected_code(
    aws: FakeAws, user: IamUser, role_arn: str, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nrole_arn = {role_arn}\n")
    )
    aws.fail(
        "AssumeRole",
        403,
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 1
    assert "rejected the MFA code" in result.stderr


def test_a_role_session_has_its_own_ten_minute_margin(
    aws: FakeAws, user: IamUser, role_arn: str, credentials_file: Path
) -> None:
    in_50_minutes = (datetime.now(timezone.utc) + timedelta(minutes=50)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    session = (
        "aws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n"
        f"expiration = {in_50_minutes}\n"
    )
    credentials_file.write_text(
        long_term_text(user, name="role", extra=f"role_arn = {role_arn}\n")
        + f"\n[role]\n{session}\n"
        + long_term_text(user, name="user")
        + f"\n[user]\n{session}"
    )
    result = run_cli("check", "--json")
    assert [entry["status"] for entry in json.loads(result.stdout)] == ["valid", "expiring"]
    assert run_cli("check", "role", "--within", "1h").exit_code == 1
    kept = run_cli("refresh", "role")
    assert kept.exit_code == 0, kept.output
    assert "nothing to do" in kept.stdout
    assert aws.requests == []


def test_export_judges_a_role_session_by_the_role_margin(
    user: IamUser, credentials_file: Path
) -> None:
    in_50_minutes = (datetime.now(timezone.utc) + timedelta(minutes=50)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    credentials_file.write_text(
        long_term_text(user, extra="role_arn = arn:aws:iam::123456789012:role/Admin\n")
        + "\n[dev]\naws_access_key_id = ASIAX\naws_secret_access_key = s\n"
        f"aws_session_token = t\nexpiration = {in_50_minutes}\n"
    )
    result = run_cli("export", "dev", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "expires in" not in result.stderr
