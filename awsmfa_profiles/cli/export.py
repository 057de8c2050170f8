"""`awsmfa export NAME`: the session for tools that read only variables, .env files or
credential_process. Offline."""

from __future__ import annotations

from pathlib import Path

from awsmfa_profiles.cli import defaults
from awsmfa_profiles.cli.render import describe_expiry, note, say, tightened
from awsmfa_profiles.errors import command_line
from awsmfa_profiles.session import Status, describe_duration, format_expiration


def export_session(name: str, *, fmt: str = "env", output: str | None = None) -> None:
    """Print the session of [NAME], or write it into `output`."""
    from awsmfa_profiles.export import current_session, parse_format, render, write_output

    chosen = parse_format(fmt)
    now = defaults.utc_now()
    current = current_session(name, credentials_path=defaults.credentials_path(), now=now)
    expires_at = current.session.expires_at
    if current.status is Status.EXPIRING:
        note(
            f"awsmfa: [{name}] expires in {describe_duration(expires_at - now)}, at "
            f"{format_expiration(expires_at)}; `{command_line('refresh', name)}` renews it."
        )
    if output is None:
        say(render(current.session, chosen), newline=False)
        return
    path = Path(output).expanduser()
    loosened = write_output(
        path,
        current.session,
        chosen,
        aws_files=(defaults.credentials_path(), defaults.config_path()),
    )
    if loosened is not None:
        tightened(path, loosened)
    say(
        f"Wrote the session of [{name}] to {path}: valid until "
        f"{describe_expiry(expires_at)}, {describe_duration(expires_at - now)} left."
    )
