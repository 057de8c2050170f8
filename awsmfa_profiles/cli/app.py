"""The typer app: the commands declared in cli/commands.py, the options before them
(--version, --debug, shell completion), and the answers to a completion script. It runs
every invocation the fast path does not answer."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from awsmfa_profiles.cli import Invocation, commands, completion
from awsmfa_profiles.cli.render import note, show_version
from awsmfa_profiles.errors import ExitStatus

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
app.command(short_help="Put your long-term keys into [NAME-long-term], once.")(commands.init)
app.command(short_help="Get a new MFA session into [NAME] (or several) when it runs out.")(
    commands.refresh
)
app.command(short_help="Report every session offline; exit 1 if one needs a refresh.")(
    commands.check
)
app.command(short_help="Check the whole setup of a profile; each problem with its fix.")(
    commands.doctor
)
app.command(short_help="Print or install the daily reminder in your crontab.")(commands.remind)
app.command(short_help="Replace your long-term access key with a new one, safely.")(commands.rotate)
app.command(name="export", short_help="Print the session for tools that read no profiles.")(
    commands.export
)


def _show_version(value: bool) -> None:
    if value:
        show_version()
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


def run(args: list[str], invocation: Invocation) -> int:
    """Parse `args` with typer and run the command, or answer a completion script; return
    the exit status.

    The command line's own mistakes (an unknown option, a missing value) end here, with
    typer's message and status 2. awsmfa's errors, interruptions and everything
    unexpected go on to the error boundary in cli.main().
    """
    command = typer.main.get_command(app)
    instruction = completion.requested()
    if instruction is not None:
        return _complete(command, instruction)
    try:
        with command.make_context("awsmfa", args, obj=invocation) as context:
            result = command.invoke(context)
    except typer.Abort:
        # click's word for Ctrl-C or Ctrl-D at one of its prompts.
        raise KeyboardInterrupt from None
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
