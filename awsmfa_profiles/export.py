"""Hand the session of `[NAME]` to tools that do not read profiles: shell variables, a .env
file, or the JSON an SDK's credential_process expects. Never calls AWS."""

from __future__ import annotations

import contextlib
import enum
import os
import shlex
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from awsmfa_profiles.errors import ConfigError, SessionUnavailable, UsageError, command_line
from awsmfa_profiles.session import (
    Session,
    Status,
    describe_duration,
    format_expiration,
    status,
)


class Format(str, enum.Enum):
    ENV = "env"
    DOTENV = "dotenv"
    JSON = "json"


class Current(NamedTuple):
    """A session that is still valid, and whether it is within the expiring margin."""

    session: Session
    status: Status


def parse_format(text: str) -> Format:
    try:
        return Format(text.strip().lower())
    except ValueError:
        choices = ", ".join(choice.value for choice in Format)
        raise UsageError(f"--format must be one of {choices}, not {text!r}") from None


# The use cases.


def current_session(name: str, *, credentials_path: Path, now: datetime) -> Current:
    """The session of `[NAME]` if it is still valid; SessionUnavailable if a refresh is needed."""
    from awsmfa_profiles.credentials_file import (
        CredentialsFile,
        check_profile_name,
    )
    from awsmfa_profiles.settings import profile_margin

    check_profile_name(name)
    credentials = CredentialsFile.load(credentials_path)
    credentials.require_profile(name)
    credentials.refuse_long_term_keys(name, refusing="awsmfa exports only sessions")
    expires_at = credentials.stored_session(name).expires_at
    try:
        within = profile_margin(credentials, name, None).value
    except ConfigError:
        # Only the note below depends on it: a credential_process must not fail for it.
        within = credentials.session_kind(name).default_within
    state = status(expires_at, now, within)
    if state is Status.MISSING:
        if credentials.get(name, "aws_session_token"):
            raise SessionUnavailable(
                f"[{name}] has a session token but no expiration, so awsmfa cannot tell "
                "whether it is still valid; nothing was exported",
                hint=f"Run `{command_line('refresh', name, '--force')}` to write a new session.",
            )
        raise SessionUnavailable(
            f"[{name}] holds no session yet; nothing was exported",
            hint=f"Run `{command_line('refresh', name)}` first.",
        )
    assert expires_at is not None
    if state is Status.EXPIRED:
        raise SessionUnavailable(
            f"the session in [{name}] expired {describe_duration(now - expires_at)} ago, "
            f"at {format_expiration(expires_at)}; nothing was exported",
            hint=f"Run `{command_line('refresh', name)}`, then export again.",
        )
    return Current(credentials.session(name), state)


def read_output(path: Path, *, aws_files: Sequence[Path] = ()) -> str:
    """The text of a file to merge into; empty when it does not exist yet.

    Called before anything is sent or written too, so a file that could never be
    updated is refused while nothing has happened yet: a FIFO would block the read
    forever, the rename would put a regular file in place of a device node, and .env
    lines merged into one of `aws_files` (the credentials and config files) would make
    it unreadable to every AWS tool.
    """
    from awsmfa_profiles.durable import read_regular_file

    _refuse_aws_files(path, aws_files)

    found = read_regular_file(
        path, fix="Name an ordinary file, such as a .env in your project directory."
    )
    if found is None:
        _refuse_unwritable_place(path)
        return ""
    data, _mode = found
    try:
        if b"\0" in data:
            raise ValueError
        return data.decode("utf-8")
    except ValueError:
        raise ConfigError(
            f"{path} is not a UTF-8 text file", hint="awsmfa will not write over it."
        ) from None


def _refuse_aws_files(path: Path, aws_files: Sequence[Path]) -> None:
    target = os.path.realpath(path)
    for aws_file in aws_files:
        same = target == os.path.realpath(aws_file)
        if not same:
            with contextlib.suppress(OSError):  # a hard link is the same file too
                same = os.path.samefile(path, aws_file)
        if same:
            raise ConfigError(
                f"{path} is the AWS file {aws_file}; awsmfa writes the session there itself, "
                "and .env lines would make it unreadable to every AWS tool",
                hint="Name a file of its own, such as ~/.env or a .env in your project.",
            )


def _refuse_unwritable_place(path: Path) -> None:
    """A new file can be made there: its directory exists and is writable.

    Directories are never made for it: a mistyped path would otherwise grow folders
    holding a file of secrets somewhere unexpected.
    """
    place = path.absolute().parent
    if not place.is_dir():
        raise ConfigError(
            f"{path} cannot be created: the directory {place} does not exist",
            hint="Check the path, or create the directory first.",
        )
    if not os.access(place, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{path} cannot be created: the directory {place} is not writable",
            hint="Name a .env file in a directory you can write to.",
        )


def write_output(
    path: Path, session: Session, fmt: Format, *, aws_files: Sequence[Path] = ()
) -> int | None:
    """Put the session into the file, atomically with mode 0600; return a looser mode it had.

    env and dotenv merge into what the file holds; json, a single document, replaces it.
    """
    from awsmfa_profiles.dotenv import merge_dotenv
    from awsmfa_profiles.durable import locked, write_atomically

    read_output(path, aws_files=aws_files)  # refused before the lock, if it must be
    # The directory is locked rather than a lock file made: one would litter projects.
    with locked(path, lock_file=False):
        existing = read_output(path)
        if fmt is Format.JSON:
            _refuse_to_replace_foreign_json(path, existing)
            text = render(session, fmt)
        else:
            try:
                text = merge_dotenv(
                    existing,
                    variables(session),
                    added_prefix="export " if fmt is Format.ENV else "",
                )
            except ValueError as error:
                raise ConfigError(
                    f"{path}: {error}",
                    hint="Fix the quoting on that line; the file is unchanged.",
                ) from None
        return write_atomically(path, text)


def _refuse_to_replace_foreign_json(path: Path, existing: str) -> None:
    import json

    if not existing.strip():
        return
    try:
        document = json.loads(existing)
    except ValueError:
        document = None
    if not (isinstance(document, dict) and document.get("Version") == 1):
        raise ConfigError(
            f"{path} exists and is not credential_process JSON; awsmfa will not replace it",
            hint="Name a new file, or remove this one first.",
        )


# Formatting: pure functions of the session.


def variables(session: Session) -> list[tuple[str, str]]:
    """The environment variables every AWS SDK and the AWS CLI read credentials from."""
    return [
        ("AWS_ACCESS_KEY_ID", session.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", session.secret_access_key),
        ("AWS_SESSION_TOKEN", session.session_token),
        # The older name of the token. botocore reads it *before* AWS_SESSION_TOKEN, so a
        # stale copy left in a shell by an old script would shadow the new token.
        ("AWS_SECURITY_TOKEN", session.session_token),
        # Lets botocore and others see the expiry and fail clearly once it has passed.
        ("AWS_CREDENTIAL_EXPIRATION", format_expiration(session.expires_at)),
    ]


def credential_process(session: Session) -> dict[str, object]:
    """The document an SDK's credential_process must print (Version 1)."""
    return {
        "Version": 1,
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
        "SessionToken": session.session_token,
        "Expiration": format_expiration(session.expires_at),
    }


def render(session: Session, fmt: Format) -> str:
    """What `awsmfa export` prints: shell lines, .env lines or credential_process JSON."""
    # Each format imports what it alone needs: export runs as a credential_process.
    if fmt is Format.JSON:
        import json

        return json.dumps(credential_process(session), indent=2) + "\n"
    if fmt is Format.ENV:
        return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in variables(session))
    from awsmfa_profiles.dotenv import dotenv_quote

    return "".join(f"{key}={dotenv_quote(value)}\n" for key, value in variables(session))
