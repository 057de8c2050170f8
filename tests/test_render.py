"""cli/render.py writes without importing typer, byte for byte as typer.echo wrote."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable

import pytest
import typer

from awsmfa_profiles.cli import render


@pytest.mark.parametrize("err", [False, True], ids=["stdout", "stderr"])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
@pytest.mark.parametrize(
    "text", ["plain\n", "naïve ☕\n", "a\x1b[31mred\x1b[0m\n", "", "no newline"], ids=repr
)
def test_output_is_written_as_typer_echo_writes_it(
    text: str, encoding: str, err: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def written(write: Callable[[], None]) -> bytes | str:
        buffer = io.BytesIO()
        stream = io.TextIOWrapper(buffer, encoding=encoding)
        monkeypatch.setattr(sys, "stderr" if err else "stdout", stream)
        try:
            write()
        except UnicodeEncodeError as error:
            return repr(error)
        stream.flush()
        return buffer.getvalue()

    ours = written(lambda: render._write(text, err=err))
    assert ours == written(lambda: typer.echo(text, nl=False, err=err))


def test_say_and_note_end_lines_and_pick_the_stream(capsys: pytest.CaptureFixture[str]) -> None:
    render.say("result")
    render.say("partial", newline=False)
    render.note("progress")
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("result\npartial", "progress\n")
