"""Hostile inputs, as an attacker would try them: out-of-range times, odd sections, special
files, secrets in URLs and commands, a trickling server, interrupts at the worst moment.

Each one ends in one clear message with the documented exit code, nothing written, and no
MFA code spent when the problem could be seen before the request.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, long_term_text, run_cli, run_process

from awsmfa_profiles.session import format_expiration, parse_duration, parse_expiration

DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def session_text(name: str, expiration: str) -> str:
    return (
        f"\n[{name}]\naws_access_key_id = ASIAOLD\naws_secret_access_key = oldsecret\n"
        f"aws_session_token = oldtoken\nexpiration = {expiration}\n"
    )


def valid_profile(name: str) -> str:
    until = iso(datetime.now(timezone.utc) + timedelta(hours=5))
    return (
        f"[{name}-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
        f"aws_secret_access_key = s\n" + session_text(name, until) + "\n"
    )


# Item 2: times out of range, from the file, the user and the network.

EDGE_EXPIRATIONS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("expiration", EDGE_EXPIRATIONS)
def test_an_out_of_range_expiration_hides_no_other_profile(
    credentials_file: Path, expiration: str
) -> None:
    credentials_file.write_text(
        valid_profile("good")
        + "[odd-long-term]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
        + session_text("odd", expiration)
    )
    result = run_cli("check")
    assert result.exit_code == 1, result.output
    assert "unexpected" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("good  valid")
    assert lines[1].startswith("odd   missing")
    assert "out of range" in lines[1]
    assert "  run: awsmfa refresh odd" in lines


@pytest.mark.parametrize("expiration", EDGE_EXPIRATIONS)
def test_export_and_doctor_report_an_out_of_range_expiration(
    credentials_file: Path, expiration: str
) -> None:
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
        + session_text("dev", expiration)
    )
    exported = run_cli("export", "dev")
    assert exported.exit_code == 2, exported.output
    assert "out of range" in exported.stderr
    doctor = run_cli("doctor", "dev", "--endpoint-url", "http://127.0.0.1:9")
    assert doctor.exit_code == 1, doctor.output  # AWS cannot be reached, nothing worse
    assert "unexpected" not in doctor.stderr
    assert "out of range" in doctor.stdout


@pytest.mark.parametrize("expiration", EDGE_EXPIRATIONS)
def test_refresh_replaces_an_out_of_range_expiration(
    aws: FakeAws, user: IamUser, credentials_file: Path, expiration: str
) -> None:
    credentials_file.write_text(long_term_text(user) + session_text("dev", expiration))
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert expiration not in credentials_file.read_text()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["check", "--within", "1000000000d"], "--within"),
        (["refresh", "dev", "--within", "1000000000d"], "--within"),
        (["refresh", "dev", "--duration", "99999999999999999999d"], "--duration"),
        (["refresh", "dev", "--duration", "9" * 5000], "--duration"),
    ],
)
def test_huge_durations_are_usage_errors(
    credentials_file: Path, args: list[str], option: str
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert option in result.stderr
    assert "unexpected" not in result.stderr


def test_a_date_header_out_of_range_is_no_crash(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    aws.date_header = "Fri, 31 Dec 9999 23:59:59 -1400"
    result = run_cli("doctor", "dev")
    assert result.exit_code in (0, 1), result.output
    assert "unexpected" not in result.stderr
    assert "AWS accepts the keys" in result.stdout


def test_an_expiration_out_of_range_from_sts_is_an_aws_error(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    aws.respond(
        "GetSessionToken",
        "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
        "<SessionToken>t</SessionToken><Expiration>9999-12-31T23:59:59-14:00</Expiration>"
        "</Credentials>",
    )
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 1, result.output
    assert "unexpected" not in result.stderr
    assert "expiration" in result.stderr
    assert credentials_file.read_bytes() == before


def test_years_before_1000_keep_four_digits() -> None:
    moment = datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert format_expiration(moment) == "0999-01-02T03:04:05Z"
    assert parse_expiration(format_expiration(moment)) == moment


@pytest.mark.parametrize("text", [*EDGE_EXPIRATIONS, "0001-01-01T00:00:00Z", "9999-12-31T23:59Z"])
def test_expirations_no_time_zone_can_show_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        parse_expiration(text)


@pytest.mark.parametrize("text", ["1000000000d", "99999999999999999999d", "9" * 5000, "400d"])
def test_durations_beyond_a_year_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="at most"):
        parse_duration(text)


def test_far_expirations_show_in_the_farthest_time_zones(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
        + session_text("dev", "9999-12-30T00:00:00Z")
    )
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        # A child process: the time zone is read when the interpreter starts.
        result = run_process("export", "dev", env={"TZ": zone})
        assert result.exit_code == 0, result.output
        refreshed = run_process("refresh", "dev", env={"TZ": zone})
        assert refreshed.exit_code == 0, refreshed.output
        assert "valid until 9999-12-30T00:00:00Z" in refreshed.stdout


# Item 9: one odd section must not stop the daily check of the others.


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("[ old-long-term]", "' old'"),
        ("[DEFAULT-long-term]", "DEFAULT"),
        ("[a]b-long-term]", "a]b"),
    ],
)
def test_an_odd_long_term_section_is_one_error_line(
    credentials_file: Path, header: str, shown: str
) -> None:
    expired = iso(datetime.now(timezone.utc) - timedelta(hours=1))
    credentials_file.write_text(
        valid_profile("good")
        + f"{header}\naws_access_key_id = AKIAEXAMPLE000000003\naws_secret_access_key = s\n\n"
        + "[late-long-term]\naws_access_key_id = AKIAEXAMPLE000000004\naws_secret_access_key = s\n"
        + session_text("late", expired)
    )
    result = run_cli("check")
    assert result.exit_code == 2, result.output  # the worst of them: an error
    lines = result.stdout.splitlines()
    assert any(line.startswith("good") and "valid" in line for line in lines), lines
    assert any(line.startswith("late") and "expired" in line for line in lines), lines
    errors = [line for line in lines if " error " in line]
    assert len(errors) == 1, lines
    assert header in errors[0] and shown in errors[0]
    assert "  run: awsmfa refresh late" in lines
    report = json.loads(run_cli("check", "--json").stdout)
    assert [entry["status"] for entry in report] == ["valid", "error", "expired"]
    assert shown in report[1]["problem"]


def test_quiet_shows_an_odd_section(credentials_file: Path) -> None:
    credentials_file.write_text(
        valid_profile("good")
        + "[ old-long-term]\naws_access_key_id = AKIAEXAMPLE000000003\naws_secret_access_key = s\n"
    )
    result = run_cli("check", "--quiet")
    assert result.exit_code == 2, result.output
    assert "[ old-long-term]" in result.stdout


# Item 11: a password in the endpoint URL, and hints that quote a command.


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_password_in_the_endpoint_url_is_masked(
    credentials_file: Path, how: str, user: IamUser
) -> None:
    credentials_file.write_text(long_term_text(user))
    url = "http://alice:hunter2secret@127.0.0.1:9"
    args = ["refresh", "dev", "--code", "123456", "--device", DEVICE]
    if how == "option":
        result = run_cli(*args, "--endpoint-url", url)
        doctor = run_cli("doctor", "dev", "--endpoint-url", url)
        bad = run_cli(*args, "--endpoint-url", "http://alice:hunter2secret@[::1")
    else:
        result = run_cli(*args, env={"AWS_ENDPOINT_URL": url})
        doctor = run_cli("doctor", "dev", env={"AWS_ENDPOINT_URL": url})
        bad = run_cli(*args, env={"AWS_ENDPOINT_URL": "http://alice:hunter2secret@[::1"})
    assert result.exit_code == 1, result.output
    assert doctor.exit_code == 1, doctor.output
    assert bad.exit_code == 2, bad.output
    for outcome in (result, doctor, bad):
        assert "hunter2secret" not in outcome.output
    assert "***" in result.stderr


PROFILE = "y;id"
QUOTED = "'y;id'"


def _hints_of(credentials_file: Path, text: str, *args: str) -> str:
    credentials_file.write_text(text)
    result = run_cli(*args)
    return result.output


def test_hints_shell_quote_the_profile_name(credentials_file: Path) -> None:
    keys = "aws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n"
    long_term = f"[{PROFILE}-long-term]\n{keys}"
    expired = iso(datetime.now(timezone.utc) - timedelta(hours=1))
    outputs = [
        # No session yet, an expired one, a broken expiration, a missing token.
        _hints_of(credentials_file, long_term, "export", PROFILE),
        _hints_of(credentials_file, long_term + session_text(PROFILE, expired), "export", PROFILE),
        _hints_of(credentials_file, long_term + session_text(PROFILE, "soon"), "export", PROFILE),
        _hints_of(
            credentials_file,
            long_term + f"[{PROFILE}]\naws_session_token = t\n",
            "export",
            PROFILE,
        ),
        # No terminal to ask a code on.
        _hints_of(credentials_file, long_term, "refresh", PROFILE, "--device", DEVICE),
        # Neither section.
        _hints_of(credentials_file, "[other-long-term]\n" + keys, "refresh", PROFILE),
        _hints_of(credentials_file, "[other-long-term]\n" + keys, "check", PROFILE),
    ]
    for output in outputs:
        assert "awsmfa " in output, output
        for line in output.splitlines():
            if "awsmfa refresh" in line or "awsmfa init" in line or "awsmfa export" in line:
                assert f"awsmfa refresh {PROFILE}" not in line, line
                assert f"awsmfa init {PROFILE}" not in line, line
        assert QUOTED in output, output


def test_the_expiring_note_of_export_quotes_the_name(credentials_file: Path) -> None:
    soon = iso(datetime.now(timezone.utc) + timedelta(minutes=20))
    credentials_file.write_text(
        f"[{PROFILE}-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
        "aws_secret_access_key = s\n" + session_text(PROFILE, soon)
    )
    result = run_cli("export", PROFILE)
    assert result.exit_code == 0, result.output
    assert f"`awsmfa refresh {QUOTED}`" in result.stderr
