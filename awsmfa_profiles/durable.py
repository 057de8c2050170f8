"""Durable file I/O for files that hold secrets: read a regular file as UTF-8 text,
replace it atomically with a fsynced 0600 copy, and lock it against other awsmfa runs.

Shared by the credentials file and the files `export` writes; knows nothing of their
formats.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from awsmfa_profiles.errors import Busy, ConfigError, WriteFailed

SECURE_MODE = 0o600
TEMP_SUFFIX = ".awsmfa-tmp"

# The files this run has replaced, in order: what the error boundary reports when a run
# is interrupted or fails after a rename, instead of "nothing was written".
_replaced: list[Path] = []


def replaced_files() -> list[Path]:
    """The files replaced since the run started (see `forget_replaced_files`)."""
    return list(_replaced)


def forget_replaced_files() -> None:
    """Start a new run's record; the error boundary calls it before each command."""
    _replaced.clear()


def read_regular_file(path: Path, *, fix: str) -> tuple[bytes, int] | None:
    """The bytes and mode of `path`; None when it does not exist.

    ConfigError for what must never be read or replaced: a directory, a FIFO (the read
    would block forever) or a device file; `fix` is the hint that goes with it.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise ConfigError(
            f"{path}: a part of that path is a file, not a directory", hint=fix
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{path} is a directory, not a file", hint=fix)
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path} is not a regular file", hint=fix)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    return data, stat.S_IMODE(info.st_mode)


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 text without NUL bytes; ConfigError naming the line otherwise."""
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


def write_atomically(path: Path, text: str) -> int | None:
    """Replace the file (or a symlink's target) by a fully written, fsynced 0600 copy.

    Returns the previous mode when it was looser than 0600, so the caller can say so.
    On any failure the original file is left as it was and WriteFailed says why.
    """
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise WriteFailed(path, _reason(error)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        # A rename would put a regular file in place of a device node, FIFO or socket.
        raise WriteFailed(path, "it is not a regular file")
    previous_mode = None if info is None else stat.S_IMODE(info.st_mode)
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # writers only: importing it costs every reader about 3 ms

        handle, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=temp_prefix(target), suffix=TEMP_SUFFIX
        )
    except OSError as error:
        raise WriteFailed(path, _reason(error)) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            os.fchmod(temp.fileno(), SECURE_MODE)
            temp.write(text.encode("utf-8"))
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        # Ctrl-C included: the temporary file holds the whole secret.
        if os.path.lexists(temp_name):
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
        else:
            _replaced.append(Path(path))  # interrupted just after the rename
        if isinstance(error, OSError):
            raise WriteFailed(path, _reason(error)) from None
        raise
    _replaced.append(Path(path))
    _fsync_directory(target.parent)
    if previous_mode is not None and previous_mode & ~SECURE_MODE & 0o777:
        return previous_mode
    return None


def temp_prefix(target: Path) -> str:
    """The start of the name of `target`'s temporary files: hidden, and beginning with the
    target's own name, so that an ignore pattern for it (`.env*`, `.env.*`) hides them too."""
    name = target.name
    return f"{name}." if name.startswith(".") else f".{name}."


@contextlib.contextmanager
def locked(path: Path, *, lock_file: bool = True) -> Iterator[None]:
    """Hold an exclusive lock for a whole read-modify-write of `path`.

    With `lock_file`, the lock is `NAME.lock` beside the real file, left in place:
    removing it would let two writers lock different files of the same name. Without,
    the directory itself is locked, so that a .env leaves no lock file in a project.
    Under the lock, temporary files a killed run left are removed.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; writes are still atomic.
        yield
        return
    target = Path(os.path.realpath(path))
    try:
        if lock_file:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock_path = target.with_name(target.name + ".lock")
            handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, SECURE_MODE)
        else:
            handle = os.open(target.parent, os.O_RDONLY)
    except OSError as error:
        raise WriteFailed(path, _reason(error)) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _remove_stale_temp_files(target)
        yield
    finally:
        os.close(handle)


@contextlib.contextmanager
def held_alone(path: Path, purpose: str) -> Iterator[None]:
    """Hold `<file>.<purpose>.lock` for a whole long operation, or raise Busy at once.

    For operations that must never run twice at the same time on one file (a key
    rotation) and that take too long to make another run wait. The file's own lock
    (`locked`) is still taken around each write inside.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    lock_path = _purpose_lock(path, purpose)
    try:
        lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, SECURE_MODE)
    except OSError as error:
        raise WriteFailed(path, _reason(error)) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Busy(
                f"another awsmfa {purpose} is running on {path}",
                hint="Wait for it to finish, then run this again if it is still needed.",
            ) from None
        yield
    finally:
        os.close(handle)


def is_held(path: Path, purpose: str) -> bool:
    """Whether a run holds `held_alone(path, purpose)` now; creates and changes nothing."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        handle = os.open(_purpose_lock(path, purpose), os.O_RDONLY)
    except OSError:
        return False  # no lock file: no such run has ever held it
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)  # closing releases a lock this probe took
    return False


def _purpose_lock(path: Path, purpose: str) -> Path:
    target = Path(os.path.realpath(path))
    return target.with_name(f"{target.name}.{purpose}.lock")


def check_writable(path: Path, *, lock_file: bool = True) -> None:
    """ConfigError now, while nothing is sent, if `path` could not be replaced later.

    Tried rather than judged from modes: root ignores modes, and neither a read-only mount
    nor an immutable directory shows in them. A temporary file is made and removed beside
    the real file, and the lock file opened as `locked` will open it.
    """
    target = Path(os.path.realpath(path))
    place = target.parent
    if not place.is_dir():
        return  # made when the file is written, as ~/.aws is on a first run
    try:
        if lock_file:
            os.close(
                os.open(
                    target.with_name(target.name + ".lock"), os.O_RDWR | os.O_CREAT, SECURE_MODE
                )
            )
        import tempfile

        handle, probe = tempfile.mkstemp(dir=place, prefix=temp_prefix(target), suffix=TEMP_SUFFIX)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise ConfigError(
            f"{path} could not be written: {_reason(error)} (in {place}); nothing was sent, "
            "so no code was used",
            hint=f"Make {place} writable for you (a read-only mount, `chattr +i` or a lock "
            "file owned by another user also prevent it), then run the command again.",
        ) from None


def _remove_stale_temp_files(target: Path) -> None:
    # Under the lock no other awsmfa is writing, so any temp file is a killed run's leftover.
    # mkstemp puts exactly 8 random characters between prefix and suffix, so the temp
    # files of another file named like this one (credentials.work) are not matched.
    prefixes = {temp_prefix(target), f".{target.name}."}  # the second: older awsmfa's
    for prefix in prefixes:
        for leftover in target.parent.glob(f"{_glob_escape(prefix)}{'?' * 8}{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
