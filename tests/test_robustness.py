"""Never lose a byte: concurrent runs, kills at any moment, failed writes, leaked secrets."""

from __future__ import annotations

import configparser
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import FakeAws, IamUser, long_term_text, run_cli

OTHER = "# keep me\n[ci-bot]\naws_access_key_id = AKIACIBOT\naws_secret_access_key = cibot\n"


@pytest.fixture
def known_device(user: IamUser, credentials_file: Path) -> Path:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n") + "\n" + OTHER
    )
    return credentials_file


def sections(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return {name: dict(parser.items(name)) for name in parser.sections()}


def refresh_process(*extra: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "awsmfa_profiles", "refresh", "dev", "--code", "123456", *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_parallel_forced_refreshes_all_succeed_and_leave_one_session(
    aws: FakeAws, known_device: Path
) -> None:
    runs = [refresh_process("--force") for _ in range(6)]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    text = known_device.read_text()
    assert text.count("[dev]") == 1
    assert text.endswith("\n")
    assert OTHER in text
    found = sections(known_device)
    assert set(found) == {"dev-long-term", "ci-bot", "dev"}
    assert found["dev"]["aws_session_token"]
    assert not list(known_device.parent.glob("*.awsmfa-tmp"))


def test_an_edit_made_while_sts_answers_is_kept(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    # The code command runs between reading the file and writing it: it stands for a
    # user (or another tool) editing the file meanwhile.
    edit = (
        f"printf '\\n[added-meanwhile]\\nregion = eu-west-1\\n' >> {credentials_file}; echo 123456"
    )
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nmfa_process = {edit}\n")
    )
    result = run_cli("refresh", "dev")
    assert result.exit_code == 0, result.output
    found = sections(credentials_file)
    assert found["added-meanwhile"] == {"region": "eu-west-1"}
    assert found["dev"]["aws_session_token"]


def test_the_lock_makes_a_second_writer_wait(aws: FakeAws, known_device: Path) -> None:
    import fcntl

    lock_path = known_device.with_name("credentials.lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = refresh_process("--force")
        time.sleep(1.5)
        assert run.poll() is None, "refresh wrote while another writer held the lock"
        assert "[dev]" not in known_device.read_text()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert "[dev]" in known_device.read_text()


@pytest.mark.parametrize("moment", ["os.replace", "os.fsync", "after"])
def test_a_kill_during_the_write_leaves_the_old_file_or_the_new_one(
    tmp_path: Path, moment: str
) -> None:
    path = tmp_path / "credentials"
    old = "# old\n[dev-long-term]\naws_access_key_id = A\naws_secret_access_key = B\n"
    new = old + "\n[dev]\naws_session_token = T\n"
    path.write_text(old)
    # A child process SIGKILLs itself at the chosen moment of write_atomically.
    probe = f"""
import os, signal
from pathlib import Path
from typing import Any
from awsmfa_profiles import durable
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if {moment!r} == "os.replace":
    os.replace = die
elif {moment!r} == "os.fsync":
    os.fsync = die
durable.write_atomically(Path({str(path)!r}), {new!r})
os.kill(os.getpid(), signal.SIGKILL)
"""
    completed = subprocess.run([sys.executable, "-c", probe], check=False)
    assert completed.returncode == -signal.SIGKILL
    assert path.read_text() == (new if moment == "after" else old)
    leftovers = list(tmp_path.glob(".credentials.*.awsmfa-tmp"))
    assert len(leftovers) == (0 if moment == "after" else 1)


def test_temp_files_left_by_kills_are_cleaned_by_the_next_run(
    aws: FakeAws, known_device: Path
) -> None:
    for number in range(3):
        (known_device.parent / f".credentials.killed0{number}.awsmfa-tmp").write_text("partial")
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    assert not list(known_device.parent.glob("*.awsmfa-tmp"))


def test_random_kills_never_leave_a_broken_file(aws: FakeAws, known_device: Path) -> None:
    original = known_device.read_text()
    for delay in (0.05, 0.15, 0.25, 0.35, 0.45, 0.6, 0.8, 1.0):
        run = refresh_process("--force")
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        text = known_device.read_text()
        found = sections(known_device)
        assert text.startswith(original)
        if "dev" in found:
            assert set(found["dev"]) == {
                "aws_access_key_id",
                "aws_secret_access_key",
                "aws_session_token",
                "expiration",
                "x_security_token_expires",
            }
    assert run_cli("refresh", "dev", "--code", "123456", "--force").exit_code == 0
    assert not list(known_device.parent.glob("*.awsmfa-tmp"))


def test_a_full_disk_keeps_the_original_and_says_why(aws: FakeAws, known_device: Path) -> None:
    before = known_device.read_bytes()

    def small_file_limit() -> None:
        # Python ignores SIGXFSZ, so an over-limit write fails with EFBIG like a full disk.
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    run = refresh_process(preexec_fn=small_file_limit)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 1, stderr
    assert "the new session could not be saved" in stderr
    assert "File too large" in stderr
    assert "Traceback" not in stderr
    assert known_device.read_bytes() == before
    assert not list(known_device.parent.glob("*.awsmfa-tmp"))


def test_permission_denied_keeps_the_original_and_says_why(
    aws: FakeAws, known_device: Path
) -> None:
    # Root may write anywhere, so the refusal is made the kernel's way: mkstemp fails
    # with EACCES inside the real command. The first mkstemp is the check made before the
    # request, which passes: the place turns unwritable while STS answers.
    before = known_device.read_bytes()
    probe = (
        "import sys, tempfile\n"
        "real, calls = tempfile.mkstemp, []\n"
        "def denied(*args, **kwargs):\n"
        "    calls.append(args)\n"
        "    if len(calls) == 1:\n"
        "        return real(*args, **kwargs)\n"
        "    raise PermissionError(13, 'Permission denied')\n"
        "tempfile.mkstemp = denied\n"
        "from awsmfa_profiles.cli import main\n"
        "sys.argv = ['awsmfa', 'refresh', 'dev', '--code', '123456']\n"
        "sys.exit(main())\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1, completed.stderr
    assert "the new session could not be saved" in completed.stderr
    assert "Permission denied" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert known_device.read_bytes() == before
