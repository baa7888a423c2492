"""The console and the CLI end cleanly: Ctrl-C, a closed pipe, an empty line."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import run_console
from bot.service import QABot
from bot.settings import PROJECT_ROOT
from tests.cli_process import BUFFERED, QABOT


def console(qabot: QABot, lines: str) -> list[str]:
    """What the console writes for `lines`, split at each prompt (the banner first)."""
    out = io.StringIO()
    assert run_console(qabot, stdin=io.StringIO(lines), stdout=out) == 0
    return out.getvalue().split("du/you> ")


def to_a_full_disk(argv: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """qabot run with its (block-buffered) stdout on a full disk."""
    with open("/dev/full", "w") as full:
        return subprocess.run(
            [*QABOT, *argv],
            input=stdin,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
            env=BUFFERED,
            timeout=60,
        )


def piped(argv: list[str], **options: object) -> subprocess.Popen:
    """qabot as a process of its own, its stdin and stdout pipes of the test's."""
    return subprocess.Popen(
        [*QABOT, *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=PROJECT_ROOT, **options
    )


def test_an_empty_line_gets_a_short_console_hint_not_the_chat_help(qabot: QABot) -> None:
    banner, after_empty, _ = console(qabot, "\n/quit\n")
    hint = after_empty.strip()
    assert hint and len(hint) <= 80, hint
    assert "/stat" in hint and "/quit" in hint
    for text in (banner, hint):
        assert "Slack" not in text and "/ask" not in text, text
    assert "/quit" in banner and "/stat" in banner


def test_a_blank_line_of_spaces_is_empty_too(qabot: QABot) -> None:
    _, after_blank, _ = console(qabot, "   \n/quit\n")
    assert len(after_blank.strip()) <= 80


def test_the_help_says_what_qabot_is_for_not_how_it_is_built(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `qabot --help` printed the CLI module's docstring: "Wiring happens here, explicitly:
    # settings → knowledge store → QABot → the chosen front end. Adapters are imported …"
    with pytest.raises(SystemExit):
        main(["--help"])
    description = capsys.readouterr().out.split("\n\n")[1]
    assert "qabot chat" in description and "article" in description
    for internal in ("QABot", "Wiring", "imported", "slack-bolt", "discord.py"):
        assert internal not in description, description


def test_ctrl_c_at_the_prompt_leaves_the_chat_with_exit_0(qabot: QABot) -> None:
    # README: "in `qabot chat` at the prompt it just leaves, exit 0"; with the console's
    # own handler gone main's took it (exit 130) and every test passed.
    class CtrlC(io.StringIO):
        def readline(self, *args: object) -> str:
            raise KeyboardInterrupt

    out = io.StringIO()
    try:
        status = run_console(qabot, stdin=CtrlC(), stdout=out)
    except KeyboardInterrupt:  # not past this test: it would stop the whole run
        pytest.fail("Ctrl-C at the prompt went past the console")
    assert status == 0
    assert out.getvalue().endswith("du/you> \n")  # the prompt's line ended, nothing more


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a pseudo-terminal is POSIX")
def test_ctrl_d_at_a_terminal_leaves_the_chat_with_exit_0() -> None:
    # At a terminal the console reads with input() (readline's editing), which ends in
    # EOFError, not in an empty line: every other test reads from a pipe, and with that
    # catch gone they all passed while Ctrl-D at a real prompt was a traceback.
    controller, terminal = os.openpty()
    proc = subprocess.Popen(
        [*QABOT, "chat"],
        stdin=terminal,
        stdout=terminal,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env={**os.environ, "TERM": "dumb"},
    )
    os.close(terminal)
    try:
        shown = b""
        while b"du/you> " not in shown:
            shown += os.read(controller, 4096)
        os.write(controller, b"\x04")  # Ctrl-D
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(controller)
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err


def test_ctrl_c_while_starting_ends_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> QABot:
        raise KeyboardInterrupt

    monkeypatch.setattr(QABot, "from_settings", interrupted)
    assert main(["chat"]) == 130  # 128 + SIGINT, as a shell reports it
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_in_the_middle_of_a_batch_ends_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Interrupted(io.StringIO):
        """One line, then Ctrl-C while waiting for the next (read line by line, bounded)."""

        read = 0

        def readline(self, size: int | None = -1, /) -> str:
            self.read += 1
            if self.read > 1:
                raise KeyboardInterrupt
            return "hpc\n"

    monkeypatch.setattr(sys, "stdin", Interrupted())
    assert main(["ask", "--json", "-"]) == 130
    captured = capsys.readouterr()
    assert '"question": "hpc"' in captured.out
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "argv", [["ask", "Wer ist der CFO von SenseTime?"], ["stat"], ["ask", "--json", "-"]]
)
def test_a_reader_that_leaves_early_gets_no_traceback(argv: list[str]) -> None:
    proc = piped(argv, stderr=subprocess.PIPE, text=True, env=BUFFERED)
    assert proc.stdin and proc.stdout and proc.stderr
    proc.stdout.close()  # `| head -0`: the reader is gone before the first line
    proc.stdin.write("hpc\nhkstp\n")
    proc.stdin.close()
    assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, as `cat` or `grep` report it
    err = proc.stderr.read()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


@pytest.mark.parametrize("argv", [["stat"], ["ask", "--json", "-"]])
def test_output_that_cannot_be_written_is_one_line_not_a_traceback(argv: list[str]) -> None:
    # `qabot ask --json - > answers.jsonl` on a full disk: an OSError traceback (and
    # another when Python flushed stdout at exit).
    proc = to_a_full_disk(argv, "hpc\n")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "No space left on device" in proc.stderr


# argparse prints the help, then raises SystemExit from inside main: main's guards of
# stdout must hold for it too (`qabot --help | head -1` is how a newcomer reads it).
@pytest.mark.parametrize("argv", [["--help"], ["kb", "--help"], ["kb", "unanswered", "--help"]])
def test_help_for_a_reader_that_left_or_a_full_disk_is_no_traceback(argv: list[str]) -> None:
    left = subprocess.Popen(
        [*QABOT, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env=BUFFERED,
    )
    assert left.stdout and left.stderr
    left.stdout.close()  # `| head -0`
    assert left.wait(timeout=60) == 141
    err = left.stderr.read()
    assert "BrokenPipeError" not in err and "Exception ignored" not in err, err
    proc = to_a_full_disk(argv)
    assert proc.returncode == 1
    assert "Exception ignored" not in proc.stderr
    assert "No space left on device" in proc.stderr


@pytest.mark.parametrize("argv", [["chat"], ["ask", "--json", "-"]])
def test_a_closed_stdin_is_no_input_not_a_traceback(argv: list[str]) -> None:
    # A service manager or a `<&-` can start qabot without fd 0: sys.stdin is None.
    proc = subprocess.run(
        [*QABOT, *argv],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_ctrl_c_while_qabot_itself_is_imported_ends_without_a_traceback() -> None:
    # pip's console script imports its entry point's module before any of qabot's handlers
    # runs: a Ctrl-C while bot.cli (and the standard library it imports) loaded was an
    # importlib traceback. Only Python's own start-up (its site module) is left outside.
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, function = scripts["project"]["scripts"]["qabot"].partition(":")
    code = (
        "import sys\n"
        "class CtrlC:  # pressed as bot.cli is imported\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'bot.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, CtrlC())\n"
        f"from {module} import {function}  # as pip's console script does\n"
        f"sys.exit({function}())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130 and "Traceback" not in proc.stderr, proc.stderr


def test_the_entry_module_imports_nothing_of_qabots_before_its_handler() -> None:
    # Ctrl-C while `qabot` starts lands in the entry point's handler only once it runs; the
    # imports before it (the console script's `from bot.entry import main`) stay short.
    code = (
        "import sys; import bot.entry; "
        "ours = sorted(m for m in sys.modules if m.split('.')[0] in ('bot', 'pydantic', 'yaml')); "
        "sys.exit(ours != ['bot', 'bot.entry'] and str(ours))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX only")
@pytest.mark.parametrize(
    ("argv", "first_line", "ready"),
    [(["chat"], "", b"du/you> "), (["ask", "--json", "-"], "hpc\n", b"\n")],
    ids=["chat", "batch"],
)
def test_a_sighup_ends_a_command_that_does_not_serve(
    argv: list[str], first_line: str, ready: bytes
) -> None:
    # README: only `run`, `slack` and `discord` hold SIGHUP (a reload); every other command
    # ends on it, as a closed terminal should end it, rather than wait on a gone terminal.
    proc = piped(argv, stderr=subprocess.DEVNULL)
    assert proc.stdin and proc.stdout
    try:
        proc.stdin.write(first_line.encode())
        proc.stdin.flush()
        seen = b""
        while ready not in seen:  # started, and waiting for the next line
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, "qabot ended before it was ready"
            seen += chunk
        proc.send_signal(signal.SIGHUP)
        status = proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
    assert status == -signal.SIGHUP


def in_a_terminal_of(encoding: str, argv: list[str], stdin: str = "") -> tuple[str, str]:
    """qabot's (stdout, stderr) where the terminal's encoding is `encoding`, not UTF-8
    (`PYTHONIOENCODING`, as a Latin-1 locale or a redirect on Windows sets it)."""
    proc = subprocess.run(
        [*QABOT, *argv],
        input=stdin.encode(encoding),
        capture_output=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode(encoding, "replace")
    return proc.stdout.decode(encoding), proc.stderr.decode(encoding)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    "argv, stdin",
    [
        (["ask", "How big is RAISe+?"], ""),
        (["ask", "--json", "-"], "Wie gross ist RAISe+?\n"),
        (["chat"], "How big is RAISe+?\n"),
        (["stat", "KMU"], ""),
        (["kb", "status"], ""),
        (["kb", "validate"], ""),
    ],
    ids=["ask", "batch", "chat", "stat", "kb status", "kb validate"],
)
def test_a_terminal_that_is_not_utf_8_gets_escapes_not_a_traceback(
    encoding: str, argv: list[str], stdin: str
) -> None:
    # The answers hold “”, ß, §, — …: printed to an ASCII or Latin-1 stdout each of these
    # was a UnicodeEncodeError traceback, exit 1, nothing of the answer shown.
    out, err = in_a_terminal_of(encoding, argv, stdin)
    assert "Traceback" not in err and out.strip()
    assert encoding != "ascii" or "\\u" in out  # what the terminal cannot show, escaped


def test_json_lines_for_a_terminal_that_is_not_utf_8_read_back_the_same() -> None:
    out, _ = in_a_terminal_of("ascii", ["ask", "--json", "Wie groß ist RAISe+?"])
    (answer,) = [json.loads(line) for line in out.splitlines()]
    assert answer["question"] == "Wie groß ist RAISe+?" and "fördern" in answer["text"]


def test_json_log_lines_for_a_terminal_that_is_not_utf_8_stay_json(tmp_path: Path) -> None:
    # stderr's own errors handler (backslashreplace) wrote ö as \xf6: no JSON reader takes
    # that escape, so a log shipper lost every line naming a path or a question of ours.
    blocker = tmp_path / "größe"
    blocker.write_text("a file where the index cache would go", encoding="utf-8")
    env = {**os.environ, "QABOT_LOG_JSON": "true", "QABOT_INDEX_CACHE_DIR": str(blocker)}
    proc = subprocess.run(
        [*QABOT, "ask", "hpc"],
        capture_output=True,
        cwd=PROJECT_ROOT,
        env={**env, "PYTHONIOENCODING": "ascii"},
        timeout=60,
    )
    assert proc.returncode == 0
    (line,) = [json.loads(x) for x in proc.stderr.decode("ascii").splitlines()]
    assert line["level"] == "WARNING" and "größe" in line["message"]
