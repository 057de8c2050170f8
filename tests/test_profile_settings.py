"""`duration` and `within` in [NAME-long-term]: a profile's own session length and renewal
margin, beaten by the options, checked before any request, and shown by doctor."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, long_term_text, run_cli, session_text

from awsmfa_profiles.errors import ConfigError, UsageError
from awsmfa_profiles.session import ROLE_SESSION, USER_SESSION
from awsmfa_profiles.settings import renewal_margin, session_length

ROLE = "arn:aws:iam::123456789012:role/Admin"


def with_device(user: IamUser, extra: str = "") -> str:
    return long_term_text(user, extra=f"aws_mfa_device = {user.device}\n{extra}")


def test_the_duration_in_the_long_term_section_is_asked_for(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(with_device(user, "duration = 2h\n"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["DurationSeconds"] == "7200"
    assert "2h 00m from now" in result.stdout


def test_the_option_wins_over_the_file(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(with_device(user, "duration = 2h\n"))
    result = run_cli("refresh", "dev", "--code", "123456", "--duration", "3h")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["DurationSeconds"] == "10800"


def test_a_role_profile_takes_its_duration_from_the_file(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(with_device(user, f"role_arn = {ROLE}\nduration = 90m\n"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["AssumeRole"]
    assert aws.calls[-1].params["DurationSeconds"] == "5400"


def test_within_in_the_file_keeps_a_session_that_the_default_would_renew(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    expires_at = datetime.now(timezone.utc) + timedelta(minutes=40)
    credentials_file.write_text(
        with_device(user, "within = 10m\n") + session_text("dev", expires_at)
    )
    result = run_cli("refresh", "dev")
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.stdout
    assert aws.requests == []
    assert run_cli("check", "dev").exit_code == 0


def test_within_in_the_file_renews_early_and_check_agrees(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    expires_at = datetime.now(timezone.utc) + timedelta(hours=3)
    credentials_file.write_text(
        with_device(user, "within = 4h\n") + session_text("dev", expires_at)
    )
    checked = run_cli("check", "dev", "--json")
    assert checked.exit_code == 1
    assert json.loads(checked.stdout)[0]["status"] == "expiring"
    # The command check suggests does what it says: the file's margin applies there too.
    assert "run: awsmfa refresh dev\n" in run_cli("check", "dev").stdout
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    # --within wins over the file.
    assert run_cli("check", "dev", "--within", "1h").exit_code == 0


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        ("duration = soon\n", ["[dev-long-term] duration", "'soon' is not a duration"]),
        ("duration = 40h\n", ["[dev-long-term] duration = 40h", "15 minutes to 36 hours"]),
        ("duration = 10m\n", ["[dev-long-term] duration = 10m", "15 minutes to 36 hours"]),
        (f"role_arn = {ROLE}\nduration = 13h\n", ["duration = 13h", "15 minutes to 12 hours"]),
        ("within = 1 hour\n", ["[dev-long-term] within", "is not a duration"]),
    ],
)
def test_a_bad_value_in_the_file_is_exit_2_naming_section_and_key(
    aws: FakeAws, user: IamUser, credentials_file: Path, extra: str, fragments: list[str]
) -> None:
    credentials_file.write_text(with_device(user, extra))
    before = credentials_file.read_bytes()
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2, result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


def test_check_refuses_a_bad_within_naming_section_and_key(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\nwithin = x\n"
    )
    result = run_cli("check")
    assert result.exit_code == 2
    assert "[dev-long-term] within" in result.stderr


def test_export_is_not_stopped_by_a_bad_within(credentials_file: Path) -> None:
    # export uses the margin only for its note; a credential_process must keep working.
    expires_at = datetime.now(timezone.utc) + timedelta(hours=3)
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\nwithin = x\n"
        + session_text("dev", expires_at)
    )
    result = run_cli("export", "dev")
    assert result.exit_code == 0, result.output


def test_doctor_shows_where_each_value_came_from(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(with_device(user, "duration = 8h\n"))
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert "info  new sessions last 8h 00m (duration in [dev-long-term])" in result.stdout
    assert "info  renewed with less than 1h 00m left (the default for an MFA session)" in (
        result.stdout
    )


def test_doctor_fails_a_bad_value_naming_section_and_key(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(with_device(user, "within = soon\n"))
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert "fail  [dev-long-term] within: 'soon' is not a duration" in result.stdout


# The resolution itself.


def test_each_setting_says_where_it_came_from() -> None:
    section = "dev-long-term"
    assert (
        session_length(section, {}, None, USER_SESSION).source == "the default for an MFA session"
    )
    assert session_length(section, {}, None, ROLE_SESSION).value == timedelta(hours=1)
    found = session_length(section, {"duration": " 1h30m "}, None, USER_SESSION)
    assert (found.value, found.source) == (timedelta(minutes=90), "duration in [dev-long-term]")
    chosen = session_length(section, {"duration": "x"}, timedelta(hours=2), USER_SESSION)
    assert (chosen.value, chosen.source) == (timedelta(hours=2), "--duration")
    assert renewal_margin(section, {"within": "0"}, None, USER_SESSION).value == timedelta(0)
    assert renewal_margin(section, {}, None, ROLE_SESSION).value == timedelta(minutes=10)
    assert renewal_margin(section, {"within": "2h"}, timedelta(0), USER_SESSION).source == (
        "--within"
    )


def test_an_option_out_of_range_is_a_usage_error_and_a_file_value_a_config_error() -> None:
    with pytest.raises(UsageError, match="--duration of a role session"):
        session_length("x-long-term", {}, timedelta(hours=13), ROLE_SESSION)
    with pytest.raises(ConfigError, match=r"\[x-long-term\] duration = 13h"):
        session_length("x-long-term", {"duration": "13h"}, None, ROLE_SESSION)
