"""The CLI contract: JSON schema, batch order and flushing, exit codes."""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.cli import main
from bot.service import QABot
from tests.cli_process import BUFFERED, QABOT
from tests.conftest import KNOWLEDGE

KEYS = {"question", "answered", "intent", "confidence", "lang", "text", "citations", "suggestions"}


def test_ask_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "Wer ist der CFO von SenseTime?"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert set(reply) == KEYS
    assert reply["answered"] is True
    assert "Wang Zheng" in reply["text"]
    assert reply["lang"] == "de"
    assert 0 < reply["confidence"] <= 1
    (cite,) = reply["citations"][:1]
    assert set(cite) == {"source", "locator", "quote"}
    assert cite["locator"].startswith("§")


def test_ask_plain_shows_the_citation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "How many firms plan to expand internationally?"]) == 0
    out = capsys.readouterr().out
    assert "55" in out
    assert "[1] article §9:" in out


def _asked_one_by_one(lines: list[bytes]) -> list[dict]:
    """The replies of a `qabot ask --json -` process to `lines`, each written once the
    reply to the one before has come: each reply is flushed as it is made."""
    proc = subprocess.Popen(
        [*QABOT, "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
        env=BUFFERED,
    )
    assert proc.stdin and proc.stdout
    answers = []
    with ThreadPoolExecutor(1) as reader:
        try:
            for line in lines:
                proc.stdin.write(line)
                proc.stdin.flush()
                # The answer arrives before stdin is closed: each line is flushed.
                answers.append(json.loads(reader.submit(proc.stdout.readline).result(timeout=30)))
        finally:
            proc.stdin.close()  # an answer held in qabot's buffer comes out now, at the latest
    assert proc.wait(timeout=30) == 0
    assert proc.stdout.read() == b""  # no reply more than lines
    return answers


def test_batch_keeps_order_and_flushes_each_line() -> None:
    questions = ("Wann wurde SenseTime gegründet?", "", "weather in Paris?", "HKSTP")
    answers = _asked_one_by_one([(q + "\n").encode() for q in questions])
    assert [a["question"] for a in answers] == [
        "Wann wurde SenseTime gegründet?",
        "",
        "weather in Paris?",
        "HKSTP",
    ]
    assert [a["answered"] for a in answers] == [True, False, False, True]


def test_stat_table_and_topic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stat"]) == 0
    table = capsys.readouterr().out
    for figure in ("41", "49", "63", "55", "44", "HK$3", "HK$10", "200", "2035"):
        assert figure in table
    for topic in ("recruiting", "Rekrutierung", "hpc", "Förderung", "subsidies", "HKSTP"):
        assert main(["stat", topic]) == 0, topic
        assert "[1] article §" in capsys.readouterr().out


@pytest.mark.parametrize("topic", ["a", "x", "é", "2", "hk"])
def test_a_topic_of_a_letter_or_two_is_no_statistic_unless_it_is_one(
    capsys: pytest.CaptureFixture[str], topic: str
) -> None:
    # WRatio scores a part of a key 90 (a match): `/stat a` answered the first statistic
    # (AI use, 41 %), `/stat x` the expansion share, on every platform.
    assert main(["stat", topic]) == 1
    assert "Close topics" in capsys.readouterr().out
    for short in ("ki", "AI"):  # a topic of its own, however short
        assert main(["stat", short]) == 0
        assert "41 %" in capsys.readouterr().out


def test_stat_unknown_topic_offers_close_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stat", "weather"]) == 1
    assert "Close topics" in capsys.readouterr().out
    # A misspelt topic gets the statistic it is close to first. The test above passed with
    # no topic ever close (the first five statistics offered whatever was typed).
    assert main(["stat", "Kloud"]) == 1
    assert "Close topics: Companies relying on cloud computing," in capsys.readouterr().out


@pytest.mark.parametrize("topic", ["HKPC", "AI", "Unternehmen"])
def test_a_topic_shows_the_statistics_it_fits_best_not_every_one_it_fits(
    qabot: QABot, topic: str
) -> None:
    # Only the matches within 5 points of the best are shown: with every match over 85,
    # `/stat HKPC` showed 10 statistics, `/stat Unternehmen` 9; every test passed (they look
    # for a figure in the reply, which more rows hold too).
    assert len(qabot.stat(topic).rows) == 1


def test_every_autocomplete_choice_fits_discords_100_characters(qabot: QABot) -> None:
    # Discord refuses a whole autocomplete answer when one choice's name is over 100
    # characters; "label (en) / label (de)" of the shipped statistics reaches 115. The cut
    # removed, every test passed.
    for partial in ("", "KI", "Unternehmen"):
        names = [name for name, _ in qabot.store.current.stats.choices(partial)]
        assert names and all(len(name) <= 100 for name in names), partial


def test_stat_unknown_topic_lists_the_known_topics(
    capsys: pytest.CaptureFixture[str], qabot: QABot
) -> None:
    # It named four close facts by their labels, not what one may type; exit 1 as grep
    # finding nothing (README: "exit 1 when no statistic matches").
    assert main(["stat", "UNKNOWN"]) == 1
    out = capsys.readouterr().out
    for fact in qabot.store.current.kb.facts:
        assert fact.topics[0] in out, fact.topics[0]
    assert "qabot stat" in out  # and how to see them all
    # each word once: three statistics share their first topic with another ("HKPC" …)
    topics = qabot.stat("UNKNOWN").topics
    assert len(topics) == len(set(topics)) < len(qabot.store.current.kb.facts)


def test_kb_validate_ok_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate", str(KNOWLEDGE)]) == 0
    assert "ok" in capsys.readouterr().out
    broken = tmp_path / "kb"
    import shutil

    shutil.copytree(KNOWLEDGE, broken)
    (broken / "qa" / "bad.yaml").write_text("intents:\n  - id: Bad Id\n", encoding="utf-8")
    assert main(["kb", "validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "qa/bad.yaml:2: intents.0.id" in out


def test_broken_knowledge_at_start_exits_2(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("sources: [\n", encoding="utf-8")
    proc = subprocess.run(
        [*QABOT, "ask", "--kb", str(tmp_path), "hello"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        timeout=60,
    )
    assert proc.returncode == 2
    assert "sources.yaml:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ask_does_not_import_the_platform_sdks() -> None:
    code = (
        "import sys; from bot.cli import main; main(['ask', 'hpc']); "
        "sdks = ('slack_bolt', 'slack_sdk', 'discord'); "
        "bad = [m for m in sys.modules if m.split('.')[0] in sdks]; "
        "sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_chat_console_answers_and_quits() -> None:
    proc = subprocess.run(
        [*QABOT, "chat"],
        input="Wer ist der CFO von SenseTime?\n/stat hpc\n/quit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "/stat" in proc.stdout  # the help on start
    assert "Wang Zheng" in proc.stdout
    assert "44" in proc.stdout


def test_batch_takes_a_line_of_deeply_nested_json_as_a_question_of_its_own(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # json.loads of 100,000 '[' raised RecursionError: a traceback, and the lines after it lost.
    nested = '{"conversation": "c1", "text": ' + "[" * 100_000
    monkeypatch.setattr(sys, "stdin", io.StringIO(nested + "\nHKSTP\n"))
    assert main(["ask", "--json", "-"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert nested.startswith(first["question"][:50]) and not first["answered"]
    assert second["question"] == "HKSTP" and second["answered"]


@pytest.mark.parametrize(
    "line",
    [
        '{"conversation": true, "text": "hpc"}',
        '{"conversation": false, "text": "hpc"}',
        '{"conversation": null, "text": "hpc"}',
        '{"conversation": 1.5, "text": "hpc"}',
        '{"conversation": ["c"], "text": "hpc"}',
        '{"conversation": "c", "text": 5}',
        '{"conversation": "c", "text": null}',
        '{"conversation": "c", "text": ["hpc"]}',
        '{"text": "hpc"}',
    ],
)
def test_batch_takes_a_turn_of_odd_type_as_a_question_of_its_own(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    # DESIGN: a turn is {"conversation": ID, "text": QUESTION}; any other line is a question
    # of its own. With the checks of the id's type (a boolean is no id, though Python counts
    # it an int) or of the text's dropped, every test passed: `true` became the conversation
    # "True", and a text of another type reached the conversation layer.
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\nHKSTP\n"))
    assert main(["ask", "--json", "-"]) == 0
    first, second = (json.loads(out) for out in capsys.readouterr().out.splitlines())
    assert first["question"] == line and "conversation" not in first
    assert second["question"] == "HKSTP" and second["answered"]


@pytest.mark.parametrize(
    "conv",
    ["1" * 4301, "-" + "9" * 5000, "1" * 21, "null", "1.5", '["c"]', "true", "1e400", "NaN"],
    ids=["4301 digits", "5000 digits negative", "21 digits", "null", "1.5", "list", "true",
         "1e400", "NaN"],
)  # fmt: skip
def test_a_turn_whose_id_is_no_string_nor_small_integer_gets_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], conv: str
) -> None:
    # An id of over 4,300 digits is past Python's int-string limit: json.loads refused the
    # line, which was then asked as a question ("That message is too long", or with a larger
    # max_question_chars an answer to the JSON's words); null, 1.5, … were answered the same
    # way. README: an id is a string or a whole number of at most 20 digits; any other id
    # gets one reply that says so, as a line of its own, and the batch goes on.
    line = f'{{"conversation": {conv}, "text": "Wie groß ist RAISe+?"}}'
    monkeypatch.setenv("QABOT_MAX_QUESTION_CHARS", "40000")  # the line is no "too long" one
    turns = [line, json.dumps({"conversation": "c1", "text": "hpc"}), "HKSTP"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(turns) + "\n"))
    assert main(["ask", "--json", "-"]) == 0
    first, second, third = (json.loads(out) for out in capsys.readouterr().out.splitlines())
    assert not first["answered"] and "conversation" not in first
    assert "conversation id" in first["text"] and "20 digits" in first["text"], first["text"]
    assert first["question"] == line[:200] and not first["citations"]
    assert second["conversation"] == "c1" and second["answered"]
    assert third["question"] == "HKSTP" and third["answered"]


def test_a_turn_whose_id_is_a_small_integer_is_a_turn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    big = "1" * 20  # 64 bits: a Discord snowflake, an unsigned database key
    lines = [
        json.dumps({"conversation": int(big), "text": "Wie groß ist RAISe+?"}),
        json.dumps({"conversation": big, "text": "Quelle?"}),
        json.dumps({"conversation": -7, "text": "hpc"}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--json", "-"]) == 0
    replies = [json.loads(out) for out in capsys.readouterr().out.splitlines()]
    assert [r["conversation"] for r in replies] == [big, big, "-7"]
    assert all(r["answered"] for r in replies) and "§" in replies[1]["text"], replies[1]


def test_a_batch_file_opening_with_a_byte_order_mark_keeps_its_first_turn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A batch file saved by Notepad or Windows PowerShell's Out-File opens with U+FEFF: the
    # first line, `{"conversation": …}`, did not start with "{" and was asked as a question of
    # its own (the JSON as its text, no "conversation" in the reply), so "Quelle?" after it
    # asked "about what?".
    turns = [
        json.dumps({"conversation": "c1", "text": "Wie groß ist RAISe+?"}),
        json.dumps({"conversation": "c1", "text": "Quelle?"}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\ufeff" + "\r\n".join(turns) + "\r\n"))
    assert main(["ask", "--json", "-"]) == 0
    first, second = (json.loads(out) for out in capsys.readouterr().out.splitlines())
    assert first["question"] == "Wie groß ist RAISe+?" and first["conversation"] == "c1"
    assert second["conversation"] == "c1" and second["answered"], second["text"]


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [
        ("utf-16-le", "\ufeff"),
        ("utf-16-be", "\ufeff"),
        ("utf-16-le", ""),
        ("utf-16-be", ""),
        ("utf-32-le", "\ufeff"),
        ("utf-32-be", "\ufeff"),
    ],
)
def test_a_batch_file_in_utf_16_is_read_as_its_turns(
    encoding: str, mark: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Windows PowerShell 5 writes UTF-16 with a byte-order mark (`>`, `Out-File`'s default).
    # Read as UTF-8, every other byte was a NUL: each turn was asked as a question of its own
    # (the JSON with NULs as its text, no "conversation"), and the NUL after the last line
    # break was one more question: three replies to two lines. Without the mark (.NET's
    # `Encoding.Unicode.GetBytes`, a converter told "UTF-16LE") and in UTF-32 (whose mark
    # opens with UTF-16's: read as UTF-16, a NUL after each character) it still was.
    turns = [
        json.dumps({"conversation": "c1", "text": "Wie groß ist RAISe+?"}, ensure_ascii=False),
        json.dumps({"conversation": "c1", "text": "Quelle?"}),
    ]
    data = (mark + "\r\n".join(turns) + "\r\n").encode(encoding)
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["ask", "--json", "-"]) == 0
    replies = [json.loads(out) for out in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in replies] == ["Wie groß ist RAISe+?", "Quelle?"]
    assert all(r["conversation"] == "c1" and r["answered"] for r in replies), replies


@pytest.mark.parametrize("mark", [codecs.BOM_UTF16_LE, b""])
def test_a_utf_16_file_with_a_stray_byte_is_read_without_a_traceback(
    mark: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A UTF-16 file cut short by a byte, or with a stray byte at its end, was a
    # UnicodeDecodeError traceback (exit 1) once the lines before it were answered.
    data = mark + "hpc\r\n".encode("utf-16-le") + b"x"
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["ask", "--json", "-"]) == 0
    first, last = (json.loads(out) for out in capsys.readouterr().out.splitlines())
    assert first["question"] == "hpc" and first["answered"]
    assert not last["answered"]


@pytest.mark.parametrize("data", [b"\x00hpc\n", b"\x00\x00hpc\n", b"hpc\x00\n"])
def test_nuls_among_the_first_bytes_of_utf_8_are_no_utf_16(
    data: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the pattern of UTF-16's ASCII (a NUL every other byte) is UTF-16: a NUL before a
    # word read as UTF-16 was no text at all.
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["ask", "--json", "-"]) == 0
    (reply,) = [json.loads(out) for out in capsys.readouterr().out.splitlines()]
    assert reply["answered"] and reply["intent"].startswith("computing.hpc"), reply


def test_the_console_reads_a_utf_16_file_as_its_lines(qabot: QABot) -> None:
    from bot.console import run_console

    data = "\ufeffWie groß ist RAISe+?\r\nQuelle?\r\n".encode("utf-16-le")
    out = io.StringIO()
    run_console(qabot, stdin=io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))), stdout=out)
    assert "10" in out.getvalue() and "§" in out.getvalue(), out.getvalue()
    assert "\x00" not in out.getvalue()


def test_a_turn_of_the_longest_question_fully_escaped_with_a_long_id_is_read_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A line is read up to 16 × max_question_chars (every character of the longest question
    # escaped, as an astral one is: 12 characters) + 65,536 (its conversation id). Without
    # the id's room every test passed; such a turn was cut, read as a question of its own
    # and refused as too long.
    question = "hpc " + "😀" * 3_996  # 4,000 characters, 48,000 once escaped
    turn = json.dumps({"conversation": "c" * 60_000, "text": question})  # ensure_ascii
    assert 16 * 4_000 < len(turn) < 16 * 4_000 + 65_536
    monkeypatch.setattr(sys, "stdin", io.StringIO(turn + "\n"))
    assert main(["ask", "--json", "-"]) == 0
    (reply,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert reply["conversation"] == "c" * 60_000 and reply["question"].startswith("hpc")


def test_a_line_without_end_is_not_held_whole(qabot: QABot) -> None:
    """`qabot ask --json - < /dev/zero` (or a binary file piped by mistake): the batch and
    the console read each line whole, however long, before refusing it as too long (300 MB
    of NULs: 657 MB held, 12 s). Now at most a bounded piece is held; the rest of the line
    is read and dropped, and the line is refused as any question too long is."""
    import argparse
    import tracemalloc

    from bot.cli import _ask
    from bot.console import run_console

    line = "\x00" * 30_000_000
    for run in (
        lambda stdin, out: _ask(qabot, argparse.Namespace(question=["-"], json=True)),
        lambda stdin, out: run_console(qabot, stdin=stdin, stdout=out),
    ):
        stdin, out = io.StringIO(line + "\nHKSTP\n"), io.StringIO()
        real_stdin, real_stdout = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = stdin, out
        tracemalloc.start()
        try:
            assert run(stdin, out) == 0
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            sys.stdin, sys.stdout = real_stdin, real_stdout
        assert peak < 10_000_000, peak
        assert "HKSTP" in out.getvalue() and out.getvalue().count("4000") >= 1


def test_batch_output_is_one_line_per_answer_whatever_the_question_holds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The question is echoed; json.dumps leaves U+2028, U+2029 and NEL raw, and a reader
    # that splits lines as str.splitlines does got three broken halves for two answers.
    monkeypatch.setattr(sys, "stdin", io.StringIO("hpc\u2028x\u2029y\x85z\nHKSTP\n"))
    assert main(["ask", "--json", "-"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["question"] == "hpc\u2028x\u2029y\x85z" and second["question"] == "HKSTP"


def test_batch_answers_every_line_in_utf_8_whatever_its_characters() -> None:
    # Half an emoji as a JSON escape (a text cut at 100 UTF-16 units) made print() raise
    # UnicodeEncodeError: a traceback, and every line after it lost. A raw byte that is no
    # UTF-8 in a conversation id came back as that byte: a line no JSON reader takes.
    lines = [
        b'{"conversation": "c1", "text": "Wie gro\\u00df ist RAISe+? \\ud83d"}',
        b'{"conversation": "c\xff", "text": "Quelle?"}',
        b"HKSTP",
    ]
    proc = subprocess.run(
        [*QABOT, "ask", "--json", "-"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        cwd=Path(__file__).parents[2],
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    replies = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r.get("conversation") for r in replies] == ["c1", "c\udcff", None]
    assert replies[0]["question"] == "Wie groß ist RAISe+? \ud83d"
    assert replies[2]["answered"]


def test_batch_lines_ended_by_crlf_are_the_questions_without_the_cr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A batch file written on Windows echoed every question with a "\r" at its end.
    lines = "Wie groß ist RAISe+?\r\n" + '{"conversation": "c1", "text": "HKSTP"}\r\n'
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    assert main(["ask", "--json", "-"]) == 0
    replies = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in replies] == ["Wie groß ist RAISe+?", "HKSTP"]


@pytest.mark.parametrize("wrapped", ["text", "bytes"])
@pytest.mark.parametrize(
    ("data", "questions"),
    [
        # a classic Mac file: every line ended by a bare CR was one line, one reply
        ("hpc\rQuelle?\r", ["hpc", "Quelle?"]),
        ("hpc\rHKSTP", ["hpc", "HKSTP"]),
        # LF, CRLF and CR in one file: each ends a line, CRLF once
        ("hpc\nHKSTP\r\nQuelle?\rRAISe+\n", ["hpc", "HKSTP", "Quelle?", "RAISe+"]),
        # an empty line is a line (a reply each), whichever ends it
        ("hpc\r\rHKSTP\n\nx\r\n\r\n", ["hpc", "", "HKSTP", "", "x", ""]),
        ("hpc\n\rHKSTP", ["hpc", "", "HKSTP"]),
    ],
)
def test_batch_lines_end_at_a_cr_an_lf_or_a_crlf(
    data: str,
    questions: list[str],
    wrapped: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin = (
        io.StringIO(data)
        if wrapped == "text"
        else io.TextIOWrapper(  # as sys.stdin is on POSIX: split at LF alone, untranslated
            io.BufferedReader(io.BytesIO(data.encode())), encoding="utf-8", newline="\n"
        )
    )
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["ask", "--json", "-"]) == 0
    replies = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in replies] == questions


def test_a_batch_line_ended_by_a_cr_is_answered_before_the_next_arrives() -> None:
    # A CR might be the first half of a CRLF: the reply to its line goes out at once, not
    # once the next byte tells (a writer waiting for each reply would wait for good).
    answers = _asked_one_by_one([b"hpc\r", b"\nHKSTP\r", b"Quelle?\r\n"])
    assert [a["question"] for a in answers] == ["hpc", "HKSTP", "Quelle?"]


# qabot with its language data read with $TAIL appended (the file itself untouched).
_BROKEN_LANGUAGE = (
    "import os, sys, pathlib; read = pathlib.Path.read_text; "
    "pathlib.Path.read_text = lambda self, *a, **k: read(self, *a, **k) + "
    "(os.environ['TAIL'] if self.name == 'language.yaml' else ''); "
    "from bot.settings import Settings; Settings.model_config['env_file'] = None; "
    "from bot.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        ("stopwords: [\n", r"language\.yaml:\d+: YAML syntax: "),
        ("moon_words: [full]\n", r"language\.yaml:\d+: moon_words: Extra inputs are not permitted"),
        ("months: [Jan]\n", r"language\.yaml:\d+: YAML syntax: the key 'months' twice"),
    ],
)
@pytest.mark.parametrize(
    "argv", [["ask", "hpc"], ["chat"], ["stat"], ["kb", "validate"], ["kb", "status"]]
)
def test_broken_language_data_is_one_line_and_exit_2(tail: str, said: str, argv: list[str]) -> None:
    """bot/data/language.yaml is read as the resolver's modules are imported: a mistake in
    it was a traceback (exit 1) of whatever command imported them first."""
    proc = subprocess.run(
        [sys.executable, "-c", _BROKEN_LANGUAGE, *argv],
        input="",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]), "TAIL": tail},
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert re.match(rf"qabot: \S*{said}", line), line
