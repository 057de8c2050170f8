"""The command line: typer adapters that parse, call a use case and render its result.
The only part of awsmfa that prints, prompts or exits."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """The `awsmfa` command: run it with `argv` (default: the process's), return the status."""
    from awsmfa_profiles.cli.app import main as run

    return run(argv)
