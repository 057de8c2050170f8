"""The daily reminder: awsmfa's one line in the user's crontab, found again by its marker.
`crontab` is run only through the `run` function passed in."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from awsmfa_profiles.credentials_file import (
    CredentialsFile,
    check_profile_name,
    long_term_section,
)
from awsmfa_profiles.errors import AwsmfaError, ReminderError, UsageError
from awsmfa_profiles.programs import Run, first_line

# Ends awsmfa's crontab line so that it can be found again; to the shell it is a comment.
MARKER = "# awsmfa reminder"
DEFAULT_AT = "09:00"
CRONTAB_TIMEOUT = 30.0
_AT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# A line break would end the line and start another job; the other control characters
# have no place in a path or a name either.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# cron keeps 999 bytes of a command (MAX_COMMAND less its NUL) and its newline; Debian's
# crontab refuses a longer one, and other crons cut it.
MAX_COMMAND_BYTES = 998
_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


def parse_at(text: str) -> tuple[int, int]:
    """HH:MM on a 24-hour clock, as (hour, minute)."""
    match = _AT.fullmatch(text.strip())
    if match is None:
        raise UsageError(
            f"--at {text!r} is not a time of day",
            hint="Give it as HH:MM on a 24-hour clock, e.g. --at 08:30 or --at 17:45.",
        )
    return int(match.group(1)), int(match.group(2))


def awsmfa_command(argv0: str, executable: str, which: Callable[[str], str | None]) -> list[str]:
    """The absolute command that runs this awsmfa: cron's PATH is short.

    The running script first (a symlink as pipx makes is kept, so that it survives an
    upgrade); then the script beside this Python (run as `python -m awsmfa_profiles`);
    then whatever `awsmfa` is on PATH; else this Python with -m.
    """
    script = Path(argv0)
    if script.name == "awsmfa" and script.is_file():
        return [os.path.abspath(script)]
    beside = Path(executable).parent / "awsmfa"
    if beside.is_file():
        return [str(beside)]
    found = which("awsmfa")
    if found:
        return [os.path.abspath(found)]
    return [executable, "-m", "awsmfa_profiles"]


def reminder_line(
    command: list[str],
    at: tuple[int, int],
    names: list[str],
    *,
    credentials_file: str | None = None,
) -> str:
    """The crontab line that runs `awsmfa check --quiet --notify` every day at `at`.

    Every value is shell-quoted and then written the way cron reads a command (crontab(5)):
    on one line, with each `%` escaped, since cron turns a bare one into a line break.
    """
    for name in names:
        check_profile_name(name)
    for value in [*command, credentials_file or ""]:
        if _CONTROL.search(value):
            raise UsageError(
                f"{value!r} holds a control character, which cannot go into a crontab line",
                hint="Use a path without line breaks or other control characters "
                "(AWS_SHARED_CREDENTIALS_FILE, or where awsmfa is installed).",
            )
    words = [*command, "check", "--quiet", "--notify"]
    if any(name.startswith("-") for name in names):
        words.append("--")  # so that a name like -dev is not read as an option
    text = " ".join(_for_cron(word) for word in [*words, *names])
    if credentials_file:
        # cron starts jobs with almost no environment: a file set by the variable in the
        # user's shell would not be found otherwise.
        text = f"AWS_SHARED_CREDENTIALS_FILE={_for_cron(credentials_file)} {text}"
    text = f"{text} {MARKER}"
    if len(text.encode()) > MAX_COMMAND_BYTES:
        raise UsageError(
            f"the crontab line would be too long for cron ({len(text.encode())} bytes of "
            f"command; cron takes {MAX_COMMAND_BYTES})",
            hint="Name fewer profiles (without names, every profile is checked), or use "
            "shorter paths.",
        )
    hour, minute = at
    return f"{minute} {hour} * * * {text}"


def _for_cron(word: str) -> str:
    """`word` shell-quoted, with each `%` escaped as cron requires.

    cron takes `\\%` for a `%`, but it reads backslashes in pairs, so a `%` after a
    backslash of the word itself would end the command. Inside single quotes each `%`
    is therefore written outside them (`'a'\\%'b'`), where no backslash of the word can
    come before it.
    """
    quoted = shlex.quote(word)
    if quoted.startswith("'"):
        return quoted.replace("%", "'\\%'")
    return quoted.replace("%", "\\%")  # a bare word has no backslashes


def is_reminder(line: str) -> bool:
    return line.rstrip().endswith(MARKER)


def with_reminder(crontab: str, line: str) -> str:
    """The crontab with `line` in place of awsmfa's earlier line, or added at the end."""
    kept: list[str] = []
    placed = False
    for existing in _LINES.findall(crontab):
        if is_reminder(existing):
            if not placed:
                kept.append(line + "\n")
                placed = True
            continue
        kept.append(existing)
    if not placed:
        if kept and not kept[-1].endswith("\n"):
            kept[-1] += "\n"
        kept.append(line + "\n")
    return "".join(kept)


def without_reminder(crontab: str) -> str:
    return "".join(line for line in _LINES.findall(crontab) if not is_reminder(line))


def has_reminder(crontab: str) -> bool:
    return any(is_reminder(line) for line in _LINES.findall(crontab))


def read_crontab(run: Run) -> str:
    try:
        done = run(["crontab", "-l"], timeout=CRONTAB_TIMEOUT)
    except FileNotFoundError:
        raise ReminderError(
            "there is no crontab command on this computer",
            hint="Install cron, or schedule the line that `awsmfa remind` prints yourself.",
        ) from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReminderError(f"crontab -l could not be run: {error}") from None
    if done.returncode == 0:
        return done.stdout
    if "no crontab for" in done.stderr.lower():
        return ""
    raise ReminderError(
        f"crontab -l failed (exit {done.returncode}): {first_line(done.stderr)}",
        hint="Your crontab was not changed.",
    )


def write_crontab(text: str, run: Run) -> None:
    try:
        done = run(["crontab", "-"], input=text, timeout=CRONTAB_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReminderError(
            f"crontab - could not be run: {error}", hint="Your crontab was not changed."
        ) from None
    if done.returncode != 0:
        raise ReminderError(
            f"crontab refused the new crontab (exit {done.returncode}): {first_line(done.stderr)}",
            hint="Your crontab was not changed.",
        )


@dataclass(frozen=True)
class Installed:
    replaced: bool  # an earlier awsmfa line was there
    changed: bool  # False: the very same line was there already


def install(line: str, run: Run) -> Installed:
    current = read_crontab(run)
    updated = with_reminder(current, line)
    if updated == current:
        return Installed(replaced=True, changed=False)
    write_crontab(updated, run)
    return Installed(replaced=has_reminder(current), changed=True)


def uninstall(run: Run) -> bool:
    """Take awsmfa's line out; False when there was none, and nothing was written."""
    current = read_crontab(run)
    if not has_reminder(current):
        return False
    write_crontab(without_reminder(current), run)
    return True


def unknown_profiles(names: list[str], credentials_path: Path) -> list[str]:
    """The names the reminder would report as missing every day; none when unreadable."""
    try:
        credentials = CredentialsFile.load(credentials_path)
    except AwsmfaError:
        return []
    return [
        name
        for name in names
        if not (credentials.has_section(name) or credentials.has_section(long_term_section(name)))
    ]


def watched_profiles(credentials_path: Path) -> list[str]:
    """The profiles a reminder without names checks today; none when the file is unreadable."""
    try:
        return CredentialsFile.load(credentials_path).long_term_profiles()
    except AwsmfaError:
        return []
