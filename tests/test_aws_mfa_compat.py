"""aws-mfa's files, variables and options, read with aws-mfa's meaning: a migrating user
gets the session they had, or a clear error, never a silently different one."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, long_term_text, make_role, run_cli

OTHER_DEVICE = "arn:aws:iam::123456789012:mfa/someone-else"


def sections(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return {name: dict(parser.items(name)) for name in parser.sections()}


@pytest.fixture
def role(aws: FakeAws) -> str:
    return make_role(aws)


# assume_role in [NAME-long-term] is role_arn.


def test_assume_role_in_the_long_term_section_assumes_the_role(
    aws: FakeAws, user: IamUser, role: str, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"assume_role = {role}\n"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests[-1] == "AssumeRole"
    assert aws.calls[-1].params["RoleArn"] == role
    assert "Assumed role" in result.stderr
    # A role session is judged by the role's margin, as with role_arn.
    assert run_cli("check", "dev").exit_code == 0


def test_assume_role_and_an_equal_role_arn_agree(
    aws: FakeAws, user: IamUser, role: str, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"role_arn = {role}\nassume_role = {role}\n")
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["RoleArn"] == role


@pytest.mark.parametrize("command", [["refresh", "dev", "--code", "123456"], ["doctor", "dev"]])
def test_assume_role_and_a_different_role_arn_are_refused(
    aws: FakeAws, user: IamUser, role: str, credentials_file: Path, command: list[str]
) -> None:
    other = "arn:aws:iam::123456789012:role/Other"
    credentials_file.write_text(
        long_term_text(user, extra=f"role_arn = {role}\nassume_role = {other}\n")
    )
    before = credentials_file.read_bytes()
    result = run_cli(*command)
    output = result.output
    assert result.exit_code == (2 if command[0] == "refresh" else 1), output
    assert role in output and other in output
    assert "assume_role" in output and "role_arn" in output
    assert credentials_file.read_bytes() == before
    if command[0] == "refresh":
        assert aws.requests == []


# MFA_DEVICE, MFA_STS_DURATION, MFA_ASSUME_ROLE: used when neither an option nor a file says.


def test_mfa_device_is_used_when_no_file_names_a_device(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", env={"MFA_DEVICE": user.device})
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert aws.calls[-1].params["SerialNumber"] == user.device
    # From the environment, so not written into the file.
    assert "aws_mfa_device" not in sections(credentials_file)["dev-long-term"]


def test_the_file_and_the_option_win_over_mfa_device(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    env = {"MFA_DEVICE": OTHER_DEVICE}
    assert run_cli("refresh", "dev", "--code", "123456", env=env).exit_code == 0
    assert aws.calls[-1].params["SerialNumber"] == user.device
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "-f", "--code", "123456", "--device", user.device, env=env)
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["SerialNumber"] == user.device


def test_a_malformed_mfa_device_is_named_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", env={"MFA_DEVICE": "john.doe"})
    assert result.exit_code == 2
    assert "MFA_DEVICE" in result.stderr
    assert aws.requests == []


def test_mfa_sts_duration_sets_the_length(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    env = {"MFA_STS_DURATION": "3600"}
    assert run_cli("refresh", "dev", "--code", "123456", env=env).exit_code == 0
    assert aws.calls[-1].params["DurationSeconds"] == "3600"
    result = run_cli("refresh", "dev", "-f", "--code", "123456", "--duration", "2h", env=env)
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["DurationSeconds"] == "7200"


@pytest.mark.parametrize("value", ["lots", "60", "200000"])
def test_a_bad_mfa_sts_duration_is_named(
    aws: FakeAws, user: IamUser, credentials_file: Path, value: str
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "123456", env={"MFA_STS_DURATION": value})
    assert result.exit_code == 2
    assert "MFA_STS_DURATION" in result.stderr
    assert aws.requests == []


def test_mfa_assume_role_assumes_the_role(
    aws: FakeAws, user: IamUser, role: str, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "123456", env={"MFA_ASSUME_ROLE": role})
    assert result.exit_code == 0, result.output
    assert aws.requests == ["AssumeRole"]
    assert aws.calls[-1].params["RoleArn"] == role
    assert aws.calls[-1].params["DurationSeconds"] == "3600"


def test_the_file_and_the_option_win_over_mfa_assume_role(
    aws: FakeAws, user: IamUser, role: str, credentials_file: Path
) -> None:
    other = make_role(aws, name="Other", path="/")
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nrole_arn = {role}\n")
    )
    env = {"MFA_ASSUME_ROLE": other}
    assert run_cli("refresh", "dev", "--code", "123456", env=env).exit_code == 0
    assert aws.calls[-1].params["RoleArn"] == role
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "-f", "--code", "123456", "--role-arn", role, env=env)
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["RoleArn"] == role


def test_doctor_says_which_variable_was_used(
    aws: FakeAws, user: IamUser, role: str, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"role_arn = {role}\n"))
    result = run_cli(
        "doctor",
        "dev",
        env={"MFA_DEVICE": user.device, "MFA_STS_DURATION": "1800", "MFA_ASSUME_ROLE": "x"},
    )
    lines = result.stdout.splitlines()

    def line_naming(variable: str) -> str:
        return next(line for line in lines if variable in line)

    assert "used" in line_naming("MFA_DEVICE") and "not used" not in line_naming("MFA_DEVICE")
    assert f"MFA device {user.device}" in result.stdout
    assert "new sessions last 30m 00s ($MFA_STS_DURATION)" in line_naming("MFA_STS_DURATION")
    assert "not used" in line_naming("MFA_ASSUME_ROLE")
    assert result.exit_code == 0, result.stdout


# --long-term-suffix and --short-term-suffix name the two sections as aws-mfa does.


def test_short_term_suffix_writes_the_session_beside_the_keys(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    keys = long_term_text(user, name="dev").replace("[dev-long-term]", "[dev]")
    credentials_file.write_text(keys)
    result = run_cli(
        "refresh",
        "dev",
        "--code",
        "123456",
        "--long-term-suffix",
        "none",
        "--short-term-suffix",
        "prod",
    )
    assert result.exit_code == 0, result.output
    found = sections(credentials_file)
    assert found["dev"]["aws_access_key_id"] == user.access_key_id
    assert found["dev"]["aws_mfa_device"] == user.device
    assert "aws_session_token" not in found["dev"]
    assert found["dev-prod"]["aws_session_token"]
    assert "[dev-prod] refreshed" in result.stdout
    assert "as aws_mfa_device in [dev]." in result.stderr


def test_long_term_suffix_names_the_keys_section(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, name="dev").replace("-long-term]", "-lt]"))
    result = run_cli("refresh", "dev", "--code", "123456", "--long-suffix", "lt")
    assert result.exit_code == 0, result.output
    assert sections(credentials_file)["dev"]["aws_session_token"]
    assert sections(credentials_file)["dev-lt"]["aws_mfa_device"] == user.device


@pytest.mark.parametrize(
    "options",
    [["--long-term-suffix", "none"], ["--long-term-suffix", "x", "--short-term-suffix", "x"]],
)
def test_suffixes_that_name_one_section_twice_are_refused(
    aws: FakeAws, user: IamUser, credentials_file: Path, options: list[str]
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", *options)
    assert result.exit_code == 2
    assert "--long-term-suffix" in result.stderr
    assert aws.requests == []


def test_suffixes_take_one_profile(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user) + "\n" + long_term_text(user, name="ops"))
    for names in (["dev", "ops"], ["--all"]):
        result = run_cli("refresh", *names, "--code", "123456", "--short-term-suffix", "x")
        assert result.exit_code == 2
        assert "apply to one profile" in result.stderr
    assert aws.requests == []
