"""`awsmfa check` end to end: offline, read-only, one line per profile, cron-friendly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import run_cli

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def profile(name: str, expires_at: datetime | None, *, naive: bool = False) -> str:
    text = (
        f"[{name}-long-term]\naws_access_key_id = AKIA{name.upper()}\naws_secret_access_key = s\n\n"
    )
    if expires_at is not None:
        stamp = (
            expires_at.strftime("%Y-%m-%d %H:%M:%S")
            if naive
            else expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        text += (
            f"[{name}]\naws_access_key_id = ASIA\naws_secret_access_key = SESSIONSECRET\n"
            f"aws_session_token = SESSIONTOKEN\nexpiration = {stamp}\n\n"
        )
    return text


@pytest.fixture
def four_profiles(credentials_file: Path) -> Path:
    credentials_file.write_text(
        "# comment\n[unrelated]\nk = v\n\n"
        + profile("good", NOW + timedelta(hours=10))
        + profile("soon", NOW + timedelta(minutes=20))
        + profile("old", NOW - timedelta(hours=2), naive=True)
        + profile("new", None)
    )
    return credentials_file


def test_reports_every_long_term_profile(four_profiles: Path) -> None:
    before = four_profiles.read_bytes()
    result = run_cli("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["good", "valid"]
    assert "left" in lines[0]
    assert lines[1].split()[:2] == ["soon", "expiring"]
    assert lines[2].split()[:2] == ["old", "expired"]
    assert "ago" in lines[2]
    assert lines[3].split()[:2] == ["new", "missing"]
    for name in ("soon", "old", "new"):
        assert f"awsmfa refresh {name}" in result.stdout
    assert "awsmfa refresh good" not in result.stdout
    assert "SESSIONSECRET" not in result.output and "SESSIONTOKEN" not in result.output
    assert four_profiles.read_bytes() == before
    assert sorted(p.name for p in four_profiles.parent.iterdir()) == ["credentials"]


def test_all_valid_exits_0_and_quiet_prints_nothing(credentials_file: Path) -> None:
    credentials_file.write_text(profile("a", NOW + timedelta(hours=3)))
    loud = run_cli("check")
    assert loud.exit_code == 0
    assert loud.stdout.startswith("a  valid")
    quiet = run_cli("check", "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_quiet_still_speaks_when_something_needs_a_refresh(credentials_file: Path) -> None:
    credentials_file.write_text(profile("a", NOW - timedelta(minutes=1)))
    result = run_cli("check", "--quiet")
    assert result.exit_code == 1
    assert "awsmfa refresh a" in result.stdout


def test_within_moves_the_expiring_line(credentials_file: Path) -> None:
    credentials_file.write_text(profile("a", NOW + timedelta(hours=3)))
    assert run_cli("check", "--within", "4h").exit_code == 1
    assert run_cli("check", "--within", "120m").exit_code == 0
    assert run_cli("check", "--within", "7200").exit_code == 0


def test_json_output(four_profiles: Path) -> None:
    result = run_cli("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [entry["profile"] for entry in report] == ["good", "soon", "old", "new"]
    assert [entry["status"] for entry in report] == ["valid", "expiring", "expired", "missing"]
    good = report[0]
    assert set(good) == {
        "profile",
        "status",
        "expires_at",
        "seconds_left",
        "problem",
        "key_created_at",
        "key_age_days",
        "key_rotation_due",
    }
    assert good["problem"] is None
    # No aws_access_key_created in the file: the key's age is not known offline.
    assert (good["key_created_at"], good["key_age_days"], good["key_rotation_due"]) == (
        None,
        None,
        None,
    )
    assert good["expires_at"] == (NOW + timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert isinstance(good["seconds_left"], int)
    assert 10 * 3600 - 120 < good["seconds_left"] <= 10 * 3600
    assert report[2]["seconds_left"] < 0
    assert report[3]["expires_at"] is None and report[3]["seconds_left"] is None


def test_named_profiles_only(four_profiles: Path) -> None:
    result = run_cli("check", "good", "--json")
    assert result.exit_code == 0
    assert [entry["profile"] for entry in json.loads(result.stdout)] == ["good"]


def test_unknown_profile_is_a_usage_error(four_profiles: Path) -> None:
    result = run_cli("check", "good", "typo")
    assert result.exit_code == 2
    assert "no profile 'typo'" in result.stderr


def test_no_file_and_no_profiles_are_configuration_errors(credentials_file: Path) -> None:
    missing = run_cli("check")
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
    credentials_file.write_text("[default]\naws_access_key_id = A\n")
    empty = run_cli("check")
    assert empty.exit_code == 2
    assert "no [NAME-long-term]" in empty.stderr


def test_malformed_file_names_the_line(credentials_file: Path) -> None:
    credentials_file.write_text("[a-long-term]\nx = 1\nx = 2\n")
    result = run_cli("check")
    assert result.exit_code == 2
    assert f"{credentials_file}, line 3" in result.stderr
    assert "Traceback" not in result.output


def test_an_unreadable_session_is_reported_without_hiding_the_others(
    credentials_file: Path,
) -> None:
    credentials_file.write_text(
        profile("good", NOW + timedelta(hours=10))
        + "[odd-long-term]\n[odd]\naws_session_token = t\nexpiration = next tuesday\n"
    )
    result = run_cli("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["good", "valid"]
    assert lines[1].split()[:2] == ["odd", "missing"]
    assert "'next tuesday' is not an ISO 8601 time" in lines[1]
    assert "  run: awsmfa refresh odd" in lines
    report = json.loads(run_cli("check", "--json").stdout)
    assert "'next tuesday' is not an ISO 8601 time" in report[1].pop("problem")
    assert report[1] == {
        "profile": "odd",
        "status": "missing",
        "expires_at": None,
        "seconds_left": None,
        "key_created_at": None,
        "key_age_days": None,
        "key_rotation_due": None,
    }


def test_bad_within_is_a_usage_error(credentials_file: Path) -> None:
    credentials_file.write_text(profile("a", NOW + timedelta(hours=3)))
    result = run_cli("check", "--within", "soon")
    assert result.exit_code == 2
    assert "--within" in result.stderr


def test_each_hint_is_a_command_that_can_work(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[only-session]\naws_session_token = t\n\n"
        "[both-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n"
        "[both]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n\n"
        + profile("soon", NOW + timedelta(minutes=90))
    )
    result = run_cli("check", "only-session", "both", "soon", "--within", "2h")
    assert result.exit_code == 1
    hints = [line for line in result.stdout.splitlines() if line.startswith("  run: ")]
    assert hints == [
        "  run: awsmfa init only-session",
        "  run: awsmfa doctor both",
        "  run: awsmfa refresh soon --within 7200",
    ]


def test_several_profiles_that_need_a_code_get_one_command_for_all(four_profiles: Path) -> None:
    result = run_cli("check")
    assert result.stdout.splitlines()[-1] == "  or all at once: awsmfa refresh soon old new"
    within = run_cli("check", "--within", "2h")
    assert within.stdout.splitlines()[-1] == (
        "  or all at once: awsmfa refresh soon old new --within 7200"
    )


def test_one_profile_that_needs_a_code_gets_no_command_for_all(credentials_file: Path) -> None:
    credentials_file.write_text(
        profile("a", NOW - timedelta(minutes=1))
        + "[b-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n"
        "[b]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
    )
    # b needs doctor, not a code: only a would be refreshed.
    result = run_cli("check")
    assert "at once" not in result.stdout


def key_fields(entry: dict[str, object]) -> tuple[object, object, object]:
    return entry["key_created_at"], entry["key_age_days"], entry["key_rotation_due"]


@pytest.mark.parametrize(
    ("settings", "fields"),
    [
        ("aws_access_key_created = {created}\n", ("{created}", 100, True)),
        ("aws_access_key_created = {created}\nmax_key_age = 120d\n", ("{created}", 100, False)),
        # A limit that cannot be read is the default; doctor names it.
        ("aws_access_key_created = {created}\nmax_key_age = 120\n", ("{created}", 100, True)),
        ("aws_access_key_created = last spring\n", (None, None, None)),
    ],
)
def test_json_tells_the_key_age_the_file_records(
    credentials_file: Path, settings: str, fields: tuple[object, object, object]
) -> None:
    created = (NOW - timedelta(days=100, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = profile("good", NOW + timedelta(hours=10))
    credentials_file.write_text(
        text.replace("= s\n", "= s\n" + settings.format(created=created), 1)
    )
    result = run_cli("check", "--json")
    assert result.exit_code == 0, result.output
    expected = tuple(
        value.format(created=created) if isinstance(value, str) else value for value in fields
    )
    assert key_fields(json.loads(result.stdout)[0]) == expected
