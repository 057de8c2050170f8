"""The offline status report: which profiles need a refresh. Never touches AWS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from awsmfa_profiles.credentials_file import CredentialsFile, long_term_section
from awsmfa_profiles.errors import ConfigError
from awsmfa_profiles.session import ROLE_SESSION, USER_SESSION, Status, status


@dataclass(frozen=True)
class ProfileStatus:
    profile: str
    status: Status
    expires_at: datetime | None
    seconds_left: int | None


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
        if not (credentials.has_section(name) or credentials.has_section(long_term_section(name))):
            raise ConfigError(
                f"no profile {name!r} in {credentials_path}: neither [{name}] "
                f"nor [{long_term_section(name)}] exists"
            )
    results = []
    for name in names:
        expires_at = credentials.stored_session(name).expires_at
        is_role = bool(credentials.get(long_term_section(name), "role_arn"))
        margin = within
        if margin is None:
            margin = (ROLE_SESSION if is_role else USER_SESSION).default_within
        left = None if expires_at is None else int((expires_at - now).total_seconds())
        results.append(ProfileStatus(name, status(expires_at, now, margin), expires_at, left))
    return results
