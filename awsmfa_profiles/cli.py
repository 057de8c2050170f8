"""The typer app: the only module that reads options, prints, prompts and exits."""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from awsmfa_profiles import __version__
from awsmfa_profiles.errors import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    AwsmfaError,
    ConfigError,
    SaveError,
    UsageError,
)
from awsmfa_profiles.session import (
    Session,
    Status,
    describe_duration,
    format_expiration,
    parse_duration,
)

if TYPE_CHECKING:
    from awsmfa_profiles.check import ProfileStatus
    from awsmfa_profiles.init import NewKeys

F = TypeVar("F", bound=Callable[..., Any])

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

_debug = False
_name_from: str | None = None  # the variable the profile name was taken from, if any


# The edge: where defaults come from the environment.


def credentials_path() -> Path:
    configured = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(configured or "~/.aws/credentials").expanduser()


def config_path() -> Path:
    configured = os.environ.get("AWS_CONFIG_FILE")
    return Path(configured or "~/.aws/config").expanduser()


def default_profile() -> str:
    """$AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else `default`; remembers which, for errors."""
    global _name_from
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        if os.environ.get(variable):
            _name_from = variable
            return os.environ[variable]
    return "default"


def region_from(option: str | None) -> str | None:
    """--region, else the region variables; the profile's own region is the core's fallback."""
    return option or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# Output helpers.


def say(text: str) -> None:
    typer.echo(text)


def note(text: str) -> None:
    typer.echo(text, err=True)


def fail(error: AwsmfaError) -> NoReturn:
    note(f"awsmfa: error: {error.message}")
    if error.hint:
        note(error.hint)
    if _name_from and isinstance(error, ConfigError):
        # The user typed no name and may not know where this one came from.
        note(
            f"(The profile name came from ${_name_from}; name a profile, or `unset {_name_from}`.)"
        )
    raise typer.Exit(error.exit_code)


def handles_errors(command: F) -> F:
    """Turn every failure of a command into one message and its documented exit code."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AwsmfaError as error:
            fail(error)
        except (KeyboardInterrupt, EOFError, typer.Abort):
            note("\nawsmfa: interrupted; nothing was written")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except typer.Exit:
            raise
        except Exception as error:
            if _debug:
                raise
            # The type only: an unexpected exception's text could quote a secret.
            note(f"awsmfa: unexpected error ({type(error).__name__}); nothing was written")
            note("Run again with --debug for the traceback, and please report it.")
            raise typer.Exit(EXIT_INTERNAL) from None

    return run  # type: ignore[return-value]


def describe_expiry(expires_at: datetime) -> str:
    local = expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"{format_expiration(expires_at)} ({local} local)"


def _show_version(value: bool) -> None:
    if value:
        say(f"awsmfa {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on unexpected errors."),
) -> None:
    """Exit codes: 0 ok, 1 failed (a refresh is needed, a doctor check failed), 2 usage
    or configuration error, 130 interrupted."""
    global _debug, _name_from
    _debug = debug
    _name_from = None


# Options several commands share, defined once so that they read the same everywhere.
REGION_OPTION = typer.Option(
    None,
    "--region",
    metavar="REGION",
    help="AWS region; default $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, else us-east-1.",
    show_default=False,
)
ENDPOINT_OPTION = typer.Option(
    None,
    "--endpoint-url",
    metavar="URL",
    help="Send every AWS request here (e.g. a local test endpoint).",
    show_default=False,
)
JSON_OPTION = typer.Option(False, "--json", help="Print a JSON list instead of lines.")

WITHIN_HELP = "A session with less than this left is expiring; default 1h, for a role 10m."


@app.command()
@handles_errors
def init(
    name: str = typer.Argument(
        None,
        metavar="NAME",
        help="Profile to set up; default $AWS_PROFILE, else 'default'.",
        show_default=False,
    ),
    discover: bool = typer.Option(
        True,
        "--discover/--no-discover",
        help="Ask AWS for the MFA device of the keys and record it.",
    ),
    region: str = REGION_OPTION,
    endpoint_url: str = ENDPOINT_OPTION,
) -> None:
    """Put the long-term keys in [NAME-long-term]: rename [NAME] if it holds them, else ask.
    Makes the file 0600 and ~/.aws 0700."""

    from awsmfa_profiles.aws import connect, mask
    from awsmfa_profiles.init import Action, DeviceKnown, prepare, record_device

    profile = default_profile() if name is None else name
    path = credentials_path()
    interactive = sys.stdin.isatty()
    prepared = prepare(profile, credentials_path=path, ask_keys=ask_keys if interactive else None)
    if prepared.created_directory:
        note(f"Created {path.parent} (mode 0700).")
    if prepared.tightened_directory is not None:
        note(
            f"Tightened {path.parent} from {prepared.tightened_directory:04o} to 0700: "
            "only you should reach your keys."
        )
    if prepared.tightened_file is not None:
        note(f"Tightened {path} from {prepared.tightened_file:04o} to 0600: it holds secret keys.")
    key = mask(prepared.access_key_id)
    if prepared.action is Action.RENAMED:
        say(
            f"Renamed [{profile}] to [{prepared.section}] in {path} (access key {key}); "
            f"awsmfa writes the session into [{profile}]."
        )
    elif prepared.action is Action.WRITTEN:
        say(f"Wrote access key {key} and its secret to [{prepared.section}] in {path}.")
    else:
        say(f"[{prepared.section}] in {path} is ready (access key {key}); nothing to change.")

    if prepared.action is not Action.READY and not discover:
        note("The MFA device will be looked up on the first refresh.")
    elif prepared.action is not Action.READY:
        note("Looking up the MFA device of these keys with AWS (--no-discover skips this)...")
        try:
            found = record_device(
                profile,
                credentials_path=path,
                config_path=config_path(),
                connect=connect,
                region=region_from(region),
                endpoint_url=endpoint_url,
                choose=choose_device if interactive else None,
            )
        except (KeyboardInterrupt, EOFError, typer.Abort):
            note(
                "\nawsmfa: interrupted; the keys are saved, and the first refresh will "
                "look up the MFA device"
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None
        if not isinstance(found, DeviceKnown):
            note(f"Could not look up the MFA device: {found.reason}")
            if found.hint:
                note(found.hint)
            note(f"The keys are saved; `awsmfa doctor {shlex.quote(profile)}` checks the setup.")
        elif found.recorded:
            note(f"Recorded MFA device {found.device} as aws_mfa_device in [{prepared.section}].")
        else:
            note(f"MFA device {found.device}, as named in your files.")
    say(f"Next: awsmfa refresh {shlex.quote(profile)}")


@app.command()
@handles_errors
def refresh(
    name: str = typer.Argument(
        None,
        metavar="NAME",
        help="Profile to refresh; default $AWS_PROFILE, else 'default'.",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Renew even if still valid."),
    within: str = typer.Option(
        None,
        metavar="DURATION",
        help="Renew when less than this is left; default 1h, for a role 10m.",
        show_default=False,
    ),
    duration: str = typer.Option(
        None,
        metavar="DURATION",
        help="Session length: 12h by default (15m to 36h); for a role 1h (15m to 12h).",
        show_default=False,
    ),
    device: str = typer.Option(
        None,
        metavar="ARN",
        help="MFA device ARN (or hardware token serial); default from the files, else discovered.",
        show_default=False,
    ),
    code: str = typer.Option(
        None,
        metavar="CODE",
        help="The 6-digit MFA code; default: mfa_process, else ask on the terminal.",
        show_default=False,
    ),
    region: str = REGION_OPTION,
    endpoint_url: str = ENDPOINT_OPTION,
    role_arn: str = typer.Option(
        None,
        metavar="ARN",
        help="Assume this IAM role with MFA; default role_arn in [NAME-long-term].",
        show_default=False,
    ),
    role_session_name: str = typer.Option(
        None,
        metavar="NAME",
        help="Session name for the role; default the IAM user name.",
        show_default=False,
    ),
    external_id: str = typer.Option(
        None,
        metavar="ID",
        help="External ID the role's trust policy requires.",
        show_default=False,
    ),
    dotenv: str = typer.Option(
        None,
        "--dotenv",
        metavar="PATH",
        help="Also merge the session into this .env file, for notebooks (mode 0600).",
        show_default=False,
    ),
) -> None:
    """Get a new MFA session into [NAME] from the long-term keys in [NAME-long-term]."""
    from awsmfa_profiles.aws import connect
    from awsmfa_profiles.mfa import (
        check_code,
        check_device,
        check_external_id,
        check_role_arn,
        check_role_session_name,
    )
    from awsmfa_profiles.refresh import Environment, Refreshed, RefreshOptions
    from awsmfa_profiles.refresh import refresh as run_refresh

    profile = default_profile() if name is None else name
    options = RefreshOptions(
        force=force,
        within=None if within is None else _parse(within, "--within"),
        duration=None if duration is None else _parse(duration, "--duration"),
        device=None if device is None else check_device(device),
        code=None if code is None else check_code(code),
        region=region_from(region),
        endpoint_url=endpoint_url,
        role_arn=None if role_arn is None else check_role_arn(role_arn),
        role_session_name=None
        if role_session_name is None
        else check_role_session_name(role_session_name),
        external_id=None if external_id is None else check_external_id(external_id),
    )
    dotenv_path = None if dotenv is None else Path(dotenv).expanduser()
    if dotenv_path is not None:
        from awsmfa_profiles.export import read_output

        # Refused now, before a code is asked for, if it could never be updated.
        read_output(dotenv_path)
    interactive = sys.stdin.isatty()
    env = Environment(
        credentials_path=credentials_path(),
        config_path=config_path(),
        now=utc_now,
        connect=connect,
        ask_code=ask_code if interactive else None,
        choose_device=choose_device if interactive else None,
    )
    outcome = run_refresh(profile, options, env)
    now = utc_now()
    if not isinstance(outcome, Refreshed):
        left = describe_duration(outcome.expires_at - now)
        say(
            f"[{profile}] is valid until {describe_expiry(outcome.expires_at)}, "
            f"{left} left; nothing to do (--force renews it now)."
        )
        _note_shadowing_variables()
        if dotenv_path is not None:
            # Whoever passes --dotenv wants the .env current, whether or not STS was asked.
            from awsmfa_profiles.export import current_session

            session = current_session(profile, credentials_path=credentials_path(), now=now)
            _refresh_dotenv(profile, dotenv_path, session.session)
        return
    if outcome.loosened_mode is not None:
        _tightened(credentials_path(), outcome.loosened_mode)
    if outcome.remembered_device:
        note(f"Remembered MFA device {outcome.device} as aws_mfa_device in [{profile}-long-term].")
    expires_at = outcome.session.expires_at
    if outcome.role_arn:
        note(f"Assumed role {outcome.role_arn}.")
    say(
        f"[{profile}] refreshed: valid until {describe_expiry(expires_at)}, "
        f"{describe_duration(expires_at - now)} from now."
    )
    _note_shadowing_variables()
    if dotenv_path is not None:
        _refresh_dotenv(profile, dotenv_path, outcome.session)


_SHADOWING = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
)


def _note_shadowing_variables() -> None:
    """The old script's exported session would still win over [NAME] in this shell."""
    shadowing = [variable for variable in _SHADOWING if os.environ.get(variable)]
    if shadowing:
        note(
            f"Note: this shell exports {', '.join(shadowing)}, which AWS tools use before any "
            f"profile; run `unset {' '.join(shadowing)}`."
        )


def _refresh_dotenv(profile: str, path: Path, session: Session) -> None:
    from awsmfa_profiles.export import Format, write_output

    try:
        loosened = write_output(path, session, Format.DOTENV)
    except AwsmfaError as error:
        # The credentials file is already written; say so, and how to finish without a code.
        retry = f"awsmfa export {profile} --format dotenv --output {shlex.quote(str(path))}"
        again = (
            f"Once it can be written, `{retry}` updates it from {credentials_path()}; "
            "no new code is needed."
        )
        raise SaveError(
            f"[{profile}] is saved, but the .env was not updated: {error.message}",
            hint=f"{error.hint}\n{again}" if error.hint else again,
        ) from None
    if loosened is not None:
        _tightened(path, loosened)
    say(f"Updated {path} with the session of [{profile}].")


def _tightened(path: Path, mode: int) -> None:
    note(f"Tightened {path} from {mode:04o} to 0600: it holds secret keys.")


@app.command()
@handles_errors
def check(
    names: list[str] = typer.Argument(
        None,
        metavar="NAME...",
        help="Profiles to check; default every one with a [NAME-long-term].",
        show_default=False,
    ),
    within: str = typer.Option(None, metavar="DURATION", help=WITHIN_HELP, show_default=False),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing when all are valid."),
    as_json: bool = JSON_OPTION,
    notify: bool = typer.Option(
        False,
        "--notify",
        help="Also show a desktop notification for each profile that needs a refresh.",
    ),
) -> None:
    """Report each session offline: valid, expiring, expired or missing. Exit 1 if any
    needs a refresh."""
    from awsmfa_profiles.check import check as run_check

    now = utc_now()
    try:
        results = run_check(
            list(names or []),
            credentials_path=credentials_path(),
            now=now,
            within=None if within is None else _parse(within, "--within"),
        )
    except AwsmfaError as error:
        if notify:
            # From cron, a notification is the only way this error reaches anyone.
            _notify_desktop([], now, error=error)
        raise
    needs_refresh = any(result.status.needs_refresh for result in results)
    if as_json:
        say(
            json.dumps(
                [
                    {
                        "profile": result.profile,
                        "status": result.status.value,
                        "expires_at": None
                        if result.expires_at is None
                        else format_expiration(result.expires_at),
                        "seconds_left": result.seconds_left,
                    }
                    for result in results
                ],
                indent=2,
            )
        )
    elif needs_refresh or not quiet:
        width = max(len(result.profile) for result in results)
        for result in results:
            say(_status_line(result, width, now))
        for result in results:
            if result.status.needs_refresh:
                say(f"  run: {result.action}")
    if notify and needs_refresh:
        _notify_desktop(results, now)
    if needs_refresh:
        raise typer.Exit(EXIT_FAILED)


def _notify_desktop(
    results: list[ProfileStatus], now: datetime, *, error: AwsmfaError | None = None
) -> None:
    import shutil

    from awsmfa_profiles.remind import Notice, notices_for, run_command
    from awsmfa_profiles.remind import notify as show

    notices = notices_for(results, now)
    if error is not None:
        notices.append(Notice("awsmfa check failed", error.message))

    # No notifier on PATH means output only, and says nothing: cron would mail the
    # complaint every day on a computer without a desktop.
    notified = show(
        notices,
        run=run_command,
        which=shutil.which,
        platform=sys.platform,
        environ=os.environ,
        uid=os.getuid() if hasattr(os, "getuid") else None,
    )
    for problem in notified.problems:
        note(f"awsmfa: no desktop notification: {problem}")


@app.command()
@handles_errors
def doctor(
    name: str = typer.Argument(
        None,
        metavar="NAME",
        help="Profile to check; default $AWS_PROFILE, else 'default'.",
        show_default=False,
    ),
    region: str = REGION_OPTION,
    endpoint_url: str = ENDPOINT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Check the setup as the guide's troubleshooting does: file, modes, keys, AWS, MFA
    device, clock, shell variables, session. Never writes. Exit 1 if a check failed."""
    from awsmfa_profiles.aws import connect
    from awsmfa_profiles.doctor import DoctorEnvironment, Level, diagnose, failed

    profile = default_profile() if name is None else name
    findings = diagnose(
        profile,
        DoctorEnvironment(
            credentials_path=credentials_path(),
            config_path=config_path(),
            now=utc_now,
            connect=connect,
            environ=os.environ,
            region=region_from(region),
            endpoint_url=endpoint_url,
        ),
    )
    if as_json:
        say(
            json.dumps(
                [
                    {
                        "level": finding.level.value,
                        "title": finding.title,
                        "detail": finding.detail or None,
                        "fix": finding.fix or None,
                    }
                    for finding in findings
                ],
                indent=2,
            )
        )
    else:
        say(f"Checking profile [{profile}]:")
        for finding in findings:
            line = f"{finding.level.value:<5} {finding.title}"
            say(f"{line}: {finding.detail}" if finding.detail else line)
            for number, fix in enumerate(finding.fix.splitlines()):
                say(f"{'':6}{'fix: ' if number == 0 else '     '}{fix}")
        failures = sum(finding.level is Level.FAIL for finding in findings)
        warnings = sum(finding.level is Level.WARN for finding in findings)
        if failures:
            say(f"{_count(failures, 'check')} failed, {_count(warnings, 'warning')}.")
        elif warnings:
            say(f"No check failed; {_count(warnings, 'warning')}.")
        else:
            say("No problems found.")
    if failed(findings):
        raise typer.Exit(EXIT_FAILED)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@app.command()
@handles_errors
def remind(
    names: list[str] = typer.Argument(
        None,
        metavar="NAME...",
        help="Profiles to check; default every one with a [NAME-long-term].",
        show_default=False,
    ),
    install: bool = typer.Option(
        False, "--install", help="Put the line into your crontab, replacing an earlier one."
    ),
    uninstall: bool = typer.Option(
        False, "--uninstall", help="Take awsmfa's line out of your crontab."
    ),
    at: str = typer.Option(
        None,
        "--at",
        metavar="HH:MM",
        help="Time of day, HH:MM on a 24-hour clock [default: 09:00].",
        show_default=False,
    ),
) -> None:
    """A daily reminder from cron: `awsmfa check --quiet --notify` once a day. Without
    --install or --uninstall, print the crontab line to add yourself."""
    import shutil

    from awsmfa_profiles import remind as reminder

    if install and uninstall:
        raise UsageError("--install and --uninstall cannot be used together")
    if uninstall and (names or at is not None):
        raise UsageError(
            "--uninstall takes no profile names and no --at",
            hint="It removes awsmfa's one line, whatever it checks.",
        )
    if uninstall:
        if reminder.uninstall(reminder.run_command):
            say("Removed the awsmfa reminder from your crontab.")
        else:
            say("There is no awsmfa reminder in your crontab; nothing to change.")
        return
    profiles = list(names or [])
    line = reminder.reminder_line(
        reminder.awsmfa_command(sys.argv[0], sys.executable, shutil.which),
        reminder.parse_at(reminder.DEFAULT_AT if at is None else at),
        profiles,
        # cron starts jobs in $HOME: a relative path would name another file there.
        credentials_file=str(credentials_path().absolute())
        if os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
        else None,
    )
    for unknown in reminder.unknown_profiles(profiles, credentials_path()):
        note(
            f"Note: there is no [{unknown}] or [{unknown}-long-term] yet: until "
            f"`awsmfa init {shlex.quote(unknown)}` is run, the daily check will fail with "
            "an error (shown as a notification). A typo? Check the name."
        )
    if not install:
        say(line)
        note("Add it with `crontab -e`, or let `awsmfa remind --install` add it.")
        return
    installed = reminder.install(line, reminder.run_command)
    if not installed.changed:
        say("The awsmfa reminder is already in your crontab; nothing to change:")
    elif installed.replaced:
        say("Replaced the awsmfa reminder in your crontab:")
    else:
        say("Added the awsmfa reminder to your crontab:")
    say(f"  {line}")
    if not (shutil.which("notify-send") or shutil.which("osascript")):
        note(
            "No notify-send or osascript on PATH: the reminder will only print, and cron "
            "mails what it prints if mail is set up."
        )


def _status_line(result: ProfileStatus, width: int, now: datetime) -> str:
    label, state, expires_at = result.profile.ljust(width), result.status, result.expires_at
    if result.problem:
        return f"{label}  {state.value:<8}  {result.problem}"
    if expires_at is None:
        return f"{label}  {state.value:<8}  never refreshed"
    when = format_expiration(expires_at)
    if state is Status.EXPIRED:
        return f"{label}  {state.value:<8}  {describe_duration(now - expires_at)} ago, at {when}"
    return f"{label}  {state.value:<8}  {describe_duration(expires_at - now)} left, until {when}"


@app.command()
@handles_errors
def export(
    name: str = typer.Argument(
        None,
        metavar="NAME",
        help="Profile whose session to export; default $AWS_PROFILE, else 'default'.",
        show_default=False,
    ),
    fmt: str = typer.Option(
        "env",
        "--format",
        metavar="env|dotenv|json",
        help="env: export lines for eval; dotenv: KEY=VALUE lines; json: credential_process.",
    ),
    output: str = typer.Option(
        None,
        "--output",
        "-o",
        metavar="PATH",
        help="Write to this file instead of printing: env and dotenv merge into it, json "
        "replaces it (mode 0600).",
        show_default=False,
    ),
) -> None:
    """Print the session of [NAME] for tools that read only environment variables, .env
    files or credential_process. Offline; exit 1 if it has expired."""
    from awsmfa_profiles.export import current_session, parse_format, render, write_output

    profile = default_profile() if name is None else name
    chosen = parse_format(fmt)
    now = utc_now()
    current = current_session(profile, credentials_path=credentials_path(), now=now)
    expires_at = current.session.expires_at
    if current.status is Status.EXPIRING:
        note(
            f"awsmfa: [{profile}] expires in {describe_duration(expires_at - now)}, at "
            f"{format_expiration(expires_at)}; `awsmfa refresh {profile}` renews it."
        )
    if output is None:
        typer.echo(render(current.session, chosen), nl=False)
        return
    path = Path(output).expanduser()
    loosened = write_output(path, current.session, chosen)
    if loosened is not None:
        _tightened(path, loosened)
    say(
        f"Wrote the session of [{profile}] to {path}: valid until "
        f"{describe_expiry(expires_at)}, {describe_duration(expires_at - now)} left."
    )


def _parse(text: str, option: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


# Terminal interaction, passed into the core as plain functions.


def ask(prompt: str, *, hide_input: bool = False) -> str:
    """One line from the terminal; the prompt goes to stderr and nothing to stdout.

    typer.prompt(err=True) still hands input() a trailing space, which lands on stdout
    and so in `awsmfa refresh NAME > log`.
    """
    if hide_input:
        import getpass

        return getpass.getpass(f"{prompt}: ", stream=sys.stderr)
    sys.stderr.write(f"{prompt}: ")
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:  # end of input (Ctrl-D): there is no answer to wait for
        raise typer.Abort()
    return line.rstrip("\n")


def ask_code(device: str, problem: str | None) -> str:
    from awsmfa_profiles.mfa import is_code

    if problem:
        note(problem)
    while True:
        entered = ask(f"MFA code for {device}").strip()
        if is_code(entered):
            return entered
        note("A code is exactly 6 digits, as your authenticator app shows it; try again.")


def ask_keys() -> NewKeys:
    from awsmfa_profiles.init import NewKeys
    from awsmfa_profiles.keys import check_access_key_id, check_secret_access_key

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


def main() -> None:
    app(prog_name="awsmfa")
