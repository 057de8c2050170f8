from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from awsmfa_profiles.session import (
    Session,
    Status,
    describe_duration,
    format_expiration,
    parse_duration,
    parse_expiration,
    status,
)

NOW = datetime(2026, 11, 28, 9, 0, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("expires_at", "expected"),
    [
        (None, Status.MISSING),
        (NOW - timedelta(seconds=1), Status.EXPIRED),
        (NOW, Status.EXPIRED),
        (NOW + timedelta(seconds=1), Status.EXPIRING),
        (NOW + HOUR - timedelta(seconds=1), Status.EXPIRING),
        (NOW + HOUR, Status.VALID),
        (NOW + 12 * HOUR, Status.VALID),
    ],
)
def test_status_at_its_edges(expires_at: datetime | None, expected: Status) -> None:
    assert status(expires_at, NOW, HOUR) is expected


def test_zero_within_means_valid_until_the_last_second() -> None:
    assert status(NOW + timedelta(seconds=1), NOW, timedelta(0)) is Status.VALID


def test_only_valid_needs_no_refresh() -> None:
    assert [s for s in Status if not s.needs_refresh] == [Status.VALID]


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-28T21:04:05Z",
        "2026-11-28 21:04:05",  # aws-mfa: naive, meaning UTC
        "2026-11-28T21:04:05+00:00",
        "2026-11-28T22:04:05+01:00",
        "2026-11-28T16:04:05-0500",
        "  2026-11-28T21:04:05z ",
    ],
)
def test_expiration_forms_read_as_the_same_instant(text: str) -> None:
    assert parse_expiration(text) == datetime(2026, 11, 28, 21, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T00:00:00Z", "1700000000"])
def test_bad_expiration_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_expiration(text)


def test_expiration_is_written_as_utc_whole_seconds() -> None:
    local = datetime(2026, 11, 28, 22, 4, 5, 999999, tzinfo=timezone(timedelta(hours=1)))
    assert format_expiration(local) == "2026-11-28T21:04:05Z"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3600", 3600),
        ("90m", 5400),
        ("12h", 43200),
        ("1h30m", 5400),
        ("45s", 45),
        ("2d", 172800),
        ("12H", 43200),
    ],
)
def test_duration_forms(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "h", "1x", "-5", "1h1h", "5 m", "1.5h", "30m1h2"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "5s"), (200, "3m 20s"), (43140, "11h 59m"), (3600, "1h 00m"), (187200, "2d 4h")],
)
def test_describe_duration(seconds: int, words: str) -> None:
    assert describe_duration(timedelta(seconds=seconds)) == words


def test_session_repr_hides_secrets() -> None:
    session = Session("ASIAEXAMPLE", "SECRETVALUE", "TOKENVALUE", NOW)
    assert "SECRETVALUE" not in repr(session)
    assert "TOKENVALUE" not in repr(session)
