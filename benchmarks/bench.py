"""Median whole-process times of awsmfa and aws-mfa 0.0.12, side by side in one run.

Each scenario runs both commands alternately (so drift in machine load hits both
alike) against the same moto server on loopback, in throwaway HOMEs. The server counts
the requests each run makes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"
VALID_UNTIL = "2099-01-01 00:00:00"  # aws-mfa's own form; awsmfa reads it too


@dataclass
class Command:
    label: str
    argv: list[str]
    home: Path
    stdin: str = ""


@dataclass
class Scenario:
    name: str
    ours: Command
    baseline: Command
    target: float  # the ratio ours/baseline must not exceed
    baseline_label: str


class Counter:
    """WSGI middleware: counts the AWS requests (not moto's own API) that reach moto."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO", "").startswith("/moto-api"):
            with self.lock:
                self.count += 1
        return self.app(environ, start_response)


def start_moto() -> tuple[str, Counter]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    counter = Counter(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, counter, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", counter


def make_home(profiles: int, *, session: bool) -> Path:
    """A HOME whose credentials hold `profiles` filler profiles and [dev-long-term]."""
    home = Path(tempfile.mkdtemp(prefix="awsmfa-bench-"))
    (home / ".aws").mkdir(mode=0o700)
    blocks = []
    for number in range(profiles):
        blocks.append(
            f"# team profile {number}\n[p{number}-long-term]\n"
            f"aws_access_key_id = AKIAFILLER{number:010d}\naws_secret_access_key = f{number}\n\n"
            f"[p{number}]\naws_access_key_id = ASIAFILLER{number:010d}\n"
            f"aws_secret_access_key = s\naws_session_token = t\nexpiration = {VALID_UNTIL}\n\n"
        )
    blocks.append(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLEKEY000001\n"
        f"aws_secret_access_key = longtermsecret\naws_mfa_device = {DEVICE}\n"
    )
    if session:
        blocks.append(
            "\n[dev]\nassumed_role = False\naws_access_key_id = ASIAEXAMPLE\n"
            "aws_secret_access_key = s\naws_session_token = t\naws_security_token = t\n"
            f"expiration = {VALID_UNTIL}\n"
        )
    credentials = home / ".aws" / "credentials"
    credentials.write_text("".join(blocks))
    credentials.chmod(0o600)
    return home


def environment(home: Path, endpoint: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        HOME=str(home),
        AWS_ENDPOINT_URL=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_MAX_ATTEMPTS="1",
    )
    return env


def timed(command: Command, endpoint: str, counter: Counter) -> tuple[float, int]:
    before = counter.count
    started = time.perf_counter()
    completed = subprocess.run(
        command.argv,
        input=command.stdin,
        env=environment(command.home, endpoint),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{command.label} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed, counter.count - before


def measure(scenario: Scenario, runs: int, endpoint: str, counter: Counter) -> dict[str, Any]:
    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    requests: dict[str, set[int]] = {"ours": set(), "baseline": set()}
    pairs: list[tuple[str, Command]] = [("ours", scenario.ours), ("baseline", scenario.baseline)]
    for _ in range(2):  # warm the page cache and moto before timing
        for _, command in pairs:
            timed(command, endpoint, counter)
    for run in range(runs):
        for side, command in pairs if run % 2 == 0 else pairs[::-1]:
            elapsed, count = timed(command, endpoint, counter)
            times[side].append(elapsed)
            requests[side].add(count)
    ours = statistics.median(times["ours"])
    baseline = statistics.median(times["baseline"])
    return {
        "scenario": scenario.name,
        "ours_ms": round(ours * 1000, 1),
        "baseline": scenario.baseline_label,
        "baseline_ms": round(baseline * 1000, 1),
        "ratio": round(ours / baseline, 2),
        "target": scenario.target,
        "met": ours / baseline <= scenario.target,
        "ours_requests": sorted(requests["ours"]),
        "baseline_requests": sorted(requests["baseline"]),
    }


def scenarios(awsmfa: str, peer: str) -> list[Scenario]:
    valid = make_home(3, session=True)
    forced = make_home(3, session=True)
    forced_peer = make_home(3, session=True)
    small = make_home(3, session=True)
    large = make_home(2000, session=True)
    refresh: Callable[[Path], Command] = lambda home: Command(  # noqa: E731
        "awsmfa refresh", [awsmfa, "refresh", "dev", "--force", "--code", "123456"], home
    )
    return [
        Scenario(
            "check, valid session",
            Command("awsmfa check", [awsmfa, "check", "dev"], valid),
            Command("aws-mfa", [peer, "--profile", "dev"], valid),
            0.5,
            "aws-mfa, valid session",
        ),
        Scenario(
            "refresh --force, known device",
            refresh(forced),
            Command(
                "aws-mfa --force",
                [peer, "--profile", "dev", "--force", "--device", DEVICE],
                forced_peer,
                stdin="123456\n",
            ),
            1.0,
            "aws-mfa --force",
        ),
        Scenario(
            "refresh --force, 2000 profiles",
            refresh(large),
            refresh(small),
            1.5,
            "awsmfa, 3 profiles",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--awsmfa", required=True, help="path of the awsmfa command")
    parser.add_argument("--peer", required=True, help="path of the aws-mfa command")
    parser.add_argument("--runs", type=int, default=21, help="timed runs per command")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    endpoint, counter = start_moto()
    print(
        f"{platform.node() or 'machine'}: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {args.runs} runs each"
    )
    results = [measure(s, args.runs, endpoint, counter) for s in scenarios(args.awsmfa, args.peer)]
    # A Markdown table, to paste into README's Performance section as it is.
    print("| scenario | awsmfa | baseline | ratio (target) | requests per run |")
    print("|---|---|---|---|---|")
    for r in results:
        verdict = "met" if r["met"] else "MISSED"
        requests = f"{r['ours_requests']} vs {r['baseline_requests']}".replace("[", "").replace(
            "]", ""
        )
        print(
            f"| {r['scenario']} | {r['ours_ms']:.0f} ms | {r['baseline']}: "
            f"{r['baseline_ms']:.0f} ms | {r['ratio']:.2f} (<= {r['target']}, {verdict}) "
            f"| {requests} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
