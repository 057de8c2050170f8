"""The edge: defaults from the environment and values from option text, resolved once
per run and passed into the use cases as plain values."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from awsmfa_profiles.errors import UsageError
from awsmfa_profiles.session import describe_duration, parse_duration

PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def credentials_path() -> Path:
    configured = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(configured or "~/.aws/credentials").expanduser()


def config_path() -> Path:
    configured = os.environ.get("AWS_CONFIG_FILE")
    return Path(configured or "~/.aws/config").expanduser()


def profile_from_environment() -> tuple[str, str | None]:
    """$AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else `default`; and which variable it was."""
    for variable in PROFILE_VARIABLES:
        if os.environ.get(variable):
            return os.environ[variable], variable
    return "default", None


def region_from(option: str | None) -> str | None:
    """--region, else the region variables; the profile's own region is the core's fallback."""
    return option or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def interactive() -> bool:
    """Whether there is a person at a terminal to prompt."""
    return sys.stdin.isatty()


def duration(text: str | None, option_name: str) -> timedelta | None:
    """A duration option's value; UsageError naming the option when it is not one."""
    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as error:
        raise UsageError(f"{option_name}: {error}") from None


def aws_timeout(text: str | None) -> timedelta:
    """--timeout, else $AWSMFA_TIMEOUT, else the default; UsageError naming the source."""
    from awsmfa_profiles.aws import DEFAULT_TIMEOUT, TIMEOUT_RANGE, TIMEOUT_VARIABLE

    source = "--timeout"
    if text is None:
        text, source = os.environ.get(TIMEOUT_VARIABLE) or None, TIMEOUT_VARIABLE
    if text is None:
        return DEFAULT_TIMEOUT
    shortest, longest = TIMEOUT_RANGE
    value = duration(text, source)
    if value is None or not shortest <= value <= longest:
        raise UsageError(
            f"{source}: {text!r} is not between {describe_duration(shortest)} and "
            f"{describe_duration(longest)}",
            hint="Give how long AWS may take to answer, e.g. 30s or 2m.",
        )
    return value
