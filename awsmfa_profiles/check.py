"""The offline status report: which profiles need a refresh. Never touches AWS."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from awsmfa_profiles.credentials_file import (
    CredentialsFile,
    check_profile_name,
    long_term_section,
)
from awsmfa_profiles.errors import ConfigError, ExitStatus, UsageError, command_line
from awsmfa_profiles.keys import (
    CREATED_SETTING,
    MAX_AGE_SETTING,
    KeyAge,
    key_age,
    parse_max_key_age,
)
from awsmfa_profiles.session import Status, parse_expiration, status
from awsmfa_profiles.settings import profile_margin

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ProfileStatus(NamedTuple):
    profile: str
    status: Status
    expires_at: datetime | None
    seconds_left: int | None
    problem: str | None = None  # why the session could not be read, if it could not
    action: str = ""  # the command that makes it valid again, when it needs a refresh
    key_age: KeyAge | None = None  # the long-term key's, when the file records its date


def check(
    names: list[str], *, credentials_path: Path, now: datetime, within: timedelta | None
) -> list[ProfileStatus]:
    """Each profile's status; `within` None takes each profile's own margin (roles: 10m)."""
    credentials = CredentialsFile.load(credentials_path)
    if not credentials.exists:
        raise ConfigError(
            f"{credentials_path} does not exist",
            hint="Run `awsmfa init NAME` to put your long-term keys there.",
        )
    results: list[ProfileStatus | None] = [None] * len(names)
    if not names:
        names = credentials.long_term_profiles()
        if not names:
            raise ConfigError(
                f"no [NAME-long-term] section in {credentials_path}, so nothing to check",
                hint="Run `awsmfa init NAME` to put your long-term keys in [NAME-long-term].",
            )
        results = [_odd_section(credentials_path, name) for name in names]
        names = [name for name, result in zip(names, results, strict=True) if result is None]
    margins = {}
    for name in names:
        check_profile_name(name)
        credentials.require_profile(name)
        margins[name] = profile_margin(credentials, name, within).value
    checked = iter([_check_one(credentials, name, now, within, margins[name]) for name in names])
    # In file order, each odd section where it stands.
    return [result if result is not None else next(checked) for result in results]


def worst(results: list[ProfileStatus]) -> ExitStatus:
    """The exit status of a report: 2 if a section could not be checked, 1 if a session
    needs a refresh, else 0."""
    if any(result.status is Status.ERROR for result in results):
        return ExitStatus.USAGE
    if any(result.status.needs_refresh for result in results):
        return ExitStatus.FAILED
    return ExitStatus.OK


def _odd_section(credentials_path: Path, name: str) -> ProfileStatus | None:
    """A [NAME-long-term] of the file whose NAME cannot be a profile, as one error line.

    The user did not name it, so it must not stop the report on the others: the daily
    check from cron would otherwise show nothing but this error.
    """
    try:
        check_profile_name(name)
    except UsageError as error:
        return ProfileStatus(
            name,
            Status.ERROR,
            None,
            None,
            problem=f"[{printable(long_term_section(name))}] in {credentials_path}: "
            f"{error.message}. {error.hint}",
        )
    return None


def printable(text: str) -> str:
    """`text` with control characters escaped (`\\x1b`): a name read from the file must not
    drive the terminal it is printed on."""
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def _check_one(
    credentials: CredentialsFile,
    name: str,
    now: datetime,
    within: timedelta | None,
    margin: timedelta,
) -> ProfileStatus:
    action = _action(credentials, name, within)
    age = _recorded_key_age(credentials, name, now)
    if credentials.holds_long_term_keys(name):
        # Keys a user put there by hand are not a session that was never refreshed.
        return ProfileStatus(
            name,
            Status.MISSING,
            None,
            None,
            problem=f"[{name}] holds long-term keys, not a session",
            action=action,
            key_age=age,
        )
    try:
        stored = credentials.stored_session(name)
    except ConfigError as error:
        # One unreadable session must not hide the others from a cron report.
        return ProfileStatus(
            name, Status.MISSING, None, None, problem=error.message, action=action, key_age=age
        )
    expires_at = stored.expires_at
    if stored.has_token and expires_at is None:
        # Another tool (aws configure mfa-login, say) wrote a session without its expiry.
        return ProfileStatus(
            name,
            Status.MISSING,
            None,
            None,
            problem=f"[{name}] holds a session with no expiration, so its end is unknown",
            action=action,
            key_age=age,
        )
    left = None if expires_at is None else int((expires_at - now).total_seconds())
    state = status(expires_at, now, margin)
    return ProfileStatus(name, state, expires_at, left, action=action, key_age=age)


def _recorded_key_age(credentials: CredentialsFile, name: str, now: datetime) -> KeyAge | None:
    """The key's age from the date init or rotate recorded; None when it is not known.

    Offline by design: check runs from cron and prompts. A value that cannot be read
    counts as unknown here; doctor names it.
    """
    section = long_term_section(name)
    created = credentials.get(section, CREATED_SETTING)
    if not created:
        return None
    try:
        created_at = parse_expiration(created)
    except ValueError:
        return None
    limit_text = credentials.get(section, MAX_AGE_SETTING)
    try:
        limit = parse_max_key_age(limit_text) if limit_text else None
    except ValueError:
        limit = None  # the default, as doctor says when it names the bad value
    return key_age(created_at, now, limit)


def _action(credentials: CredentialsFile, name: str, within: timedelta | None) -> str:
    """The command that fixes this profile, one that will not just fail in turn."""
    if not credentials.has_section(long_term_section(name)):
        return command_line("init", name)
    if credentials.holds_long_term_keys(name):
        return command_line("doctor", name)  # keys in both sections: doctor says which to keep
    return refresh_command([name], within)


def refresh_command(names: list[str], within: timedelta | None) -> str:
    """The refresh that check's verdict calls for, with the same --within when one was given."""
    options = [] if within is None else [f"--within {int(within.total_seconds())}"]
    return command_line("refresh", names, *options)


def needing_a_code(results: list[ProfileStatus]) -> list[str]:
    """The profiles a refresh would renew: those whose fix is a refresh, not init or doctor."""
    return [
        result.profile
        for result in results
        if result.status.needs_refresh and result.action.startswith("awsmfa refresh ")
    ]
