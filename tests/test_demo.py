"""scripts/demo, the guided tour a newcomer runs first: what it prints must be true."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_demo_runs_and_prints_what_it_does() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = completed.stdout
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # Piped, not a terminal: no escape codes.
    assert "\033" not in out + completed.stderr
    # The variable set for doctor is shown where it is set.
    doctor = next(line for line in out.splitlines() if line.startswith("$ ") and " doctor " in line)
    assert doctor.startswith("$ AWS_SESSION_TOKEN="), doctor
    # Every command shown is one a shell reads back as it was run.
    probe = next(line for line in out.splitlines() if line.startswith("$ ") and " -c " in line)
    words = shlex.split(probe[2:])
    assert words[1] == "-c" and words[2].startswith("import boto3")
    # The emulator's session keys start with AKIA; the demo says so rather than let it puzzle.
    assert "ASIA" in out and "moto" in out
