"""Whole-process times of awsmfa beside a baseline, as paired ratios with their noise.

Each scenario compares one command of awsmfa with a baseline: aws-mfa 0.0.12, awsmfa
itself on a smaller file, or a bare interpreter (`python -c pass` with awsmfa's own
venv). The two commands run in interleaved pairs against the same moto server on
loopback, in throwaway HOMEs; the server counts the requests each run makes.

Why paired ratios: machine load drifts over a run (it moved the old ratio of medians for
`refresh --force` from 0.88 to 1.04 between two runs). The two runs of a pair happen
back to back, so drift hits both nearly alike and cancels in their ratio; the order
inside a pair alternates (ours first, then baseline first) so that neither side always
runs on the warmer cache.

Linearity is a ratio of the same kind: of the time each profile adds. A scenario with a
`fixed` command (the same job on a 3-profile file) subtracts that run's time from both
sides of each sample, so the ratio compares the time the extra profiles cost, scaled by
how many more there are; 1.0 means each profile costs the same at 10,000 as at 2000.

Peak memory is the resident set of the whole process (`ru_maxrss` from `wait4`), read a
few times; it hardly varies, and a limit is missed only when every run exceeds it. A small
helper process starts the command and reads it: a child forked from this process would
report this process's own memory (moto and all), which it held until it ran exec.

Why this interval: the report gives the median of the paired ratios and a 90%
confidence interval of that median from order statistics (the binomial, or sign-test,
interval: for n ratios, the k-th smallest and k-th largest, with k chosen from the
Binomial(n, 1/2) distribution). It assumes only that the pairs are independent and alike,
not that times are normal, needs no random resampling (the same times give the same
verdict, unlike a bootstrap, which is also coarse for the median of a dozen values), and
narrows as --runs grows, unlike the interquartile range, which describes single pairs
rather than how well the median is known. A target is missed only when the whole
interval lies above it, i.e. the ratio is beyond the target by more than the measured
noise; an interval that straddles the target is reported as such and does not fail.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from math import comb
from pathlib import Path
from typing import Any

DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"
VALID_UNTIL = "2099-01-01 00:00:00"  # aws-mfa's own form; awsmfa reads it too
CONFIDENCE = 0.90
MIN_RUNS = 5  # the fewest pairs for which a 90% order-statistic interval exists
MEMORY_RUNS = 5


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]
    home: Path
    stdin: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    ours: Command
    baseline: Command
    target: float  # the paired ratio ours/baseline must not exceed
    requests: int | None = None  # requests each run of ours must make, where that matters
    # For a ratio of marginal costs: the fixed part, subtracted from both sides, and how
    # many times more work ours does than the baseline beyond it.
    fixed: Command | None = None
    scale: float = 1.0


@dataclass(frozen=True)
class MemoryLimit:
    name: str
    command: Command
    limit_mb: float  # peak resident memory of the process must not exceed this (10^6 bytes)


@dataclass(frozen=True)
class Tools:
    awsmfa: str
    peer: str
    python: str


@dataclass
class Homes:
    """Throwaway HOMEs under one temporary root, made on first use and shared by name."""

    root: Path
    made: dict[str, Path] = field(default_factory=dict)

    def get(self, name: str, profiles: int) -> Path:
        """The HOME called `name`; read-only scenarios share one, writers get their own."""
        if name not in self.made:
            self.made[name] = make_home(self.root / name, profiles)
        return self.made[name]


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


def make_home(home: Path, profiles: int) -> Path:
    """A HOME whose credentials hold `profiles` filler profiles, [dev-long-term] and a
    valid session in [dev]."""
    (home / ".aws").mkdir(mode=0o700, parents=True)
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
        "\n[dev]\nassumed_role = False\naws_access_key_id = ASIAEXAMPLE\n"
        "aws_secret_access_key = s\naws_session_token = t\naws_security_token = t\n"
        f"expiration = {VALID_UNTIL}\n"
    )
    credentials = home / ".aws" / "credentials"
    credentials.write_text("".join(blocks))
    credentials.chmod(0o600)
    return home


# The commands that run from login scripts, shell prompts, cron and credential_process;
# issue 17 wants each within a small factor of the bare interpreter. Add a row to measure
# another one.
READ_ONLY: list[tuple[str, list[str]]] = [
    ("check dev", ["check", "dev"]),
    ("check dev --json", ["check", "dev", "--json"]),
    ("refresh dev, valid (no-op)", ["refresh", "dev"]),
    ("export dev --format json", ["export", "dev", "--format", "json"]),
    ("export dev --format env", ["export", "dev", "--format", "env"]),
    ("--version", ["--version"]),
]
# (profiles in the file, target ratio against `python -c pass`)
READ_ONLY_SIZES: list[tuple[int, float]] = [(3, 2.0), (2000, 3.0)]


def scenarios(tools: Tools, homes: Homes) -> list[Scenario]:
    """Every scenario, in the order reported. Each writer (a forced refresh) has a HOME of
    its own; the read-only commands share one HOME per file size."""

    def refresh(home: Path) -> Command:
        argv = [tools.awsmfa, "refresh", "dev", "--force", "--code", "123456"]
        return Command("awsmfa refresh --force", argv, home)

    def peer_force(home: Path) -> Command:
        argv = [tools.peer, "--profile", "dev", "--force", "--device", DEVICE]
        return Command("aws-mfa --force", argv, home, stdin="123456\n")

    def peer_noop(home: Path) -> Command:
        return Command("aws-mfa, valid session", [tools.peer, "--profile", "dev"], home)

    def awsmfa(args: list[str], home: Path) -> Command:
        return Command("awsmfa " + " ".join(args), [tools.awsmfa, *args], home)

    def bare(home: Path) -> Command:
        return Command("python -c pass", [tools.python, "-c", "pass"], home)

    small = homes.get("read-3", 3)
    mid = homes.get("read-2000", 2000)
    large = homes.get("read-10000", 10_000)
    check = ["check", "dev"]
    table = [
        Scenario("check, valid session", awsmfa(check, small), peer_noop(small), 0.5),
        Scenario(
            "refresh --force, known device",
            refresh(homes.get("force-ours", 3)),
            peer_force(homes.get("force-peer", 3)),
            1.0,
            requests=1,
        ),
        Scenario(
            "refresh --force, 2000 profiles",
            refresh(homes.get("force-2000", 2000)),
            refresh(homes.get("force-3", 3)),
            1.5,
            requests=1,
        ),
        Scenario("check dev, 10000 profiles", awsmfa(check, large), peer_noop(large), 0.4),
        # 1.0 is linear; the target leaves room for a larger file's cache misses, while
        # anything quadratic would be 5 (five times the profiles, each five times slower).
        Scenario(
            "check dev, time per profile at 10000 over at 2000 (linear: 1)",
            awsmfa(check, large),
            Command("awsmfa check dev, 2000 profiles", [tools.awsmfa, *check], mid),
            1.25,
            fixed=awsmfa(check, small),
            scale=(10_000 - 3) / (2000 - 3),
        ),
    ]
    for profiles, target in READ_ONLY_SIZES:
        home = homes.get(f"read-{profiles}", profiles)
        for name, args in READ_ONLY:
            table.append(
                Scenario(f"{name}, {profiles} profiles", awsmfa(args, home), bare(home), target)
            )
    return table


def memory_limits(tools: Tools, homes: Homes) -> list[MemoryLimit]:
    large = homes.get("read-10000", 10_000)
    check = Command("awsmfa check dev", [tools.awsmfa, "check", "dev"], large)
    # What `check` took on this file before issue 17's changes: they must not cost memory.
    return [MemoryLimit("check dev, 10000 profiles", check, 52.0)]


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
    """Seconds one run of `command` took, and the requests it made."""
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


# Runs argv and prints its peak resident memory in bytes, then its exit status. wait4,
# unlike Popen.wait, reports the resources of this one child; ru_maxrss is in KiB on
# Linux, in bytes on macOS.
MEMORY_PROBE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
scale = 1 if sys.platform == "darwin" else 1024
print(usage.ru_maxrss * scale, os.waitstatus_to_exitcode(status))
"""


def peak_memory(command: Command, endpoint: str) -> float:
    """The peak resident memory, in MB, of one run of `command`."""
    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, *command.argv],
        env=environment(command.home, endpoint),
        capture_output=True,
        text=True,
        check=False,
    )
    peak, status = probe.stdout.split()
    if status != "0":
        raise SystemExit(f"{command.label} failed ({status}):\n{probe.stderr}")
    return int(peak) / 1e6


def measure_memory(limit: MemoryLimit, runs: int, endpoint: str) -> dict[str, Any]:
    peaks = [peak_memory(limit.command, endpoint) for _ in range(runs)]
    return {
        "memory": limit.name,
        "command": limit.command.label,
        "peak_mb": [round(peak, 1) for peak in peaks],
        "median_mb": round(statistics.median(peaks), 1),
        "limit_mb": limit.limit_mb,
        # Memory barely moves between runs; a limit is missed when no run kept to it.
        "missed": min(peaks) > limit.limit_mb,
    }


def median_interval(values: Sequence[float], confidence: float) -> tuple[float, float, float]:
    """A distribution-free confidence interval of the median: (low, high, coverage).

    With n values, the median lies below the k-th smallest with probability
    P(Binomial(n, 1/2) < k); k is the largest rank keeping that at most (1 - confidence)/2
    on each side, so the interval is at least as sure as asked (coverage is exact)."""
    ordered = sorted(values)
    n = len(ordered)
    tail = (1 - confidence) / 2
    below = 0.0  # P(Binomial(n, 1/2) < k)
    k = 0
    while k < n and below + comb(n, k) / 2**n <= tail:
        below += comb(n, k) / 2**n
        k += 1
    if k == 0:  # too few values for the confidence asked: the full range, less sure
        return ordered[0], ordered[-1], 1 - 2 / 2**n
    return ordered[k - 1], ordered[n - k], 1 - 2 * below


def paired_runs(
    scenario: Scenario, runs: int, endpoint: str, counter: Counter
) -> Iterator[tuple[float, float, int, int, float]]:
    """(ours seconds, baseline seconds, ours requests, baseline requests, fixed seconds)
    per pair; fixed is 0 unless the scenario has a fixed part."""
    sides = [scenario.ours, scenario.baseline]
    if scenario.fixed is not None:
        sides.append(scenario.fixed)
    for _ in range(2):  # warm the page cache and moto before timing
        for command in sides:
            timed(command, endpoint, counter)
    for run in range(runs):
        # Rotate which side goes first: ours, baseline | baseline, ours | ...
        order = [(run + offset) % len(sides) for offset in range(len(sides))]
        result: dict[int, tuple[float, int]] = {}
        for side in order:
            result[side] = timed(sides[side], endpoint, counter)
        fixed = result[2][0] if len(sides) == 3 else 0.0
        yield result[0][0], result[1][0], result[0][1], result[1][1], fixed


def measure(scenario: Scenario, runs: int, endpoint: str, counter: Counter) -> dict[str, Any]:
    pairs = list(paired_runs(scenario, runs, endpoint, counter))
    ratios = [
        (ours - fixed) / (scenario.scale * (baseline - fixed))
        for ours, baseline, _, _, fixed in pairs
    ]
    median = statistics.median(ratios)
    low, high, coverage = median_interval(ratios, CONFIDENCE)
    quartiles = statistics.quantiles(ratios, n=4)
    ours_requests = sorted({pair[2] for pair in pairs})
    baseline_requests = sorted({pair[3] for pair in pairs})
    requests_ok = scenario.requests is None or ours_requests == [scenario.requests]
    if low > scenario.target:
        verdict = "MISSED"
    elif high <= scenario.target:
        verdict = "met"
    else:
        verdict = "within noise"  # the interval straddles the target: not a failure
    if not requests_ok:
        verdict = f"MISSED: {scenario.requests} request(s) expected"
    return {
        "scenario": scenario.name,
        "ours": scenario.ours.label,
        "ours_ms": round(statistics.median(p[0] for p in pairs) * 1000, 1),
        "baseline": scenario.baseline.label,
        "baseline_ms": round(statistics.median(p[1] for p in pairs) * 1000, 1),
        "pairs": len(pairs),
        "ratio_median": round(median, 3),
        "ratio_interval": [round(low, 3), round(high, 3)],
        "interval_coverage": round(coverage, 3),
        "ratio_quartiles": [round(quartiles[0], 3), round(quartiles[2], 3)],
        "ratios": [round(ratio, 3) for ratio in ratios],
        "target": scenario.target,
        "verdict": verdict,
        "missed": verdict.startswith("MISSED"),
        "ours_requests": ours_requests,
        "baseline_requests": baseline_requests,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    """A Markdown table, to paste into README's Performance section as it is."""
    print(
        f"| scenario | awsmfa | baseline | paired ratio, median [{CONFIDENCE:.0%} interval] "
        "| target | verdict | requests per run |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        low, high = r["ratio_interval"]
        ours, baseline = (
            ", ".join(map(str, r[key])) for key in ("ours_requests", "baseline_requests")
        )
        print(
            f"| {r['scenario']} | {r['ours_ms']:.0f} ms | {r['baseline']}: "
            f"{r['baseline_ms']:.0f} ms | {r['ratio_median']:.2f} [{low:.2f}, {high:.2f}] "
            f"| <= {r['target']} | {r['verdict']} | {ours} vs {baseline} |"
        )


def print_memory_table(results: list[dict[str, Any]]) -> None:
    print("\n| peak memory | awsmfa | median [lowest, highest] | limit | verdict |")
    print("|---|---|---|---|---|")
    for r in results:
        verdict = "MISSED" if r["missed"] else "met"
        print(
            f"| {r['memory']} | {r['command']} | {r['median_mb']:.1f} MB "
            f"[{min(r['peak_mb']):.1f}, {max(r['peak_mb']):.1f}] "
            f"| <= {r['limit_mb']:.0f} MB | {verdict} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--awsmfa", required=True, help="path of the awsmfa command")
    parser.add_argument("--peer", required=True, help="path of the aws-mfa command")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter of awsmfa's venv, for the `python -c pass` baseline "
        "(default: the one running this script)",
    )
    parser.add_argument("--runs", type=int, default=21, help="timed pairs per scenario")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="run only the scenarios whose name contains TEXT (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.runs < MIN_RUNS:
        parser.error(f"--runs must be at least {MIN_RUNS} for a {CONFIDENCE:.0%} interval")

    tools = Tools(args.awsmfa, args.peer, args.python)
    root = Path(tempfile.mkdtemp(prefix="awsmfa-bench-"))

    def wanted(name: str) -> bool:
        return not args.only or any(text in name for text in args.only)

    try:
        homes = Homes(root)
        chosen = [s for s in scenarios(tools, homes) if wanted(s.name)]
        limits = [m for m in memory_limits(tools, homes) if wanted(m.name)]
        if not chosen and not limits:
            parser.error("no scenario matches --only")
        endpoint, counter = start_moto()
        print(
            f"{platform.node() or 'machine'}: {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{args.runs} interleaved pairs per scenario"
        )
        results = []
        for number, scenario in enumerate(chosen, 1):
            print(f"[{number}/{len(chosen)}] {scenario.name}", file=sys.stderr, flush=True)
            results.append(measure(scenario, args.runs, endpoint, counter))
        memory = []
        for limit in limits:
            print(f"[memory] {limit.name}", file=sys.stderr, flush=True)
            memory.append(measure_memory(limit, MEMORY_RUNS, endpoint))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if results:
        print_table(results)
    if memory:
        print_memory_table(memory)
    missed = [r["scenario"] for r in results if r["missed"]]
    missed += [f"peak memory of {r['memory']}" for r in memory if r["missed"]]
    print(
        f"\nA target is missed only when the whole {CONFIDENCE:.0%} interval of the median "
        "paired ratio lies above it. "
        + (f"Missed: {'; '.join(missed)}." if missed else "No target missed.")
    )
    if args.json:
        args.json.write_text(json.dumps(results + memory, indent=2) + "\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
