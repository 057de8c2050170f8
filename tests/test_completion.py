"""Shell completion and help: the scripts for bash, zsh and fish, the profile names they
offer, and a top-level help that lists every command whole."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli, run_process

COMPLETE = "_AWSMFA_COMPLETE"
BIN = Path(sys.executable).parent  # where the installed `awsmfa` command is
LONG_TERM = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
SESSION = (
    "aws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n"
    "expiration = 2099-01-01T00:00:00Z\n"
)


@pytest.fixture(autouse=True)
def profiles(credentials_file: Path) -> Path:
    """dev and dev2 have long-term keys (dev2 no session yet); ops holds only a session."""
    credentials_file.write_text(
        f"[dev-long-term]\n{LONG_TERM}\n[dev]\n{SESSION}\n[dev2-long-term]\n{LONG_TERM}\n"
        f"[ops]\n{SESSION}\n[settings]\nregion = x\n"
    )
    return credentials_file


def completed(env: dict[str, str]) -> list[str]:
    result = run_process(env={COMPLETE: "complete_bash", **env})
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def bash_words(line: str) -> dict[str, str]:
    words = line.split(" ")
    return {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}


# The scripts.


@pytest.mark.parametrize(
    ("instruction", "fragment"),
    [
        ("bash_source", "complete -o default -F _awsmfa_completion awsmfa"),
        ("source_bash", "complete -o default -F _awsmfa_completion awsmfa"),
        ("zsh_source", "compdef _awsmfa_completion awsmfa"),
        ("fish_source", "complete --command awsmfa"),
    ],
)
def test_each_shell_gets_its_script(instruction: str, fragment: str) -> None:
    result = run_process(env={COMPLETE: instruction})
    assert result.exit_code == 0, result.output
    assert fragment in result.stdout
    assert "not supported" not in result.output


def test_an_unknown_shell_is_an_error() -> None:
    result = run_process(env={COMPLETE: "tcsh_source"})
    assert result.exit_code != 0
    assert "tcsh" in result.stderr


# The names offered.


def test_commands_are_completed() -> None:
    assert {"init", "refresh", "check", "doctor", "remind", "rotate", "export"} <= set(
        completed(bash_words("awsmfa "))
    )


@pytest.mark.parametrize("command", ["refresh", "init", "doctor", "rotate"])
def test_keys_commands_offer_the_long_term_profiles(command: str) -> None:
    assert completed(bash_words(f"awsmfa {command} ")) == ["dev", "dev2"]
    assert completed(bash_words(f"awsmfa {command} dev2")) == ["dev2"]


def test_export_offers_the_sessions() -> None:
    assert completed(bash_words("awsmfa export ")) == ["dev", "ops"]


def test_check_offers_every_profile_it_can_report() -> None:
    assert completed(bash_words("awsmfa check ")) == ["dev", "dev2", "ops"]
    assert completed(bash_words("awsmfa check dev ")) == ["dev", "dev2", "ops"]


def test_names_that_cannot_be_typed_back_are_not_offered(profiles: Path) -> None:
    # A space, DEFAULT, a terminal's escape, a zero-width space: names awsmfa refuses, or
    # that would put control characters on the command line being edited.
    odd = (" old", "DEFAULT", "ops\x1bc", "dex\x9b2J", "o\u200bps")
    profiles.write_text(
        profiles.read_text()
        + "".join(f"[{name}-long-term]\n{LONG_TERM}\n[{name}]\n{SESSION}" for name in odd)
    )
    assert completed(bash_words("awsmfa refresh ")) == ["dev", "dev2"]
    assert completed(bash_words("awsmfa export ")) == ["dev", "ops"]
    assert completed(bash_words("awsmfa check ")) == ["dev", "dev2", "ops"]


def test_a_missing_or_broken_file_offers_nothing(profiles: Path) -> None:
    profiles.write_text("no section\n")
    assert completed(bash_words("awsmfa refresh ")) == []
    profiles.unlink()
    assert completed(bash_words("awsmfa export ")) == []


def test_zsh_and_fish_protocols() -> None:
    zsh = run_process(env={COMPLETE: "complete_zsh", "_TYPER_COMPLETE_ARGS": "awsmfa export "})
    assert zsh.exit_code == 0, zsh.output
    assert '"dev"' in zsh.stdout and '"ops"' in zsh.stdout
    fish = run_process(
        env={
            COMPLETE: "complete_fish",
            "_TYPER_COMPLETE_ARGS": "awsmfa refresh d",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
    )
    assert fish.exit_code == 0, fish.output
    assert fish.stdout.split() == ["dev", "dev2"]


def test_completing_loads_no_heavy_module() -> None:
    probe = (
        "import sys\nfrom awsmfa_profiles.cli import main\n"
        "code = main([])\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & "
        "{'botocore', 'boto3', 'configupdater'}), file=sys.stderr)\n"
    )
    env = {**os.environ, COMPLETE: "complete_bash", **bash_words("awsmfa refresh ")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert "LOADED []" in done.stderr, done.stderr
    assert done.stdout.split() == ["dev", "dev2"]


# In the real shells: the script sourced, the function called as the shell would.


def in_shell(shell: str, script: str) -> str:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [shell, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_bash_completes_profile_names() -> None:
    out = in_shell(
        "bash",
        f'eval "$({COMPLETE}=bash_source awsmfa)"\n'
        'COMP_WORDS=(awsmfa export ""); COMP_CWORD=2\n'
        '_awsmfa_completion awsmfa\nprintf "%s\\n" "${COMPREPLY[@]}"\n',
    )
    assert out.split() == ["dev", "ops"]


def test_fish_completes_profile_names() -> None:
    out = in_shell(
        "fish", f"{COMPLETE}=fish_source awsmfa | source; complete --do-complete 'awsmfa refresh '"
    )
    assert out.split() == ["dev", "dev2"]


def test_zsh_script_loads_and_answers() -> None:
    # Driving zsh's completion widget needs a terminal; the function it runs is checked here.
    out = in_shell(
        "zsh",
        "autoload -Uz compinit && compinit -u\n"
        f'eval "$({COMPLETE}=zsh_source awsmfa)"\n'
        "whence -w _awsmfa_completion\n"
        f"env _TYPER_COMPLETE_ARGS='awsmfa check ' {COMPLETE}=complete_zsh awsmfa\n",
    )
    assert "_awsmfa_completion: function" in out
    assert '"dev2"' in out


# Installing.


@pytest.mark.parametrize(
    ("shell", "written"),
    [
        ("bash", ".bash_completions/awsmfa.sh"),
        ("zsh", ".zfunc/_awsmfa"),
        ("fish", ".config/fish/completions/awsmfa.fish"),
    ],
)
def test_install_completion_for_the_shell_in_use(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, shell: str, written: str
) -> None:
    monkeypatch.setattr("shellingham.detect_shell", lambda: (shell, f"/bin/{shell}"))
    result = run_cli("--install-completion")
    assert result.exit_code == 0, result.output
    script = isolated_home / written
    assert f"{COMPLETE}=complete_{shell}" in script.read_text()
    assert str(script) in result.stdout
    shown = run_cli("--show-completion")
    assert shown.exit_code == 0
    assert f"{COMPLETE}=complete_{shell}" in shown.stdout


def test_an_unknown_shell_is_named_when_installing(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    def undetected() -> tuple[str, str]:
        import shellingham

        raise shellingham.ShellDetectionFailure()

    monkeypatch.setattr("shellingham.detect_shell", undetected)
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    result = run_cli("--install-completion")
    assert result.exit_code == 2
    assert "tcsh" in result.stderr and "bash, zsh and fish" in result.stderr
    assert not (isolated_home / ".bashrc").exists()


# Help.


def test_top_level_help_lists_every_command_whole() -> None:
    result = run_process("--help", env={"COLUMNS": "80"})
    commands = result.stdout.split("Commands:")[1]
    assert "..." not in commands and "…" not in commands
    for command in ("init", "refresh", "check", "doctor", "remind", "rotate", "export"):
        assert f"  {command} " in commands
    assert "--install-completion" in result.stdout


def test_name_help_names_both_profile_variables() -> None:
    result = run_cli("refresh", "--help")
    assert "$AWS_PROFILE" in result.stdout and "$AWS_DEFAULT_PROFILE" in result.stdout
    assert "guide" not in run_cli("doctor", "--help").stdout
