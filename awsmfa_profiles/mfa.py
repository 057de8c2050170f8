"""MFA codes and devices: what a valid one looks like, and which device a user has."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from awsmfa_profiles.errors import ConfigError, UsageError, command_line

if TYPE_CHECKING:
    from awsmfa_profiles.aws import Aws

# What works where the STS API cannot: the console signs in with a passkey, and the AWS
# CLI (v2.32 and later) can take its credentials from there.
INSTEAD_OF_FIDO = (
    "Passkeys work in the console: `aws login` (AWS CLI v2.32 or later) signs the CLI and "
    "SDKs in through it. For awsmfa, add a virtual MFA device (an authenticator app) or a "
    "hardware TOTP token: IAM console > Users > your user > Security credentials > "
    "Assign MFA device."
)

# Picks one of several usable devices; the CLI asks on the terminal.
ChooseDevice = Callable[[list[str]], str]
# Asked for a code for `device`; `problem` says why the previous one was not taken.
AskCode = Callable[[str, "str | None"], str]

# ASCII only: \d and \w also match the digits and letters of other scripts, which an
# input method can produce and AWS refuses.
_CODE = re.compile(r"\d{6}", re.ASCII)
# Google and Microsoft Authenticator show a code as `155 925`; people type it so, or with
# a dash. A command (mfa_process) must still print the bare 6 digits.
_TYPED_CODE = re.compile(r"(\d{3})[ -]?(\d{3})", re.ASCII)
# Any partition (aws, aws-cn, aws-us-gov, ...); IAM paths allowed in the device name.
_DEVICE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]+", re.ASCII)
_ROLE_ARN = re.compile(
    r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII
)
# Serial numbers of older Gemalto hardware tokens, which predate device ARNs.
_HARDWARE_SERIAL = re.compile(r"GA[A-Z]{2}\d{8}", re.ASCII)
# AssumeRole's own constraints on RoleSessionName and ExternalId.
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)


def typed_code(text: str) -> str | None:
    """The 6 digits of a code as a person types it (`155925`, `155 925`, `155-925`)."""
    match = _TYPED_CODE.fullmatch(text.strip())
    return None if match is None else match.group(1) + match.group(2)


def check_code(text: str) -> str:
    code = typed_code(text)
    if code is None:
        raise UsageError(
            "an MFA code is exactly 6 digits, as your authenticator shows it",
            hint="Pass it as --code 123456 (or --code '123 456').",
        )
    return code


def is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text.strip()))


def check_device(text: str) -> str:
    device = text.strip()
    if not (_DEVICE_ARN.fullmatch(device) or _HARDWARE_SERIAL.fullmatch(device)):
        raise UsageError(
            f"{device!r} is not an MFA device ARN",
            hint="It looks like arn:aws:iam::123456789012:mfa/YOUR_USERNAME "
            "(IAM console > Security credentials > MFA).",
        )
    return device


def check_role_arn(text: str) -> str:
    role_arn = text.strip()
    if not _ROLE_ARN.fullmatch(role_arn):
        raise UsageError(
            f"{role_arn!r} is not an IAM role ARN",
            hint="It looks like arn:aws:iam::123456789012:role/NAME (or role/PATH/NAME).",
        )
    return role_arn


def check_role_session_name(text: str) -> str:
    if not _SESSION_NAME.fullmatch(text):
        raise UsageError(
            f"{text!r} cannot be a role session name",
            hint="Use 2 to 64 letters, digits and + = , . @ - (no spaces).",
        )
    return text


def check_external_id(text: str) -> str:
    if not _EXTERNAL_ID.fullmatch(text):
        raise UsageError(
            "the external ID must be 2 to 1224 letters, digits and + = , . @ : / -",
            hint="Copy it exactly as the role's owner gave it.",
        )
    return text


def user_name_from_arn(arn: str) -> str | None:
    """The IAM user name of a caller ARN; None for the root user, which has no name."""
    if arn.endswith(":root"):
        return None
    _, _, resource = arn.partition(":user/")
    if not resource:
        return None
    # Users can live under IAM paths: user/division/team/john.doe is john.doe.
    return resource.rsplit("/", 1)[-1]


def is_totp_device(serial: str) -> bool:
    """FIDO security keys and passkeys are listed too, but STS cannot use them."""
    return ":u2f/" not in serial


class Discovered(NamedTuple):
    """The MFA device found for the keys, and who the keys belong to."""

    device: str
    user_name: str | None  # None for the root user
    caller_arn: str


def discover_device(aws: Aws, choose: ChooseDevice | None, *, profile: str = "NAME") -> Discovered:
    """The one TOTP device of the keys' IAM user, as the guide's script found it."""
    arn = aws.caller_arn()
    owner = device_owner(arn, profile=profile)
    device = pick_device(owner, aws.list_mfa_devices(owner), choose, profile=profile)
    return Discovered(device, owner, arn)


def device_owner(arn: str, *, profile: str = "NAME") -> str | None:
    """The IAM user whose devices to list; None for the root user, who has no name."""
    user_name = user_name_from_arn(arn)
    if user_name is None and not arn.endswith(":root"):
        raise ConfigError(
            f"the long-term keys belong to {arn}, not an IAM user, so no MFA device can be found",
            hint=_naming_hint(profile),
        )
    return user_name


def pick_device(
    owner: str | None,
    devices: list[str],
    choose: ChooseDevice | None,
    *,
    profile: str = "NAME",
) -> str:
    usable = [serial for serial in devices if is_totp_device(serial)]
    who = f"IAM user {owner}" if owner else "the root user"
    if not usable and devices:
        raise ConfigError(
            f"{who} has only FIDO security keys or passkeys, which the STS API cannot use",
            hint=INSTEAD_OF_FIDO,
        )
    if not usable:
        raise ConfigError(
            f"{who} has no MFA device",
            hint=(
                "Add one: IAM console > Users > your user > Security credentials > "
                "Assign MFA device, choose Authenticator app, and follow the wizard."
            ),
        )
    if len(usable) == 1:
        return usable[0]
    if choose is None:
        listed = "\n".join(f"  {serial}" for serial in usable)
        raise UsageError(
            f"{who} has {len(usable)} MFA devices:\n{listed}",
            hint=_naming_hint(profile),
        )
    return choose(usable)


def _naming_hint(profile: str) -> str:
    return (
        f"Name the device: aws_mfa_device = ARN in [{profile}-long-term], or "
        f"`{command_line('refresh', profile, '--device ARN')}`."
    )
