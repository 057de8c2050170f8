"""Shell completion for bash, zsh and fish: the script each shell sources, installing it,
and the profile names offered, read from the credentials file.

Imported by every run for the names of its functions only: everything else loads when a
shell asks, so commands that do not complete pay nothing, and completing loads neither
botocore nor configupdater. The scripts and their protocol are typer's own (its private
modules, hence the pin below typer 0.29 in pyproject.toml); tests drive them in real
bash, zsh and fish.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from awsmfa_profiles.credentials_file import CredentialsFile

VARIABLE = "_AWSMFA_COMPLETE"
PROGRAM = "awsmfa"
SHELLS = ("bash", "zsh", "fish")


def requested() -> str | None:
    """The shell's instruction, when a completion script is what runs awsmfa."""
    return os.environ.get(VARIABLE) or None


def answer(command: Any, instruction: str) -> int:
    """Print the script (`bash_source`) or the completions (`complete_bash`) a shell asks for.

    typer's own scripts say `complete_bash`; click's order, `bash_source`, is what users
    copy from other programs' documentation, so both orders are taken.
    """
    from typer import completion
    from typer._completion_classes import completion_init

    from awsmfa_profiles.cli.render import note

    first, _, second = instruction.partition("_")
    action, shell = (first, second) if first in ("source", "complete") else (second, first)
    if shell not in SHELLS:
        note(
            f"awsmfa: {VARIABLE}={instruction}: completion is offered for bash, zsh and fish, "
            f"as {VARIABLE}=bash_source (or zsh_source, fish_source)"
        )
        return 1
    completion_init()
    return int(completion.shell_complete(command, {}, PROGRAM, VARIABLE, f"{action}_{shell}"))


# --install-completion and --show-completion.


def install(context: Any, parameter: Any, value: bool) -> None:
    if not value or context.resilient_parsing:
        return
    import typer
    from typer._completion_shared import install as install_script

    from awsmfa_profiles.cli.render import say

    shell, path = install_script(shell=_current_shell(), prog_name=PROGRAM, complete_var=VARIABLE)
    say(f"Installed {shell} completion in {path}; it works in terminals opened from now on.")
    raise typer.Exit(0)


def show(context: Any, parameter: Any, value: bool) -> None:
    if not value or context.resilient_parsing:
        return
    import typer
    from typer._completion_shared import get_completion_script

    from awsmfa_profiles.cli.render import say

    say(get_completion_script(prog_name=PROGRAM, complete_var=VARIABLE, shell=_current_shell()))
    raise typer.Exit(0)


def _current_shell() -> str:
    """The shell awsmfa runs in (as typer finds it), else the login shell of $SHELL."""
    from awsmfa_profiles.errors import UsageError

    name = ""
    try:
        import shellingham

        name = str(shellingham.detect_shell()[0])
    except Exception:  # no shell above us (cron, an IDE): fall back to $SHELL
        name = ""
    if name not in SHELLS:
        name = os.path.basename(os.environ.get("SHELL", "")) or name
    if name not in SHELLS:
        found = f" ({name})" if name else ""
        raise UsageError(
            f"cannot complete for this shell{found}: completion is offered for bash, zsh and fish",
            hint=f"Run it from one of them, or print a script: {VARIABLE}=bash_source awsmfa",
        )
    return name


# The names offered. Each takes what has been typed of the word and returns the matches.


def long_term_profiles(incomplete: str) -> list[str]:
    """Profiles with [NAME-long-term]: what refresh, init and doctor work on."""
    credentials = _credentials()
    names = [] if credentials is None else credentials.offered_profiles()
    return [name for name in names if name.startswith(incomplete)]


def session_profiles(incomplete: str) -> list[str]:
    """Sections that hold a session: what export hands out."""
    from awsmfa_profiles.credentials_file import can_be_offered

    credentials = _credentials()
    if credentials is None:
        return []
    return [
        name
        for name in credentials.sections()
        if name.startswith(incomplete)
        and can_be_offered(name)
        and credentials.get(name, "aws_session_token")
    ]


def checked_profiles(incomplete: str) -> list[str]:
    """Both: check reports a profile with keys but no session yet, and any session."""
    return list(dict.fromkeys(long_term_profiles(incomplete) + session_profiles(incomplete)))


def _credentials() -> CredentialsFile | None:
    from awsmfa_profiles.cli.defaults import credentials_path
    from awsmfa_profiles.credentials_file import CredentialsFile
    from awsmfa_profiles.errors import AwsmfaError

    try:
        return CredentialsFile.load(credentials_path())
    except AwsmfaError:
        return None  # a broken file: nothing to offer, and no error in the middle of a line
