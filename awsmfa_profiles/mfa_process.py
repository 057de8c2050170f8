"""Where a one-time code comes from when it is not typed: the profile's mfa_process command."""

from __future__ import annotations

import codecs
import os
import re
import shlex
import shutil
import subprocess
import threading
from collections.abc import Callable
from typing import IO

from awsmfa_profiles.errors import MfaProcessError
from awsmfa_profiles.mfa import is_code

MFA_PROCESS_TIMEOUT = 120  # seconds: long enough to touch a YubiKey or unlock a vault
_NOT_FOUND = 127  # the shell's exit status for a command it cannot find
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=(?P<value>.*)", re.DOTALL)
_REDIRECTION = re.compile(r"\d*(?:<<?|>>?|<>|>\||[<>]&)(?P<target>.*)", re.DOTALL)
# What a program's name is made of; anything else (`$(...)`, quotes) is not shown.
_PROGRAM = re.compile(r"[\w./+@:,-]+")
_TAIL_CHARACTERS = 4096
# A code is 6 digits; of a command that floods stdout only this much is kept.
_STDOUT_KEPT = 65536

# Given each piece of the command's stderr as it arrives, for the terminal.
Relay = Callable[[str], None]


def run_mfa_process(
    command: str,
    *,
    source: str = "",
    timeout: float = MFA_PROCESS_TIMEOUT,
    relay: Relay | None = None,
) -> str:
    """Run `command` through the shell and take the code from its standard output.

    Its standard input stays the terminal, so a password manager can ask to be unlocked,
    and its standard error goes to `relay` as it comes, so that a YubiKey's "Touch your
    YubiKey" is seen while the command waits; the last lines are kept for the error.
    Messages name the command by its program only, and where it is configured: the rest
    of the line can hold a secret (`TOTP_SEED=... oathtool`). What it printed on standard
    output is never repeated: a misconfigured password-manager command can print a whole
    vault item.
    """
    program, secrets = _program_and_secrets(command)
    if program is not None and not shutil.which(program):
        # Maybe a secret pasted in place of a command: the shell's "not found" repeats it.
        secrets.append(program)
    try:
        process = subprocess.Popen(
            command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as error:
        raise MfaProcessError(
            f"{_named(program, source)} could not start: {error.strerror}"
        ) from None
    assert process.stdout is not None and process.stderr is not None
    output = bytearray()

    def keep_output(chunk: bytes) -> None:
        # Read to the end regardless, so that the command never blocks on a full pipe.
        if len(output) <= _STDOUT_KEPT:
            output.extend(chunk)

    errors = _StderrTail(secrets, relay)
    readers = [
        threading.Thread(target=_read_into, args=(process.stdout, keep_output), daemon=True),
        threading.Thread(target=_read_into, args=(process.stderr, errors.add), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise MfaProcessError(
            f"{_named(program, source)} gave no code within {timeout:.0f} seconds",
            hint="Run the command by hand to see what it waits for.",
        ) from None
    except BaseException:
        process.kill()  # Ctrl-C reached it too; a command that ignores it must not linger
        process.wait()
        raise
    for reader in readers:
        # A program it started in the background may hold the pipes open: not waited for.
        reader.join(timeout=5)
    if returncode == _NOT_FOUND and program in secrets:
        program = None  # the shell found no such program: it is not named either
    if returncode != 0:
        detail = errors.tail()
        raise MfaProcessError(
            f"{_named(program, source)} failed with exit status {returncode}"
            + (f": {detail}" if detail else ""),
            hint="Run the command by hand; fix it in mfa_process, or pass --code.",
        )
    code = output.decode("utf-8", errors="replace").strip()
    if not is_code(code):
        lines = len(code.splitlines())
        size = f"more than {_STDOUT_KEPT}" if len(output) > _STDOUT_KEPT else str(len(code))
        raise MfaProcessError(
            f"{_named(program, source)} printed {size} characters on {lines} line(s), "
            "not a 6-digit code",
            hint="The command must print only the code, e.g. `ykman oath accounts code "
            "--single ACCOUNT` or `op item get ITEM --otp`.",
        )
    return code


def _program_and_secrets(command: str) -> tuple[str | None, list[str]]:
    """The program the shell would run, if it can be shown, and the words never to show.

    Leading `NAME=value` assignments and redirections come before the program in a shell
    command; their values are the secrets most often put there.
    """
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    secrets: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        assigned = _ASSIGNMENT.fullmatch(word)
        redirected = _REDIRECTION.fullmatch(word)
        if assigned:
            secrets.append(word)
            secrets.append(assigned.group("value"))
        elif redirected:
            if not redirected.group("target"):
                index += 1  # `< FILE`: the next word is the file
        else:
            break
        index += 1
    program = words[index] if index < len(words) else None
    if program is not None and not _PROGRAM.fullmatch(program):
        program = None
    return program, [secret for secret in secrets if len(secret) >= 4]


def _named(program: str | None, source: str) -> str:
    where = f" in {source}" if source else ""
    if program is None:
        return f"mfa_process{where}"
    return f"mfa_process `{program} …`{where}"


def _read_into(pipe: IO[bytes], keep: Callable[[bytes], object]) -> None:
    with pipe:
        while chunk := os.read(pipe.fileno(), 4096):
            keep(chunk)


class _StderrTail:
    """Passes the command's stderr on as it comes, and keeps its end for the message;
    both with the secrets of the command line masked."""

    def __init__(self, secrets: list[str], relay: Relay | None) -> None:
        self._secrets = sorted(secrets, key=len, reverse=True)
        self._relay = relay
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._kept = ""

    def add(self, chunk: bytes) -> None:
        text = self._decoder.decode(chunk)
        self._kept = (self._kept + text)[-_TAIL_CHARACTERS:]
        if self._relay is not None and text:
            try:
                self._relay(self._masked(text))
            except Exception:
                self._relay = None  # the terminal went away: keep reading, stop passing on

    def tail(self, lines: int = 3) -> str:
        kept = [line.strip() for line in self._masked(self._kept).splitlines() if line.strip()]
        return " / ".join(kept[-lines:])

    def _masked(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "…")
        return text
