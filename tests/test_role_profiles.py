"""Role profiles in ~/.aws/config with `source_profile = NAME`: after one refresh, every SDK
assumes roles in other accounts with the session awsmfa keeps, and doctor explains them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from helpers import FakeAws, IamUser, Result, long_term_text, make_role, read_section, run_cli

from awsmfa_profiles.doctor import DoctorEnvironment, Finding, Level, diagnose, failed


def role_profile(config_file: Path, role: str, *, name: str = "cross", extra: str = "") -> None:
    config_file.write_text(
        f"[profile {name}]\nsource_profile = dev\nrole_arn = {role}\nregion = us-east-1\n{extra}"
    )


@pytest.fixture
def refreshed(aws: FakeAws, user: IamUser, credentials_file: Path) -> dict[str, str]:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    aws.calls.clear()
    return read_section(credentials_file, "dev")


def test_boto3_assumes_the_role_with_the_session(
    aws: FakeAws, refreshed: dict[str, str], config_file: Path
) -> None:
    role = make_role(aws, name="Deployer", path="/")
    role_profile(config_file, role)
    sts = boto3.Session(profile_name="cross").client("sts")
    identity = sts.get_caller_identity()
    assert ":assumed-role/Deployer/" in identity["Arn"]
    assume, whoami = aws.calls
    assert assume.action == "AssumeRole"
    # Signed with the session in [dev], without a code: no second MFA prompt.
    assert assume.access_key_id == refreshed["aws_access_key_id"]
    assert "TokenCode" not in assume.params and "SerialNumber" not in assume.params
    assert assume.params["RoleArn"] == role
    assert whoami.action == "GetCallerIdentity"
    assert whoami.access_key_id not in (refreshed["aws_access_key_id"], "")


def test_the_aws_cli_assumes_the_role_with_the_session(
    aws: FakeAws, refreshed: dict[str, str], config_file: Path
) -> None:
    role = make_role(aws, name="Deployer", path="/")
    role_profile(config_file, role)
    completed = subprocess.run(
        [sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", "cross"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert ":assumed-role/Deployer/" in completed.stdout
    assert [call.action for call in aws.calls] == ["AssumeRole", "GetCallerIdentity"]
    assert aws.calls[0].access_key_id == refreshed["aws_access_key_id"]


# doctor ROLE_PROFILE


def line_with(result: Result, fragment: str) -> str:
    matches = [line for line in result.stdout.splitlines() if fragment in line]
    assert matches, result.stdout
    return matches[0]


def test_doctor_explains_which_session_a_role_profile_rides_on(
    aws: FakeAws, refreshed: dict[str, str], config_file: Path
) -> None:
    role = "arn:aws:iam::210987654321:role/Deployer"
    role_profile(config_file, role)
    result = run_cli("doctor", "cross")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Checking profile [cross]:"
    assert line_with(result, "assumes role").startswith(
        f"info  [profile cross] assumes role {role} with the session awsmfa keeps in [dev]"
    )
    assert line_with(result, "[dev] session valid: ").startswith("info  [dev] session valid: ")
    assert "fix: awsmfa doctor dev" in result.stdout
    assert "fail" not in result.stdout.split()
    assert aws.requests == []  # the source's keys are `doctor dev`'s business


def test_doctor_says_when_the_session_under_a_role_profile_must_be_refreshed(
    credentials_file: Path, config_file: Path
) -> None:
    expired = (datetime.now(timezone.utc) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
        f"\n[dev]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\n"
        f"expiration = {expired}\n"
    )
    role_profile(config_file, "arn:aws:iam::210987654321:role/Deployer")
    result = run_cli("doctor", "cross")
    assert "info  [dev] session expired 2h 00m ago" in result.stdout
    assert "fix: awsmfa refresh dev" in result.stdout


def findings(credentials_file: Path, config_file: Path, name: str = "cross") -> list[Finding]:
    return diagnose(
        name,
        DoctorEnvironment(
            credentials_path=credentials_file,
            config_path=config_file,
            now=lambda: datetime.now(timezone.utc),
            connect=None,  # type: ignore[arg-type]  # a role profile is checked offline
            environ={},
        ),
    )


def by_title(found: list[Finding], fragment: str) -> Finding:
    matches = [finding for finding in found if fragment in finding.title]
    assert matches, [finding.title for finding in found]
    return matches[0]


SESSION = (
    "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
    "\n[dev]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\n"
    "expiration = 2099-01-01T00:00:00Z\n"
)
ROLE = "arn:aws:iam::210987654321:role/Deployer"


def test_mfa_serial_in_a_role_profile_would_ask_for_a_code_every_hour(
    credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(SESSION)
    role_profile(config_file, ROLE, extra="mfa_serial = arn:aws:iam::123456789012:mfa/john\n")
    found = by_title(findings(credentials_file, config_file), "mfa_serial in [profile cross]")
    assert found.level is Level.WARN
    assert "Delete mfa_serial from [profile cross]" in found.fix


def test_a_source_that_is_itself_a_role_session_is_role_chaining(
    credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(
        SESSION.replace(
            "aws_secret_access_key = s\n\n",
            "aws_secret_access_key = s\nrole_arn = " + ROLE + "\n\n",
        )
    )
    role_profile(config_file, ROLE, extra="duration_seconds = 7200\n")
    found = findings(credentials_file, config_file)
    assert by_title(found, "role chaining").level is Level.FAIL
    assert failed(found)


def test_a_long_duration_on_a_plain_session_is_a_warning(
    credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(SESSION)
    role_profile(config_file, ROLE, extra="duration_seconds = 7200\n")
    found = findings(credentials_file, config_file)
    assert by_title(found, "duration_seconds = 7200").level is Level.WARN
    assert not failed(found)


def test_a_chain_of_role_profiles_is_followed_to_the_session(
    credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(SESSION)
    config_file.write_text(
        f"[profile hub]\nsource_profile = dev\nrole_arn = {ROLE}\n\n"
        "[profile spoke]\nsource_profile = hub\nrole_arn = arn:aws:iam::111122223333:role/Ops\n"
    )
    found = findings(credentials_file, config_file, name="spoke")
    assert "with the session awsmfa keeps in [dev]" in by_title(found, "assumes role").title
    assert by_title(found, "through [profile hub]").level is Level.INFO
    assert by_title(found, "[dev] session valid").level is Level.INFO


@pytest.mark.parametrize(
    ("credentials", "fragment", "level"),
    [
        ("", "source_profile = dev names no profile", Level.FAIL),
        (
            "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
            "[dev] holds long-term keys",
            Level.WARN,
        ),
    ],
)
def test_a_source_awsmfa_does_not_keep(
    credentials_file: Path, config_file: Path, credentials: str, fragment: str, level: Level
) -> None:
    credentials_file.write_text(credentials)
    role_profile(config_file, ROLE)
    assert by_title(findings(credentials_file, config_file), fragment).level is level


def test_a_loop_of_source_profiles_fails(credentials_file: Path, config_file: Path) -> None:
    credentials_file.write_text(SESSION)
    config_file.write_text(
        f"[profile a]\nsource_profile = b\nrole_arn = {ROLE}\n\n"
        f"[profile b]\nsource_profile = a\nrole_arn = {ROLE}\n"
    )
    assert (
        by_title(findings(credentials_file, config_file, name="a"), "make a loop").level
        is Level.FAIL
    )


def test_refresh_of_a_role_profile_points_at_its_session(
    aws: FakeAws, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(SESSION)
    role_profile(config_file, ROLE)
    result = run_cli("refresh", "cross", "--code", "123456")
    assert result.exit_code == 2
    assert "[profile cross]" in result.stderr and "awsmfa refresh dev" in result.stderr
    assert aws.requests == []
