"""Everything that talks to AWS; the only module that imports botocore, and only when called.

botocore rather than boto3: awsmfa needs a few low-level calls, and boto3 would add
s3transfer and its own session layer to every refresh.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple, Protocol, TypeVar

from awsmfa_profiles import __version__
from awsmfa_profiles.errors import (
    AwsError,
    ConfigError,
    MfaCodeRejected,
    MfaDeviceRejected,
    command_line,
)
from awsmfa_profiles.keys import (
    AccessKeyInfo,
    LastUse,
    NewAccessKey,
    SessionKeys,
    SigningKeys,
    mask,
)
from awsmfa_profiles.session import Session, check_moment, describe_duration

DEFAULT_REGION = "us-east-1"

KEYS_REJECTED = {"InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"}
_SESSION_EXPIRED = {"ExpiredToken", "ExpiredTokenException"}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
}
_MFA_FAILED_MARKER = "multifactorauthentication failed"
# "...unable to validate MFA code. Please verify your MFA serial number is valid and
# associated with this user.": the device, not the code, is wrong.
_DEVICE_INVALID_MARKER = "serial number"
# SigV4 refuses a request signed more than 5 minutes away from AWS's own time; STS and IAM
# say so as SignatureDoesNotMatch "Signature expired: ...", other services by these codes.
_CLOCK_SKEWED = {"RequestExpired", "RequestTimeTooSkewed"}
_CLOCK_SKEWED_MARKER = "signature expired"
# What an ARN in an answer may hold: one word of printable ASCII.
_ARN = re.compile(r"arn:[!-~]+", re.ASCII)

T = TypeVar("T")


class AwsTarget(NamedTuple):
    """Where requests go: the region, an explicit endpoint, and whose config settings apply."""

    region: str = DEFAULT_REGION
    endpoint_url: str | None = None
    # A profile of ~/.aws/config whose settings (endpoint_url, ca_bundle, retries...)
    # botocore should honour; None when the profile is not in any file yet.
    config_profile: str | None = None


class Aws(Protocol):
    """The AWS calls awsmfa makes, in the terms the rest of the code thinks in."""

    def caller_arn(self) -> str: ...

    def server_time(self) -> datetime | None:
        """AWS's time, from the Date header of its latest answer (refusals included)."""
        ...

    def list_mfa_devices(self, user_name: str | None) -> list[str]: ...

    def get_session_token(self, *, serial: str, code: str, duration: timedelta) -> Session: ...

    def assume_role(self, role: RoleRequest, *, serial: str, code: str) -> Session: ...

    # The IAM user's access keys. A user with MFA enforced may manage them only from a
    # session, so the rotation signs these with the MFA session of [NAME].

    def list_access_keys(self, user_name: str) -> list[AccessKeyInfo]: ...

    def access_key_last_used(self, access_key_id: str) -> LastUse: ...

    def create_access_key(self, user_name: str) -> NewAccessKey: ...

    def update_access_key(self, user_name: str, access_key_id: str, *, active: bool) -> None: ...

    def delete_access_key(self, user_name: str, access_key_id: str) -> None: ...


class RoleRequest(NamedTuple):
    role_arn: str
    session_name: str
    duration: timedelta
    external_id: str | None = None


# Makes the client the use cases talk to; the CLI passes `connect`, tests may pass fakes.
Connect = Callable[[SigningKeys, AwsTarget], Aws]

# How long AWS gets, in all, to answer the requests of one command. botocore's own
# timeouts are per read: a server that sends a byte every few seconds never meets them.
DEFAULT_TIMEOUT = timedelta(seconds=60)
TIMEOUT_RANGE = (timedelta(seconds=1), timedelta(hours=1))
TIMEOUT_VARIABLE = "AWSMFA_TIMEOUT"


def connect(
    keys: SigningKeys, target: AwsTarget, *, timeout: timedelta = DEFAULT_TIMEOUT
) -> BotocoreAws:
    """A client signed with these keys (long-term, or a session's), whatever AWS_*
    variables the shell holds; its requests get `timeout` in all."""
    import botocore.config

    session = _botocore_session(target.config_profile)
    # The keys are passed explicitly, so botocore has no use for the credentials file;
    # reading it could only fail on what awsmfa reads fine (a byte order mark, say).
    session.set_config_variable("credentials_file", os.devnull)
    config = botocore.config.Config(
        retries={"mode": "standard"},
        connect_timeout=10,
        read_timeout=20,
        user_agent_extra=f"awsmfa/{__version__}",
    )

    def make(service: str) -> Any:
        return session.create_client(
            service,
            region_name=target.region,
            endpoint_url=target.endpoint_url,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token if isinstance(keys, SessionKeys) else None,
            config=config,
        )

    with _client_setup():
        fast_loader = _use_known_services_loader(session)
        try:
            sts = make("sts")
        except Exception:
            if not fast_loader:
                raise
            # A botocore release the shortcut does not fit: its own loader, as any tool uses.
            _use_default_loader(session)
            sts = make("sts")
    return BotocoreAws(sts, lambda: _set_up(make, "iam"), keys, deadline=_Deadline(timeout))


def _botocore_session(config_profile: str | None) -> Any:
    """A botocore session that takes the profile from awsmfa, not from AWS_PROFILE.

    AWS_PROFILE may name the very profile being created, which botocore would refuse as
    missing; so the profile is set only when the config file has it. `session_vars` is
    the constructor's documented way to replace an environment variable; should a
    botocore release refuse it, the public setter is used, and AWS_PROFILE then counts
    again only when awsmfa has no config profile to name.
    """
    import botocore.session

    try:
        session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    except TypeError:
        session = botocore.session.Session()
    if config_profile:
        session.set_config_variable("profile", config_profile)
    return session


def _set_up(make: Callable[[str], Any], service: str) -> Any:
    with _client_setup():
        return make(service)


@contextlib.contextmanager
def _client_setup() -> Iterator[None]:
    """Nothing is sent yet: botocore's refusals here are about its configuration."""
    from botocore.exceptions import BotoCoreError

    try:
        yield
    except (BotoCoreError, ValueError) as error:
        # botocore could not read its config file (it is stricter than awsmfa, refusing
        # a section that appears twice), or a region or endpoint is malformed.
        raise ConfigError(
            f"cannot set up the AWS client: {_first_line(error)}",
            hint="Check the config file (~/.aws/config or $AWS_CONFIG_FILE), "
            "--region and --endpoint-url.",
        ) from None


_SERVICES = ("iam", "sts")


def _use_known_services_loader(session: Any) -> bool:
    """Give the session botocore's model loader minus a scan of every service it knows.

    It leans on botocore's Loader class, which is not a promised interface: False (and
    botocore's own loader kept) when this botocore does not take it.
    """
    try:
        loader = _known_services_loader(session.get_config_variable("data_path"))
        session.register_component("data_loader", loader)
    except Exception:
        return False
    return True


@functools.cache
def _known_services_loader(data_path: str | None) -> Any:
    """botocore's loader, minus a scan of every service folder; one per process.

    Before loading a model, botocore lists its 400-odd service folders (twice per
    client) only to check that the name asked for is among them; sts and iam always
    are. Measured: about 20 ms of a 230 ms refresh. Models still come from the same
    places, AWS_DATA_PATH and ~/.aws/models included. Kept for the process, so a run
    that connects for several profiles parses each model and the endpoint data once.
    """
    import botocore.loaders

    class KnownServicesLoader(botocore.loaders.Loader):  # type: ignore[misc]
        def list_available_services(self, type_name: str) -> list[str]:
            return list(_SERVICES)

    paths = (
        [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)]
        if data_path
        else None
    )
    return KnownServicesLoader(extra_search_paths=paths)


def _use_default_loader(session: Any) -> None:
    import botocore.loaders

    session.register_component(
        "data_loader", botocore.loaders.create_loader(session.get_config_variable("data_path"))
    )


class _OutOfTime(Exception):
    """The time AWS gets is used up."""


class _Deadline:
    """What is left of the time AWS gets; only the time spent waiting for it counts."""

    def __init__(self, total: timedelta) -> None:
        self.total = total
        self._left = total.total_seconds()

    def run(self, request: Callable[[], T]) -> T:
        """`request`'s result or exception; _OutOfTime once the time is used up.

        The request runs in a thread of its own, left behind when it overruns: nothing
        else can stop a read that gets a byte just often enough. The process ends soon
        after, on the error.
        """
        import threading
        import time

        if self._left <= 0:
            raise _OutOfTime
        outcome: list[tuple[bool, Any]] = []

        def attempt() -> None:
            try:
                outcome.append((True, request()))
            except BaseException as error:
                outcome.append((False, error))

        worker = threading.Thread(target=attempt, name="awsmfa request", daemon=True)
        started = time.monotonic()
        worker.start()
        worker.join(self._left)
        self._left -= time.monotonic() - started
        if not outcome:
            self._left = 0
            raise _OutOfTime
        succeeded, value = outcome[0]
        if not succeeded:
            raise value
        return value  # type: ignore[no-any-return]


class BotocoreAws:
    """The Aws calls over botocore clients; every botocore failure becomes an AwsError."""

    def __init__(
        self,
        sts: Any,
        make_iam: Callable[[], Any],
        keys: SigningKeys,
        *,
        deadline: _Deadline | None = None,
    ) -> None:
        self._sts = sts
        self._make_iam = make_iam
        self._iam: Any = None
        self._keys = keys
        self._server_time: datetime | None = None
        self._deadline = deadline or _Deadline(DEFAULT_TIMEOUT)

    def caller_arn(self) -> str:
        action = "sts:GetCallerIdentity"
        response = self._call(action, self._sts.get_caller_identity)
        try:
            arn = response["Arn"]
        except (KeyError, TypeError):
            raise _unreadable(action) from None
        # Refused before any code is asked for: it is written into the credentials file as
        # x_principal_arn, where a line break could not be written once the code was spent.
        if not isinstance(arn, str) or not _ARN.fullmatch(arn):
            raise _unreadable(action)
        return arn

    def server_time(self) -> datetime | None:
        return self._server_time

    def list_mfa_devices(self, user_name: str | None) -> list[str]:
        kwargs = {"UserName": user_name} if user_name else {}
        serials: list[str] = []
        paginator = self._iam_client().get_paginator("list_mfa_devices")
        pages = self._call("iam:ListMFADevices", lambda: list(paginator.paginate(**kwargs)))
        for page in pages:
            serials.extend(str(device["SerialNumber"]) for device in page["MFADevices"])
        return serials

    def get_session_token(self, *, serial: str, code: str, duration: timedelta) -> Session:
        action = "sts:GetSessionToken"
        try:
            response = self._call(
                action,
                lambda: self._sts.get_session_token(
                    SerialNumber=serial,
                    TokenCode=code,
                    DurationSeconds=int(duration.total_seconds()),
                ),
            )
        except MfaDeviceRejected as error:
            raise error.naming(serial) from None
        return _session_from(action, response)

    def assume_role(self, role: RoleRequest, *, serial: str, code: str) -> Session:
        kwargs: dict[str, Any] = {
            "RoleArn": role.role_arn,
            "RoleSessionName": role.session_name,
            "DurationSeconds": int(role.duration.total_seconds()),
            "SerialNumber": serial,
            "TokenCode": code,
        }
        if role.external_id:
            kwargs["ExternalId"] = role.external_id
        action = "sts:AssumeRole"
        try:
            response = self._call(action, lambda: self._sts.assume_role(**kwargs))
        except MfaDeviceRejected as error:
            raise error.naming(serial) from None
        except AwsError as error:
            if "MaxSessionDuration" in (error.aws_message or ""):
                raise self._duration_refused(role) from None
            raise
        return _session_from(action, response)

    def _duration_refused(self, role: RoleRequest) -> AwsError:
        limit = self._role_max_session(role.role_arn)
        allowed = (
            f"at most {int(limit.total_seconds() // 60)} minutes ({limit.total_seconds():.0f} s)"
            if limit
            else "less (its maximum session duration is set in IAM, 1 to 12 hours)"
        )
        return AwsError(
            f"the role {role.role_arn} does not allow sessions of "
            f"{role.duration.total_seconds():.0f} s; it allows {allowed}",
            hint="Ask for less with --duration (the default for roles is 1h), or have an "
            "administrator raise the role's maximum session duration.",
        )

    def list_access_keys(self, user_name: str) -> list[AccessKeyInfo]:
        paginator = self._iam_client().get_paginator("list_access_keys")
        pages = self._call(
            "iam:ListAccessKeys", lambda: list(paginator.paginate(UserName=user_name))
        )
        try:
            return [
                AccessKeyInfo(
                    access_key_id=str(key["AccessKeyId"]),
                    active=key.get("Status") == "Active",
                    created_at=_utc(key.get("CreateDate")),
                )
                for page in pages
                for key in page["AccessKeyMetadata"]
            ]
        except (KeyError, TypeError):
            raise _unreadable("iam:ListAccessKeys") from None

    def access_key_last_used(self, access_key_id: str) -> LastUse:
        action = "iam:GetAccessKeyLastUsed"
        response = self._call(
            action,
            lambda: self._iam_client().get_access_key_last_used(AccessKeyId=access_key_id),
        )
        used = response.get("AccessKeyLastUsed") or {}
        # IAM says "N/A" for the service and region of a key never used.
        known = {key: value for key, value in used.items() if value not in (None, "N/A")}
        return LastUse(
            at=_utc(known.get("LastUsedDate")),
            service=known.get("ServiceName"),
            region=known.get("Region"),
        )

    def create_access_key(self, user_name: str) -> NewAccessKey:
        action = "iam:CreateAccessKey"
        response = self._call(
            action, lambda: self._iam_client().create_access_key(UserName=user_name)
        )
        try:
            key = response["AccessKey"]
            created_at = _utc(key.get("CreateDate"))
            return NewAccessKey(
                access_key_id=str(key["AccessKeyId"]),
                secret_access_key=str(key["SecretAccessKey"]),
                created_at=created_at or datetime.now(timezone.utc).replace(microsecond=0),
            )
        except (KeyError, TypeError):
            raise _unreadable(action) from None

    def update_access_key(self, user_name: str, access_key_id: str, *, active: bool) -> None:
        self._call(
            "iam:UpdateAccessKey",
            lambda: self._iam_client().update_access_key(
                UserName=user_name,
                AccessKeyId=access_key_id,
                Status="Active" if active else "Inactive",
            ),
        )

    def delete_access_key(self, user_name: str, access_key_id: str) -> None:
        self._call(
            "iam:DeleteAccessKey",
            lambda: self._iam_client().delete_access_key(
                UserName=user_name, AccessKeyId=access_key_id
            ),
        )

    def _iam_client(self) -> Any:
        if self._iam is None:
            self._iam = self._make_iam()
        return self._iam

    def _role_max_session(self, role_arn: str) -> timedelta | None:
        """The role's MaxSessionDuration, when these keys may read it (same account only)."""
        try:
            iam, name = self._iam_client(), role_arn.rsplit("/", 1)[-1]
            role = self._deadline.run(lambda: iam.get_role(RoleName=name))["Role"]
            return timedelta(seconds=int(role["MaxSessionDuration"]))
        except Exception:
            return None  # no iam:GetRole, another account, no network: say less, not fail

    def _call(self, action: str, request: Callable[[], T]) -> T:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectionError,
            HTTPClientError,
        )

        try:
            result = self._deadline.run(request)
        except _OutOfTime:
            total = describe_duration(self._deadline.total)
            raise AwsError(
                f"AWS did not answer {action} within {total} (all of awsmfa's requests "
                "together get that long); nothing was written",
                hint="Check the network, a proxy, or --endpoint-url / AWS_ENDPOINT_URL; "
                f"--timeout or {TIMEOUT_VARIABLE} gives AWS longer. If a code was sent, AWS "
                "may have used it: wait for the next one.",
            ) from None
        except ClientError as error:
            self._remember_date(error.response)
            raise self._client_error(action, error) from None
        except (ConnectionError, HTTPClientError) as error:
            raise AwsError(
                f"could not reach AWS for {action}: {_first_line(error)}",
                hint="Check the network, a proxy, or --endpoint-url / AWS_ENDPOINT_URL.",
            ) from None
        except BotoCoreError as error:
            # One line, but whole: a parameter error lists what was wrong on later lines.
            whole = " ".join(mask_url_passwords(str(error)).split())
            raise AwsError(f"{action} failed: {whole}") from None
        except Exception as error:
            # botocore met an answer it could not read (a KeyError deep in its parser,
            # say): something other than AWS, or a broken proxy, answered.
            raise AwsError(
                f"the answer to {action} could not be read ({type(error).__name__})",
                hint="Check that --endpoint-url / AWS_ENDPOINT_URL points at AWS STS.",
            ) from None
        for response in result if isinstance(result, list) else [result]:
            self._remember_date(response)
        return result

    def _remember_date(self, response: Any) -> None:
        # Kept from refusals too: a clock that is too far off is itself a cause of refusal.
        if not isinstance(response, dict):
            return
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        moment = _parse_http_date(headers.get("date"))
        if moment is not None:
            self._server_time = moment

    def _client_error(self, action: str, error: Any) -> AwsError:
        details = error.response.get("Error", {})
        code = str(details.get("Code", "Unknown"))
        message = str(details.get("Message", "")).strip()
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        translated = self._translate(action, code, message, status)
        translated.aws_code, translated.aws_message = code, message
        return translated

    def _translate(self, action: str, code: str, message: str, status: object) -> AwsError:
        if _MFA_FAILED_MARKER in message.lower() and _DEVICE_INVALID_MARKER in message.lower():
            return MfaDeviceRejected()
        if _MFA_FAILED_MARKER in message.lower():
            return MfaCodeRejected(
                "AWS rejected the MFA code: it is wrong, expired, or was already used",
                hint="A code is accepted only once; wait for the next one and try again.",
            )
        if code in _CLOCK_SKEWED or _CLOCK_SKEWED_MARKER in message.lower():
            return AwsError(
                f"AWS refused {action} because this computer's clock is more than "
                f"5 minutes off ({code})",
                hint="Set the clock right (turn on automatic date and time); "
                "`awsmfa doctor` shows how far off it is.",
            )
        if isinstance(self._keys, SessionKeys) and code in KEYS_REJECTED | _SESSION_EXPIRED:
            return AwsError(
                f"AWS rejected {self._keys.source} (access key "
                f"{mask(self._keys.access_key_id)}): {code}",
                hint="It may have expired or been revoked; "
                f"`{command_line('refresh', self._keys.profile, '--force')}` gets a new one.",
            )
        if code in KEYS_REJECTED:
            return AwsError(
                f"AWS rejected the long-term keys in {self._keys.source} "
                f"(access key {mask(self._keys.access_key_id)}): {code}",
                hint=(
                    "Check that both keys are copied whole and still active in the IAM "
                    "console; create a new access key if they were deleted."
                ),
            )
        if code == "AccessDenied" or code.endswith("AccessDeniedException"):
            return AwsError(
                f"permission missing: {action} was denied ({message or code})",
                hint=f"Ask an administrator to allow {action} for your IAM user.",
            )
        if code in _THROTTLED:
            return AwsError(
                f"AWS is throttling requests ({code}) for {action}",
                hint="Wait a minute and try again.",
            )
        if isinstance(status, int) and status >= 500:
            return AwsError(
                f"AWS failed with a server error for {action} (HTTP {status} {code})",
                hint="This is on AWS's side; try again in a minute.",
            )
        return AwsError(mask_url_passwords(f"{action} failed: {code}: {message}".rstrip(": ")))


def _session_from(action: str, response: Any) -> Session:
    from datetime import timezone

    try:
        credentials = response["Credentials"]
        expires_at = credentials["Expiration"]
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        session = Session(
            access_key_id=credentials["AccessKeyId"],
            secret_access_key=credentials["SecretAccessKey"],
            session_token=credentials["SessionToken"],
            expires_at=expires_at,
        )
    except (KeyError, TypeError, AttributeError):
        raise AwsError(
            f"the answer to {action} holds no usable credentials",
            hint="Check that --endpoint-url / AWS_ENDPOINT_URL points at AWS STS.",
        ) from None
    try:
        in_range = check_moment(expires_at, str(expires_at))
    except ValueError as error:
        raise AwsError(
            f"the answer to {action} holds a session whose expiration {error}",
            hint="Check that --endpoint-url / AWS_ENDPOINT_URL points at AWS STS.",
        ) from None
    return session._replace(expires_at=in_range.replace(microsecond=0))


def _utc(moment: object) -> datetime | None:
    """botocore's timestamps as aware UTC to the second; None for anything else."""
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return check_moment(moment, str(moment)).replace(microsecond=0)
    except ValueError:
        return None  # a time no clock can show is no time


def _unreadable(action: str) -> AwsError:
    return AwsError(
        f"the answer to {action} could not be read",
        hint="Check that --endpoint-url / AWS_ENDPOINT_URL points at AWS.",
    )


def _parse_http_date(text: object) -> datetime | None:
    from email.utils import parsedate_to_datetime

    if not isinstance(text, str):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC without saying so
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return check_moment(moment, text)
    except ValueError:
        return None  # a Date no clock can be compared with is no Date


def _first_line(error: BaseException) -> str:
    text = mask_url_passwords(str(error).strip())
    return text.splitlines()[0] if text else type(error).__name__


# The user information of a URL (`scheme://user:password@host`): botocore quotes an
# endpoint URL whole in its errors, password included. Up to the last `@` before the
# path, since a password may hold spaces; and in botocore's "Invalid endpoint: URL",
# whose URL may lack a scheme, up to the last `@` of the line.
_USER_INFO = re.compile(r"(?P<start>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/\"'\n]*@")
_INVALID_ENDPOINT = re.compile(r"(?P<start>Invalid endpoint: )[^\n]*@")


def mask_url_passwords(text: str) -> str:
    """Every URL in `text` with its user and password replaced by `***`, as botocore masks
    a proxy's."""
    text = _INVALID_ENDPOINT.sub(lambda found: f"{found.group('start')}***:***@", text)
    return _USER_INFO.sub(lambda found: f"{found.group('start')}***:***@", text)
