"""aws-mfa's conventions, taken with aws-mfa's meaning: its MFA_DEVICE, MFA_STS_DURATION
and MFA_ASSUME_ROLE variables, and the section names its suffix options make.

Many shell profiles and scripts still set them. Unlike aws-mfa, which lets MFA_DEVICE and
MFA_ASSUME_ROLE override the credentials file, awsmfa lets options and files win: what is
written in the file is what `doctor` and every other tool see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import NamedTuple

from awsmfa_profiles.errors import ConfigError, UsageError
from awsmfa_profiles.settings import Setting

DEVICE = "MFA_DEVICE"
DURATION = "MFA_STS_DURATION"
ROLE = "MFA_ASSUME_ROLE"
_UNSET = "it is aws-mfa's variable, set in your shell; fix it, or `unset {}`"


class Variables(NamedTuple):
    """aws-mfa's variables as the environment sets them; empty means unset, as in aws-mfa."""

    device: str | None = None
    duration: str | None = None
    role_arn: str | None = None

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Variables:
        return cls(
            device=environ.get(DEVICE) or None,
            duration=environ.get(DURATION) or None,
            role_arn=environ.get(ROLE) or None,
        )

    def checked_device(self) -> str | None:
        from awsmfa_profiles.mfa import check_device

        return None if self.device is None else _checked(DEVICE, self.device, check_device)

    def checked_role_arn(self) -> str | None:
        from awsmfa_profiles.mfa import check_role_arn

        return None if self.role_arn is None else _checked(ROLE, self.role_arn, check_role_arn)

    def duration_setting(self) -> Setting | None:
        """MFA_STS_DURATION as the session length it asks for, naming itself as the source."""
        length = self.checked_duration()
        return None if length is None else Setting(length, f"${DURATION}")

    def checked_duration(self) -> timedelta | None:
        """MFA_STS_DURATION: seconds, as aws-mfa reads it (awsmfa's units work too)."""
        from awsmfa_profiles.session import parse_duration

        if self.duration is None:
            return None
        try:
            return parse_duration(self.duration)
        except ValueError as error:
            raise ConfigError(f"${DURATION}: {error}", hint=_hint(DURATION)) from None


def _checked(variable: str, value: str, check: Callable[[str], str]) -> str:
    try:
        return check(value)
    except UsageError as error:
        raise ConfigError(f"${variable}: {error.message}", hint=_hint(variable)) from None


def _hint(variable: str) -> str:
    return f"${variable} is read because no option or file names it; " + _UNSET.format(variable)


def suffixed_sections(
    profile: str, long_term_suffix: str | None, short_term_suffix: str | None
) -> tuple[str, str]:
    """The session section and the long-term section, as aws-mfa's suffix options name them.

    No suffix: [PROFILE] and [PROFILE-long-term]; `none` (any case) means no suffix at all;
    any other suffix is joined with a dash.
    """
    if long_term_suffix is None:
        long_term = f"{profile}-long-term"
    elif long_term_suffix.lower() == "none":
        long_term = profile
    else:
        long_term = f"{profile}-{long_term_suffix}"
    if short_term_suffix is None or short_term_suffix.lower() == "none":
        session = profile
    else:
        session = f"{profile}-{short_term_suffix}"
    if session == long_term:
        raise UsageError(
            f"--long-term-suffix and --short-term-suffix both name [{session}]",
            hint="The keys and the session need sections of their own: change one suffix.",
        )
    return session, long_term
