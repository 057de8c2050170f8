"""First-time setup: long-term keys into [NAME-long-term], safe modes, the MFA device noted."""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from awsmfa_profiles import aws_config
from awsmfa_profiles.aws import Aws, Connect
from awsmfa_profiles.credentials_file import (
    CredentialsFile,
    KeysConflict,
    check_profile_name,
    long_term_section,
)
from awsmfa_profiles.durable import SECURE_MODE, locked
from awsmfa_profiles.errors import AwsmfaError, ConfigError, SaveError, UsageError, command_line
from awsmfa_profiles.keys import CREATED_SETTING, LONG_TERM_PREFIX, is_temporary, mask
from awsmfa_profiles.mfa import ChooseDevice, discover_device
from awsmfa_profiles.session import format_expiration

SECURE_DIRECTORY_MODE = 0o700


@dataclass(frozen=True)
class NewKeys:
    access_key_id: str
    secret_access_key: str = field(repr=False)


# Asks for the keys on the terminal; each value already passed the checks below. It is
# given the existing profiles whose names are close to the new one: a typo, perhaps.
AskKeys = Callable[[list[str]], NewKeys]


class Action(enum.Enum):
    RENAMED = "renamed"  # [NAME] held the keys and is now [NAME-long-term]
    WRITTEN = "written"  # the keys were asked for and written to a new [NAME-long-term]
    READY = "ready"  # [NAME-long-term] was there already; the file is unchanged


@dataclass(frozen=True)
class Prepared:
    action: Action
    section: str
    access_key_id: str
    created_directory: bool = False
    tightened_directory: int | None = None  # the looser mode the directory had
    tightened_file: int | None = None  # the looser mode the file had


@dataclass(frozen=True)
class DeviceKnown:
    device: str
    recorded: bool  # False: it was already named in one of the files
    key_created: datetime | None = None  # recorded as aws_access_key_created, when learnt


@dataclass(frozen=True)
class DeviceUnknown:
    reason: str
    hint: str | None = None


def prepare(name: str, *, credentials_path: Path, ask_keys: AskKeys | None) -> Prepared:
    """Make [NAME-long-term] hold the long-term keys, and the file and its directory private."""
    check_profile_name(name)
    section = long_term_section(name)
    credentials = CredentialsFile.load(credentials_path)
    action = _next_action(credentials, name)
    keys = None
    if action is Action.WRITTEN:
        close = [] if credentials.has_section(name) else credentials.close_profiles(name)
        if ask_keys is None:
            found = (
                f"[{name}] holds no long-term keys and [{section}] is not"
                if credentials.has_section(name)
                else f"neither [{name}] nor [{section}] is"
            )
            meant = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise UsageError(
                f"{found} in {credentials_path}{meant}, and there is no terminal to ask for "
                "the keys on",
                hint=(
                    f"Run `{command_line('init', name)}` in a terminal, or add the section "
                    "yourself:\n"
                    f"  [{section}]\n  aws_access_key_id = AKIA...\n  aws_secret_access_key = ..."
                ),
            )
        # Asked before the lock is taken: a refresh elsewhere need not wait for typing.
        keys = ask_keys(close)
    created, tightened_directory = _private_directory(credentials_path.parent)
    with locked(credentials_path):
        credentials = CredentialsFile.load(credentials_path)
        if _next_action(credentials, name) is not action:
            raise ConfigError(
                f"{credentials_path} changed while awsmfa init was running; it was left as it is",
                hint=f"Run `{command_line('init', name)}` again.",
            )
        if action is Action.RENAMED:
            credentials.rename_section(name, section)
        elif keys is not None:
            credentials.set_value(section, "aws_access_key_id", keys.access_key_id)
            credentials.set_value(section, "aws_secret_access_key", keys.secret_access_key)
        if action is Action.READY:
            tightened_file = _private_file(credentials_path)
        else:
            tightened_file = credentials.save()
    return Prepared(
        action=action,
        section=section,
        access_key_id=credentials.long_term(name).access_key_id,
        created_directory=created,
        tightened_directory=tightened_directory,
        tightened_file=tightened_file,
    )


def record_device(
    name: str,
    *,
    credentials_path: Path,
    config_path: Path,
    connect: Connect,
    region: str | None,
    endpoint_url: str | None,
    choose: ChooseDevice | None,
) -> DeviceKnown | DeviceUnknown:
    """Find the MFA device as refresh would and note it; no failure here fails init."""
    credentials = CredentialsFile.load(credentials_path)
    profile = credentials.long_term(name)
    try:
        settings = aws_config.profile_settings(config_path, name)
        configured = aws_config.configured_device(profile, settings)
        if configured:
            return DeviceKnown(configured, recorded=False)
        aws = connect(
            profile.keys(),
            aws_config.aws_target(
                name,
                settings,
                region=region,
                endpoint_url=endpoint_url,
            ),
        )
        found = discover_device(aws, choose, profile=name)
        device, owner = found.device, found.user_name
    except SaveError:
        raise
    except AwsmfaError as error:
        return DeviceUnknown(error.message, error.hint)
    created = _key_created(aws, owner, profile.access_key_id)
    with locked(credentials_path):
        credentials = CredentialsFile.load(credentials_path)
        current = credentials.long_term(name)
        if current.mfa_device:  # noted by a refresh that ran meanwhile
            return DeviceKnown(current.mfa_device, recorded=False)
        credentials.set_value(current.section, "aws_mfa_device", device)
        if created is not None and current.access_key_id == profile.access_key_id:
            credentials.set_value(current.section, CREATED_SETTING, format_expiration(created))
        else:
            created = None
        credentials.save()
    return DeviceKnown(device, recorded=True, key_created=created)


def _key_created(aws: Aws, owner: str | None, key_id: str) -> datetime | None:
    """When IAM made the key, for doctor and check to tell its age; None when IAM will
    not say (a user with MFA enforced may list keys only from an MFA session)."""
    if owner is None:
        return None
    try:
        listed = aws.list_access_keys(owner)
    except AwsmfaError:
        return None
    return next((key.created_at for key in listed if key.access_key_id == key_id), None)


def _next_action(credentials: CredentialsFile, name: str) -> Action:
    section = long_term_section(name)
    conflict = credentials.keys_conflict(name)
    if credentials.has_section(section):
        credentials.long_term(name)  # both keys must be there for it to be ready
        if conflict is KeysConflict.IN_BOTH:
            raise ConfigError(
                f"both [{name}] and [{section}] in {credentials.path} hold long-term keys; "
                "awsmfa init will not choose between them",
                hint=(
                    f"Keep the keys you use in [{section}], delete the [{name}] section, "
                    f"then run `{command_line('refresh', name)}`."
                ),
            )
        return Action.READY
    if conflict is None:
        return Action.WRITTEN
    key_id = (credentials.get(name, "aws_access_key_id") or "").strip()
    if not (credentials.get(name, "aws_secret_access_key") or "").strip():
        raise ConfigError(
            f"[{name}] in {credentials.path} has aws_access_key_id but no aws_secret_access_key",
            hint=f"Add the secret access key to [{name}], then run "
            f"`{command_line('init', name)}` again.",
        )
    if is_temporary(key_id):
        raise ConfigError(
            f"[{name}] in {credentials.path} holds a temporary access key ({mask(key_id)}) "
            "without its session token, not long-term keys",
            hint=(
                f"Delete the [{name}] section and run `{command_line('init', name)}` again "
                "to enter "
                f"an access key of your IAM user ({LONG_TERM_PREFIX}...)."
            ),
        )
    return Action.RENAMED


def _private_directory(directory: Path) -> tuple[bool, int | None]:
    """Create the directory 0700, or take group and other access away from ~/.aws.

    Only a directory named .aws is tightened: AWS_SHARED_CREDENTIALS_FILE may point into
    a directory shared with other things (a home directory), which is not ours to change.
    """
    try:
        if not directory.exists():
            directory.mkdir(mode=SECURE_DIRECTORY_MODE, parents=True)
            os.chmod(directory, SECURE_DIRECTORY_MODE)  # mkdir's mode is filtered by umask
            return True, None
        mode = stat.S_IMODE(directory.stat().st_mode)
        if directory.name != ".aws" or not mode & 0o077:
            return False, None
        os.chmod(directory, mode & ~0o077)
    except OSError as error:
        raise SaveError(f"cannot make {directory} private: {error.strerror or error}") from None
    return False, mode


def _private_file(path: Path) -> int | None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if not mode & 0o077:
            return None
        os.chmod(path, SECURE_MODE)
    except OSError as error:
        raise SaveError(f"cannot make {path} private: {error.strerror or error}") from None
    return mode
