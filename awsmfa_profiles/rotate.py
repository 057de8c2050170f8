"""Replacing the long-term access key of [NAME-long-term]: create a new key, prove it
works, save it, then retire the old one; and finishing or undoing a rotation that a
killed run left half done.

Whatever moment a run is killed at, the file holds a key that works:

1. A note, `awsmfa_rotating = OLDKEY since TIME`, is saved in [NAME-long-term].
2. IAM creates the new key. Its secret is only in memory until step 4.
3. The new key is proven with sts:GetCallerIdentity.
4. The new key replaces the old one in the file (one atomic write).
5. The old key is deactivated, then deleted.
6. The note is removed.

A later run reads the note: before step 4 a key created just after the note's time is
the killed run's, whose secret was never saved, and is deleted (undone); after step 4
the old key is retired (finished).
"""

from __future__ import annotations

import contextlib
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from awsmfa_profiles import aws_config
from awsmfa_profiles.aws import KEYS_REJECTED, Aws, AwsTarget, Connect
from awsmfa_profiles.credentials_file import (
    LONG_TERM_SUFFIX,
    CredentialsFile,
    LongTermProfile,
    check_profile_name,
    long_term_section,
)
from awsmfa_profiles.durable import check_writable, held_alone, locked
from awsmfa_profiles.errors import (
    AwsError,
    AwsmfaError,
    ConfigError,
    Interrupted,
    KeyRotationError,
    SaveError,
    UsageError,
    WriteFailed,
    command_line,
)
from awsmfa_profiles.keys import (
    CREATED_SETTING,
    AccessKeyInfo,
    LongTermKeys,
    NewAccessKey,
    SessionKeys,
    check_access_key_id,
    mask,
)
from awsmfa_profiles.mfa import AskCode, ChooseDevice, user_name_from_arn
from awsmfa_profiles.mfa_process import Relay
from awsmfa_profiles.refresh import (
    Environment,
    Refreshed,
    RefreshOptions,
    StillValid,
    refresh,
)
from awsmfa_profiles.session import format_expiration, parse_expiration

NOTE_SETTING = "awsmfa_rotating"
LOCK_PURPOSE = "rotate"
_NOTE = re.compile(r"(?P<key>\S+)\s+since\s+(?P<since>\S+)")
# A key created this close to the note's time is the one the noted run created: the run
# creates it within seconds of writing the note, and the clocks of this computer and AWS
# may differ by up to 5 minutes before AWS refuses requests.
OURS_WITHIN = timedelta(minutes=5)
# IAM takes seconds, now and then a minute, to spread a new key to every endpoint.
PROVE_LIMIT = timedelta(seconds=60)
_FIRST_WAIT = 1.0
_LONGEST_WAIT = 8.0


@dataclass(frozen=True)
class RotationNote:
    """The note a rotation keeps in [NAME-long-term] until it is done."""

    from_key: str  # the key being replaced
    since: datetime

    def render(self) -> str:
        return f"{self.from_key} since {format_expiration(self.since)}"


def read_note(profile: LongTermProfile, path: Path) -> RotationNote | None:
    text = profile.settings.get(NOTE_SETTING)
    if not text:
        return None
    match = _NOTE.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        return RotationNote(match.group("key"), parse_expiration(match.group("since")))
    except ValueError:
        raise ConfigError(
            f"[{profile.section}] in {path}: {NOTE_SETTING} is not `KEY since TIME`, "
            "as awsmfa rotate writes it",
            hint=f"Delete the {NOTE_SETTING} line if no rotation was interrupted; "
            "`awsmfa doctor` lists your keys.",
        ) from None


class LeftoverKind(enum.Enum):
    ORPHAN = "orphan"  # a key the interrupted run created but never saved: delete it
    OLD_KEY = "old key"  # the key the file no longer holds is still in IAM: retire it
    NOTE_ONLY = "note only"  # nothing in IAM to do; only the note is left


@dataclass(frozen=True)
class Leftover:
    kind: LeftoverKind
    note: RotationNote
    key: AccessKeyInfo | None = None  # the key to delete, for ORPHAN and OLD_KEY
    switched: bool = False  # the file already holds the new key


@dataclass(frozen=True)
class KeyState:
    """The user's keys in IAM, read against the file and the note."""

    in_file: AccessKeyInfo | None  # None: IAM does not list the file's key
    leftover: Leftover | None
    others: list[AccessKeyInfo]  # keys not in the file and left by no rotation of ours


def assess(file_key: str, note: RotationNote | None, listed: list[AccessKeyInfo]) -> KeyState:
    """What a rotation finds: pure, so that rotate and doctor read a half-done one alike."""
    in_file = next((key for key in listed if key.access_key_id == file_key), None)
    others = [key for key in listed if key.access_key_id != file_key]
    if note is None:
        return KeyState(in_file, None, others)
    if note.from_key != file_key:
        # Killed after the file took the new key: the old one may still be in IAM.
        old = next((key for key in others if key.access_key_id == note.from_key), None)
        if old is None:
            return KeyState(in_file, Leftover(LeftoverKind.NOTE_ONLY, note, switched=True), others)
        rest = [key for key in others if key is not old]
        return KeyState(in_file, Leftover(LeftoverKind.OLD_KEY, note, old, switched=True), rest)
    # Killed before the file took the new key: a key made right after the note is ours.
    ours = [key for key in others if _made_by_noted_run(key, note)]
    if len(ours) == 1 and len(others) == 1:
        return KeyState(in_file, Leftover(LeftoverKind.ORPHAN, note, ours[0]), [])
    return KeyState(in_file, Leftover(LeftoverKind.NOTE_ONLY, note), others)


def describe_leftover(leftover: Leftover, file_key: str) -> tuple[str, str]:
    """What an interrupted rotation did before it stopped, and what finishing or undoing
    it takes; the first reads after "An interrupted rotation ...", the second after "to"."""
    old, current = mask(leftover.note.from_key), mask(file_key)
    if leftover.kind is LeftoverKind.ORPHAN:
        assert leftover.key is not None
        key = mask(leftover.key.access_key_id)
        return (
            f"created {key} and was stopped before saving it: its secret is lost, so "
            "nothing can be using it",
            f"delete {key}",
        )
    if leftover.kind is LeftoverKind.OLD_KEY:
        assert leftover.key is not None
        active = leftover.key.active
        return (
            f"replaced {old} with {current} in the file; {old} is still in IAM "
            f"({'active' if active else 'inactive'})",
            f"{'deactivate and ' if active else ''}delete {old}",
        )
    if leftover.switched:
        return (
            f"replaced {old} with {current}; {old} is gone from IAM",
            f"remove the note {NOTE_SETTING}",
        )
    return "stopped before it created a key", f"replace the note {NOTE_SETTING}"


def _made_by_noted_run(key: AccessKeyInfo, note: RotationNote) -> bool:
    return key.created_at is not None and abs(key.created_at - note.since) <= OURS_WITHIN


class Step(enum.Enum):
    """The moments a rotation reports, in order; each is done when reported."""

    DELETED_ORPHAN = "deleted-orphan"
    CREATED = "created"
    WAITING = "waiting"
    PROVEN = "proven"
    SAVED = "saved"
    DEACTIVATED = "deactivated"
    DELETED = "deleted"
    NOTE_REMOVED = "note-removed"


@dataclass(frozen=True)
class Progress:
    step: Step
    key_id: str = ""
    wait: timedelta = timedelta(0)  # WAITING: how long until the next try
    waited: timedelta = timedelta(0)  # WAITING: how long waited so far


@dataclass(frozen=True)
class Plan:
    """What a rotation found and will do; shown before anything is changed."""

    name: str
    credentials_path: Path
    user_name: str
    current: AccessKeyInfo  # the key in the file
    leftover: Leftover | None
    refreshed: Refreshed | StillValid
    # Other sections that hold the same key: they would stop working with it, so the new
    # key goes into them too, in the same write.
    also: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        return long_term_section(self.name)

    @property
    def creates_key(self) -> bool:
        """False when finishing an interrupted rotation is the whole job: the file
        already holds the new key it made."""
        return self.leftover is None or not self.leftover.switched


@dataclass(frozen=True)
class Rotated:
    plan: Plan
    new_key: str | None  # None when only an interrupted rotation was finished
    created_at: datetime | None
    loosened_mode: int | None  # the looser mode the file had before it was made 0600


@dataclass(frozen=True)
class DryRun:
    plan: Plan


@dataclass(frozen=True)
class Declined:
    plan: Plan


@dataclass(frozen=True)
class RotateOptions:
    code: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class RotateEnvironment:
    """What a rotation needs from the outside world, resolved at the edge."""

    credentials_path: Path
    config_path: Path
    now: Callable[[], datetime]
    connect: Connect
    sleep: Callable[[float], None]
    progress: Callable[[Progress], None]
    confirm: Callable[[Plan], bool] | None = None  # None: go ahead without asking (--yes)
    ask_code: AskCode | None = None  # None: no terminal to ask on
    choose_device: ChooseDevice | None = None
    relay_process_stderr: Relay | None = None  # mfa_process's stderr, as it comes


@dataclass(frozen=True)
class _Context:
    """The clients and facts every step needs; holds the session's keys, so never shown."""

    iam: Aws  # signed with the MFA session of [NAME]
    target: AwsTarget
    user_arn: str


def rotate(
    name: str, options: RotateOptions, env: RotateEnvironment
) -> Rotated | DryRun | Declined:
    check_profile_name(name)
    credentials = CredentialsFile.load(env.credentials_path)
    credentials.refuse_long_term_keys(name, refusing="awsmfa will not overwrite them")
    profile = credentials.long_term(name)
    _check_rotatable(profile, credentials.path)
    # The new key exists only in IAM until the file holds it: the file must be writable.
    check_writable(env.credentials_path)
    with held_alone(env.credentials_path, LOCK_PURPOSE):
        # IAM lets a user with MFA enforced manage keys only from an MFA session.
        refreshed = refresh(
            name,
            RefreshOptions(
                code=options.code, region=options.region, endpoint_url=options.endpoint_url
            ),
            Environment(
                credentials_path=env.credentials_path,
                config_path=env.config_path,
                now=env.now,
                connect=env.connect,
                ask_code=env.ask_code,
                choose_device=env.choose_device,
                relay_process_stderr=env.relay_process_stderr,
            ),
        )
        plan, context = _plan(name, options, env, refreshed)
        if options.dry_run:
            return DryRun(plan)
        try:
            if env.confirm is not None and not env.confirm(plan):
                return Declined(plan)
        except (KeyboardInterrupt, EOFError):
            raise Interrupted("interrupted; no access key was changed") from None
        try:
            return _carry_out(plan, context, env)
        except KeyboardInterrupt:
            raise Interrupted(_interrupted(plan)) from None


def _check_rotatable(profile: LongTermProfile, path: Path) -> None:
    """Everything that can be refused from the file alone, before a code is asked for."""
    try:
        check_access_key_id(profile.access_key_id)
    except UsageError as error:
        raise ConfigError(
            f"[{profile.section}] in {path}: {error.message}", hint=error.hint
        ) from None
    role_arn = profile.role_arn  # role_arn, or aws-mfa's assume_role
    if role_arn:
        raise ConfigError(
            f"[{profile.section}] assumes the role {role_arn}, so [{profile.name}] holds a "
            "session of that role, which cannot manage your IAM user's keys",
            hint="awsmfa rotate works for profiles without role_arn; rotate these keys in "
            "the IAM console and put the new ones into the section by hand.",
        )
    read_note(profile, path)


def _plan(
    name: str, options: RotateOptions, env: RotateEnvironment, refreshed: Refreshed | StillValid
) -> tuple[Plan, _Context]:
    credentials = CredentialsFile.load(env.credentials_path)
    profile = credentials.long_term(name)
    note = read_note(profile, credentials.path)
    session = credentials.session(name)
    settings = aws_config.profile_settings(env.config_path, name)
    target = aws_config.aws_target(
        name, settings, region=options.region, endpoint_url=options.endpoint_url
    )
    # Whose key it is, asked with the key itself: GetCallerIdentity needs no permission.
    user_arn = env.connect(profile.keys(), target).caller_arn()
    user_name = user_name_from_arn(user_arn)
    if user_name is None:
        raise KeyRotationError(
            f"the keys in [{profile.section}] belong to {user_arn}, not an IAM user; "
            "awsmfa rotates the access keys of IAM users",
            hint="AWS advises against access keys for the root user: delete them in the "
            "console (Security credentials) and use an IAM user's keys instead."
            if user_arn.endswith(":root")
            else None,
        )
    iam = env.connect(
        SessionKeys(session.access_key_id, session.secret_access_key, session.session_token, name),
        target,
    )
    state = assess(profile.access_key_id, note, iam.list_access_keys(user_name))
    current = _refuse_unless_rotatable(state, profile, user_name, credentials)
    if note is None or note.from_key == profile.access_key_id:
        # Any section the new key could not be written into is found now, before IAM
        # makes a key: the new values are tried on a copy of the file.
        scratch = CredentialsFile.load(credentials.path)
        _switch(scratch, profile.access_key_id, _PLACEHOLDER_KEY)
        scratch.set_value(profile.section, NOTE_SETTING, "placeholder")
        scratch.render()
    plan = Plan(
        name=name,
        credentials_path=credentials.path,
        user_name=user_name,
        current=current,
        leftover=state.leftover,
        refreshed=refreshed,
        also=tuple(
            section
            for section in credentials.sections_holding(profile.access_key_id)
            if section != profile.section
        ),
    )
    return plan, _Context(iam=iam, target=target, user_arn=user_arn)


_PLACEHOLDER_KEY = NewAccessKey(
    "AKIAPLACEHOLDER00000", "placeholder" * 4, datetime(2000, 1, 1, tzinfo=timezone.utc)
)


def _switch(credentials: CredentialsFile, old_key: str, new: NewAccessKey) -> None:
    """The new key in every section that holds the old one: the old one is about to be
    deleted, and a section left with it would stop working."""
    for section in credentials.sections_holding(old_key):
        credentials.set_value(section, "aws_access_key_id", new.access_key_id)
        credentials.set_value(section, "aws_secret_access_key", new.secret_access_key)
        if section.endswith(LONG_TERM_SUFFIX):
            # Only awsmfa's own sections get awsmfa's own setting.
            credentials.set_value(section, CREATED_SETTING, format_expiration(new.created_at))


def _refuse_unless_rotatable(
    state: KeyState, profile: LongTermProfile, user_name: str, credentials: CredentialsFile
) -> AccessKeyInfo:
    key = mask(profile.access_key_id)
    again = command_line("rotate", profile.name)
    path = credentials.path
    if state.in_file is None:
        listed = ", ".join(mask(other.access_key_id) for other in state.others) or "none"
        raise KeyRotationError(
            f"IAM does not list {key}, the key in [{profile.section}], among IAM user "
            f"{user_name}'s access keys (it lists: {listed}); nothing was changed",
            hint="A key created moments ago may take a minute to be listed; try again then.",
        )
    held = {
        other.access_key_id: credentials.sections_holding(other.access_key_id)
        for other in state.others
    }
    if any(held.values()):
        # Both keys are in use here: neither can be deleted to make room.
        where = "; ".join(
            f"{mask(other)} in {', '.join(f'[{section}]' for section in sections)}"
            for other, sections in held.items()
            if sections
        )
        raise KeyRotationError(
            f"IAM user {user_name} already has two access keys, and {path} uses both: "
            f"{key} in [{profile.section}]; {where}. IAM allows two, so there is no room "
            "for a new one. Nothing was changed",
            hint="Put one of the two keys in all those sections, delete the other in the IAM "
            f"console (Users > {user_name} > Security credentials), then run "
            f"`{again}` again.",
        )
    if state.others:
        others = " and ".join(
            mask(other.access_key_id) + ("" if other.active else " (inactive)")
            for other in state.others
        )
        raise KeyRotationError(
            f"IAM user {user_name} already has two access keys: {key}, the one in "
            f"[{profile.section}] of {path}, and {others}, which is not in the file; IAM "
            "allows two, so there is no room for a new one. Nothing was changed",
            hint=f"If nothing uses {others} any more, delete it (IAM console > Users > "
            f"{user_name} > Security credentials), then run `{again}` again.",
        )
    return state.in_file


def _carry_out(plan: Plan, context: _Context, env: RotateEnvironment) -> Rotated:
    leftover = plan.leftover
    if leftover is not None and leftover.kind is LeftoverKind.ORPHAN:
        assert leftover.key is not None
        # Its secret was never saved anywhere, so nothing can be using it.
        _retire(plan, context, leftover.key.access_key_id, deactivate=False)
        env.progress(Progress(Step.DELETED_ORPHAN, leftover.key.access_key_id))
    if not plan.creates_key:
        assert leftover is not None
        if leftover.kind is LeftoverKind.OLD_KEY:
            assert leftover.key is not None
            _retire_old_key(plan, context, env, leftover.key, new_key=plan.current.access_key_id)
        _remove_note(plan, env, expect_key=plan.current.access_key_id)
        return Rotated(plan, new_key=None, created_at=None, loosened_mode=None)

    old_key = plan.current.access_key_id
    since = context.iam.server_time() or env.now()
    note = RotationNote(old_key, since.replace(microsecond=0))
    loosened = _save(
        plan,
        env,
        expect_key=old_key,
        edit=lambda c: c.set_value(plan.section, NOTE_SETTING, note.render()),
    )
    new = _create(plan, context, env)
    env.progress(Progress(Step.CREATED, new.access_key_id))
    try:
        _prove(new, context, env)
        env.progress(Progress(Step.PROVEN, new.access_key_id))
        saved = _save(
            plan,
            env,
            expect_key=old_key,
            edit=lambda credentials: _switch(credentials, old_key, new),
            what="the new access key",
        )
    except AwsmfaError as error:
        raise _undone(plan, context, env, new, error) from None
    env.progress(Progress(Step.SAVED, new.access_key_id))
    _retire_old_key(plan, context, env, plan.current, new_key=new.access_key_id)
    _remove_note(plan, env, expect_key=new.access_key_id)
    return Rotated(
        plan,
        new_key=new.access_key_id,
        created_at=new.created_at,
        loosened_mode=loosened if loosened is not None else saved,
    )


def _create(plan: Plan, context: _Context, env: RotateEnvironment) -> NewAccessKey:
    try:
        return context.iam.create_access_key(plan.user_name)
    except AwsError as error:
        if error.aws_code is None:
            # No answer: AWS may have made the key. The note stays, so the next run
            # recognizes the key and deletes it.
            raise AwsError(
                f"{error.message}; AWS may or may not have created a new key, and "
                f"[{plan.section}] still holds {mask(plan.current.access_key_id)}",
                hint=f"Run `{command_line('rotate', plan.name)}` again: it deletes a key "
                "this run left.",
            ) from None
        _remove_note_after_failure(plan, env)
        if error.aws_code == "LimitExceeded":
            raise KeyRotationError(
                f"IAM user {plan.user_name} already has two access keys (LimitExceeded): "
                "one was created since awsmfa listed them. Nothing was changed",
                hint=f"`{command_line('doctor', plan.name)}` names the key that is not "
                "in the file.",
            ) from None
        raise AwsError(f"{error.message}; nothing was changed", hint=error.hint) from None


def _prove(new: NewAccessKey, context: _Context, env: RotateEnvironment) -> None:
    """sts:GetCallerIdentity with the new key, until IAM has spread it or the wait is over."""
    client = env.connect(
        LongTermKeys(new.access_key_id, new.secret_access_key, "the new access key"),
        context.target,
    )
    waited = 0.0
    wait = _FIRST_WAIT
    limit = PROVE_LIMIT.total_seconds()
    while True:
        try:
            arn = client.caller_arn()
        except AwsError as error:
            if error.aws_code not in KEYS_REJECTED:
                raise
            if waited >= limit:
                raise KeyRotationError(
                    f"AWS did not accept the new key {mask(new.access_key_id)} within "
                    f"{limit:.0f} s ({error.aws_code})",
                    hint="IAM is slower than usual; try again in a few minutes.",
                ) from None
            pause = min(wait, limit - waited)
            env.progress(
                Progress(
                    Step.WAITING,
                    new.access_key_id,
                    wait=timedelta(seconds=pause),
                    waited=timedelta(seconds=waited),
                )
            )
            env.sleep(pause)
            waited += pause
            wait = min(wait * 2, _LONGEST_WAIT)
            continue
        if arn != context.user_arn:
            raise KeyRotationError(
                f"the new key {mask(new.access_key_id)} belongs to {arn}, not to {context.user_arn}"
            )
        return


def _undone(
    plan: Plan, context: _Context, env: RotateEnvironment, new: NewAccessKey, error: AwsmfaError
) -> AwsmfaError:
    """Delete the new key after a failure before the file took it; say where things stand."""
    kept = f"[{plan.section}] still holds {mask(plan.current.access_key_id)}"
    # The same kind of error, so that the exit status stays the one the failure calls for.
    kind: type[AwsmfaError] = KeyRotationError
    if isinstance(error, ConfigError):
        kind = ConfigError
    elif isinstance(error, SaveError):
        kind = SaveError
    try:
        context.iam.delete_access_key(plan.user_name, new.access_key_id)
    except AwsError as failure:
        return kind(
            f"{error.message}; {kept}, and the new key {mask(new.access_key_id)} could not "
            f"be deleted ({failure.message})",
            hint=f"`{command_line('rotate', plan.name)}` deletes it and tries again.",
        )
    env.progress(Progress(Step.DELETED_ORPHAN, new.access_key_id))
    _remove_note_after_failure(plan, env)
    return kind(
        f"{error.message}; the new key {mask(new.access_key_id)} was deleted and {kept}",
        hint=error.hint,
    )


def _retire_old_key(
    plan: Plan, context: _Context, env: RotateEnvironment, old: AccessKeyInfo, *, new_key: str
) -> None:
    if old.active:
        _retire(plan, context, old.access_key_id, deactivate=True, new_key=new_key)
        env.progress(Progress(Step.DEACTIVATED, old.access_key_id))
    _retire(plan, context, old.access_key_id, deactivate=False, new_key=new_key)
    env.progress(Progress(Step.DELETED, old.access_key_id))


def _retire(
    plan: Plan, context: _Context, key_id: str, *, deactivate: bool, new_key: str | None = None
) -> None:
    try:
        if deactivate:
            context.iam.update_access_key(plan.user_name, key_id, active=False)
        else:
            context.iam.delete_access_key(plan.user_name, key_id)
    except AwsError as error:
        if not deactivate and error.aws_code == "NoSuchEntity":
            return  # deleted meanwhile, in the console or by another tool
        done = "deactivated" if deactivate else "deleted"
        saved = (
            f"the new key {mask(new_key)} is saved in [{plan.section}] and works, but "
            if new_key
            else ""
        )
        raise KeyRotationError(
            f"{saved}{mask(key_id)} could not be {done}: {error.message}",
            hint=f"`{command_line('rotate', plan.name)}` finishes the job; or delete "
            f"{mask(key_id)} in the IAM console.",
        ) from None


def _save(
    plan: Plan,
    env: RotateEnvironment,
    *,
    expect_key: str,
    edit: Callable[[CredentialsFile], None],
    what: str = "the rotation's progress",
) -> int | None:
    """Change the file under the lock, read again: edits made meanwhile are kept."""
    try:
        with locked(env.credentials_path):
            credentials = CredentialsFile.load(env.credentials_path)
            profile = credentials.long_term(plan.name)
            if profile.access_key_id != expect_key:
                raise KeyRotationError(
                    f"[{plan.section}] in {credentials.path} changed while awsmfa rotate was "
                    f"running: it holds {mask(profile.access_key_id)}, not {mask(expect_key)}"
                )
            edit(credentials)
            return credentials.save()
    except WriteFailed as failure:
        raise failure.about(what) from None


def _remove_note(plan: Plan, env: RotateEnvironment, *, expect_key: str) -> None:
    try:
        _save(plan, env, expect_key=expect_key, edit=_without_note(plan))
    except SaveError as error:
        raise SaveError(
            f"the rotation is done, but the note {NOTE_SETTING} stays in [{plan.section}]: "
            f"{error.message}",
            hint=f"Delete that line, or run `{command_line('rotate', plan.name)}` once "
            "the file can be written.",
        ) from None
    env.progress(Progress(Step.NOTE_REMOVED))


def _remove_note_after_failure(plan: Plan, env: RotateEnvironment) -> None:
    # No key of this run exists any more; a note left behind could make the next run
    # take a key someone creates in the next minutes for this run's, and delete it.
    with contextlib.suppress(AwsmfaError):
        _save(plan, env, expect_key=plan.current.access_key_id, edit=_without_note(plan))


def _without_note(plan: Plan) -> Callable[[CredentialsFile], None]:
    return lambda credentials: credentials.remove_value(plan.section, NOTE_SETTING)


def _interrupted(plan: Plan) -> str:
    """What an interrupted rotation leaves: the file's key works, the next run tidies up."""
    try:
        held = CredentialsFile.load(plan.credentials_path).long_term(plan.name).access_key_id
    except AwsmfaError:
        held = plan.current.access_key_id
    return (
        f"interrupted; [{plan.section}] holds {mask(held)}, which works; "
        f"`{command_line('rotate', plan.name)}` finishes or undoes what was begun"
    )
