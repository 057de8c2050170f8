"""Hand the session of `[NAME]` to tools that do not read profiles: shell variables, a .env
file, or the JSON an SDK's credential_process expects. Never calls AWS.

The .env merge follows python-dotenv's grammar (the library notebooks load .env files
with), so a line holds one of our keys exactly when python-dotenv would read it so.
"""

from __future__ import annotations

import enum
import json
import os
import re
import shlex
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from awsmfa_profiles.errors import ConfigError, SessionUnavailable, UsageError
from awsmfa_profiles.session import (
    Session,
    Status,
    describe_duration,
    format_expiration,
    status,
)

# Values made only of these need no quotes, for python-dotenv nor for a shell; AWS keys,
# tokens and ISO 8601 times always are.
_SAFE_VALUE = re.compile(r"[\w@%+=:,./-]+", re.ASCII)

# python-dotenv 1.x's own patterns (dotenv/parser.py), used the way its parser uses them.
_GAP = re.compile(r"\s*")
_BLANK = re.compile(r"[^\S\r\n]*")
_EXPORT = re.compile(r"(?:export[^\S\r\n]+)?")
_SINGLE_QUOTED_KEY = re.compile(r"'([^']+)'")
_UNQUOTED_KEY = re.compile(r"([^=\#\s]+)")
_EQUAL_SIGN = re.compile(r"=[^\S\r\n]*")
_SINGLE_QUOTED_VALUE = re.compile(r"'((?:\\.|[^'\\])*)'", re.DOTALL)
_DOUBLE_QUOTED_VALUE = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_UNQUOTED_VALUE = re.compile(r"[^\r\n]*")
_INLINE_COMMENT = re.compile(r"\s+#.*")
_COMMENT = re.compile(r"(?:[^\S\r\n]*#[^\r\n]*)?")
_END_OF_LINE = re.compile(r"[^\S\r\n]*(?:\r\n|\n|\r|$)")
_REST_OF_LINE = re.compile(r"[^\r\n]*(?:\r|\n|\r\n)?")
_SINGLE_QUOTE_ESCAPE = re.compile(r"\\[\\']")
_DOUBLE_QUOTE_ESCAPE = re.compile(r"\\[\\'\"abfnrtv]")
_ESCAPED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


class Format(str, enum.Enum):
    ENV = "env"
    DOTENV = "dotenv"
    JSON = "json"


@dataclass(frozen=True)
class Current:
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

    check_profile_name(name)
    credentials = CredentialsFile.load(credentials_path)
    credentials.require_profile(name)
    credentials.refuse_long_term_keys(name, refusing="awsmfa exports only sessions")
    expires_at = credentials.stored_session(name).expires_at
    state = status(expires_at, now, credentials.session_kind(name).default_within)
    if state is Status.MISSING:
        if credentials.get(name, "aws_session_token"):
            raise SessionUnavailable(
                f"[{name}] has a session token but no expiration, so awsmfa cannot tell "
                "whether it is still valid; nothing was exported",
                hint=f"Run `awsmfa refresh {name} --force` to write a new session.",
            )
        raise SessionUnavailable(
            f"[{name}] holds no session yet; nothing was exported",
            hint=f"Run `awsmfa refresh {name}` first.",
        )
    assert expires_at is not None
    if state is Status.EXPIRED:
        raise SessionUnavailable(
            f"the session in [{name}] expired {describe_duration(now - expires_at)} ago, "
            f"at {format_expiration(expires_at)}; nothing was exported",
            hint=f"Run `awsmfa refresh {name}`, then export again.",
        )
    return Current(credentials.session(name), state)


def read_output(path: Path) -> str:
    """The text of a file to merge into; empty when it does not exist yet.

    Called before anything is sent or written too, so a file that could never be
    updated is refused while nothing has happened yet.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        _refuse_unwritable_place(path)
        return ""
    except NotADirectoryError:
        raise ConfigError(
            f"{path}: a part of that path is a file, not a directory",
            hint="Name a .env file inside a directory.",
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            f"{path} is a directory", hint="Name a file, such as a .env inside it."
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    try:
        if b"\0" in data:
            raise ValueError
        return data.decode("utf-8")
    except ValueError:
        raise ConfigError(
            f"{path} is not a UTF-8 text file", hint="awsmfa will not write over it."
        ) from None


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


def write_output(path: Path, session: Session, fmt: Format) -> int | None:
    """Put the session into the file, atomically with mode 0600; return a looser mode it had.

    env and dotenv merge into what the file holds; json, a single document, replaces it.
    """
    from awsmfa_profiles.credentials_file import write_atomically

    existing = read_output(path)
    if fmt is Format.JSON:
        _refuse_to_replace_foreign_json(path, existing)
        text = render(session, fmt)
    else:
        try:
            text = merge_dotenv(
                existing, variables(session), added_prefix="export " if fmt is Format.ENV else ""
            )
        except ValueError as error:
            raise ConfigError(
                f"{path}: {error}", hint="Fix the quoting on that line; the file is unchanged."
            ) from None
    # No lock as for the credentials file: a lock file would litter project directories,
    # and the atomic replace means a concurrent writer can only win, never tear the file.
    return write_atomically(path, text)


def _refuse_to_replace_foreign_json(path: Path, existing: str) -> None:
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
    if fmt is Format.JSON:
        return json.dumps(credential_process(session), indent=2) + "\n"
    if fmt is Format.ENV:
        return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in variables(session))
    return "".join(f"{key}={dotenv_quote(value)}\n" for key, value in variables(session))


def dotenv_quote(value: str) -> str:
    """A value python-dotenv reads back exactly; bare when it can be, as a shell would take it."""
    if _SAFE_VALUE.fullmatch(value):
        return value
    # Single quotes: python-dotenv expands ${VAR} in bare and double-quoted values only.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# The .env merge.


@dataclass(frozen=True)
class _Binding:
    """One statement of a .env file as python-dotenv splits it, with where its parts are."""

    key: str | None  # None: a comment, or a line python-dotenv cannot read (error)
    value: str | None  # None: a key with no `=`
    start: int  # where its line begins, after any blank lines before it
    value_start: int  # the value's span; empty where a new value would go
    value_end: int
    end: int  # after its line ending
    error: bool = False


def merge_dotenv(text: str, values: list[tuple[str, str]], *, added_prefix: str = "") -> str:
    """Set each key of `values` in a .env text, changing nothing else.

    A key already there gets the new value where it stands (its `export`, spacing and
    comment kept); a later repeat of it is dropped; a key not there is added at the end.
    Raises ValueError, naming the line, if the result would not read back as written.
    """
    wanted = dict(values)
    seen: set[str] = set()
    pieces: list[str] = []
    cursor = 0
    for binding in _bindings(text):
        if binding.key is None or binding.key not in wanted:
            continue
        if binding.key in seen:
            # A repeat would override the value set above for python-dotenv, or confuse
            # a reader: drop the whole statement, line ending included.
            pieces.append(text[cursor : binding.start])
            cursor = binding.end
            continue
        seen.add(binding.key)
        assigned = dotenv_quote(wanted[binding.key])
        pieces.append(text[cursor : binding.value_start])
        pieces.append(assigned if binding.value is not None else "=" + assigned)
        cursor = binding.value_end
    pieces.append(text[cursor:])
    merged = "".join(pieces)

    missing = [key for key in wanted if key not in seen]
    if missing:
        newline = "\r\n" if _uses_crlf(text) else "\n"
        body = merged.removeprefix("\ufeff")
        if body and not body.endswith(("\n", "\r")):
            merged += newline
        if not seen and body.strip() and not merged.endswith(newline * 2):
            merged += newline  # a blank line sets a new block apart from the file's own lines
        merged += "".join(
            f"{added_prefix}{key}={dotenv_quote(wanted[key])}{newline}" for key in missing
        )
    _verify(merged, wanted, text)
    return merged


def _verify(merged: str, wanted: dict[str, str], original: str) -> None:
    # An unclosed quote earlier in a file can swallow the lines after it; then refuse
    # rather than write a file whose keys would not read back.
    read_back: dict[str, list[str | None]] = {}
    for binding in _bindings(merged):
        if binding.key in wanted:
            read_back.setdefault(binding.key, []).append(binding.value)
    if all(read_back.get(key) == [value] for key, value in wanted.items()):
        return
    broken = next((b for b in _bindings(original) if b.error), None)
    where = f"line {_line_of(original, broken.start)}" if broken else "a line"
    raise ValueError(
        f"{where} cannot be read as KEY=VALUE (an unclosed quote?), and the session "
        "would not read back if written after it"
    )


def _uses_crlf(text: str) -> bool:
    return "\r\n" in text and text.count("\r\n") == text.count("\n")


def _line_of(text: str, offset: int) -> int:
    return len(re.findall(r"\r\n|\n|\r", text[:offset])) + 1


class _Unreadable(Exception):
    def __init__(self, position: int) -> None:
        self.position = position


def _bindings(text: str) -> list[_Binding]:
    found: list[_Binding] = []
    # python-dotenv skips a byte order mark; it stays in the file untouched.
    position = 1 if text.startswith("\ufeff") else 0
    while position < len(text):
        gap_end = _match(_GAP, text, position).end()
        if gap_end == len(text):
            break
        last_break = max(text.rfind("\n", position, gap_end), text.rfind("\r", position, gap_end))
        start = last_break + 1 if last_break >= 0 else position
        try:
            binding = _binding_at(text, gap_end, start)
        except _Unreadable as failure:
            end = _match(_REST_OF_LINE, text, failure.position).end()
            binding = _Binding(None, None, start, end, end, end, error=True)
        found.append(binding)
        position = binding.end
    return found


def _binding_at(text: str, position: int, start: int) -> _Binding:
    position = _match(_EXPORT, text, position).end()
    key: str | None = None
    if not text.startswith("#", position):
        quoted = text.startswith("'", position)
        found = _match(_SINGLE_QUOTED_KEY if quoted else _UNQUOTED_KEY, text, position)
        key, position = found.group(1), found.end()
    value: str | None = None
    value_start = value_end = position
    after_key = _match(_BLANK, text, position).end()
    if text.startswith("=", after_key):
        equal_sign = _match(_EQUAL_SIGN, text, after_key)
        position = value_start = value_end = equal_sign.end()
        first = text[position : position + 1]
        if len(equal_sign.group()) > 1 and first == "#":
            # `KEY= # comment`: an empty value, then a comment. A new value goes right
            # after the `=`, so the space keeps the comment a comment.
            value = ""
            value_start = value_end = after_key + 1
        elif first in ("'", '"'):
            single = first == "'"
            found = _match(_SINGLE_QUOTED_VALUE if single else _DOUBLE_QUOTED_VALUE, text, position)
            value = _unescape(found.group(1), single=single)
            position = value_end = found.end()
        elif first in ("", "\n", "\r"):
            value = ""
        else:
            part = _match(_UNQUOTED_VALUE, text, position).group()
            value = _INLINE_COMMENT.sub("", part).rstrip()
            value_end = position + len(value)
            position += len(part)
    else:
        position = after_key
    position = _match(_COMMENT, text, position).end()
    end = _match(_END_OF_LINE, text, position).end()
    return _Binding(key, value, start, value_start, value_end, end)


def _match(pattern: re.Pattern[str], text: str, position: int) -> re.Match[str]:
    found = pattern.match(text, position)
    if found is None:
        raise _Unreadable(position)
    return found


def _unescape(raw: str, *, single: bool) -> str:
    if single:
        return _SINGLE_QUOTE_ESCAPE.sub(lambda m: m.group()[1], raw)
    return _DOUBLE_QUOTE_ESCAPE.sub(lambda m: _ESCAPED.get(m.group()[1], m.group()[1]), raw)
