"""The daily use case: read the profile, decide, get a code, ask STS, write the session."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from awsmfa_profiles.compat import Variables
from awsmfa_profiles.credentials_file import (
    PRINCIPAL_KEY,
    CredentialsFile,
    LongTermProfile,
    check_profile_name,
    long_term_section,
)
from awsmfa_profiles.errors import (
    AwsError,
    AwsmfaError,
    ConfigError,
    MfaCodeRejected,
    SaveError,
    UsageError,
    WriteFailed,
    command_line,
)
from awsmfa_profiles.keys import check_access_key_id
from awsmfa_profiles.mfa import (
    check_device,
    check_external_id,
    check_role_arn,
    check_role_session_name,
)
from awsmfa_profiles.session import (
    ROLE_SESSION,
    USER_SESSION,
    Session,
    SessionKind,
    Status,
    is_role_principal,
    serves,
    status,
)
from awsmfa_profiles.settings import renewal_margin, session_length

# What talks to AWS, reads the config file or writes files is imported where it is used,
# so that still_valid(), a login script's refresh with nothing to do, loads none of it.
if TYPE_CHECKING:
    from awsmfa_profiles.aws import Aws, AwsTarget, Connect
    from awsmfa_profiles.mfa import AskCode, ChooseDevice
    from awsmfa_profiles.mfa_process import Relay

_WILL_NOT_OVERWRITE = "awsmfa will not overwrite them"
CODE_ATTEMPTS = 3


class RefreshOptions(NamedTuple):
    force: bool = False
    within: timedelta | None = None  # None: the margin of the session kind
    duration: timedelta | None = None  # None: the default of the session kind
    device: str | None = None
    code: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    role_arn: str | None = None
    role_session_name: str | None = None
    external_id: str | None = None
    dotenv: Path | None = None  # a .env file to keep in step with the session
    long_term_section: str | None = None  # None: [NAME-long-term]; else as aws-mfa names it


class StillValid(NamedTuple):
    expires_at: datetime


class Refreshed(NamedTuple):
    session: Session
    device: str
    remembered_device: bool
    loosened_mode: int | None  # the looser mode the file had before it was tightened to 0600
    role_arn: str | None = None
    long_term_section: str | None = None  # where a remembered device went; None: [NAME-long-term]


class Environment(NamedTuple):
    """What refresh needs from the outside world, resolved at the edge."""

    credentials_path: Path
    config_path: Path
    now: Callable[[], datetime]
    connect: Connect
    ask_code: AskCode | None = None  # None: no terminal to ask on
    choose_device: ChooseDevice | None = None  # None: no terminal to choose on
    # Shows mfa_process's stderr as it comes (a YubiKey's "Touch your YubiKey...").
    relay_process_stderr: Relay | None = None
    # aws-mfa's, used where no option or file says.
    variables: Variables = Variables()


class Plan(NamedTuple):
    """Everything about one profile's refresh that is known before AWS is asked."""

    profile: LongTermProfile
    kind: SessionKind
    duration: timedelta
    role_arn: str | None
    session_name: str | None
    external_id: str | None
    device: str | None  # None: to be discovered, then remembered
    mfa_process: str | None
    process_source: str  # where mfa_process is set, for its messages
    target: AwsTarget

    @property
    def name(self) -> str:
        return self.profile.name


def refresh(name: str, options: RefreshOptions, env: Environment) -> Refreshed | StillValid:
    from awsmfa_profiles.durable import check_writable, locked
    from awsmfa_profiles.export import read_output
    from awsmfa_profiles.mfa import discover_device
    from awsmfa_profiles.mfa_process import run_mfa_process

    check_profile_name(name)
    if options.dotenv is not None:
        # Refused now, before a code is asked for, if it could never be updated.
        read_output(options.dotenv, aws_files=(env.credentials_path, env.config_path))
        check_writable(options.dotenv, lock_file=False)
    credentials = CredentialsFile.load(env.credentials_path)
    planned = plan(name, options, env, credentials)
    if isinstance(planned, StillValid):
        return planned
    aws = env.connect(planned.profile.keys(), planned.target)
    device, user_name, caller_arn = planned.device, None, None
    if device is None:
        found = discover_device(aws, env.choose_device, profile=name)
        device, user_name, caller_arn = found.device, found.user_name, found.caller_arn
    from_process = (
        None
        if planned.mfa_process is None
        else lambda: run_mfa_process(
            planned.mfa_process or "",
            source=planned.process_source,
            relay=env.relay_process_stderr,
        )
    )
    session = _with_code(
        lambda code: request_session(aws, planned, device, user_name, code),
        device,
        options.code,
        from_process,
        env.ask_code,
    )
    try:
        with locked(env.credentials_path):
            loosened = write_session(credentials, planned, session, device, caller_arn)
    except WriteFailed as failure:
        raise failure.about("the new session") from None
    return Refreshed(
        session,
        device,
        remembered_device=planned.device is None,
        loosened_mode=loosened,
        role_arn=planned.role_arn,
        long_term_section=planned.profile.section,
    )


def still_valid(
    name: str,
    options: RefreshOptions,
    *,
    credentials_path: Path,
    config_path: Path,
    variables: Variables,
    now: Callable[[], datetime],
) -> StillValid | None:
    """What refresh() answers before it reads the config file, asks for a code or loads
    the AWS SDK: StillValid when [NAME] needs no new session, after the same checks; None
    when it needs one."""
    check_profile_name(name)
    credentials = CredentialsFile.load(credentials_path)
    checked = _check(name, options, config_path, variables, credentials)
    return _still_valid(name, checked, options, credentials, now)


class _Checked(NamedTuple):
    """What the file, the options and aws-mfa's variables settle about a profile first."""

    profile: LongTermProfile
    kind: SessionKind
    duration: timedelta
    role_arn: str | None
    session_name: str | None
    external_id: str | None


def _check(
    name: str,
    options: RefreshOptions,
    config_path: Path,
    variables: Variables,
    credentials: CredentialsFile,
) -> _Checked:
    check_profile_name(name)
    credentials.refuse_long_term_keys(name, refusing=_WILL_NOT_OVERWRITE)
    if not credentials.has_section(options.long_term_section or long_term_section(name)):
        _refuse_role_profile(name, config_path)
    profile = credentials.long_term(name, options.long_term_section)
    try:
        check_access_key_id(profile.access_key_id)
    except UsageError as error:
        raise ConfigError(
            f"[{profile.section}] in {credentials.path}: {error.message}", hint=error.hint
        ) from None
    role_arn = options.role_arn or profile.role_arn or variables.checked_role_arn()
    session_name = options.role_session_name or profile.settings.get("role_session_name")
    external_id = options.external_id or profile.settings.get("external_id") or None
    if role_arn is not None:
        check_role_arn(role_arn)
        if session_name:
            check_role_session_name(session_name)
        if external_id:
            check_external_id(external_id)
    kind = ROLE_SESSION if role_arn else USER_SESSION
    duration = session_length(
        profile.section,
        profile.settings,
        options.duration,
        kind,
        fallback=variables.duration_setting,
    ).value
    return _Checked(profile, kind, duration, role_arn, session_name, external_id)


def _still_valid(
    name: str,
    checked: _Checked,
    options: RefreshOptions,
    credentials: CredentialsFile,
    now: Callable[[], datetime],
) -> StillValid | None:
    if options.force:
        return None
    profile = checked.profile
    within = renewal_margin(profile.section, profile.settings, options.within, checked.kind).value
    try:
        stored = credentials.stored_session(name)
    except ConfigError:
        return None  # an unreadable expiration is renewed like a missing one
    # A session recorded for another role (or for none) is not this one's to reuse.
    if not serves(stored.principal_arn, checked.role_arn, file_role=profile.role_arn):
        return None
    expires_at = stored.expires_at
    if expires_at is None or status(expires_at, now(), within) is not Status.VALID:
        return None
    return StillValid(expires_at)


def plan(
    name: str, options: RefreshOptions, env: Environment, credentials: CredentialsFile
) -> Plan | StillValid:
    """Check everything that can be checked without AWS, so that no code is used up for a
    refresh that could not be written; StillValid when no refresh is needed."""
    checked = _check(name, options, env.config_path, env.variables, credentials)
    valid = _still_valid(name, checked, options, credentials, env.now)
    if valid is not None:
        return valid
    from awsmfa_profiles import aws_config
    from awsmfa_profiles.durable import check_writable

    profile, role_arn = checked.profile, checked.role_arn
    config = aws_config.profile_settings(env.config_path, name)
    # --code beats mfa_process, which beats the prompt (aws-vault's order).
    mfa_process = profile.settings.get("mfa_process") or config.get("mfa_process") or None
    process_source = (
        f"[{profile.section}]"
        if profile.settings.get("mfa_process")
        else f"[profile {name}] of {env.config_path}"
    )
    if options.code is None and mfa_process is None and env.ask_code is None:
        raise UsageError(
            "no MFA code: there is no terminal to ask on",
            hint=f"Pass the code: {command_line('refresh', name, '--code 123456')}, "
            f"or set mfa_process = COMMAND in [{profile.section}].",
        )
    device = (
        options.device
        or _configured_device(profile, config, env.config_path)
        or env.variables.checked_device()
    )
    # Everything that can be known without AWS is settled before a code is used up.
    credentials.preview(name, remember_device=device is None, long_term=profile.section)
    check_writable(env.credentials_path)
    target = aws_config.aws_target(
        name, config, region=options.region, endpoint_url=options.endpoint_url
    )
    return Plan(
        profile=profile,
        kind=checked.kind,
        duration=checked.duration,
        role_arn=role_arn,
        session_name=checked.session_name,
        external_id=checked.external_id,
        device=device,
        mfa_process=mfa_process,
        process_source=process_source,
        target=target,
    )


def request_session(
    aws: Aws, planned: Plan, device: str, user_name: str | None, code: str
) -> Session:
    """The one STS call a code is spent on: GetSessionToken, or AssumeRole for a role."""
    from awsmfa_profiles.aws import RoleRequest

    if planned.role_arn is None:
        return aws.get_session_token(serial=device, code=code, duration=planned.duration)
    role = RoleRequest(
        role_arn=planned.role_arn,
        session_name=planned.session_name or role_session_name(user_name, device),
        duration=planned.duration,
        external_id=planned.external_id,
    )
    return aws.assume_role(role, serial=device, code=code)


def write_session(
    credentials: CredentialsFile,
    planned: Plan,
    session: Session,
    device: str,
    caller_arn: str | None = None,
) -> int | None:
    """Save the session into [NAME] (and a discovered device into [NAME-long-term]); the
    caller holds the lock. `caller_arn` is the user discovery found, if it ran. Returns
    the looser mode the file had, if any."""
    name = planned.name
    # Parsed again under the lock: an edit made while STS was answering is kept.
    current = credentials.reload()
    current.refuse_long_term_keys(name, refusing=_WILL_NOT_OVERWRITE)
    current.long_term(name, planned.profile.section_name)
    previous = current.get(name, PRINCIPAL_KEY)
    principal = planned.role_arn or _user_principal(previous, caller_arn, device)
    current.set_session(name, session, principal_arn=principal)
    if planned.device is None:
        current.set_value(planned.profile.section, "aws_mfa_device", device)
    return current.save()


def update_dotenv(
    name: str,
    outcome: Refreshed | StillValid,
    *,
    path: Path,
    credentials_path: Path,
    config_path: Path,
    now: datetime,
) -> int | None:
    """Merge the session into the .env file at `path`, whether it is new or still valid.

    Whoever passes --dotenv wants the .env current, whether or not STS was asked. Returns
    the looser mode the file had, if any. The credentials file is saved by then, so a
    failure says so, and how to finish without a new code.
    """
    from awsmfa_profiles.export import Format, current_session, write_output

    if isinstance(outcome, Refreshed):
        session = outcome.session
    else:
        session = current_session(name, credentials_path=credentials_path, now=now).session
    try:
        return write_output(path, session, Format.DOTENV, aws_files=(credentials_path, config_path))
    except AwsmfaError as error:
        retry = command_line(
            "export", name, "--format dotenv", f"--output {shlex.quote(str(path))}"
        )
        again = (
            f"Once it can be written, `{retry}` updates it from {credentials_path}; "
            "no new code is needed."
        )
        raise SaveError(
            f"[{name}] is saved, but the .env was not updated: {error.message}",
            hint=f"{error.hint}\n{again}" if error.hint else again,
        ) from None


def role_session_name(user_name: str | None, device: str) -> str:
    """The IAM user's name when known, else the MFA device's name (IAM's default is the user's).

    AssumeRole allows 2 to 64 characters of letters, digits and +=,.@-.
    """
    candidate = user_name or (device.rsplit("/", 1)[-1] if ":mfa/" in device else "")
    cleaned = re.sub(r"[^\w+=,.@-]", "-", candidate)[:64]
    return cleaned if len(cleaned) >= 2 else "awsmfa"


def _user_principal(previous: str | None, found: str | None, device: str) -> str | None:
    """The user a new plain session belongs to, as far as awsmfa knows without asking AWS.

    Discovery names the user; later refreshes make one request only, and keep the user
    recorded before, unless it was a role's or another account's.
    """
    if found:
        return found
    previous = (previous or "").strip()
    if not previous or is_role_principal(previous):
        return None
    device_account = device.split(":")[4] if device.startswith("arn:") else None
    previous_account = previous.split(":")[4] if previous.count(":") >= 5 else None
    if device_account is not None and device_account != previous_account:
        return None
    return previous


def _refuse_role_profile(name: str, config_path: Path) -> None:
    """A role profile of the config file has no keys of its own: its session is the source's."""
    from awsmfa_profiles import aws_config

    try:
        role = aws_config.role_profile(config_path, name)
    except ConfigError:
        return  # the missing [NAME-long-term] is the clearer message
    if role is None or role.source_profile is None:
        return
    source = role.source_profile
    raise ConfigError(
        f"[profile {name}] in {config_path} is a role profile: SDKs assume {role.role_arn} "
        f"themselves, with the credentials of [{source}]",
        hint=f"Refresh the session it rides on: {command_line('refresh', source)} "
        f"(`{command_line('doctor', name)}` explains the profile).",
    )


def _configured_device(
    profile: LongTermProfile, config: dict[str, str], config_path: Path
) -> str | None:
    """The device the files name, checked like --device, with where it was found."""
    from awsmfa_profiles import aws_config

    device = aws_config.configured_device(profile, config)
    if device is None:
        return None
    if profile.mfa_device:
        source = f"the MFA device in [{profile.section}]"
    else:
        source = f"mfa_serial in [profile {profile.name}] of {config_path}"
    try:
        return check_device(device)
    except UsageError as error:
        raise ConfigError(f"{source}: {error.message}", hint=error.hint) from None


def _with_code(
    request: Callable[[str], Session],
    device: str,
    code: str | None,
    from_process: Callable[[], str] | None,
    ask: AskCode | None,
) -> Session:
    if code is not None:
        return request(code)
    if from_process is not None:
        # Not retried: the command would print the same, now used, code again.
        return request(from_process())
    assert ask is not None
    problem: str | None = None
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            return request(ask(device, problem))
        except MfaCodeRejected as rejected:
            if attempt == CODE_ATTEMPTS:
                raise
            problem = (
                f"{rejected.message}. {rejected.hint} (attempt {attempt + 1} of {CODE_ATTEMPTS})"
            )
    raise AwsError("no MFA code was accepted")  # unreachable: the loop returns or raises
