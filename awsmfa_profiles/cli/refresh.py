"""`awsmfa refresh NAME...`: a new MFA session into [NAME] when the one there runs out;
several profiles (or --all) in one run, one code per MFA device."""

from __future__ import annotations

import functools
import math
import os
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from awsmfa_profiles.cli import defaults, prompts
from awsmfa_profiles.cli.render import (
    describe_expiry,
    note,
    refresh_entry,
    refreshed,
    relay,
    say,
    say_json,
    tightened,
)
from awsmfa_profiles.errors import ExitStatus, UsageError
from awsmfa_profiles.session import describe_duration, shadowing_variables

if TYPE_CHECKING:
    from awsmfa_profiles.refresh import Environment, Refreshed, RefreshOptions, StillValid
    from awsmfa_profiles.refresh_many import ProfileResult


def refresh(
    names: list[str],
    *,
    every: bool = False,
    force: bool = False,
    within: str | None = None,
    session_duration: str | None = None,
    device: str | None = None,
    code: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    timeout: str | None = None,
    role_arn: str | None = None,
    role_session_name: str | None = None,
    external_id: str | None = None,
    dotenv: str | None = None,
    as_json: bool = False,
    long_term_suffix: str | None = None,
    short_term_suffix: str | None = None,
) -> int:
    """Refresh the named profiles (every one with --all); cli/commands.py has put the
    profile from the environment there when the command line named none."""
    from awsmfa_profiles import mfa
    from awsmfa_profiles.aws import connect as connect_to_aws
    from awsmfa_profiles.compat import Variables, suffixed_sections
    from awsmfa_profiles.refresh import Environment, RefreshOptions, update_dotenv
    from awsmfa_profiles.refresh import refresh as run_refresh

    if every and names:
        raise UsageError(
            "--all and profile names cannot be used together",
            hint="Name the profiles, or use --all for every one with a [NAME-long-term].",
        )
    # Resolved first: a bad value is refused before anything is read or sent.
    connect = functools.partial(connect_to_aws, timeout=defaults.aws_timeout(timeout))
    suffixed = long_term_suffix is not None or short_term_suffix is not None
    if suffixed and (every or len(names) > 1):
        raise UsageError(
            "--long-term-suffix and --short-term-suffix apply to one profile",
            hint="Give one NAME, as aws-mfa's --profile takes one.",
        )
    options = RefreshOptions(
        force=force,
        within=defaults.duration(within, "--within"),
        duration=defaults.duration(session_duration, "--duration"),
        device=None if device is None else mfa.check_device(device),
        code=None if code is None else mfa.check_code(code),
        region=defaults.region_from(region),
        endpoint_url=endpoint_url,
        role_arn=None if role_arn is None else mfa.check_role_arn(role_arn),
        role_session_name=None
        if role_session_name is None
        else mfa.check_role_session_name(role_session_name),
        external_id=None if external_id is None else mfa.check_external_id(external_id),
        dotenv=None if dotenv is None else Path(dotenv).expanduser(),
    )
    if suffixed:
        # aws-mfa's section names: the session's section is the name reported from here on.
        session_name, long_term = suffixed_sections(names[0], long_term_suffix, short_term_suffix)
        names = [session_name]
        options = options._replace(long_term_section=long_term)
    interactive = defaults.interactive()
    credentials_path = defaults.credentials_path()
    env = Environment(
        credentials_path=credentials_path,
        config_path=defaults.config_path(),
        now=defaults.utc_now,
        connect=connect,
        ask_code=prompts.ask_code if interactive else None,
        choose_device=prompts.choose_device if interactive else None,
        relay_process_stderr=relay,
        variables=Variables.read(os.environ),
    )
    if every:
        return _refresh_many(None, options, env, as_json)
    if as_json or len(names) > 1:
        return _refresh_many(names, options, env, as_json)
    [name] = names
    outcome = run_refresh(name, options, env)
    now = defaults.utc_now()
    _report(name, outcome, credentials_path, now)
    _shadowing_note()
    if options.dotenv is not None:
        loosened = update_dotenv(
            name,
            outcome,
            path=options.dotenv,
            credentials_path=credentials_path,
            config_path=env.config_path,
            now=now,
        )
        if loosened is not None:
            tightened(options.dotenv, loosened)
        say(f"Updated {options.dotenv} with the session of [{name}].")
    return ExitStatus.OK


def _refresh_many(
    names: list[str] | None, options: RefreshOptions, env: Environment, as_json: bool
) -> int:
    from awsmfa_profiles.refresh_many import Progress, refresh_many

    credentials_path = env.credentials_path

    def show(result: ProfileResult) -> None:
        if result.outcome is not None:
            _report(
                result.profile, result.outcome, credentials_path, defaults.utc_now(), quiet=as_json
            )
        elif result.error is not None and not as_json:
            say(f"[{result.profile}] not refreshed: {result.error.message}")
            if result.error.hint:
                note(f"  {result.error.hint}")

    def waiting(device: str, seconds: float, profiles: list[str]) -> None:
        note(
            f"Waiting {math.ceil(seconds)}s for the next code of {device} "
            f"({', '.join(profiles)}): AWS accepts each code only once."
        )

    results = refresh_many(names, options, env, Progress(show, waiting, time.sleep))
    if as_json:
        now = defaults.utc_now()
        say_json([refresh_entry(result, now) for result in results])
    _shadowing_note()
    return max(result.exit_status for result in results)


def report_if_still_valid(name: str, *, within: str | None = None) -> bool:
    """`refresh NAME` when there is nothing to do: say so, as refresh() does, and return
    True; return False, having printed nothing, when a new session is needed."""
    from awsmfa_profiles.compat import Variables
    from awsmfa_profiles.refresh import RefreshOptions, still_valid

    defaults.aws_timeout(None)  # refresh() refuses a bad $AWSMFA_TIMEOUT first
    options = RefreshOptions(within=defaults.duration(within, "--within"))
    credentials_path = defaults.credentials_path()
    outcome = still_valid(
        name,
        options,
        credentials_path=credentials_path,
        config_path=defaults.config_path(),
        variables=Variables.read(os.environ),
        now=defaults.utc_now,
    )
    if outcome is None:
        return False
    _report(name, outcome, credentials_path, defaults.utc_now())
    _shadowing_note()
    return True


def _report(
    name: str,
    outcome: Refreshed | StillValid,
    credentials_path: Path,
    now: datetime,
    *,
    quiet: bool = False,
) -> None:
    """The notes about one profile's outcome on stderr, and (unless quiet) its line."""
    from awsmfa_profiles.refresh import Refreshed

    if not isinstance(outcome, Refreshed):
        if quiet:
            return
        left = describe_duration(outcome.expires_at - now)
        say(
            f"[{name}] is valid until {describe_expiry(outcome.expires_at)}, "
            f"{left} left; nothing to do (--force renews it now)."
        )
    else:
        refreshed(name, outcome, credentials_path, now, quiet=quiet)


def _shadowing_note() -> None:
    shadowing = shadowing_variables(os.environ)
    if shadowing:
        # The old script's exported session would still win over [NAME] in this shell.
        note(
            f"Note: this shell exports {', '.join(shadowing)}, which AWS tools use before any "
            f"profile; run `unset {' '.join(shadowing)}`."
        )
