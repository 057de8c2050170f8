"""A profile's own session length and renewal margin: `duration` and `within` in
[NAME-long-term], the options that win over them, and where each value came from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import NamedTuple

from awsmfa_profiles.credentials_file import CredentialsFile, long_term_section
from awsmfa_profiles.errors import ConfigError, UsageError
from awsmfa_profiles.session import SessionKind, describe_duration, parse_duration

MIN_DURATION = timedelta(minutes=15)
DURATION_KEY = "duration"
WITHIN_KEY = "within"


class Setting(NamedTuple):
    """A value, and where it came from in words: `--duration`, `duration in [x-long-term]`."""

    value: timedelta
    source: str


def session_length(
    section: str,
    values: Mapping[str, str],
    option: timedelta | None,
    kind: SessionKind,
    *,
    fallback: Callable[[], Setting | None] | None = None,
) -> Setting:
    """How long a new session of this profile lasts: the option, else the file, else
    `fallback` (aws-mfa's MFA_STS_DURATION, read only when needed), else the kind's
    default. A value out of the kind's range is refused, naming where it is set."""
    if option is not None:
        if not _in_range(option, kind):
            longest = _longest_hours(kind)
            raise UsageError(
                f"--duration of {kind.label} must be between 15 minutes and {longest} hours "
                f"(15m to {longest}h, or 900 to {longest * 3600} seconds)",
                hint=f"Leave it out for the default, {describe_duration(kind.default_duration)}.",
            )
        return Setting(option, "--duration")
    found = _from_file(section, values, DURATION_KEY)
    if found is None and fallback is not None:
        variable = fallback()
        if variable is not None and not _in_range(variable.value, kind):
            longest = _longest_hours(kind)
            raise ConfigError(
                f"{variable.source} asks for {describe_duration(variable.value)}, but "
                f"{kind.label} lasts 15 minutes to {longest} hours",
                hint=f"`unset {variable.source.lstrip('$')}` for the default, "
                f"{describe_duration(kind.default_duration)}, or pass --duration.",
            )
        found = variable
    if found is None:
        return Setting(kind.default_duration, f"the default for {kind.label}")
    if not _in_range(found.value, kind):
        longest = _longest_hours(kind)
        raise ConfigError(
            f"[{section}] {DURATION_KEY} = {values[DURATION_KEY].strip()}: {kind.label} lasts "
            f"15 minutes to {longest} hours",
            hint=f"Set {DURATION_KEY} between 15m and {longest}h in [{section}], or delete the "
            f"line for the default, {describe_duration(kind.default_duration)}.",
        )
    return found


def renewal_margin(
    section: str, values: Mapping[str, str], option: timedelta | None, kind: SessionKind
) -> Setting:
    """A session with less than this left is renewed (and `expiring` to check): the
    option, else the file, else the kind's margin."""
    if option is not None:
        return Setting(option, "--within")
    found = _from_file(section, values, WITHIN_KEY)
    if found is None:
        return Setting(kind.default_within, f"the default for {kind.label}")
    return found


def profile_margin(credentials: CredentialsFile, name: str, within: timedelta | None) -> Setting:
    """The renewal margin of profile NAME as the file holds it, for the commands that read
    no [NAME-long-term] keys (check, export, doctor)."""
    section = long_term_section(name)
    return renewal_margin(
        section, credentials.items(section), within, credentials.session_kind(name)
    )


def _from_file(section: str, values: Mapping[str, str], key: str) -> Setting | None:
    raw = values.get(key)
    if raw is None or not raw.strip():
        return None
    try:
        value = parse_duration(raw)
    except ValueError as error:
        raise ConfigError(
            f"[{section}] {key}: {error}",
            hint=f"Write it as the --{key} option takes it (3600, 90m, 12h, 1h30m), or delete "
            f"the line of {key} in [{section}].",
        ) from None
    return Setting(value, f"{key} in [{section}]")


def _in_range(value: timedelta, kind: SessionKind) -> bool:
    return MIN_DURATION <= value <= kind.max_duration


def _longest_hours(kind: SessionKind) -> int:
    return int(kind.max_duration.total_seconds() // 3600)
