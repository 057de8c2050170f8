"""Read-only access to a profile's settings in the AWS config file (~/.aws/config), and
what they resolve to together with the credentials file and the options."""

from __future__ import annotations

import configparser
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from awsmfa_profiles.aws import DEFAULT_REGION, AwsTarget
from awsmfa_profiles.errors import ConfigError

if TYPE_CHECKING:
    from awsmfa_profiles.credentials_file import LongTermProfile


def profile_settings(config_path: Path, name: str) -> dict[str, str]:
    """The keys of `[profile NAME]` (or `[default]`), empty when the file or section is absent."""
    parser = _read(config_path)
    for section in _sections_of(name):
        if parser.has_section(section):
            return {key: value.strip() for key, value in parser.items(section)}
    return {}


def has_profile(config_path: Path, name: str) -> bool:
    """Whether `[profile NAME]` (or `[default]`) is there, settings or not."""
    parser = _read(config_path)
    return any(parser.has_section(section) for section in _sections_of(name))


def _sections_of(name: str) -> list[str]:
    return ["default", "profile default"] if name == "default" else [f"profile {name}"]


def _read(config_path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    try:
        info = config_path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return parser
    except OSError as error:
        raise ConfigError(f"cannot read {config_path}: {error}") from None
    if not stat.S_ISREG(info.st_mode) and not _is_null_device(config_path):
        # A FIFO would block the read, and botocore's after it, forever; /dev/null is the
        # usual way to say "no config file" and reads as empty.
        raise ConfigError(
            f"{config_path} is not a regular file",
            hint="Point AWS_CONFIG_FILE at an ordinary file, or at /dev/null for none.",
        )
    try:
        parser.read_string(config_path.read_text(encoding="utf-8-sig"), source=str(config_path))
    except (FileNotFoundError, NotADirectoryError):
        return parser
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {config_path}: {error}") from None
    except configparser.Error as error:
        line = getattr(error, "lineno", None)
        where = f", line {line}" if line else ""
        raise ConfigError(
            f"{config_path}{where}: cannot be parsed as an AWS config file",
            hint="Each line must be a [profile NAME] header, a key = value, or a comment.",
        ) from None
    return parser


def _is_null_device(path: Path) -> bool:
    try:
        return os.path.samefile(path, os.devnull)
    except OSError:
        return False


def aws_target(
    name: str,
    settings: dict[str, str],
    *,
    region: str | None,
    endpoint_url: str | None,
) -> AwsTarget:
    """Where requests for profile NAME go: the option (or $AWS_REGION, resolved by the
    caller), else the profile's region, else us-east-1."""
    return AwsTarget(
        region=region or settings.get("region") or DEFAULT_REGION,
        endpoint_url=endpoint_url,
        # Only a profile of the config file: botocore is never shown the credentials file.
        config_profile=name if settings else None,
    )


def configured_device(profile: LongTermProfile, settings: dict[str, str]) -> str | None:
    """The MFA device named in either file: [NAME-long-term] first, then [profile NAME]."""
    return profile.mfa_device or settings.get("mfa_serial") or None


@dataclass(frozen=True)
class RoleProfile:
    """[profile NAME] with role_arn: a role that SDKs assume themselves, from the
    credentials of `source_profile` (or of `credential_source`)."""

    name: str
    role_arn: str
    source_profile: str | None
    mfa_serial: str | None
    duration_seconds: str | None


def role_profile(config_path: Path, name: str) -> RoleProfile | None:
    """The role [profile NAME] has SDKs assume, if it names one."""
    settings = profile_settings(config_path, name)
    if not settings.get("role_arn"):
        return None
    return RoleProfile(
        name=name,
        role_arn=settings["role_arn"],
        source_profile=settings.get("source_profile") or None,
        mfa_serial=settings.get("mfa_serial") or None,
        duration_seconds=settings.get("duration_seconds") or None,
    )
