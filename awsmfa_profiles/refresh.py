"""The daily use case: read the profile, decide, get a code, ask STS, write the session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from awsmfa_profiles import aws_config
from awsmfa_profiles.aws import DEFAULT_REGION, Aws, AwsTarget, LongTermKeys
from awsmfa_profiles.codes import run_mfa_process
from awsmfa_profiles.credentials_file import CredentialsFile, locked
from awsmfa_profiles.errors import AwsError, ConfigError, MfaCodeRejected, UsageError
from awsmfa_profiles.mfa import is_totp_device, user_name_from_arn
from awsmfa_profiles.session import Session, Status, status

DEFAULT_WITHIN = timedelta(hours=1)
DEFAULT_DURATION = timedelta(hours=12)
MIN_DURATION = timedelta(seconds=900)
MAX_DURATION = timedelta(hours=36)
CODE_ATTEMPTS = 3

Connect = Callable[[LongTermKeys, AwsTarget], Aws]
# Asked for a code for `device`; `problem` says why the previous one was not taken.
AskCode = Callable[[str, "str | None"], str]
ChooseDevice = Callable[[list[str]], str]


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
    # --code beats mfa_process, which beats the prompt (aws-vault's order).
    mfa_process = profile.settings.get("mfa_process") or config.get("mfa_process") or None
    if options.code is None and mfa_process is None and env.ask_code is None:
        raise UsageError(
            "no MFA code: there is no terminal to ask on",
            hint=f"Pass the code: awsmfa refresh {name} --code 123456, "
            f"or set mfa_process = COMMAND in [{profile.section}].",
        )
    aws = env.connect(
        LongTermKeys(profile.access_key_id, profile.secret_access_key, f"[{profile.section}]"),
        AwsTarget(
            region=options.region or config.get("region") or DEFAULT_REGION,
            endpoint_url=options.endpoint_url,
            config_profile=name if (config or credentials.has_section(name)) else None,
        ),
    )
    device = options.device or profile.mfa_device or config.get("mfa_serial") or None
    discovered = device is None
    if device is None:
        device = _discover_device(aws, env.choose_device)
    session = _get_session(aws, device, options, mfa_process, env.ask_code)

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


def _discover_device(aws: Aws, choose: ChooseDevice | None) -> str:
    arn = aws.caller_arn()
    user_name = user_name_from_arn(arn)
    if user_name is None and not arn.endswith(":root"):
        raise ConfigError(
            f"the long-term keys belong to {arn}, not an IAM user, so no MFA device can be found",
            hint="Name the device with --device ARN or aws_mfa_device in [NAME-long-term].",
        )
    devices = aws.list_mfa_devices(user_name)
    usable = [serial for serial in devices if is_totp_device(serial)]
    who = f"IAM user {user_name}" if user_name else "the root user"
    if not usable and devices:
        raise ConfigError(
            f"{who} has only FIDO security keys or passkeys, which the STS API cannot use",
            hint=(
                "Add a virtual MFA device (an authenticator app) or a hardware TOTP token: "
                "IAM console > Users > your user > Security credentials > Assign MFA device."
            ),
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
            hint="Choose one with --device ARN, or set aws_mfa_device = ARN in [NAME-long-term].",
        )
    return choose(usable)


def _get_session(
    aws: Aws,
    device: str,
    options: RefreshOptions,
    mfa_process: str | None,
    ask: AskCode | None,
) -> Session:
    if options.code is not None:
        return aws.get_session_token(serial=device, code=options.code, duration=options.duration)
    if mfa_process is not None:
        # Not retried: the command would print the same, now used, code again.
        code = run_mfa_process(mfa_process)
        return aws.get_session_token(serial=device, code=code, duration=options.duration)
    assert ask is not None
    problem: str | None = None
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            code = ask(device, problem)
            return aws.get_session_token(serial=device, code=code, duration=options.duration)
        except MfaCodeRejected as rejected:
            if attempt == CODE_ATTEMPTS:
                raise
            problem = f"{rejected.message}. {rejected.hint} (attempt {attempt + 1} of 3)"
    raise AwsError("no MFA code was accepted")  # unreachable: the loop returns or raises
