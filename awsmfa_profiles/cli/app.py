"""The typer app and its one error boundary: every outcome of a run becomes one message
and one exit status here, and nowhere else."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated, Any

import typer

from awsmfa_profiles import __version__
from awsmfa_profiles.cli import check, completion, doctor, export, init, refresh, remind, rotate
from awsmfa_profiles.cli.defaults import Invocation
from awsmfa_profiles.cli.render import StdoutClosed, note, say
from awsmfa_profiles.durable import forget_replaced_files, replaced_files
from awsmfa_profiles.errors import AwsmfaError, ConfigError, ExitStatus, Interrupted

app = typer.Typer(
    name="awsmfa",
    help="Keep an MFA session profile in ~/.aws/credentials, shared by every terminal, "
    "SDK and notebook.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 ok; 1 failed, or (check) a refresh is needed; 2 usage or "
    "configuration error; 70 internal error (a bug); 130 interrupted.",
)

# In the order a new user meets them, each with a summary short enough for the list that
# `awsmfa --help` prints (click cuts a longer first sentence with "...").
app.command(short_help="Put your long-term keys into [NAME-long-term], once.")(init.init)
app.command(short_help="Get a new MFA session into [NAME] (or several) when it runs out.")(
    refresh.refresh
)
app.command(short_help="Report every session offline; exit 1 if one needs a refresh.")(check.check)
app.command(short_help="Check the whole setup of a profile; each problem with its fix.")(
    doctor.doctor
)
app.command(short_help="Print or install the daily reminder in your crontab.")(remind.remind)
app.command(short_help="Replace your long-term access key with a new one, safely.")(rotate.rotate)
app.command(name="export", short_help="Print the session for tools that read no profiles.")(
    export.export_session
)


def _show_version(value: bool) -> None:
    if value:
        say(f"awsmfa {__version__}")
        raise typer.Exit(ExitStatus.OK)


@app.callback()
def root(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on unexpected errors.")
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            callback=completion.install,
            is_eager=True,
            expose_value=False,
            help="Install completion of commands and profile names for your shell "
            "(bash, zsh or fish).",
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            callback=completion.show,
            is_eager=True,
            expose_value=False,
            help="Print the completion script for your shell, to install it yourself.",
        ),
    ] = False,
) -> None:
    context.ensure_object(Invocation).debug = debug


def main(argv: list[str] | None = None) -> int:
    """Run awsmfa with `argv` (default: the process's arguments); return the exit status."""
    invocation = Invocation()
    forget_replaced_files()
    command = typer.main.get_command(app)
    instruction = completion.requested()
    if instruction is not None:
        return _complete(command, instruction)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with command.make_context("awsmfa", args, obj=invocation) as context:
            result = command.invoke(context)
    except AwsmfaError as error:
        return _report(error, invocation)
    except (KeyboardInterrupt, EOFError, typer.Abort):
        return _report(Interrupted(f"interrupted{_what_was_written()}"), invocation)
    except typer.Exit as done:
        return done.exit_code
    except typer.TyperException as error:
        # The command line itself is wrong: typer's usage message and exit status (2).
        show = getattr(error, "show", None)
        if callable(show):
            show()
        else:
            note(f"Error: {error.message}")
        return error.exit_code
    except StdoutClosed:
        # Nothing to say it to, and the interpreter's last flush must not complain either.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitStatus.FAILED
    except Exception as error:
        return _unexpected(error, invocation)
    return int(result) if isinstance(result, int) else ExitStatus.OK


def _complete(command: Any, instruction: str) -> int:
    """Answer a completion script; a shell waits on this, so no error may escape."""
    try:
        return completion.answer(command, instruction)
    except SystemExit as done:  # fish asks "are there arguments?" by exit status
        return done.code if isinstance(done.code, int) else ExitStatus.FAILED
    except Exception as error:
        note(f"awsmfa: completion failed ({type(error).__name__})")
        return ExitStatus.INTERNAL


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
