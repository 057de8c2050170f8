"""The offline status report: which profiles need a refresh. Never touches AWS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from awsmfa_profiles.credentials_file import CredentialsFile, check_profile_name
from awsmfa_profiles.errors import ConfigError
from awsmfa_profiles.session import Status, status


@dataclass(frozen=True)
class ProfileStatus:
    profile: str
    status: Status
    expires_at: datetime | None
    seconds_left: int | None
    problem: str | None = None  # why the session could not be read, if it could not


def check(
    names: list[str], *, credentials_path: Path, now: datetime, within: timedelta | None
) -> list[ProfileStatus]:
    """Each profile's status; `within` None takes each profile's own margin (roles: 10m)."""
    credentials = CredentialsFile.load(credentials_path)
    if not credentials.exists:
        raise ConfigError(
            f"{credentials_path} does not exist",
            hint="Create [NAME-long-term] with your long-term keys there, then "
            "run `awsmfa refresh NAME`.",
        )
    if not names:
        names = credentials.long_term_profiles()
        if not names:
            raise ConfigError(
                f"no [NAME-long-term] section in {credentials_path}, so nothing to check",
                hint="Put your long-term keys in [NAME-long-term], then run `awsmfa refresh NAME`.",
            )
    for name in names:
        check_profile_name(name)
        credentials.require_profile(name)
    results = []
    for name in names:
        margin = credentials.session_kind(name).default_within if within is None else within
        try:
            expires_at = credentials.stored_session(name).expires_at
        except ConfigError as error:
            # One unreadable session must not hide the others from a cron report.
            results.append(ProfileStatus(name, Status.MISSING, None, None, problem=error.message))
            continue
        left = None if expires_at is None else int((expires_at - now).total_seconds())
        results.append(ProfileStatus(name, status(expires_at, now, margin), expires_at, left))
    return results
