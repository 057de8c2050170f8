"""Running another program to completion, behind a protocol so that the use cases that
do (crontab, desktop notifications) take a fake in tests."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


class Run(Protocol):
    """Runs a program to completion; raises OSError when it cannot be started and
    subprocess.TimeoutExpired when it outlives `timeout`."""

    def __call__(
        self,
        args: list[str],
        *,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float,
    ) -> Completed: ...


def run_command(
    args: list[str],
    *,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float,
) -> Completed:
    completed = subprocess.run(
        args,
        input=input,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Completed(completed.returncode, completed.stdout, completed.stderr)


def first_line(text: str) -> str:
    """The first non-blank line of a program's output, for a one-line message."""
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""
