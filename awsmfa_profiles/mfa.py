"""MFA codes and devices: what a valid one looks like, and which device a user has."""

from __future__ import annotations

import re

from awsmfa_profiles.errors import UsageError

_CODE = re.compile(r"\d{6}")
# Any partition (aws, aws-cn, aws-us-gov, ...); IAM paths allowed in the device name.
_DEVICE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]+")
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}")
# Serial numbers of older Gemalto hardware tokens, which predate device ARNs.
_HARDWARE_SERIAL = re.compile(r"GA[A-Z]{2}\d{8}")


def check_code(text: str) -> str:
    code = text.strip()
    if not _CODE.fullmatch(code):
        raise UsageError(
            "an MFA code is exactly 6 digits, as your authenticator shows it",
            hint="Pass it as --code 123456, without spaces.",
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
