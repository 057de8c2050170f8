"""The command line: adapters that call a use case and render its result, the typer app
that parses for them, and the fast path that answers the commonest invocations without
typer. The only part of awsmfa that prints, prompts or exits."""

from __future__ import annotations

import contextlib
import gc
import os
import sys

from awsmfa_profiles.cli.render import StdoutClosed, note
from awsmfa_profiles.durable import forget_replaced_files, replaced_files
from awsmfa_profiles.errors import AwsmfaError, ConfigError, ExitStatus, Interrupted


class Invocation:
    """What one run learned while parsing its command line, for the error boundary."""

    def __init__(self) -> None:
        self.debug = False
        # The variable the profile name was taken from, when the user typed none.
        self.profile_variable: str | None = None
        # True when no name was typed and no variable named one, so `default` was used.
        self.profile_defaulted = False


def main(argv: list[str] | None = None) -> int:
    """The `awsmfa` command: run it with `argv` (default: the process's), return the status.

    This is the one error boundary: every outcome of a run, on either path, becomes one
    message and one exit status here, and nowhere else.
    """
    from awsmfa_profiles.cli import fast

    args = list(sys.argv[1:] if argv is None else argv)
    invocation = Invocation()
    forget_replaced_files()
    try:
        status = fast.answer(args)
        if status is None:
            from awsmfa_profiles.cli.app import run

            status = run(args, invocation)
        return status
    except AwsmfaError as error:
        return _report(error, invocation)
    except (KeyboardInterrupt, EOFError):
        return _report(Interrupted(f"interrupted{_what_was_written()}"), invocation)
    except StdoutClosed:
        # Nothing to say it to, and the interpreter's last flush must not complain either.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitStatus.FAILED
    except Exception as error:
        return _unexpected(error, invocation)


def console() -> int:
    """The installed `awsmfa` command and `python -m awsmfa_profiles`: main() in a process
    that ends with it, run without the cyclic garbage collector.

    Most of what a run allocates lives until the process ends: modules and, once AWS is
    called, botocore's decoded JSON models, hundreds of thousands of containers. Their
    numbers set the collector off again and again, to walk them all for nothing, and the
    interpreter walks them once more as it exits: a quarter of a forced refresh (README,
    Performance). Reference counting still frees everything else at once; the few cycles
    left (about 0.2 MB per AWS client) go with the process, which ends within minutes.
    Frozen, what is left is skipped by the collections at exit; files are written and
    synced before then, and the interpreter still runs atexit and flushes stdout.
    """
    gc.disable()
    try:
        return main()
    finally:
        gc.freeze()


def _report(error: AwsmfaError, invocation: Invocation) -> int:
    if isinstance(error, Interrupted):
        # After ^C the cursor is still on the prompt's line.
        note(f"\nawsmfa: {error.message}")
        return error.exit_status
    note(f"awsmfa: error: {error.message}")
    if error.hint:
        note(error.hint)
    variable = invocation.profile_variable
    if variable and isinstance(error, ConfigError):
        # The user typed no name and may not know where this one came from.
        note(f"(The profile name came from ${variable}; name a profile, or `unset {variable}`.)")
    elif invocation.profile_defaulted and isinstance(error, ConfigError):
        note(
            "(No NAME was given, and neither $AWS_PROFILE nor $AWS_DEFAULT_PROFILE is set, "
            "so awsmfa used `default`.)"
        )
    return error.exit_status


def _unexpected(error: Exception, invocation: Invocation) -> int:
    if invocation.debug:
        raise error
    # The type only: an unexpected exception's text could quote a secret.
    note(f"awsmfa: unexpected error ({type(error).__name__}){_what_was_written()}")
    note("Run again with --debug for the traceback, and please report it.")
    return ExitStatus.INTERNAL


def _what_was_written() -> str:
    """True at the moment of the failure: a file may have been replaced just before it."""
    written = replaced_files()
    if not written:
        return "; nothing was written"
    return f" after {' and '.join(str(path) for path in written)} was written; nothing else was"
