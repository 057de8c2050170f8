"""Refreshing several profiles in one run (`refresh NAME...`, `refresh --all`).

Each profile is planned as `refresh` plans one, so whatever can be refused without AWS is
refused before any request. Then one STS request is made per distinct need: sections that
hold the same long-term keys and ask for the same plain session share one
GetSessionToken answer and one code; each role is assumed with its own code. A device
whose code was just spent waits for its next 30-second window, since AWS accepts a code
once. One profile's failure is its own result and never stops the others; the file is
locked once, from the first write to the last, and each write keeps everything else.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from awsmfa_profiles.aws import Aws, AwsTarget
from awsmfa_profiles.credentials_file import CredentialsFile
from awsmfa_profiles.durable import locked
from awsmfa_profiles.errors import (
    AwsError,
    AwsmfaError,
    ConfigError,
    ExitStatus,
    Interrupted,
    MfaCodeRejected,
    MfaProcessError,
    UsageError,
    WriteFailed,
)
from awsmfa_profiles.mfa import Discovered, discover_device
from awsmfa_profiles.mfa_process import run_mfa_process
from awsmfa_profiles.refresh import (
    CODE_ATTEMPTS,
    Environment,
    Plan,
    Refreshed,
    RefreshOptions,
    StillValid,
    plan,
    request_session,
    write_session,
)
from awsmfa_profiles.session import Session

# An authenticator shows a new code every 30 seconds (RFC 6238's default step, which
# AWS's virtual and hardware TOTP devices use).
TOTP_STEP = 30.0
# Waited beyond the window's end, for a device whose clock runs a little behind ours.
TOTP_SLACK = 1.0


@dataclass(frozen=True)
class ProfileResult:
    """What became of one profile: refreshed, still valid, or the error that stopped it."""

    profile: str
    outcome: Refreshed | StillValid | None = None
    error: AwsmfaError | None = None

    @property
    def exit_status(self) -> int:
        return ExitStatus.OK if self.error is None else self.error.exit_status


@dataclass(frozen=True)
class Progress:
    """How the run reports while it works; the CLI prints, tests record."""

    result: Callable[[ProfileResult], None]
    # Before waiting `seconds` for a device's next code: the device and its profiles.
    waiting: Callable[[str, float, list[str]], None]
    sleep: Callable[[float], None]


@dataclass
class _Request:
    """One STS call and the one code it spends, for every profile it serves."""

    plans: list[Plan]
    device: str
    user_name: str | None
    aws: Aws
    caller_arn: str | None = None  # the user discovery found, if it ran

    @property
    def names(self) -> list[str]:
        return [planned.name for planned in self.plans]


@dataclass
class _Codes:
    """The code last sent for each device, and in which 30-second window."""

    now: Callable[[], datetime]
    progress: Progress
    used: dict[str, tuple[int, str]] = field(default_factory=dict)

    def wait_for_new_code(self, device: str, names: list[str]) -> None:
        if device not in self.used:
            return
        window, _ = self.used[device]
        ready = (window + 1) * TOTP_STEP + TOTP_SLACK  # when the device shows a new code
        seconds = ready - self.now().timestamp()
        if seconds <= 0:
            return
        self.progress.waiting(device, seconds, names)
        self.progress.sleep(seconds)

    def spend(self, device: str, code: str) -> None:
        self.used[device] = (math.floor(self.now().timestamp() / TOTP_STEP), code)

    def just_used(self, device: str, code: str) -> bool:
        return device in self.used and self.used[device][1] == code


def refresh_many(
    names: list[str] | None,
    options: RefreshOptions,
    env: Environment,
    progress: Progress,
) -> list[ProfileResult]:
    """Refresh each of `names` (None: every profile with a [NAME-long-term]); one result
    per profile, in the order named. Interrupted says which profiles were saved."""
    _refuse_single_profile_options(options)
    credentials = CredentialsFile.load(env.credentials_path)
    names = _names(names, credentials)
    results: dict[str, ProfileResult] = {}

    def done(result: ProfileResult) -> None:
        results[result.profile] = result
        progress.result(result)

    plans: list[Plan] = []
    for name in names:
        try:
            planned = plan(name, options, env, credentials)
        except AwsmfaError as error:
            done(ProfileResult(name, error=error))
            continue
        if isinstance(planned, StillValid):
            done(ProfileResult(name, outcome=planned))
        else:
            plans.append(planned)
    _check_one_code_is_enough(plans, options)
    codes = _Codes(env.now, progress)
    try:
        with _Writer(credentials) as writer:
            for request in _requests(plans, env, done):
                _serve(request, options, env, codes, writer, done)
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(_interrupted(names, results)) from None
    return [results[name] for name in names]


def _refuse_single_profile_options(options: RefreshOptions) -> None:
    for given, option in (
        (options.role_arn, "--role-arn"),
        (options.role_session_name, "--role-session-name"),
        (options.external_id, "--external-id"),
        (options.dotenv, "--dotenv"),
    ):
        if given is not None:
            raise UsageError(
                f"{option} applies to one profile, and several are being refreshed",
                hint="Give it with a single NAME; for several, set role_arn, "
                "role_session_name and external_id in each [NAME-long-term].",
            )


def _names(names: list[str] | None, credentials: CredentialsFile) -> list[str]:
    if names is None:
        if not credentials.exists:
            raise ConfigError(
                f"{credentials.path} does not exist",
                hint="Run `awsmfa init NAME` to put your long-term keys there.",
            )
        names = credentials.long_term_profiles()
        if not names:
            raise ConfigError(
                f"no [NAME-long-term] section in {credentials.path}, so nothing to refresh",
                hint="Run `awsmfa init NAME` to put your long-term keys in [NAME-long-term].",
            )
    return list(dict.fromkeys(names))  # each once, in the order first named


def _share_key(planned: Plan, device: str | None) -> tuple[object, ...] | None:
    """Plans with equal keys can share one GetSessionToken answer; None for a role, whose
    session is its own (and asked for with its own code)."""
    if planned.role_arn is not None:
        return None
    keys = planned.profile
    return (keys.access_key_id, keys.secret_access_key, device, planned.duration)


def _check_one_code_is_enough(plans: list[Plan], options: RefreshOptions) -> None:
    """--code is one code: refused before any request when more than one is needed."""
    if options.code is None:
        return
    # A device still to be discovered is counted as one of its own per access key.
    devices = {planned.device or f"?{planned.profile.access_key_id}" for planned in plans}
    requests = len(
        {
            _share_key(planned, planned.device or f"?{planned.profile.access_key_id}")
            or id(planned)
            for planned in plans
        }
    )
    if requests <= 1:
        return
    names = ", ".join(planned.name for planned in plans)
    if len(devices) > 1:
        message = f"--code is one code, but {names} use {len(devices)} MFA devices"
    else:
        message = f"--code is one code, but {names} need {requests} requests, each with a new code"
    raise UsageError(
        message,
        hint="Leave --code out to be asked for each code, or refresh one profile at a time "
        "with its own --code.",
    )


def _requests(
    plans: list[Plan], env: Environment, done: Callable[[ProfileResult], None]
) -> list[_Request]:
    """The STS requests to make, each with its device found, ordered so that a device's
    second code comes as late as possible (less waiting for its next window)."""
    clients: dict[tuple[str, AwsTarget], Aws] = {}
    discovered: dict[str, Discovered | AwsmfaError] = {}

    def client(planned: Plan) -> Aws:
        key = (planned.profile.access_key_id, planned.target)
        if key not in clients:
            clients[key] = env.connect(planned.profile.keys(), planned.target)
        return clients[key]

    shared: dict[tuple[object, ...], _Request] = {}
    by_device: dict[str, list[_Request]] = {}
    for planned in plans:
        try:
            device, user_name, caller_arn = planned.device, None, None
            if device is None:
                key = planned.profile.access_key_id
                if key not in discovered:
                    try:
                        discovered[key] = discover_device(
                            client(planned), env.choose_device, profile=planned.name
                        )
                    except AwsmfaError as error:
                        discovered[key] = error
                found = discovered[key]
                if isinstance(found, AwsmfaError):
                    raise found
                device, user_name, caller_arn = found.device, found.user_name, found.caller_arn
            share = _share_key(planned, device)
            if share is not None and share in shared:
                shared[share].plans.append(planned)
                continue
            request = _Request([planned], device, user_name, client(planned), caller_arn)
        except AwsmfaError as error:
            done(ProfileResult(planned.name, error=error))
            continue
        if share is not None:
            shared[share] = request
        by_device.setdefault(device, []).append(request)
    rounds = max((len(queue) for queue in by_device.values()), default=0)
    return [
        queue[turn] for turn in range(rounds) for queue in by_device.values() if turn < len(queue)
    ]


class _Writer:
    """Saves one profile at a time; the lock is taken at the first save and held to the end."""

    def __init__(self, credentials: CredentialsFile) -> None:
        self._base = credentials
        self._lock = contextlib.ExitStack()
        self._locked = False

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.close()

    def save(
        self, planned: Plan, session: Session, device: str, caller_arn: str | None
    ) -> int | None:
        try:
            if not self._locked:
                self._lock.enter_context(locked(self._base.path))
                self._locked = True
            return write_session(self._base, planned, session, device, caller_arn)
        except AwsmfaError as error:
            # A failed save may leave its edits in the model; the next starts afresh.
            with contextlib.suppress(AwsmfaError):
                self._base = CredentialsFile.load(self._base.path)
            if isinstance(error, WriteFailed):
                raise error.about("the new session") from None
            raise


def _serve(
    request: _Request,
    options: RefreshOptions,
    env: Environment,
    codes: _Codes,
    writer: _Writer,
    done: Callable[[ProfileResult], None],
) -> None:
    try:
        session = _session_for(request, options, env, codes)
    except AwsmfaError as error:
        for planned in request.plans:
            done(ProfileResult(planned.name, error=error))
        return
    for planned in request.plans:
        try:
            loosened = writer.save(planned, session, request.device, request.caller_arn)
        except AwsmfaError as error:
            done(ProfileResult(planned.name, error=error))
            continue
        refreshed = Refreshed(
            session,
            request.device,
            remembered_device=planned.device is None,
            loosened_mode=loosened,
            role_arn=planned.role_arn,
        )
        done(ProfileResult(planned.name, outcome=refreshed))


def _session_for(
    request: _Request, options: RefreshOptions, env: Environment, codes: _Codes
) -> Session:
    """Spend one code on the request: --code, else mfa_process, else the prompt (with
    retries), each after the device's previous code has had its window."""
    device = request.device

    def send(code: str) -> Session:
        codes.spend(device, code)
        return request_session(request.aws, request.plans[0], device, request.user_name, code)

    if options.code is not None:
        return send(options.code)
    codes.wait_for_new_code(device, request.names)
    process = next((planned for planned in request.plans if planned.mfa_process), None)
    if process is not None and process.mfa_process is not None:
        code = run_mfa_process(
            process.mfa_process, source=process.process_source, relay=env.relay_process_stderr
        )
        if codes.just_used(device, code):
            raise MfaProcessError(
                f"mfa_process in {process.process_source} printed the code just used for "
                f"{device}, after its next window began",
                hint="AWS accepts each code once: check the clock of the device or program "
                "that makes the codes.",
            )
        return send(code)
    ask = env.ask_code
    assert ask is not None  # plan() refused profiles with no way to get a code
    label = f"{device} ({', '.join(request.names)})"
    problem: str | None = None
    for attempt in range(1, CODE_ATTEMPTS + 1):
        code = ask(label, problem)
        while codes.just_used(device, code):
            code = ask(
                label,
                "That code was just used, and AWS accepts each code once; "
                "enter the next one your device shows.",
            )
        try:
            return send(code)
        except MfaCodeRejected as rejected:
            if attempt == CODE_ATTEMPTS:
                raise
            problem = (
                f"{rejected.message}. {rejected.hint} (attempt {attempt + 1} of {CODE_ATTEMPTS})"
            )
    raise AwsError("no MFA code was accepted")  # unreachable: the loop returns or raises


def _interrupted(names: list[str], results: dict[str, ProfileResult]) -> str:
    saved = [
        name for name in names if name in results and isinstance(results[name].outcome, Refreshed)
    ]
    if not saved:
        return "interrupted; nothing was written"
    left = [name for name in names if name not in results]
    text = f"interrupted; saved {', '.join(f'[{name}]' for name in saved)}"
    if left:
        text += f"; not refreshed: {', '.join(f'[{name}]' for name in left)}"
    return text
