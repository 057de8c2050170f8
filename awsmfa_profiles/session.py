"""The session value, its expiry, and the pure decision of whether it needs a refresh."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

_DURATION_PART = re.compile(r"(\d+)([smhd]?)")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# No margin or session is longer; the bound keeps arithmetic on durations in range.
MAX_DURATION = timedelta(days=365)
# The moments awsmfa accepts from the file or the network: datetime ends with the years 1
# and 9999, and every moment must still be shown in any time zone (UTC-12 to UTC+14).
EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)
LATEST = datetime(9999, 12, 30, 23, 59, 59, tzinfo=timezone.utc)


class Session(NamedTuple):
    """Temporary credentials from STS; secrets are kept out of repr."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"Session(access_key_id={self.access_key_id!r}, expires_at={self.expires_at!r})"


# Credentials in these variables win over every profile in AWS tools: an old script's
# exported session hides the one in [NAME]. AWS_SECURITY_TOKEN is the older name of the
# token, still read by botocore (before AWS_SESSION_TOKEN) and some SDKs.
SHADOWING_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
)


def shadowing_variables(environ: Mapping[str, str]) -> list[str]:
    """The credential variables set in `environ`, which AWS tools use before any profile."""
    return [variable for variable in SHADOWING_VARIABLES if environ.get(variable)]


class SessionKind(NamedTuple):
    """What STS call a profile uses: its default and longest session, and its renewal margin."""

    label: str
    default_duration: timedelta
    max_duration: timedelta
    # A session with less than this left is `expiring`. A role session lasts 1 hour by
    # default, so the user session's 1-hour margin would call it expiring at birth.
    default_within: timedelta


USER_SESSION = SessionKind(
    "an MFA session", timedelta(hours=12), timedelta(hours=36), timedelta(hours=1)
)
# AssumeRole allows at most 12 hours, and by default a role allows 1.
ROLE_SESSION = SessionKind(
    "a role session", timedelta(hours=1), timedelta(hours=12), timedelta(minutes=10)
)


class Status(str, enum.Enum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"
    # Not a state of a session: a section `check` could not read as a profile at all.
    ERROR = "error"

    @property
    def needs_refresh(self) -> bool:
        return self is not Status.VALID


def status(expires_at: datetime | None, now: datetime, within: timedelta) -> Status:
    """Whether a session expiring at `expires_at` is still good for `within` from `now`."""
    if expires_at is None:
        return Status.MISSING
    left = expires_at - now
    if left <= timedelta(0):
        return Status.EXPIRED
    if left < within:
        return Status.EXPIRING
    return Status.VALID


def is_role_principal(arn: str | None) -> bool:
    """Whether a recorded principal is a role (its ARN, or a session of it), not a user."""
    return bool(arn) and (":role/" in str(arn) or ":assumed-role/" in str(arn))


def serves(principal_arn: str | None, role_arn: str | None, *, file_role: str | None) -> bool:
    """Whether a session recorded as `principal_arn` is one for `role_arn` (None: the user's).

    A session that records no principal was written before awsmfa recorded one, or by
    hand: it is taken to be what the file describes, the role `file_role` or the user's
    own, as it always was.
    """
    if principal_arn is None:
        return role_arn == file_role
    if role_arn is None:
        return not is_role_principal(principal_arn)
    return principal_arn == role_arn


def parse_expiration(text: str) -> datetime:
    """Read an expiry as awsmfa, aws-mfa or any ISO 8601 writer left it; naive means UTC."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    # Python 3.10's fromisoformat knows neither "Z" nor a compact "+0000" offset.
    cleaned = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", cleaned)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return check_moment(parsed, text.strip())


def check_moment(moment: datetime, shown: str) -> datetime:
    """The moment in UTC; ValueError when it is too near the ends of the calendar to use."""
    try:
        in_utc = moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is in year 0 in UTC
        in_utc = None
    if in_utc is None or not EARLIEST <= in_utc <= LATEST:
        raise ValueError(
            f"{shown!r} is out of range: awsmfa reads times from "
            f"{format_expiration(EARLIEST)} to {format_expiration(LATEST)}"
        )
    return in_utc


def format_expiration(moment: datetime) -> str:
    """ISO 8601 UTC to the whole second, the form written to the credentials file."""
    in_utc = moment.astimezone(timezone.utc)
    # strftime's %Y drops the leading zeros of years before 1000 on glibc.
    return f"{in_utc.year:04d}-{in_utc:%m-%dT%H:%M:%S}Z"


def format_local(moment: datetime) -> str:
    """The moment in this computer's time zone, to the minute, for people to read."""
    local = moment.astimezone()
    return f"{local.year:04d}-{local:%m-%d %H:%M %Z}"


def parse_duration(text: str) -> timedelta:
    """Read `3600`, `90m`, `12h`, `1h30m` or `2d`; a bare number is seconds."""
    cleaned = text.strip().lower()
    parts = list(_DURATION_PART.finditer(cleaned))
    if not cleaned or "".join(p.group(0) for p in parts) != cleaned:
        raise ValueError(
            f"{_shorten(text)!r} is not a duration; use seconds (3600) or units (90m, 12h)"
        )
    units = [p.group(2) for p in parts]
    if len(parts) > 1 and ("" in units or len(set(units)) != len(units)):
        raise ValueError(
            f"{_shorten(text)!r} is not a duration; use seconds (3600) or units (90m, 12h)"
        )
    too_long = ValueError(
        f"{_shorten(text)!r} is too long: a duration is at most {MAX_DURATION.days}d, a year"
    )
    # Compared as whole numbers first: timedelta overflows, and int() refuses, long before.
    if any(len(p.group(1)) > 12 for p in parts):
        raise too_long
    seconds = sum(int(p.group(1)) * _UNIT_SECONDS[p.group(2)] for p in parts)
    if seconds > MAX_DURATION.total_seconds():
        raise too_long
    return timedelta(seconds=seconds)


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def describe_duration(span: timedelta) -> str:
    """A span in words a person reads at a glance: `11h 59m`, `3m 20s`, `2d 4h`."""
    seconds = round(abs(span.total_seconds()))
    if seconds >= 3600:
        # A session's length reads better as 12h 00m than as the 11h 59m 59s it has left.
        seconds = round(seconds / 60) * 60
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


def describe_age(span: timedelta) -> str:
    """How old something is that lives for months (an access key): `120 days`, `3h 05m`."""
    if span.days >= 2:
        return f"{span.days} days"
    if span.days == 1:
        return "1 day"
    return describe_duration(span)
