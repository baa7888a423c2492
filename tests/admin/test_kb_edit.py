"""`qabot kb add-question`: a round-trip edit that keeps the file as written, or refuses whole."""

from __future__ import annotations

import contextlib
import difflib
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import kb_edit
from bot.cli import main
from bot.kb_edit import EditResult, add_question, find_intent
from bot.knowledge import load_knowledge
from bot.service import QABot
from bot.settings import Settings
from tests.admin.conftest import ALIASES, RECRUITING, admin_settings
from tests.core.test_knowledge import _editor_leftovers


def test_round_trip_adds_one_line_and_keeps_comments_and_quotes(kb_copy: Path) -> None:
    path, _, _ = find_intent(kb_copy, RECRUITING)
    before = path.read_text(encoding="utf-8")
    result = add_question(kb_copy, RECRUITING, "  Is   hiring hard in Hong Kong? ", "en")
    assert result.ok and result.changed and result.path == path
    after = path.read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ["+        - Is hiring hard in Hong Kong?"]
    assert before.splitlines()[0].startswith("#")  # the file's comment is still there
    assert after.startswith(before.splitlines()[0])


def test_a_file_saved_with_windows_line_endings_keeps_them(kb_copy: Path) -> None:
    # A file saved on Windows (CRLF) got the new question as one LF line among CRLF ones:
    # mixed line endings, which editors and git diffs flag for the whole file.
    path, _, _ = find_intent(kb_copy, RECRUITING)
    data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(data)
    assert add_question(kb_copy, RECRUITING, "Is hiring hard in Hong Kong?", "en").changed
    after = path.read_bytes()
    assert b"        - Is hiring hard in Hong Kong?\r\n" in after
    assert after.count(b"\n") == after.count(b"\r\n")  # no line ends in LF alone
    load_knowledge(kb_copy)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            '[\n        "A?",\n        "B?",\n      ]',
            '[\n        "A?",\n        "B?",\n        C?,\n      ]',
        ),
        ('["A?", "B?",]', '["A?", "B?", C?,]'),
        ('["A?", "B?"]', '["A?", "B?", C?]'),
        (
            '[\n        "A?",\n        "B?",  # the last, so far\n      ]',
            '[\n        "A?",\n        "B?",  # the last, so far\n        C?,\n      ]',
        ),
        (
            '[\n        "A?",\n        "B?"  # no comma\n        ,\n      ]',
            '[\n        "A?",\n        "B?"  # no comma\n        ,\n        C?,\n      ]',
        ),
        ('["A?", "B?", # a, b\n      ]', '["A?", "B?", C?, # a, b\n      ]'),
    ],
    ids=[
        "an item a line",
        "one line",
        "no trailing comma",
        "a comment after the comma",
        "the comma after a comment",
        "a comment on one line",
    ],
)
def test_a_flow_list_with_a_trailing_comma_takes_a_question(
    kb_copy: Path, written: str, expected: str
) -> None:
    # `en: [a, b,]` is valid YAML (kb validate: ok), but ", C?" before the bracket made
    # `b,, C?`: the edit was refused as "YAML syntax: did not find expected node content" at
    # the file's line, as if the file were broken (and so was an attach click).
    path, _, node = find_intent(kb_copy, RECRUITING)
    text = path.read_text(encoding="utf-8")
    block = "      en:\n" + "".join(f"        - {q}\n" for q in node["questions"]["en"])
    assert block in text
    path.write_text(text.replace(block, f"      en: {written}\n"), encoding="utf-8")
    result = add_question(kb_copy, RECRUITING, "C?", "en")
    assert result.ok and result.changed, result.message
    assert f"      en: {expected}\n" in path.read_text(encoding="utf-8")
    (intent,) = [i for i in load_knowledge(kb_copy).intents if i.id == RECRUITING]
    assert intent.questions.en[-1] == "C?"


def test_hidden_files_beside_the_intents_stop_no_edit_and_no_lint(kb_copy: Path) -> None:
    # Emacs's lock of a buffer being edited (.#hkpc.yaml, a dangling symlink) and the like
    # are no knowledge (tests/core/test_knowledge.py): add-question and kb validate (lint's
    # re-read of the files, drafts too) read them and failed meanwhile.
    _editor_leftovers(kb_copy / "qa")
    (kb_copy / "drafts").mkdir(exist_ok=True)
    (kb_copy / "drafts" / ".#x.yaml").symlink_to("admin@host.4242:1700000000")
    assert main(["kb", "validate", str(kb_copy)]) == 0
    result = add_question(kb_copy, RECRUITING, "Is hiring hard in Hong Kong?", "en")
    assert result.ok and result.changed, result


def test_a_phrase_under_another_intent_is_refused_and_nothing_is_written(kb_copy: Path) -> None:
    files = {p: p.read_bytes() for p in (kb_copy / "qa").glob("*.yaml")}
    other = next(i for i in ("hkpc.company_size", "hkpc.expansion") if find_intent(kb_copy, i))
    taken = find_intent(kb_copy, other)[2]["questions"]["en"][0]
    result = add_question(kb_copy, RECRUITING, str(taken), "en")
    assert not result.ok and not result.changed
    assert result.message.startswith("refused: knowledge/qa/")
    assert f"also under {other}" in result.message or f"also under {RECRUITING}" in result.message
    assert {p: p.read_bytes() for p in (kb_copy / "qa").glob("*.yaml")} == files
    assert not [p for p in (kb_copy / "qa").iterdir() if p.name.startswith(".")]  # no temp left


OTHER_FILE = """intents:
  - id: smalltalk.other
    kind: smalltalk
    questions:
      de: [QUESTION]
      en: [Plainly asked here?]
    answer:
      de: "Gern."
      en: "Gladly."
"""


@pytest.mark.parametrize(
    ("written", "phrase"),
    [
        # written with an escape in its file: not found as typed there (the escape check
        # removed, every test passed)
        ('"Gro\\u00dfartigkeitsfragen heute?"', "Großartigkeitsfragen heute?"),
        # in other letters' case: the loader folds case (the probe compared it as written)
        ("Vorzugsweise gestellte Fragen?", "VORZUGSWEISE GESTELLTE FRAGEN?"),
    ],
)
def test_a_phrase_another_file_has_in_other_spelling_is_refused(
    kb_copy: Path, written: str, phrase: str
) -> None:
    # Only the edited file is checked in full; another file's phrase is found by a probe of
    # its text first. Missed, both files held the phrase: the knowledge no longer loaded.
    other = OTHER_FILE.replace("QUESTION", written)
    (kb_copy / "qa" / "zz_other.yaml").write_text(other, encoding="utf-8")
    load_knowledge(kb_copy)  # valid as written
    result = add_question(kb_copy, RECRUITING, phrase, "de")
    assert not result.ok and "also under smalltalk.other" in result.message, result
    load_knowledge(kb_copy)  # and still valid


@pytest.mark.parametrize(
    ("intent", "phrase", "lang", "message"),
    [
        ("no.such_intent", "Frage?", "de", "unknown intent"),
        (RECRUITING, "   ", "de", "empty question"),
        (RECRUITING, "Frage?", "fr", "unknown language"),
    ],
)
def test_bad_requests_are_refused(
    kb_copy: Path, intent: str, phrase: str, lang: str, message: str
) -> None:
    result = add_question(kb_copy, intent, phrase, lang)
    assert not result.ok and message in result.message


def test_a_phrase_already_there_changes_nothing(kb_copy: Path) -> None:
    existing = str(find_intent(kb_copy, RECRUITING)[2]["questions"]["de"][0])
    result = add_question(kb_copy, RECRUITING, existing.upper(), "de")
    assert result.ok and not result.changed


def test_cli_add_question_detects_the_language(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "kb",
            "add-question",
            RECRUITING,
            "Wie schwer ist die Personalsuche?",
            "--kb",
            str(kb_copy),
        ]
    )
    assert code == 0
    assert "(de)" in capsys.readouterr().out
    questions = find_intent(kb_copy, RECRUITING)[2]["questions"]
    assert "Wie schwer ist die Personalsuche?" in questions["de"]
    taken = str(questions["en"][0])
    assert main(["kb", "add-question", "hkpc.study", taken, "--kb", str(kb_copy)]) == 1
    assert "refused" in capsys.readouterr().out


def test_a_phrase_longer_than_any_question_is_refused_and_nothing_is_written(
    kb_copy: Path, log_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kb add-question INTENT "$(head -c 100000 …)"` wrote 100,000 characters into the
    intent's file: a variant nobody can ask (a question over `max_question_chars` is refused
    before it is read), only bulk in the knowledge and in every `kb validate`. The /kb
    attach of a logged question goes through the same check (QABot.add_question)."""
    path = find_intent(kb_copy, RECRUITING)[0]
    before = path.read_text(encoding="utf-8")
    phrase = "How hard is recruiting " * 200  # 4,600 characters; the default cap is 4,000
    code = main(["kb", "add-question", RECRUITING, phrase, "--lang", "en", "--kb", str(kb_copy)])
    assert code == 1
    assert "too long" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == before
    bot = QABot.from_settings(admin_settings(kb_copy, log_path, max_question_chars=40))
    assert not bot.add_question(RECRUITING, "How hard is recruiting " * 2, "en").ok
    assert path.read_text(encoding="utf-8") == before


def test_only_the_changed_file_is_read_and_validated(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100,000 variants a full load costs seconds: an edit checks its own file and looks
    for the phrase elsewhere, it does not load (or copy) the whole directory."""
    import bot.kb_edit
    import bot.knowledge

    def no_full_load(root: Path) -> None:
        raise AssertionError(f"loaded all of {root}")

    monkeypatch.setattr(bot.knowledge, "load_knowledge", no_full_load)
    monkeypatch.setattr(bot.kb_edit, "load_knowledge", no_full_load, raising=False)
    result = add_question(kb_copy, RECRUITING, "Is hiring hard in Hong Kong?", "en")
    assert result.ok and result.changed


@pytest.mark.parametrize(
    ("intent", "phrase"),
    [
        (RECRUITING, "yes"),  # a plain `yes` would read as true
        (RECRUITING, "Anteil: wie hoch? # Frage"),  # ': ' and ' #' mean something in YAML
        (RECRUITING, "\"quoted\" and 'single', [brackets]"),
        ("smalltalk.greeting", "Hallo, oder was?"),  # a flow list: [a, b]
        # what YAML takes for a typed value it cannot make: a ValueError traceback
        (RECRUITING, "2023-13-01"),
        ("smalltalk.greeting", "!!int 0x"),
    ],
)
def test_an_appended_phrase_reads_back_as_written(kb_copy: Path, intent: str, phrase: str) -> None:
    if find_intent(kb_copy, intent) is None:
        pytest.skip(f"{intent} not in the shipped knowledge")
    result = add_question(kb_copy, intent, phrase, "de")
    assert result.ok and result.changed, result.message
    assert find_intent(kb_copy, intent)[2]["questions"]["de"][-1] == phrase


def test_hidden_characters_of_a_logged_question_do_not_reach_the_knowledge_file(
    kb_copy: Path,
) -> None:
    # An attach click adds a question as the asker typed it: an escape sequence or an RTL
    # override went into the YAML, where a review of the diff does not see it.
    asked = "Is \x1b[2Jhiring\u200b hard \u202ein HK?\x00"
    result = add_question(kb_copy, RECRUITING, asked, "en")
    assert result.ok and result.changed
    _, _, node = find_intent(kb_copy, RECRUITING)
    assert node["questions"]["en"][-1] == "Is [2Jhiring hard in HK?"


def test_an_edit_keeps_the_files_mode_and_writes_through_a_symlink(
    kb_copy: Path, tmp_path: Path
) -> None:
    # The edit renamed a mkstemp draft (mode 0600) over the file: a bot reading the
    # knowledge as another user could no longer read it; and over a symlink, which
    # became a regular file while the file it pointed to kept the old text.
    path, _, _ = find_intent(kb_copy, RECRUITING)
    outside = tmp_path / "shared" / path.name
    outside.parent.mkdir()
    path.replace(outside)
    outside.chmod(0o664)
    path.symlink_to(outside)
    result = add_question(kb_copy, RECRUITING, "Is hiring hard in Hong Kong?", "en")
    assert result.ok and result.changed
    assert path.is_symlink() and "Is hiring hard in Hong Kong?" in outside.read_text()
    assert stat.S_IMODE(outside.stat().st_mode) == 0o664
    assert not [p for p in outside.parent.iterdir() if p.name.startswith(".")]  # no draft left


def test_a_new_file_gets_the_mode_of_any_new_file(kb_copy: Path) -> None:
    # `kb ingest` writes its source and draft as new files: mkstemp's 0600 would lock out a
    # bot that reads the knowledge as another user (the umask's mode removed, every test passed).
    expected = 0o666 & ~kb_edit._umask()  # the umask read, not set: other threads run
    if expected == 0o600:
        pytest.skip("a umask of 077 gives mkstemp's mode too")
    kb_edit.write_atomic(kb_copy / "sources" / "new.txt", "Text.\n")
    assert stat.S_IMODE((kb_copy / "sources" / "new.txt").stat().st_mode) == expected


def test_an_edit_of_a_file_with_a_schema_error_elsewhere_is_refused_with_its_line(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A half-done edit in the same file (an intent without its answer): the check of the
    # draft raised the loader's internal _NeedsLines: a traceback from the CLI, an ERROR
    # and no reply for an attach click.
    path, _, _ = find_intent(kb_copy, RECRUITING)
    text = path.read_text(encoding="utf-8")
    cut = text.rindex("    answer:")
    path.write_text(text[:cut] + "    answr:" + text[cut + len("    answer:") :], "utf-8")
    result = add_question(kb_copy, RECRUITING, "Is hiring hard in Hong Kong?", "en")
    assert not result.ok and not result.changed
    assert f"knowledge/qa/{path.name}:" in result.message
    assert "answer: Field required" in result.message
    assert main(["kb", "add-question", "--kb", str(kb_copy), RECRUITING, "Is hiring hard?"]) == 1
    assert "answer: Field required" in capsys.readouterr().out


def _edits_at_once(
    monkeypatch: pytest.MonkeyPatch, edits: list[tuple[str, str]], kb: Path
) -> list[EditResult]:
    """`add_question` for each (intent, phrase) in threads of their own, each one pausing
    after it has read its file until the others have read theirs (or a second has passed:
    an edit that waits for another never meets it there)."""
    meet = threading.Barrier(len(edits), timeout=1.0)
    appended = kb_edit._appended

    def after_reading(*args: object) -> str | None:
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait()
        return appended(*args)

    monkeypatch.setattr(kb_edit, "_appended", after_reading)
    with ThreadPoolExecutor(len(edits)) as pool:
        return list(pool.map(lambda edit: add_question(kb, *edit, "en"), edits))


def test_two_edits_of_one_file_at_once_both_stay(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two attach clicks in quick succession (each in a thread of its own), or the CLI while
    # the bot attaches: each read the file, added its question and renamed the result over
    # it. Both said "added"; the file kept only the last one.
    edits = [(RECRUITING, "Is hiring hard for firms here?"), ("hkpc.study", "Who did that survey?")]
    results = _edits_at_once(monkeypatch, edits, kb_copy)
    assert all(r.ok and r.changed for r in results)
    text = (kb_copy / "qa" / "hkpc.yaml").read_text(encoding="utf-8")
    assert all(phrase in text for _, phrase in edits)


def test_one_question_attached_to_two_intents_at_once_goes_to_one(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both edits were accepted, and the knowledge held one question under two intents:
    # every later reload failed, and every later edit was refused.
    phrase = "What about the thing with the money then?"
    results = _edits_at_once(
        monkeypatch, [(RECRUITING, phrase), ("sensetime.founded", phrase)], kb_copy
    )
    assert sorted(r.changed for r in results) == [False, True]
    assert any("also under" in r.message for r in results)
    load_knowledge(kb_copy)  # still valid


def test_an_intents_file_that_is_no_regular_file_is_not_read(kb_copy: Path) -> None:
    # The loader refuses such a file unread ("not a regular file"); add-question read it:
    # a FIFO blocked the edit for ever (holding every later edit up behind it), a directory
    # ended it with IsADirectoryError.
    (kb_copy / "qa" / "zz.yaml").mkdir()
    result = add_question(kb_copy, RECRUITING, "Is hiring tough here?", "en")
    assert result.ok and result.changed
    assert find_intent(kb_copy, RECRUITING) is not None


def test_an_edit_is_checked_under_the_configured_limits(
    kb_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The edit was checked with the default limits whatever [knowledge] said: a file pushed
    # over the configured max_file_bytes was written ("added"), and the bot, which loads
    # with that limit, refused every reload from then on; a file over the default but
    # under a raised limit could not be edited at all.
    path, _, _ = find_intent(kb_copy, "hongkong.why_invest")
    largest = max(f.stat().st_size for f in kb_copy.rglob("*.yaml"))
    with path.open("a", encoding="utf-8") as f:  # the largest file, so that only it can grow over
        f.write("# " + "-" * max(0, largest - path.stat().st_size) + "\n")
    limit = path.stat().st_size + 10
    monkeypatch.setenv("QABOT_KNOWLEDGE__MAX_FILE_BYTES", str(limit))
    before = path.read_bytes()
    phrase = "Why would an investor pick Hong Kong over Singapore today?"
    args = ["kb", "add-question", "--kb", str(kb_copy), "--lang", "en"]
    assert main([*args, "hongkong.why_invest", phrase]) == 1
    assert f"over the limit of {limit:,} bytes per file" in capsys.readouterr().out
    assert path.read_bytes() == before
    bot = QABot.from_settings(Settings(knowledge_dir=kb_copy))  # the attach buttons' path
    assert not bot.add_question("hongkong.why_invest", phrase, "en").ok
    assert path.read_bytes() == before


HIRING = "Do companies here report hiring difficulties nowadays?"


@pytest.mark.parametrize(
    "other",
    [
        b"- companies report hiring difficulties\n",
        b"intents:\n  - companies report hiring difficulties\n",
        b"intents:\n  - id: zz.x\n    questions: [companies report hiring difficulties]\n",
        b"intents:\n  - id: zz.x\n    questions: {en: 5}\n# hiring difficulties\n",
        b"intents: []\n# hiring difficulties, caf\xe9\n",
    ],
    ids=["a list", "an intent a string", "questions a list", "questions a number", "not UTF-8"],
)
def test_another_intents_file_the_loader_refuses_stops_no_edit(kb_copy: Path, other: bytes) -> None:
    # The look for the phrase in the other intents files took them for what the loader
    # accepts (UTF-8, mappings): an AttributeError or UnicodeDecodeError traceback from
    # the CLI, an ERROR and no reply for an attach click. Such a file is the loader's to
    # report, as one with a YAML syntax error is.
    (kb_copy / "qa" / "zz.yaml").write_bytes(other)
    result = add_question(kb_copy, RECRUITING, HIRING, "en")
    assert result.ok and result.changed, result
    assert HIRING in find_intent(kb_copy, RECRUITING)[2]["questions"]["en"]


@pytest.mark.parametrize(
    "other",
    [
        f"intents:\n  - id: zz.x\n    questions: {{en: ['{HIRING}']}}\n" + ALIASES,
        "intents: []\nwhen: 2023-13-01\n# hiring difficulties\n",
        "intents: []\nsize: !!int 0x\n# hiring difficulties\n",
    ],
    ids=["aliases over the cap", "a date that is none", "a number that is none"],
)
def test_another_intents_file_the_loader_refuses_for_its_values_stops_no_edit(
    kb_copy: Path, other: str
) -> None:
    # The look for the phrase read the other files with PyYAML as it is: a value it cannot
    # construct was a ValueError traceback, and aliases that the loader measures and
    # refuses were written out by str() (such a file of 474 bytes under `questions:` held
    # an edit for minutes, and the GIL with it; one level more, all the memory). Here the
    # aliases lie outside the variants, so the file was read cheaply and its copy of the
    # phrase refused the edit; a file the loader refuses is the loader's to report.
    (kb_copy / "qa" / "zz.yaml").write_text(other, encoding="utf-8")
    result = add_question(kb_copy, RECRUITING, HIRING, "en")
    assert result.ok and result.changed, result


@pytest.mark.parametrize(
    "half_done",
    ["  - just a string\n", "  - !!python/name:os.system x\n"],
    ids=["an intent a string", "a tag the loader refuses"],
)
def test_the_language_is_guessed_beside_a_half_done_edit_of_the_same_file(
    kb_copy: Path, capsys: pytest.CaptureFixture[str], half_done: str
) -> None:
    # add-question without --lang guesses the phrase's language from its intent's file,
    # read as if the loader had accepted it: an AttributeError or ConstructorError
    # traceback. With --lang the edit was refused with the loader's line; so it is now.
    path, _, _ = find_intent(kb_copy, RECRUITING)
    before = path.read_text(encoding="utf-8") + half_done
    path.write_text(before, encoding="utf-8")
    assert main(["kb", "add-question", "--kb", str(kb_copy), RECRUITING, HIRING]) == 1
    assert capsys.readouterr().out.startswith(f"refused: {kb_copy.name}/qa/{path.name}:")
    assert path.read_text(encoding="utf-8") == before


def test_a_knowledge_directory_that_cannot_be_written_is_a_refusal_with_the_reason(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A read-only knowledge directory (a container's image, a mount) or a full disk: the
    # draft could not be made and the OSError went past the edit: a traceback from the
    # CLI; on Slack an ERROR and no reply at all to the admin's attach click.
    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(30, "Read-only file system", str(kwargs.get("dir")))

    monkeypatch.setattr(kb_edit.tempfile, "mkstemp", read_only)
    path, _, _ = find_intent(kb_copy, RECRUITING)
    before = path.read_bytes()
    result = add_question(kb_copy, RECRUITING, HIRING, "en")
    assert not result.ok and not result.changed
    assert (
        result.message
        == f"refused: knowledge/qa/{path.name}:0: cannot write: Read-only file system"
    )
    assert (
        main(["kb", "add-question", "--kb", str(kb_copy), "--lang", "en", RECRUITING, HIRING]) == 1
    )
    assert "Read-only file system" in capsys.readouterr().out
    assert path.read_bytes() == before
