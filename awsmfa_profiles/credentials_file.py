"""The shared credentials file: read profiles, change one section, save atomically.

This is the only module that knows configupdater. Every line that awsmfa does not mean
to change is written back exactly as it was read: comments, blank lines, spacing,
key order, a UTF-8 byte order mark and CRLF line endings included.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awsmfa_profiles.errors import ConfigError, SaveError, UsageError
from awsmfa_profiles.session import Session, format_expiration, parse_expiration

if TYPE_CHECKING:
    from configupdater import ConfigUpdater

    from awsmfa_profiles.aws import LongTermKeys

LONG_TERM_SUFFIX = "-long-term"
SECURE_MODE = 0o600
TEMP_SUFFIX = ".awsmfa-tmp"
_BOM = "\ufeff"
_SESSION_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration")
_OPTION_PREFIX = re.compile(r"\s*[^=:\s][^=:]*?(\s*)([=:])(\s*)")
# Brackets and line breaks cannot be written into a [section] header and read back.
_NOT_IN_NAME = re.compile(r"[\[\]\x00-\x1f\x7f]")


def long_term_section(name: str) -> str:
    return f"{name}{LONG_TERM_SUFFIX}"


def check_profile_name(name: str) -> str:
    """A name that can head its own section and that of its long-term keys."""
    if not name or name != name.strip() or _NOT_IN_NAME.search(name):
        raise UsageError(
            f"{name!r} cannot be a profile name",
            hint="Use letters, digits and . _ - @ +, as in `smce-veda`.",
        )
    if name.endswith(LONG_TERM_SUFFIX):
        raise UsageError(
            f"{name!r} is the section of the long-term keys, not a profile",
            hint=f"Name the profile without {LONG_TERM_SUFFIX}: "
            f"{name[: -len(LONG_TERM_SUFFIX)] or 'NAME'!r}.",
        )
    return name


@dataclass(frozen=True)
class LongTermProfile:
    """The long-term keys of `[NAME-long-term]` and every other setting found there."""

    name: str
    access_key_id: str
    secret_access_key: str = field(repr=False)
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def section(self) -> str:
        return long_term_section(self.name)

    @property
    def mfa_device(self) -> str | None:
        return self.settings.get("aws_mfa_device") or self.settings.get("mfa_serial") or None

    def keys(self) -> LongTermKeys:
        from awsmfa_profiles.aws import LongTermKeys

        return LongTermKeys(self.access_key_id, self.secret_access_key, f"[{self.section}]")


@dataclass(frozen=True)
class StoredSession:
    """What `[NAME]` holds: whether a session token is there, and until when it is good."""

    has_token: bool
    expires_at: datetime | None


class CredentialsFile:
    """An in-memory model of one credentials file, faithful to its bytes."""

    def __init__(self, path: Path, text: str, *, exists: bool, mode: int | None) -> None:
        self.path = path
        self.exists = exists
        self.mode = mode
        self._bom = text.startswith(_BOM)
        body = text[len(_BOM) :] if self._bom else text
        # Only a file that is CRLF throughout is edited as LF and written back as CRLF;
        # a mixed file keeps every line ending it has.
        self._crlf = "\r\n" in body and body.count("\r\n") == body.count("\n")
        if self._crlf:
            body = body.replace("\r\n", "\n")
        self._doc = _parse(body, path)
        self._styles: dict[str, tuple[bool, str]] = {}

    @classmethod
    def load(cls, path: Path) -> CredentialsFile:
        """Read and parse the file; a missing file is an empty one that does not exist yet."""
        try:
            info = path.stat()
        except FileNotFoundError:
            return cls(path, "", exists=False, mode=None)
        except OSError as error:
            raise ConfigError(f"cannot read {path}: {error.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(
                f"{path} is a directory, not a credentials file",
                hint="Move it aside or point AWS_SHARED_CREDENTIALS_FILE at a file.",
            )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ConfigError(f"cannot read {path}: {error.strerror}") from None
        return cls(path, _decode(data, path), exists=True, mode=stat.S_IMODE(info.st_mode))

    # Reading

    def sections(self) -> list[str]:
        return list(self._doc.sections())

    def has_section(self, name: str) -> bool:
        return bool(self._doc.has_section(name))

    def get(self, section: str, key: str) -> str | None:
        if not self._doc.has_option(section, key):
            return None
        value = self._doc[section][key].value
        return None if value is None else str(value)

    def long_term_profiles(self) -> list[str]:
        """Names of the profiles that have a `[NAME-long-term]` section, in file order."""
        return [
            section[: -len(LONG_TERM_SUFFIX)]
            for section in self.sections()
            if section.endswith(LONG_TERM_SUFFIX) and len(section) > len(LONG_TERM_SUFFIX)
        ]

    def long_term(self, name: str) -> LongTermProfile:
        section = long_term_section(name)
        if not self.has_section(section):
            raise ConfigError(
                f"no [{section}] section in {self.path}",
                hint=(
                    f"Put your long-term access keys there:\n  [{section}]\n"
                    "  aws_access_key_id = AKIA...\n  aws_secret_access_key = ..."
                ),
            )
        settings = {
            key: str(option.value or "").strip() for key, option in self._doc[section].items()
        }
        access_key_id = settings.pop("aws_access_key_id", "")
        secret_access_key = settings.pop("aws_secret_access_key", "")
        missing = [
            key
            for key, value in (
                ("aws_access_key_id", access_key_id),
                ("aws_secret_access_key", secret_access_key),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"[{section}] in {self.path} has no {' and no '.join(missing)}",
                hint="Both long-term keys are needed to ask STS for a session.",
            )
        return LongTermProfile(name, access_key_id, secret_access_key, settings)

    def holds_long_term_keys(self, name: str) -> bool:
        """True when `[NAME]` has keys but no session token: the user's own long-term keys."""
        return bool(self.get(name, "aws_access_key_id")) and not self.get(name, "aws_session_token")

    def stored_session(self, name: str) -> StoredSession:
        token = self.get(name, "aws_session_token")
        raw_expiry = self.get(name, "expiration")
        expires_at = None
        if token and raw_expiry:
            try:
                expires_at = parse_expiration(raw_expiry)
            except ValueError:
                raise ConfigError(
                    f"[{name}] in {self.path}: expiration {raw_expiry.strip()!r} "
                    "is not an ISO 8601 time",
                    hint=f"Run `awsmfa refresh {name} --force` to write a new session.",
                ) from None
        return StoredSession(has_token=bool(token), expires_at=expires_at)

    # Changing

    def set_session(self, name: str, session: Session) -> None:
        """Write the session into `[NAME]`, keeping every other key and comment there."""
        values = {
            "aws_access_key_id": session.access_key_id,
            "aws_secret_access_key": session.secret_access_key,
            "aws_session_token": session.session_token,
            "expiration": format_expiration(session.expires_at),
        }
        if self.get(name, "aws_security_token") is not None:
            # aws-mfa writes this older name too; a stale copy would shadow the new token.
            values["aws_security_token"] = session.session_token
        for key in _SESSION_KEYS:
            self.set_value(name, key, values.pop(key))
        for key, value in values.items():
            self.set_value(name, key, value)

    def set_value(self, section_name: str, key: str, value: str) -> None:
        """Set one key, changing only its own line, or adding one after the section's last key."""
        doc = self._doc
        if not doc.has_section(section_name):
            self._append_section(section_name)
        section = doc[section_name]
        options = [block for block in section.iter_blocks() if _is_option(block)]
        if section_name not in self._styles:
            # Taken once, from the lines as read, so every line written here matches them.
            self._styles[section_name] = _style_of(next((o for o in options if o.lines), None))
        if section.has_option(key):
            option = section[key]
            spaced, delimiter = _style_of(option) if option.lines else self._styles[section_name]
            index = option.container_idx
            option.detach()
            section.insert_at(index).option(
                option.raw_key, value, delimiter=delimiter, space_around_delimiters=spaced
            )
            return
        spaced, delimiter = self._styles[section_name]
        # After the last key rather than at the end of the section: comment lines at the
        # end of a section annotate the section that follows them and stay above it.
        builder = options[-1].add_after if options else section.insert_at(0)
        builder.option(key, value, delimiter=delimiter, space_around_delimiters=spaced)

    def rename_section(self, old: str, new: str) -> None:
        """Rename [old] to [new] where it stands; only the header line changes.

        Its keys and comments stay under it, and so do the comment lines directly above
        the header (configupdater files those under the previous section), because nothing
        moves: the header line is rewritten in place, its spacing and inline comment kept.
        """
        if not self.has_section(old):
            raise ConfigError(f"no [{old}] section in {self.path}")
        if self.has_section(new):
            raise ConfigError(f"[{new}] already exists in {self.path}")
        section = self._doc[old]
        if not section.lines:  # added in memory, never read from the file
            section.name = new
        else:
            # Through the text rather than Section.name: renaming that way rebuilds the
            # header line and drops any whitespace around the brackets.
            head = ""
            for block in self._doc.iter_blocks():
                if block is section:
                    break
                head += str(block)
            text = str(self._doc)
            header = section.lines[0]
            renamed = header.replace(f"[{old}]", f"[{new}]", 1)
            self._doc = _parse(head + renamed + text[len(head) + len(header) :], self.path)
        if old in self._styles:
            self._styles[new] = self._styles.pop(old)

    def _append_section(self, name: str) -> None:
        doc = self._doc
        rendered = str(doc)
        last = doc.last_block
        if last is not None and rendered.strip() and not rendered.endswith("\n\n"):
            last.add_after.space(1)
        doc.add_section(name)

    def render(self) -> str:
        body = str(self._doc)
        if self._crlf:
            body = body.replace("\n", "\r\n")
        return (_BOM if self._bom else "") + body

    def save(self) -> int | None:
        """Write atomically with mode 0600; return the looser mode it replaced, if any."""
        return write_atomically(self.path, self.render())


def write_atomically(path: Path, text: str) -> int | None:
    """Replace the file (or a symlink's target) by a fully written, fsynced 0600 copy.

    Returns the previous mode when it was looser than 0600, so the caller can say so.
    On any failure the original file is left as it was and SaveError says why.
    """
    target = Path(os.path.realpath(path))
    try:
        previous_mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        previous_mode = None
    except OSError as error:
        raise SaveError(_not_saved(path, error)) from None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX
        )
    except OSError as error:
        raise SaveError(_not_saved(path, error)) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            os.fchmod(temp.fileno(), SECURE_MODE)
            temp.write(text.encode("utf-8"))
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise SaveError(_not_saved(path, error)) from None
    _fsync_directory(target.parent)
    if previous_mode is not None and previous_mode & ~SECURE_MODE & 0o777:
        return previous_mode
    return None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the real file for a whole read-modify-write.

    The lock file is left in place: removing it would let two writers lock
    different files of the same name.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; writes are still atomic.
        yield
        return
    target = Path(os.path.realpath(path))
    lock_path = target.with_name(target.name + ".lock")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, SECURE_MODE)
    except OSError as error:
        raise SaveError(_not_saved(path, error)) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _remove_stale_temp_files(target)
        yield
    finally:
        os.close(handle)


def _remove_stale_temp_files(target: Path) -> None:
    # Under the lock no other awsmfa is writing, so any temp file is a killed run's leftover.
    for leftover in target.parent.glob(f".{glob_escape(target.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _not_saved(path: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"the changes could not be saved to {path}: {reason}; the file is unchanged"


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _decode(data: bytes, path: Path) -> str:
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: the file contains a NUL byte; it is not a text file",
            hint="Restore it from a backup; awsmfa will not write over it.",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: the file is not UTF-8 text",
            hint="Save it as UTF-8; awsmfa will not write over it.",
        ) from None


def _parse(text: str, path: Path) -> ConfigUpdater:
    import configparser

    from configupdater import ConfigUpdater

    doc = ConfigUpdater()
    try:
        doc.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as error:
        raise ConfigError(
            f"{path}, line {error.lineno}: a line before the first [section] header",
            hint="Every key must be inside a section such as [default].",
        ) from None
    except configparser.DuplicateSectionError as error:
        raise ConfigError(
            f"{path}, line {error.lineno}: section [{error.section}] appears a second time",
            hint="Merge the two sections into one.",
        ) from None
    except configparser.DuplicateOptionError as error:
        raise ConfigError(
            f"{path}, line {error.lineno}: key {error.option!r} appears a second time "
            f"in [{error.section}]",
            hint="Keep one of the two lines.",
        ) from None
    except configparser.ParsingError as error:
        lines = ", ".join(str(lineno) for lineno, _ in error.errors) or "?"
        raise ConfigError(
            f"{path}, line {lines}: cannot be parsed as an INI file",
            hint="Each line must be a [section] header, a key = value, or a comment.",
        ) from None
    except configparser.Error as error:
        # The message of other parser errors never quotes secrets; keep only its first line.
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(f"{path}: {first_line}") from None
    return doc


def _is_option(block: Any) -> bool:
    from configupdater import Option

    return isinstance(block, Option)


def _style_of(option: Any) -> tuple[bool, str]:
    """The spacing and delimiter a key line read from the file uses, so a new line matches."""
    lines = option.lines if option is not None else []
    match = _OPTION_PREFIX.match(lines[0]) if lines else None
    if match is None:
        return True, "="
    return bool(match.group(1) or match.group(3)), match.group(2)
