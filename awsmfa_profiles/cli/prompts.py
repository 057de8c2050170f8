"""Questions on the terminal, passed into the use cases as plain functions.

Prompts go to stderr and nothing to stdout, so `awsmfa refresh NAME > log` still shows
them and the log holds only the result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from awsmfa_profiles.cli.render import note
from awsmfa_profiles.errors import UsageError

if TYPE_CHECKING:
    from awsmfa_profiles.init import NewKeys


def ask(prompt: str, *, hide_input: bool = False) -> str:
    """One line from the terminal.

    typer.prompt(err=True) still hands input() a trailing space, which lands on stdout.
    The end of input (Ctrl-D) raises EOFError: there is no answer to wait for.
    """
    if hide_input:
        import getpass

        return getpass.getpass(f"{prompt}: ", stream=sys.stderr)
    sys.stderr.write(f"{prompt}: ")
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def confirm(question: str) -> bool:
    """Yes only for an explicit yes: Enter alone keeps things as they are."""
    return ask(f"{question} [y/N]").strip().lower() in ("y", "yes")


def ask_code(device: str, problem: str | None) -> str:
    from awsmfa_profiles.mfa import typed_code

    if problem:
        note(problem)
    while True:
        code = typed_code(ask(f"MFA code for {device}"))
        if code is not None:
            return code
        note(
            "A code is exactly 6 digits, as your authenticator app shows it (a space or "
            "dash in the middle is fine); try again."
        )


def ask_keys(close: list[str]) -> NewKeys:
    from awsmfa_profiles.init import NewKeys
    from awsmfa_profiles.keys import check_access_key_id, check_secret_access_key

    if close:
        note(
            f"There is no such profile yet; did you mean {' or '.join(close)}? "
            "Ctrl-C stops here, and nothing is written."
        )
    note(
        "Enter a long-term access key of your IAM user (IAM console > Users > your user > "
        "Security credentials > Create access key)."
    )
    key_id = _ask_until_valid("AWS access key ID", check_access_key_id, hide_input=False)
    secret = _ask_until_valid(
        "AWS secret access key (not shown)", check_secret_access_key, hide_input=True
    )
    return NewKeys(key_id, secret)


def _ask_until_valid(prompt: str, check: Callable[[str], str], *, hide_input: bool) -> str:
    while True:
        entered = ask(prompt, hide_input=hide_input)
        try:
            return check(entered)
        except UsageError as error:
            note(f"{error.message}. {error.hint or ''}".rstrip() + " Try again.")


def choose_device(devices: list[str]) -> str:
    note("Several MFA devices can be used:")
    for number, serial in enumerate(devices, start=1):
        note(f"  {number}. {serial}")
    while True:
        picked = ask(f"Use which device (1-{len(devices)})").strip()
        if picked.isdigit() and 1 <= int(picked) <= len(devices):
            return devices[int(picked) - 1]
        note(f"Enter a number from 1 to {len(devices)}.")
