"""Each argument and option that several commands take, declared once (typer's
Annotated style), with the parsing that turns their text into values."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Annotated, Any

import typer

from awsmfa_profiles.cli import completion
from awsmfa_profiles.cli.defaults import Invocation, profile_from_environment
from awsmfa_profiles.errors import UsageError
from awsmfa_profiles.session import describe_duration, parse_duration


def _default_profile() -> str:
    return profile_from_environment()[0]


def _remember_where_it_came_from(context: typer.Context, name: str) -> str:
    """Errors about a name the user did not type say which variable it came from."""
    # Compared by name: the enum's class lives in the click that typer bundles.
    if getattr(context.get_parameter_source("name"), "name", None) == "DEFAULT":
        invocation = context.ensure_object(Invocation)
        invocation.profile_variable = profile_from_environment()[1]
        invocation.profile_defaulted = invocation.profile_variable is None
    return name


def _profile(complete: Any) -> Any:
    return typer.Argument(
        metavar="NAME",
        help="The profile; default $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else 'default'.",
        default_factory=_default_profile,
        show_default=False,
        callback=_remember_where_it_came_from,
        autocompletion=complete,
    )


# A profile with long-term keys (refresh, init, doctor); one with a session (export).
Profile = Annotated[str, _profile(completion.long_term_profiles)]
SessionProfile = Annotated[str, _profile(completion.session_profiles)]


def option(*declarations: str, metavar: str | None = None, help: str) -> Any:
    """An option whose default is described in its help rather than shown by typer."""
    return typer.Option(*declarations, metavar=metavar, help=help, show_default=False)


ProfileNames = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="NAME...",
        help="Profiles to check; default every one with a [NAME-long-term].",
        show_default=False,
        autocompletion=completion.checked_profiles,
    ),
]
Region = Annotated[
    str | None,
    option(
        "--region",
        metavar="REGION",
        help="AWS region; default $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, else us-east-1.",
    ),
]
EndpointUrl = Annotated[
    str | None,
    option(
        "--endpoint-url",
        metavar="URL",
        help="Send every AWS request here (e.g. a local test endpoint).",
    ),
]
Code = Annotated[
    str | None,
    option(
        "--code",
        metavar="CODE",
        help="The 6-digit MFA code; default: mfa_process, else ask on the terminal.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print a JSON list instead of lines.")]
Timeout = Annotated[
    str | None,
    option(
        "--timeout",
        metavar="DURATION",
        help="How long AWS gets to answer, all requests together; default $AWSMFA_TIMEOUT, "
        "else 60s.",
    ),
]


def duration(text: str | None, option_name: str) -> timedelta | None:
    """A duration option's value; UsageError naming the option when it is not one."""
    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as error:
        raise UsageError(f"{option_name}: {error}") from None


def aws_timeout(text: str | None) -> timedelta:
    """--timeout, else $AWSMFA_TIMEOUT, else the default; UsageError naming the source."""
    from awsmfa_profiles.aws import DEFAULT_TIMEOUT, TIMEOUT_RANGE, TIMEOUT_VARIABLE

    source = "--timeout"
    if text is None:
        text, source = os.environ.get(TIMEOUT_VARIABLE) or None, TIMEOUT_VARIABLE
    if text is None:
        return DEFAULT_TIMEOUT
    shortest, longest = TIMEOUT_RANGE
    value = duration(text, source)
    if value is None or not shortest <= value <= longest:
        raise UsageError(
            f"{source}: {text!r} is not between {describe_duration(shortest)} and "
            f"{describe_duration(longest)}",
            hint="Give how long AWS may take to answer, e.g. 30s or 2m.",
        )
    return value
