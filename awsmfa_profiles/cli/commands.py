"""The command line, declared once: every command's arguments, options and help, for
typer (Annotated style). Each command hands its values to its adapter, which imports no
typer, so that the fast path (cli/fast.py) can run the same adapters without it."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from awsmfa_profiles.cli import Invocation, completion
from awsmfa_profiles.cli import check as check_adapter
from awsmfa_profiles.cli import doctor as doctor_adapter
from awsmfa_profiles.cli import export as export_adapter
from awsmfa_profiles.cli import init as init_adapter
from awsmfa_profiles.cli import refresh as refresh_adapter
from awsmfa_profiles.cli import remind as remind_adapter
from awsmfa_profiles.cli import rotate as rotate_adapter
from awsmfa_profiles.cli.defaults import profile_from_environment


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


# The commands.


def init(
    name: Profile,
    discover: Annotated[
        bool,
        typer.Option(
            "--discover/--no-discover", help="Ask AWS for the MFA device of the keys and record it."
        ),
    ] = True,
    region: Region = None,
    endpoint_url: EndpointUrl = None,
    timeout: Timeout = None,
) -> None:
    """Put the long-term keys in [NAME-long-term]: rename [NAME] if it holds them, else ask.
    Makes the file 0600 and ~/.aws 0700."""
    init_adapter.init(
        name, discover=discover, region=region, endpoint_url=endpoint_url, timeout=timeout
    )


def refresh(
    context: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NAME]...",
            help="The profiles; default $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else 'default'.",
            show_default=False,
            autocompletion=completion.long_term_profiles,
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every profile with a [NAME-long-term] section."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Renew even if still valid.")
    ] = False,
    within: Annotated[
        str | None,
        option(
            "--within",
            metavar="DURATION",
            help="Renew when less than this is left; default within in [NAME-long-term], "
            "else 1h, for a role 10m.",
        ),
    ] = None,
    session_duration: Annotated[
        str | None,
        option(
            "--duration",
            metavar="DURATION",
            help="Session length, 15m to 36h (a role: to 12h); default duration in "
            "[NAME-long-term], else 12h, for a role 1h.",
        ),
    ] = None,
    device: Annotated[
        str | None,
        option(
            "--device",
            metavar="ARN",
            help="MFA device ARN (or hardware token serial); default from the files, "
            "else discovered.",
        ),
    ] = None,
    code: Code = None,
    region: Region = None,
    endpoint_url: EndpointUrl = None,
    timeout: Timeout = None,
    role_arn: Annotated[
        str | None,
        option(
            "--role-arn",
            metavar="ARN",
            help="Assume this IAM role with MFA; default role_arn in [NAME-long-term].",
        ),
    ] = None,
    role_session_name: Annotated[
        str | None,
        option(
            "--role-session-name",
            metavar="NAME",
            help="Session name for the role; default the IAM user name.",
        ),
    ] = None,
    external_id: Annotated[
        str | None,
        option("--external-id", metavar="ID", help="External ID the role's trust policy requires."),
    ] = None,
    dotenv: Annotated[
        str | None,
        option(
            "--dotenv",
            metavar="PATH",
            help="Also merge the session into this .env file, for notebooks (mode 0600).",
        ),
    ] = None,
    as_json: AsJson = False,
    long_term_suffix: Annotated[
        str | None,
        option(
            "--long-term-suffix",
            "--long-suffix",
            metavar="SUFFIX",
            help="As in aws-mfa: read the keys from [NAME-SUFFIX] ('none': from [NAME]).",
        ),
    ] = None,
    short_term_suffix: Annotated[
        str | None,
        option(
            "--short-term-suffix",
            "--short-suffix",
            metavar="SUFFIX",
            help="As in aws-mfa: write the session into [NAME-SUFFIX].",
        ),
    ] = None,
) -> int:
    """Get a new MFA session into [NAME] from the long-term keys in [NAME-long-term]; with
    several names or --all, each profile that needs one, a code per MFA device."""
    if not names and not every:
        # The profile from the environment: errors about it say which variable named it,
        # or that none did and `default` was assumed.
        name, variable = profile_from_environment()
        invocation = context.ensure_object(Invocation)
        invocation.profile_variable = variable
        invocation.profile_defaulted = variable is None
        names = [name]
    return refresh_adapter.refresh(
        names or [],
        every=every,
        force=force,
        within=within,
        session_duration=session_duration,
        device=device,
        code=code,
        region=region,
        endpoint_url=endpoint_url,
        timeout=timeout,
        role_arn=role_arn,
        role_session_name=role_session_name,
        external_id=external_id,
        dotenv=dotenv,
        as_json=as_json,
        long_term_suffix=long_term_suffix,
        short_term_suffix=short_term_suffix,
    )


def check(
    names: ProfileNames = None,
    within: Annotated[
        str | None,
        option(
            "--within",
            metavar="DURATION",
            help="A session with less than this left is expiring; default within in "
            "[NAME-long-term], else 1h, for a role 10m.",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing when all are valid.")
    ] = False,
    as_json: AsJson = False,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help="Also show a desktop notification for each profile that needs a refresh.",
        ),
    ] = False,
) -> int:
    """Report each session offline: valid, expiring, expired or missing. Exit 1 if any
    needs a refresh."""
    return check_adapter.check(names, within=within, quiet=quiet, as_json=as_json, notify=notify)


def doctor(
    context: typer.Context,
    name: Profile,
    region: Region = None,
    endpoint_url: EndpointUrl = None,
    as_json: AsJson = False,
    timeout: Timeout = None,
) -> int:
    """Check the setup step by step: file, modes, keys, AWS, MFA device, clock, shell
    variables, session. Never writes. Exit 1 if a check failed."""
    return doctor_adapter.doctor(
        name,
        region=region,
        endpoint_url=endpoint_url,
        as_json=as_json,
        timeout=timeout,
        defaulted=context.ensure_object(Invocation).profile_defaulted,
    )


def remind(
    names: ProfileNames = None,
    install: Annotated[
        bool,
        typer.Option("--install", help="Put the line into your crontab, replacing an earlier one."),
    ] = False,
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Take awsmfa's line out of your crontab.")
    ] = False,
    at: Annotated[
        str | None,
        option(
            "--at", metavar="HH:MM", help="Time of day, HH:MM on a 24-hour clock [default: 09:00]."
        ),
    ] = None,
) -> None:
    """A daily reminder from cron: `awsmfa check --quiet --notify` once a day. Without
    --install or --uninstall, print the crontab line to add yourself."""
    remind_adapter.remind(names, install=install, uninstall=uninstall, at=at)


def rotate(
    name: Profile,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Go ahead without asking for confirmation.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Say what would be done; create, change or delete no key."),
    ] = False,
    code: Code = None,
    region: Region = None,
    endpoint_url: EndpointUrl = None,
    timeout: Timeout = None,
) -> int:
    """Replace the long-term access key in [NAME-long-term]: create a new one, check that
    AWS accepts it, save it, then deactivate and delete the old one."""
    return rotate_adapter.rotate(
        name,
        yes=yes,
        dry_run=dry_run,
        code=code,
        region=region,
        endpoint_url=endpoint_url,
        timeout=timeout,
    )


def export(
    name: SessionProfile,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="env|dotenv|json",
            help="env: export lines for eval; dotenv: KEY=VALUE lines; json: credential_process.",
        ),
    ] = "env",
    output: Annotated[
        str | None,
        option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write to this file instead of printing: env and dotenv merge into it, json "
            "replaces it (mode 0600).",
        ),
    ] = None,
) -> None:
    """Print the session of [NAME] for tools that read only environment variables, .env
    files or credential_process. Offline; exit 1 if it has expired."""
    export_adapter.export_session(name, fmt=fmt, output=output)
