"""Generated hostile credentials files: every run keeps every line or refuses cleanly.

Each example runs the real typer app in-process (fast enough for hundreds of files)
against the moto server, with the device and code given so a refresh is one request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import FakeAws, run_cli
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from awsmfa_profiles.errors import ExitStatus

DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"
MANAGED = {
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "expiration",
    "aws_security_token",
}
SECTION_NAMES = ["dev", "dev-long-term", "default", "ci-bot", "prod-long-term", "prøve", "a b"]
KEYS = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "expiration",
    "aws_security_token",
    "region",
    "mfa_serial",
    "output",
    "clé",
]
values = st.sampled_from(
    [
        "AKIAEXAMPLE0000001",
        "secret/with+chars",
        "",
        "100%",
        "%(interpolation)s",
        "2026-11-28T21:04:05Z",
        "2026-11-28 21:04:05",
        "naïve ☕ value",
        "a = b",
        "# not a comment",
        "value  ",
    ]
)
spaces = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def option_line(draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(KEYS))
    delimiter = draw(st.sampled_from(["=", ":"]))
    return f"{key}{draw(spaces)}{delimiter}{draw(spaces)}{draw(values)}{draw(spaces)}"


comment_line = st.builds(
    lambda prefix, indent, text: f"{indent}{prefix}{text}",
    st.sampled_from(["#", ";", "# ", "; "]),
    st.sampled_from(["", " "]),
    st.sampled_from(["", "note", "about [ci-bot]", "keys = secret", "é ☕"]),
)


@st.composite
def section(draw: st.DrawFn, name: str) -> list[str]:
    lines = [f"[{name}]{draw(st.sampled_from(['', ' ']))}"]
    if name == "dev-long-term" and draw(st.integers(0, 3)):
        # Usually usable long-term keys, so that refreshes get as far as writing.
        lines += ["aws_access_key_id = AKIAEXAMPLE0000001", "aws_secret_access_key = s/ecret"]
    body = st.one_of(option_line(), comment_line, st.just(""))
    lines += draw(st.lists(body, max_size=6))
    if draw(st.integers(0, 4)):
        # Mostly well-formed: one line per key, as real files are.
        seen: set[str] = set()
        unique = []
        for line in lines:
            key = re.split(r"\s*[=:]", line.strip(), maxsplit=1)[0].lower()
            is_option = ("=" in line or ":" in line) and not line.lstrip().startswith(("#", ";"))
            if is_option:
                if key in seen:
                    continue
                seen.add(key)
            unique.append(line)
        lines = unique
    return lines


@st.composite
def credentials_text(draw: st.DrawFn) -> bytes:
    preamble = st.one_of(st.sampled_from(["# top", "; top", "#", "# é ☕"]), st.just(""))
    lines: list[str] = draw(st.lists(preamble, max_size=3))
    names = draw(
        st.lists(st.sampled_from(SECTION_NAMES), max_size=6, unique=draw(st.integers(0, 4)) > 0)
    )
    if "dev-long-term" not in names and draw(st.integers(0, 3)):
        names.insert(draw(st.integers(0, len(names))), "dev-long-term")
    for name in names:
        lines += draw(section(name))
    if not draw(st.integers(0, 3)):
        # Garbage that must be refused, never half-understood.
        where = draw(st.integers(min_value=0, max_value=len(lines)))
        lines.insert(where, draw(st.sampled_from(["key_before = section", "[unclosed", "=x"])))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 2]))
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    corruption = draw(st.sampled_from([None] * 9 + [b"\x00", b"\xff\xfe", b"\x80"]))
    if corruption is not None:
        where = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:where] + corruption + data[where:]
    return data


def kept_lines(original: bytes) -> list[bytes]:
    """The lines a refresh of [dev] must keep: all but the managed keys inside [dev]."""
    kept, current = [], None
    for line in original.splitlines(keepends=True):
        text = line.decode("utf-8", "replace").lstrip("\ufeff")
        header = re.match(r"\[(.*)\]", text)
        if header:
            current = header.group(1)
        key = re.split(r"\s*[=:]", text.strip(), maxsplit=1)[0].lower()
        if current == "dev" and key in MANAGED and not text.lstrip().startswith(("#", ";")):
            continue
        kept.append(line.rstrip(b"\r\n"))
    return kept


def is_subsequence(needles: list[bytes], haystack: list[bytes]) -> bool:
    remaining = iter(haystack)
    return all(any(needle == line for line in remaining) for needle in needles)


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke(*args: str) -> tuple[int, str]:
    result = run_cli(*args)
    assert result.exit_code != ExitStatus.INTERNAL, result.output
    return result.exit_code, result.output


COMMANDS = [
    ("refresh", "dev", "--code", "123456", "--device", DEVICE, "--force"),
    ("check",),
    ("check", "dev", "--json"),
    ("export", "dev", "--format", "json"),
    ("doctor", "dev", "--endpoint-url", "http://127.0.0.1:9"),
    ("init", "dev", "--no-discover"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(original=credentials_text())
def test_every_line_is_kept_or_the_file_refused(
    aws: FakeAws, tmp_path: Path, command: tuple[str, ...], original: bytes
) -> None:
    path = tmp_path / "hostile-credentials"
    path.write_bytes(original)
    with environment({"AWS_SHARED_CREDENTIALS_FILE": str(path)}):
        exit_code, output = invoke(*command)
    event(f"exit {exit_code}")
    assert "Traceback" not in output
    assert exit_code in (0, 1, 2), output
    after = path.read_bytes()
    if command[0] == "export":
        assert exit_code != 0 or '"Version": 1' in output
    if command[0] == "init" and exit_code == 0 and after != original:
        # The one change init makes to an existing file: the header [dev] renamed in place.
        old_lines, new_lines = original.splitlines(True), after.splitlines(True)
        assert len(old_lines) == len(new_lines)
        pairs = zip(old_lines, new_lines, strict=True)
        changed = [i for i, (old, new) in enumerate(pairs) if old != new]
        assert len(changed) == 1
        line = changed[0]
        assert old_lines[line].replace(b"[dev]", b"[dev-long-term]", 1) == new_lines[line]
    elif command[0] != "refresh" or exit_code != 0:
        assert after == original
    if exit_code == 2:
        assert output.count("awsmfa: error:") == 1, output
    if command[0] == "refresh" and exit_code == 0:
        new_lines = [line.rstrip(b"\r\n") for line in after.splitlines(keepends=True)]
        assert is_subsequence(kept_lines(original), new_lines)
        assert after.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_directory_where_the_file_should_be(
    aws: FakeAws, credentials_file: Path, command: tuple[str, ...]
) -> None:
    credentials_file.mkdir()
    exit_code, output = invoke(*command)
    # doctor reports it as a failed check (exit 1); the others refuse to go on (exit 2).
    assert exit_code == (1 if command[0] == "doctor" else 2)
    assert "is a directory" in output
    assert credentials_file.is_dir() and not any(credentials_file.iterdir())
