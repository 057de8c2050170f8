"""The guide's troubleshooting section as checks: each says ok, warn, fail or info, and the fix.

Never writes: no save, no lock file, no chmod. A check that cannot run because an earlier
one failed is left out; every check that can still run does.
"""

from __future__ import annotations

import enum
import functools
import shlex
import stat
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from awsmfa_profiles import aws_config, durable, rotate
from awsmfa_profiles.aws import Aws, AwsTarget, Connect
from awsmfa_profiles.compat import DEVICE, DURATION, ROLE, Variables
from awsmfa_profiles.credentials_file import (
    CredentialsFile,
    KeysConflict,
    LongTermProfile,
    check_profile_name,
    long_term_section,
)
from awsmfa_profiles.errors import AwsError, AwsmfaError, ConfigError, UsageError, command_line
from awsmfa_profiles.keys import (
    CREATED_SETTING,
    DEFAULT_MAX_KEY_AGE,
    MAX_AGE_SETTING,
    AccessKeyInfo,
    KeyAge,
    SessionKeys,
    check_access_key_id,
    is_temporary,
    key_age,
    mask,
    parse_max_key_age,
)
from awsmfa_profiles.mfa import (
    check_device,
    check_role_arn,
    device_owner,
    is_totp_device,
    pick_device,
)
from awsmfa_profiles.session import (
    ROLE_SESSION,
    SHADOWING_VARIABLES,
    USER_SESSION,
    SessionKind,
    Status,
    describe_age,
    describe_duration,
    format_expiration,
    parse_expiration,
    status,
)
from awsmfa_profiles.settings import profile_margin, renewal_margin, session_length

# SigV4 refuses a request signed more than 5 minutes from AWS's time.
MAX_SKEW = timedelta(minutes=5)
# Beyond a minute, codes from an authenticator on this computer start to be refused.
WARN_SKEW = timedelta(minutes=1)
PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


class Level(str, enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    level: Level
    title: str
    detail: str = ""
    fix: str = ""


@dataclass(frozen=True)
class DoctorEnvironment:
    """What doctor looks at, resolved at the edge."""

    credentials_path: Path
    config_path: Path
    now: Callable[[], datetime]
    connect: Connect
    environ: Mapping[str, str]
    region: str | None = None
    endpoint_url: str | None = None
    within: timedelta | None = None  # None: the margin of the session kind


def diagnose(name: str, env: DoctorEnvironment) -> list[Finding]:
    check_profile_name(name)
    return list(_checks(name, env))


def _checks(name: str, env: DoctorEnvironment) -> Iterator[Finding]:
    """Every check in order. Each yields its findings and returns what later ones need."""
    credentials = yield from _credentials_file(env.credentials_path, name)
    settings, config_readable = yield from _config_file(env.config_path, name)
    role = _role_profile(name, env, credentials) if config_readable else None
    if role is not None:
        # No keys of its own: SDKs assume the role with another profile's session.
        source = yield from _riding(role, env, credentials)
        yield from _environment(env, credentials)
        if source is not None and credentials is not None:
            renewable = (
                credentials.has_section(long_term_section(source))
                and credentials.keys_conflict(source) is None
            )
            yield from _session(credentials, source, env, renewable=renewable)
        return
    profile = None
    if credentials is not None:
        profile = yield from _long_term_keys(credentials, name)
    variables = Variables.read(env.environ)
    if profile is not None:
        yield from _role(profile, settings)
        yield from _settings(profile, variables)
        yield from _aws_mfa_variables(env, name, profile, settings, variables)
    if profile is not None and credentials is not None:
        asked = None
        if config_readable:
            asked = yield from _with_aws(env, name, profile, settings)
        else:
            # botocore reads the config file on every client it makes, and would fail too.
            yield Finding(Level.INFO, "AWS not asked: the config file must be fixed first")
        yield from _access_key(env, credentials, profile, asked)
    yield from _environment(env, credentials)
    if credentials is not None:
        # A refresh is offered as the fix only where it can work.
        renewable = profile is not None and credentials.keys_conflict(name) is None
        yield from _session(credentials, name, env, renewable=renewable)


def failed(findings: list[Finding]) -> bool:
    return any(finding.level is Level.FAIL for finding in findings)


def _quoted(name: str) -> str:
    return shlex.quote(name)


# The file and its directory.


def _credentials_file(path: Path, name: str) -> Generator[Finding, None, CredentialsFile | None]:
    try:
        credentials = CredentialsFile.load(path)
    except ConfigError as error:
        yield Finding(
            Level.FAIL,
            "credentials file cannot be used",
            error.message,
            error.hint or "",
        )
        yield from _modes(path)
        return None
    if not credentials.exists:
        yield Finding(
            Level.FAIL,
            f"no credentials file at {path}",
            fix=f"{command_line('init', name)}",
        )
        yield from _modes(path)
        return None
    yield Finding(Level.OK, f"credentials file {path} parses")
    yield from _modes(path)
    return credentials


def _modes(path: Path) -> Iterator[Finding]:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None
    if mode is not None and mode & 0o077:
        yield Finding(
            Level.WARN,
            f"credentials file mode is {mode:04o}: other users can reach your keys",
            fix=f"chmod 600 {_quoted(str(path))}   (awsmfa init and refresh do it too)",
        )
    elif mode is not None:
        yield Finding(Level.OK, f"credentials file mode is {mode:04o}")
    directory = path.parent
    try:
        directory_mode = stat.S_IMODE(directory.stat().st_mode)
    except OSError:
        return
    if directory.name != ".aws":
        # Only ~/.aws is awsmfa's to judge; a home directory's mode is its owner's business.
        yield Finding(
            Level.INFO,
            f"directory {directory} is mode {directory_mode:04o}",
            "not judged: it is not a .aws directory",
        )
    elif directory_mode & 0o077:
        yield Finding(
            Level.WARN,
            f"directory {directory} is mode {directory_mode:04o}: other users can list it",
            fix=f"chmod 700 {_quoted(str(directory))}   (awsmfa init does it too)",
        )
    else:
        yield Finding(Level.OK, f"directory {directory} is mode {directory_mode:04o}")


def _config_file(path: Path, name: str) -> Generator[Finding, None, tuple[dict[str, str], bool]]:
    try:
        settings = aws_config.profile_settings(path, name)
    except ConfigError as error:
        yield Finding(
            Level.FAIL, f"config file {path} cannot be used", error.message, error.hint or ""
        )
        return {}, False
    if path.exists():
        yield Finding(Level.OK, f"config file {path} parses")
    return settings, True


def _long_term_keys(
    credentials: CredentialsFile, name: str
) -> Generator[Finding, None, LongTermProfile | None]:
    section = long_term_section(name)
    conflict = credentials.keys_conflict(name)
    if not credentials.has_section(section):
        if conflict is KeysConflict.TO_RENAME:
            yield Finding(
                Level.FAIL,
                f"[{name}] holds long-term keys, but awsmfa reads them from [{section}]",
                "refresh will not write a session over them",
                f"{command_line('init', name)}   (renames [{name}] to [{section}] in place)",
            )
        else:
            close = credentials.close_profiles(name)
            others = [profile for profile in credentials.offered_profiles() if profile != name]
            if close:
                detail = f"did you mean {' or '.join(close)}?"
                fix = command_line("doctor", close[0])
            else:
                detail = f"its profiles: {', '.join(others)}" if others else ""
                fix = command_line("init", name)
            yield Finding(Level.FAIL, f"no [{section}] in {credentials.path}", detail, fix)
        return None
    try:
        profile = credentials.long_term(name)
    except ConfigError as error:
        yield Finding(Level.FAIL, error.message, fix=error.hint or "")
        return None
    try:
        check_access_key_id(profile.access_key_id)
    except UsageError as error:
        temporary = is_temporary(profile.access_key_id)
        yield Finding(
            Level.FAIL if temporary else Level.WARN,
            f"[{section}]: {error.message}",
            fix=error.hint or "",
        )
        if temporary:
            return None
    else:
        yield Finding(
            Level.OK,
            f"[{section}] holds access key {mask(profile.access_key_id)} and its secret",
        )
    if conflict is KeysConflict.IN_BOTH:
        yield Finding(
            Level.FAIL,
            f"[{name}] holds long-term keys too; refresh will not write a session over them",
            fix=f"Keep the keys you use in [{section}] and delete the [{name}] section.",
        )
    return profile


def _role(profile: LongTermProfile, settings: dict[str, str]) -> Iterator[Finding]:
    """Which STS call refresh makes: a plain session, or a role assumed with MFA."""
    role_arn = profile.role_arn
    if role_arn:
        try:
            check_role_arn(role_arn)
        except UsageError as error:
            yield Finding(Level.FAIL, f"[{profile.section}]: {error.message}", fix=error.hint or "")
        else:
            yield Finding(
                Level.INFO,
                f"refresh assumes role {role_arn} with MFA (sessions of 1h by default, "
                "at most the role's maximum session duration)",
            )
    if settings.get("role_arn"):
        yield Finding(
            Level.WARN,
            f"[profile {profile.name}] in the config file has role_arn: SDKs and the AWS "
            f"CLI will assume that role themselves and ignore the session in [{profile.name}]",
            fix=f"Move role_arn into [{profile.section}] and delete it from the config profile.",
        )


def _settings(profile: LongTermProfile, variables: Variables) -> Iterator[Finding]:
    """The session length and renewal margin refresh will use, and where each is set."""
    kind = _kind(profile, variables)
    length = functools.partial(session_length, fallback=variables.duration_setting)
    for resolve, words in (
        (length, "new sessions last {}"),
        (renewal_margin, "renewed with less than {} left"),
    ):
        try:
            setting = resolve(profile.section, profile.settings, None, kind)
        except ConfigError as error:
            yield Finding(Level.FAIL, error.message, fix=error.hint or "")
            continue
        yield Finding(
            Level.INFO, f"{words.format(describe_duration(setting.value))} ({setting.source})"
        )


# A role profile of the config file, riding on a session awsmfa keeps.

# AWS limits a role session assumed with another role's credentials to this.
ROLE_CHAINING_LIMIT = 3600


def _role_profile(
    name: str, env: DoctorEnvironment, credentials: CredentialsFile | None
) -> aws_config.RoleProfile | None:
    """[profile NAME] when it is a role with a source_profile and awsmfa keeps no keys for it."""
    if credentials is not None and credentials.has_section(long_term_section(name)):
        return None
    role = aws_config.role_profile(env.config_path, name)
    return role if role is not None and role.source_profile is not None else None


def _riding(
    role: aws_config.RoleProfile, env: DoctorEnvironment, credentials: CredentialsFile | None
) -> Generator[Finding, None, str | None]:
    """Which session the role rides on, through which other roles, and what limits that
    sets; returns the profile whose session it is, when awsmfa keeps it."""
    hops = [role]
    source = role.source_profile
    while source is not None and source != hops[-1].name:
        # As botocore reads it: a source with a role_arn of its own is assumed in turn.
        further = aws_config.role_profile(env.config_path, source)
        if further is None:
            break
        if any(hop.name == source for hop in hops):
            loop = " -> ".join([*(hop.name for hop in hops), source])
            yield Finding(
                Level.FAIL,
                f"the source_profile settings make a loop: {loop}",
                fix="Point the last source_profile at the profile whose session awsmfa keeps.",
            )
            return None
        hops.append(further)
        source = further.source_profile
    for hop in hops:
        try:
            check_role_arn(hop.role_arn)
        except UsageError as error:
            yield Finding(
                Level.FAIL,
                f"[profile {hop.name}] in the config file: {error.message}",
                fix=error.hint or "",
            )
    if source is None:
        yield Finding(
            Level.INFO,
            f"[profile {role.name}] assumes role {role.role_arn}; [profile {hops[-1].name}] "
            "takes its credentials from credential_source, not from a session awsmfa keeps",
        )
        return None
    kept = credentials is not None and credentials.has_section(long_term_section(source))
    holder = (
        f"with the session awsmfa keeps in [{source}]"
        if kept
        else f"with the credentials of [{source}]"
    )
    yield Finding(
        Level.INFO,
        f"[profile {role.name}] assumes role {role.role_arn} {holder}",
        "SDKs and the AWS CLI assume it themselves, with no code, and again each time it runs "
        f"out, for as long as [{source}] is valid",
    )
    for hop in hops[1:]:
        yield Finding(
            Level.INFO,
            f"through [profile {hop.name}], which assumes {hop.role_arn}",
            "a role assuming another role is role chaining: AWS limits each such session to 1 hour",
        )
    source_is_role = bool(
        kept and credentials is not None and credentials.get(long_term_section(source), "role_arn")
    )
    yield from _role_durations(hops, source_is_role)
    for hop in hops:
        if hop.mfa_serial:
            yield Finding(
                Level.WARN,
                f"mfa_serial in [profile {hop.name}]: SDKs ask for a code each time they assume "
                f"{hop.role_arn}",
                fix=f"Delete mfa_serial from [profile {hop.name}]: the session in [{source}] was "
                "made with MFA, and the role is assumed with it.",
            )
    yield from _source(source, hops[-1], env, credentials, kept)
    return source if kept else None


def _role_durations(hops: list[aws_config.RoleProfile], source_is_role: bool) -> Iterator[Finding]:
    for index, hop in enumerate(hops):
        # The last hop is assumed with the source's session; each earlier one with a role's.
        chained = index < len(hops) - 1 or source_is_role
        if hop.duration_seconds is None:
            if chained and index == len(hops) - 1:
                yield Finding(
                    Level.INFO,
                    f"[profile {hop.name}] is assumed with a role session: role chaining, so "
                    "its sessions last at most 1 hour",
                )
            continue
        setting = f"duration_seconds = {hop.duration_seconds} in [profile {hop.name}]"
        fix = (
            f"Delete duration_seconds from [profile {hop.name}]: SDKs then ask for 1 hour "
            "and assume the role again as it runs out."
        )
        try:
            seconds = int(hop.duration_seconds)
        except ValueError:
            yield Finding(Level.FAIL, f"{setting} is not a number of seconds", fix=fix)
            continue
        if seconds <= ROLE_CHAINING_LIMIT:
            continue
        if chained:
            yield Finding(
                Level.FAIL,
                f"{setting}: this is role chaining, which AWS limits to 1 hour",
                "AWS refuses a longer DurationSeconds for a role assumed with a role's credentials",
                fix,
            )
        else:
            yield Finding(
                Level.WARN,
                f"{setting} asks for more than 1 hour",
                "AWS documents a 1-hour limit for roles assumed with GetSessionToken "
                "credentials in one place and not in another; AWS may refuse it",
                fix,
            )


def _source(
    source: str,
    last: aws_config.RoleProfile,
    env: DoctorEnvironment,
    credentials: CredentialsFile | None,
    kept: bool,
) -> Iterator[Finding]:
    init, refresh = command_line("init", source), command_line("refresh", source)
    if kept:
        yield Finding(
            Level.INFO,
            f"AWS not asked here: `{command_line('doctor', source)}` checks the keys and MFA "
            "device behind the session",
            fix=command_line("doctor", source),
        )
        return
    in_credentials = credentials is not None and credentials.has_section(source)
    if not in_credentials and not _profile_exists(source, env.config_path, None):
        yield Finding(
            Level.FAIL,
            f"source_profile = {source} names no profile (in [profile {last.name}])",
            "SDKs stop with ProfileNotFound",
            f"{init}   (then: {refresh})",
        )
    elif credentials is not None and credentials.holds_long_term_keys(source):
        yield Finding(
            Level.WARN,
            f"[{source}] holds long-term keys: the role is assumed with them, without MFA",
            fix=f"{init}, then {refresh}",
        )
    else:
        yield Finding(
            Level.WARN,
            f"[{source}] is not kept by awsmfa: there is no [{long_term_section(source)}]",
            fix=init,
        )


# AWS: the keys, the clock, the device.


@dataclass(frozen=True)
class _Asked:
    """What the checks with AWS leave for the access key's check."""

    aws: Aws  # signed with the long-term keys
    target: AwsTarget
    owner: str | None  # the IAM user; None when AWS did not say, or for the root user


def _with_aws(
    env: DoctorEnvironment, name: str, profile: LongTermProfile, settings: dict[str, str]
) -> Generator[Finding, None, _Asked | None]:
    target = aws_config.aws_target(
        name,
        settings,
        region=env.region,
        endpoint_url=env.endpoint_url,
    )
    try:
        aws = env.connect(profile.keys(), target)
    except AwsmfaError as error:
        yield Finding(Level.FAIL, error.message, fix=error.hint or "")
        return None
    arn: str | None = None
    try:
        arn = aws.caller_arn()
    except AwsError as error:
        yield Finding(Level.FAIL, error.message, fix=error.hint or "")
    owner_known = False
    owner: str | None = None
    if arn is not None:
        account = arn.split(":")[4] if arn.count(":") >= 5 else "?"
        try:
            owner = device_owner(arn, profile=name)
        except ConfigError:
            yield Finding(
                Level.FAIL,
                f"AWS accepts the keys, but they belong to {arn}, not an IAM user",
                fix="Use an access key of an IAM user with an MFA device.",
            )
        else:
            owner_known = True
            if owner is None:
                yield Finding(
                    Level.WARN,
                    f"AWS accepts the keys: they are the root user's, account {account}",
                    fix="AWS advises against root access keys: create an IAM user with MFA "
                    "and use its keys instead.",
                )
            else:
                yield Finding(
                    Level.OK,
                    f"AWS accepts the keys: IAM user {owner}, account {account}",
                )
    yield from _clock(aws, env.now())
    yield from _device(env, name, profile, settings, aws if owner_known else None, owner)
    return _Asked(aws, target, owner)


def _clock(aws: Aws, now: datetime) -> Iterator[Finding]:
    server_time = aws.server_time()
    if server_time is None:
        yield Finding(Level.INFO, "clock not compared: AWS did not answer")
        return
    skew = now - server_time
    # The Date header has whole seconds; a second either way is the header, not the clock.
    if abs(skew) <= timedelta(seconds=1):
        yield Finding(Level.OK, "clock agrees with AWS's")
        return
    direction = "ahead of" if skew > timedelta(0) else "behind"
    title = f"clock is {describe_duration(skew)} {direction} AWS's"
    fix = "Set the clock right: turn on automatic date and time (NTP)."
    if abs(skew) > MAX_SKEW:
        yield Finding(
            Level.FAIL,
            title,
            "AWS refuses requests signed more than 5 minutes off, and MFA codes are time-based",
            fix,
        )
    elif abs(skew) > WARN_SKEW:
        yield Finding(
            Level.WARN,
            title,
            "codes from an authenticator on this computer may be refused",
            fix,
        )
    else:
        yield Finding(Level.OK, title)


def _aws_mfa_variables(
    env: DoctorEnvironment,
    name: str,
    profile: LongTermProfile,
    settings: dict[str, str],
    variables: Variables,
) -> Iterator[Finding]:
    """Which of aws-mfa's variables refresh uses, and which it does not because a file wins."""
    if variables.device:
        if aws_config.configured_device(profile, settings):
            source = _device_source(env, name, profile)
            yield _unused(DEVICE, f"{source} names the device")
        else:
            yield _used(DEVICE, "no file names an MFA device")
    if variables.role_arn:
        if profile.role_arn:
            yield _unused(ROLE, f"[{profile.section}] names the role")
        else:
            try:
                role = variables.checked_role_arn()
            except ConfigError as error:
                yield Finding(Level.FAIL, error.message, fix=f"unset {ROLE}")
            else:
                yield _used(ROLE, f"refresh assumes {role} with MFA")
    if variables.duration:
        try:
            length = session_length(
                profile.section,
                profile.settings,
                None,
                _kind(profile, variables),
                fallback=variables.duration_setting,
            )
        except ConfigError:
            return  # _settings has said what is wrong with it
        # When it is used, _settings names it as the source of the length.
        if length.source != f"${DURATION}":
            yield _unused(DURATION, f"{length.source} sets the length")


def _kind(profile: LongTermProfile, variables: Variables) -> SessionKind:
    return ROLE_SESSION if profile.role_arn or variables.role_arn else USER_SESSION


def _used(variable: str, why: str) -> Finding:
    return Finding(Level.INFO, f"${variable} (aws-mfa's variable) is used: {why}")


def _unused(variable: str, why: str) -> Finding:
    return Finding(Level.INFO, f"${variable} (aws-mfa's variable) is not used: {why}")


def _device(
    env: DoctorEnvironment,
    name: str,
    profile: LongTermProfile,
    settings: dict[str, str],
    aws: Aws | None,
    owner: str | None,
) -> Iterator[Finding]:
    configured = aws_config.configured_device(profile, settings)
    source = _device_source(env, name, profile)
    if configured is None and env.environ.get(DEVICE):
        # As refresh: aws-mfa's variable names the device when no file does.
        configured, source = env.environ[DEVICE], f"${DEVICE}"
    devices: list[str] | None = None
    listing_error: AwsError | None = None
    if aws is not None:
        try:
            devices = aws.list_mfa_devices(owner)
        except AwsError as error:
            listing_error = error
    who = f"IAM user {owner}" if owner else "the root user"
    if configured:
        try:
            check_device(configured)
        except UsageError as error:
            yield Finding(Level.FAIL, f"{source}: {error.message}", fix=error.hint or "")
            return
        if not is_totp_device(configured):
            yield Finding(
                Level.FAIL,
                f"{source} names a FIDO security key, which the STS API cannot use",
                fix="Name a virtual (authenticator app) or hardware TOTP device instead.",
            )
        elif devices is not None and configured not in devices:
            listed = ", ".join(devices) or "none"
            yield Finding(
                Level.WARN,
                f"MFA device {configured} ({source}) is not one of {who}'s",
                f"AWS lists: {listed}",
                f"Delete that line so that the next refresh finds the device, or name "
                f"one of {who}'s.",
            )
        elif devices is not None:
            yield Finding(Level.OK, f"MFA device {configured} ({source}), {who}'s")
        else:
            reason = listing_error.message if listing_error else "AWS could not be asked"
            yield Finding(
                Level.OK,
                f"MFA device {configured} ({source})",
                f"not checked with AWS: {reason}",
            )
        return
    if aws is None:
        yield Finding(
            Level.INFO,
            "no MFA device named in the files",
            "it can be looked up once AWS accepts the keys",
        )
        return
    if listing_error is not None:
        yield Finding(
            Level.FAIL,
            f"no MFA device named, and it cannot be looked up: {listing_error.message}",
            fix=f"Name it: aws_mfa_device = arn:aws:iam::ACCOUNT:mfa/NAME in [{profile.section}].",
        )
        return
    try:
        device = pick_device(owner, devices or [], None, profile=name)
    except UsageError as error:
        yield Finding(Level.WARN, error.message.replace("\n", " "), fix=error.hint or "")
    except AwsmfaError as error:
        yield Finding(Level.FAIL, error.message, fix=error.hint or "")
    else:
        yield Finding(
            Level.OK,
            f"MFA device {device} found for {who}",
            "the first refresh records it as aws_mfa_device",
        )


def _device_source(env: DoctorEnvironment, name: str, profile: LongTermProfile) -> str:
    for key in ("aws_mfa_device", "mfa_serial"):
        if profile.settings.get(key):
            return f"{key} in [{profile.section}]"
    section = "default" if name == "default" else f"profile {name}"
    return f"mfa_serial in [{section}] of {env.config_path}"


# The access key: its age, its last use, a rotation left half done.


def _access_key(
    env: DoctorEnvironment,
    credentials: CredentialsFile,
    profile: LongTermProfile,
    asked: _Asked | None,
) -> Iterator[Finding]:
    section = profile.section
    now = env.now()
    limit = yield from _max_key_age(profile)
    recorded = yield from _recorded_created(profile)
    try:
        note = rotate.read_note(profile, credentials.path)
    except ConfigError as error:
        yield Finding(Level.WARN, error.message, fix=error.hint or "")
        note = None
    running = durable.is_held(credentials.path, rotate.LOCK_PURPOSE)
    if running:
        yield Finding(Level.INFO, f"a key rotation of [{section}] is running now")
    listed: list[AccessKeyInfo] | None = None
    iam: Aws | None = None
    if asked is not None and asked.owner is not None:
        iam, signed_with = _key_reader(env, credentials, profile, asked)
        try:
            listed = iam.list_access_keys(asked.owner)
        except AwsError as error:
            fix = ""
            if signed_with == "keys" and error.aws_code == "AccessDenied":
                fix = (
                    f"{command_line('refresh', profile.name)}, then run doctor again: where "
                    "MFA is required, only an MFA session may list the keys"
                )
            yield Finding(Level.INFO, f"access key not checked with AWS: {error.message}", fix=fix)
    if listed is None or asked is None or asked.owner is None or iam is None:
        yield from _recorded_age(profile, recorded, limit, now)
        if note is not None and not running:
            yield Finding(
                Level.WARN,
                f"a key rotation of [{section}] was interrupted ({rotate.NOTE_SETTING} is set)",
                fix=f"{command_line('rotate', profile.name)}   (finishes or undoes it)",
            )
        return
    state = rotate.assess(profile.access_key_id, note, listed)
    key = mask(profile.access_key_id)
    if state.in_file is None:
        yield Finding(
            Level.WARN,
            f"IAM does not list {key}, the key in [{section}], among IAM user "
            f"{asked.owner}'s access keys",
            "a key created moments ago may take a minute to be listed",
        )
    else:
        yield from _listed_age(iam, state.in_file, asked.owner, profile, limit, recorded, now)
    if state.leftover is not None and not running:
        found, remedy = rotate.describe_leftover(state.leftover, profile.access_key_id)
        then = "" if state.leftover.switched else ", then make a new key"
        yield Finding(
            Level.WARN,
            f"a key rotation of [{section}] was interrupted",
            f"it {found}",
            f"{command_line('rotate', profile.name)}   (it will {remedy}{then})",
        )
    for other in state.others:
        yield Finding(
            Level.WARN,
            f"IAM user {asked.owner} has a second access key, {mask(other.access_key_id)}, "
            f"that is not in [{section}]",
            "awsmfa rotate needs room for a new key, and IAM allows two",
            f"If nothing uses {mask(other.access_key_id)}, delete it: IAM console > Users > "
            f"{asked.owner} > Security credentials.",
        )


def _key_reader(
    env: DoctorEnvironment, credentials: CredentialsFile, profile: LongTermProfile, asked: _Asked
) -> tuple[Aws, str]:
    """A client for the IAM key calls: the MFA session of [NAME] while it is good (a user
    with MFA enforced may list keys only from one), else the long-term keys."""
    if not profile.settings.get("role_arn"):
        try:
            session = credentials.session(profile.name)
        except ConfigError:
            session = None
        if session is not None and session.expires_at > env.now():
            keys = SessionKeys(
                session.access_key_id,
                session.secret_access_key,
                session.session_token,
                profile.name,
            )
            try:
                return env.connect(keys, asked.target), "session"
            except AwsmfaError:
                pass
    return asked.aws, "keys"


def _listed_age(
    iam: Aws,
    key: AccessKeyInfo,
    owner: str,
    profile: LongTermProfile,
    limit: timedelta | None,
    recorded: datetime | None,
    now: datetime,
) -> Iterator[Finding]:
    try:
        used = iam.access_key_last_used(key.access_key_id)
    except AwsError as error:
        last = f"last use not known: {error.message}"
    else:
        if used.at is None:
            last = "never used"
        else:
            where = ", ".join(part for part in (used.service, used.region) if part)
            last = f"last used {describe_age(now - used.at)} ago" + (f" ({where})" if where else "")
    if not key.active:
        yield Finding(
            Level.FAIL,
            f"access key {mask(key.access_key_id)} is inactive in IAM",
            fix="Activate it again in the IAM console, or put an active key in "
            f"[{profile.section}].",
        )
    if key.created_at is None:
        yield Finding(
            Level.INFO, f"access key {mask(key.access_key_id)}: IAM did not say its age", last
        )
        return
    yield _age_finding(key.access_key_id, key_age(key.created_at, now, limit), last, profile)
    if recorded is not None and recorded != key.created_at:
        yield Finding(
            Level.WARN,
            f"{CREATED_SETTING} in [{profile.section}] is {format_expiration(recorded)}, but IAM "
            f"says {mask(key.access_key_id)} was created at {format_expiration(key.created_at)}",
            "it belongs to another key; check --json reports the age from it",
            f"Set {CREATED_SETTING} = {format_expiration(key.created_at)} in [{profile.section}].",
        )


def _recorded_age(
    profile: LongTermProfile, recorded: datetime | None, limit: timedelta | None, now: datetime
) -> Iterator[Finding]:
    if recorded is None:
        return
    yield _age_finding(
        profile.access_key_id,
        key_age(recorded, now, limit),
        f"as {CREATED_SETTING} in [{profile.section}] records",
        profile,
    )


def _age_finding(key_id: str, age: KeyAge, detail: str, profile: LongTermProfile) -> Finding:
    title = (
        f"access key {mask(key_id)} is {describe_age(age.age)} old "
        f"(created {age.created_at.strftime('%Y-%m-%d')})"
    )
    if not age.due:
        return Finding(Level.OK, title, detail)
    return Finding(
        Level.WARN,
        f"{title}: older than {describe_age(age.limit)}",
        detail,
        f"{command_line('rotate', profile.name)}   ({MAX_AGE_SETTING} in [{profile.section}] "
        "sets the age)",
    )


def _max_key_age(profile: LongTermProfile) -> Generator[Finding, None, timedelta | None]:
    text = profile.settings.get(MAX_AGE_SETTING)
    if not text:
        return None
    try:
        return parse_max_key_age(text)
    except ValueError as error:
        yield Finding(
            Level.WARN,
            f"[{profile.section}]: {error}",
            f"the default, {describe_age(DEFAULT_MAX_KEY_AGE)}, applies",
            f"Write it as days: {MAX_AGE_SETTING} = 90d",
        )
        return None


def _recorded_created(profile: LongTermProfile) -> Generator[Finding, None, datetime | None]:
    text = profile.settings.get(CREATED_SETTING)
    if not text:
        return None
    try:
        return parse_expiration(text)
    except ValueError:
        yield Finding(
            Level.WARN,
            f"[{profile.section}]: {CREATED_SETTING} {text!r} is not an ISO 8601 time",
            fix="Delete that line; awsmfa rotate writes it again.",
        )
        return None


# The shell and the session.


def _environment(env: DoctorEnvironment, credentials: CredentialsFile | None) -> Iterator[Finding]:
    quiet = True
    for variable in SHADOWING_VARIABLES:
        value = env.environ.get(variable)
        if not value:
            continue
        quiet = False
        shown = f" ({mask(value)})" if variable == "AWS_ACCESS_KEY_ID" else ""
        yield Finding(
            Level.WARN,
            f"{variable} is set{shown}",
            "AWS tools use it before any profile, so they do not see the session",
            f"unset {variable}",
        )
    for variable in PROFILE_VARIABLES:
        value = env.environ.get(variable)
        if not value:
            continue
        quiet = False
        if _profile_exists(value, env.config_path, credentials):
            yield Finding(Level.INFO, f"{variable}={value}: AWS tools use [{value}]")
            continue
        waiting = credentials is not None and credentials.has_section(long_term_section(value))
        fix = f"unset {variable}"
        if waiting:
            fix = f"{command_line('refresh', value)}   (or: unset {variable})"
        yield Finding(
            Level.WARN,
            f"{variable}={value} names a profile that is in neither file",
            "AWS tools stop with ProfileNotFound",
            fix,
        )
    if quiet:
        yield Finding(Level.OK, "no AWS_* variable overrides the profiles")
    for variable in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        if env.environ.get(variable):
            yield Finding(Level.INFO, f"{variable}={env.environ[variable]}")


def _profile_exists(name: str, config_path: Path, credentials: CredentialsFile | None) -> bool:
    if credentials is not None and credentials.has_section(name):
        return True
    try:
        return aws_config.has_profile(config_path, name)
    except ConfigError:
        return False


def _session(
    credentials: CredentialsFile, name: str, env: DoctorEnvironment, *, renewable: bool
) -> Iterator[Finding]:
    refresh = command_line("refresh", name) if renewable else ""
    try:
        expires_at = credentials.stored_session(name).expires_at
    except ConfigError as error:
        # Like any other state of the session: information, which refresh puts right.
        yield Finding(Level.INFO, error.message, fix=refresh)
        return
    now = env.now()
    try:
        within = profile_margin(credentials, name, env.within).value
    except ConfigError:
        within = credentials.session_kind(name).default_within  # reported above as a failure
    state = status(expires_at, now, within)
    if expires_at is None:
        yield Finding(Level.INFO, f"[{name}] holds no session yet", fix=refresh)
    elif state is Status.EXPIRED:
        yield Finding(
            Level.INFO,
            f"[{name}] session expired {describe_duration(now - expires_at)} ago, "
            f"at {format_expiration(expires_at)}",
            fix=refresh,
        )
    else:
        yield Finding(
            Level.INFO,
            f"[{name}] session {state.value}: {describe_duration(expires_at - now)} left, "
            f"until {format_expiration(expires_at)}",
            fix=refresh if state.needs_refresh else "",
        )
