"""The edge: where defaults come from the environment, resolved once per run and passed
into the use cases as plain values."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


@dataclass
class Invocation:
    """What one run learned while parsing its command line, for the error boundary."""

    debug: bool = False
    # The variable the profile name was taken from, when the user typed none.
    profile_variable: str | None = None
    # True when no name was typed and no variable named one, so `default` was used.
    profile_defaulted: bool = False


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
