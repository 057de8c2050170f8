"""The commonest invocations, answered without importing typer.

A login script runs `awsmfa refresh NAME`, shell prompts and cron run `check`, and SDKs
run `export NAME --format json` as a credential_process, so each pays for awsmfa's
start, and importing typer (with the click it bundles) was most of it. This module
recognises these invocations, and `--version`, and runs the very adapters that typer's
commands run, holding their output back until they finish.

It hands everything else to typer untouched: a command or option it does not list here
(`--help`, `--notify`, `--output`, `--debug`, `--opt=value`, a repeated option...), a
shell completion request, a refresh that needs a new session, and any run that ends in
an error, which typer's path then runs again and reports in its own words. So
cli/commands.py stays the one definition of the command line: tests/test_fast_path.py
checks that SHAPES below says what it declares, and runs each invocation both ways,
comparing stdout, stderr and exit status byte for byte.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from awsmfa_profiles.cli import render
from awsmfa_profiles.errors import ExitStatus

if TYPE_CHECKING:
    from typing import Any


class Shape:
    """What the fast path reads of one command's line: how many arguments it answers
    (None: any number), and the options it answers, each token mapped to the parameter
    of the command (and of its adapter) that it sets."""

    def __init__(
        self,
        *,
        most_arguments: int | None,
        flags: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> None:
        self.most_arguments = most_arguments
        self.flags = flags or {}  # options that take no value: they set True
        self.values = values or {}  # options followed by their value


SHAPES = {
    "check": Shape(
        most_arguments=None,
        flags={"--json": "as_json", "--quiet": "quiet", "-q": "quiet"},
        values={"--within": "within"},
    ),
    "export": Shape(most_arguments=1, values={"--format": "fmt"}),
    # One profile: several (or --all) are refresh_many's, which typer's path runs.
    "refresh": Shape(most_arguments=1, values={"--within": "within"}),
}


def answer(args: list[str]) -> int | None:
    """The exit status of `awsmfa ARGS` answered here; None to hand it to typer."""
    if "_AWSMFA_COMPLETE" in os.environ or not args:
        return None
    if args == ["--version"]:
        render.show_version()
        return ExitStatus.OK
    shape = SHAPES.get(args[0])
    parsed = None if shape is None else parse(shape, args[1:])
    if parsed is None:
        return None
    arguments, options = parsed
    status: int | None = None
    render.hold_output()
    try:
        status = _run(args[0], arguments, options)
    except Exception:
        # An error, expected or not: typer's path runs the command again and reports it.
        status = None
    finally:
        render.release_output(write=status is not None)
    return status


def parse(shape: Shape, args: list[str]) -> tuple[list[str], dict[str, Any]] | None:
    """The arguments and options in `args`, as typer reads them; None when they hold
    anything this module leaves to typer."""
    arguments: list[str] = []
    options: dict[str, Any] = {}
    tokens = iter(args)
    for token in tokens:
        if not token.startswith("-"):
            arguments.append(token)
            continue
        parameter = shape.flags.get(token) or shape.values.get(token)
        if parameter is None or parameter in options:
            return None  # not an option answered here, or one given twice
        if token in shape.flags:
            options[parameter] = True
            continue
        value = next(tokens, None)
        if value is None or value.startswith("-"):
            return None  # a missing value is typer's to explain; `-x` may be one
        options[parameter] = value
    if shape.most_arguments is not None and len(arguments) > shape.most_arguments:
        return None
    return arguments, options


def _run(command: str, arguments: list[str], options: dict[str, Any]) -> int | None:
    """Run the adapter, with the same defaults as typer's command; None to hand over."""
    from awsmfa_profiles.cli.defaults import profile_from_environment

    if command == "check":
        from awsmfa_profiles.cli.check import check

        return check(arguments, **options)
    # NAME defaults as cli/commands.py has it for export (Profile) and refresh.
    name = arguments[0] if arguments else profile_from_environment()[0]
    if command == "export":
        from awsmfa_profiles.cli.export import export_session

        export_session(name, **options)
        return ExitStatus.OK
    from awsmfa_profiles.cli.refresh import report_if_still_valid

    return ExitStatus.OK if report_if_still_valid(name, **options) else None
