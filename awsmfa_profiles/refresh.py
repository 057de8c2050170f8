"""The daily use case: read the profile, decide, get a code, ask STS, write the session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from awsmfa_profiles import aws_config
from awsmfa_profiles.aws import Aws, AwsTarget, LongTermKeys
from awsmfa_profiles.credentials_file import CredentialsFile, locked
from awsmfa_profiles.errors import AwsError, ConfigError, MfaCodeRejected, UsageError
from awsmfa_profiles.mfa import ChooseDevice, discover_device
from awsmfa_profiles.session import Session, Status, status

DEFAULT_WITHIN = timedelta(hours=1)
DEFAULT_DURATION = timedelta(hours=12)
MIN_DURATION = timedelta(seconds=900)
MAX_DURATION = timedelta(hours=36)
CODE_ATTEMPTS = 3

Connect = Callable[[LongTermKeys, AwsTarget], Aws]
# Asked for a code for `device`; `problem` says why the previous one was not taken.
AskCode = Callable[[str, "str | None"], str]


@dataclass(frozen=True)
class RefreshOptions:
    force: bool = False
    within: timedelta = DEFAULT_WITHIN
    duration: timedelta = DEFAULT_DURATION
    device: str | None = None
    code: str | None = None
    region: str | None = None
    endpoint_url: str | None = None


@dataclass(frozen=True)
class StillValid:
    expires_at: datetime


@dataclass(frozen=True)
class Refreshed:
    session: Session
    device: str
    remembered_device: bool
    loosened_mode: int | None  # the looser mode the file had before it was tightened to 0600


@dataclass(frozen=True)
class Environment:
    """What refresh needs from the outside world, resolved at the edge."""

    credentials_path: Path
    config_path: Path
    now: Callable[[], datetime]
    connect: Connect
    ask_code: AskCode | None = None  # None: no terminal to ask on
    choose_device: ChooseDevice | None = None  # None: no terminal to choose on


def check_duration(duration: timedelta) -> timedelta:
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise UsageError(
            "--duration must be between 15 minutes (900) and 36 hours (36h)",
            hint="The default, 12h, is a working day.",
        )
    return duration


def refresh(name: str, options: RefreshOptions, env: Environment) -> Refreshed | StillValid:
    credentials = CredentialsFile.load(env.credentials_path)
    _refuse_long_term_keys_in_session(credentials, name)
    profile = credentials.long_term(name)
    if not options.force:
        expires_at = credentials.stored_session(name).expires_at
        if status(expires_at, env.now(), options.within) is Status.VALID:
            assert expires_at is not None
            return StillValid(expires_at)

    config = aws_config.profile_settings(env.config_path, name)
    if options.code is None and env.ask_code is None:
        raise UsageError(
            "no MFA code: there is no terminal to ask on",
            hint=f"Pass the code: awsmfa refresh {name} --code 123456",
        )
    aws = env.connect(
        profile.keys(),
        aws_config.aws_target(
            name,
            config,
            region=options.region,
            endpoint_url=options.endpoint_url,
            in_credentials=credentials.has_section(name),
        ),
    )
    device = options.device or aws_config.configured_device(profile, config)
    discovered = device is None
    if device is None:
        device = discover_device(aws, env.choose_device)
    session = _get_session(aws, device, options, env.ask_code)

    # Parsed again under the lock: an edit made while STS was answering is kept.
    with locked(env.credentials_path):
        credentials = CredentialsFile.load(env.credentials_path)
        _refuse_long_term_keys_in_session(credentials, name)
        credentials.long_term(name)
        credentials.set_session(name, session)
        if discovered:
            credentials.set_value(profile.section, "aws_mfa_device", device)
        loosened = credentials.save()
    return Refreshed(session, device, remembered_device=discovered, loosened_mode=loosened)


def _refuse_long_term_keys_in_session(credentials: CredentialsFile, name: str) -> None:
    if credentials.holds_long_term_keys(name):
        raise ConfigError(
            f"[{name}] in {credentials.path} holds long-term keys (no session token); "
            "awsmfa will not overwrite them",
            hint=(
                f"Rename the section header [{name}] to [{name}-long-term] "
                f"(or run `awsmfa init {name}`), then run `awsmfa refresh {name}`."
            ),
        )


def _get_session(aws: Aws, device: str, options: RefreshOptions, ask: AskCode | None) -> Session:
    problem: str | None = None
    for attempt in range(1, CODE_ATTEMPTS + 1):
        if options.code is not None:
            code = options.code
        else:
            assert ask is not None
            code = ask(device, problem)
        try:
            return aws.get_session_token(serial=device, code=code, duration=options.duration)
        except MfaCodeRejected as rejected:
            if options.code is not None or attempt == CODE_ATTEMPTS:
                raise
            problem = f"{rejected.message}. {rejected.hint}"
    raise AwsError("no MFA code was accepted")  # unreachable: the loop returns or raises
