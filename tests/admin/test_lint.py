"""`qabot kb validate`: lint warnings beyond the schema, figures in answers vs. their quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.figures import figures, missing_figures
from bot.kb_edit import add_question, dump, find_intent, round_trip_yaml
from bot.knowledge import load_knowledge
from bot.lint import lint
from bot.settings import Settings
from tests.admin.conftest import ALIASES, RECRUITING, replace_in
from tests.conftest import KNOWLEDGE

KINDS = ("resolves to", "is not recognised", "not in its quote", "linked from no intent")


@pytest.mark.parametrize(
    ("answer", "quotes"),
    [
        ("HK$3 billion", ["das HK$3 Milliarden AI Subsidy Scheme"]),
        ("HK$3 Mrd. (HK$3 Milliarden)", ["das HK$3 Milliarden AI Subsidy Scheme"]),
        ("nine recommendations", ["brachte neun Empfehlungen hervor"]),
        ("half of the large companies", ["wobei die Hälfte der großen Unternehmen"]),
        ("49 % of firms", ["49% der Unternehmen"]),
        ("49 percent", ["49 % der befragten Unternehmen"]),
        ("in 2024 or 2025", ["das 2024 oder 2025 in Betrieb gehen soll"]),
        ("1.5 million", ["1,5 Millionen Menschen"]),
    ],
)
def test_figures_match_across_languages_and_notations(answer: str, quotes: list[str]) -> None:
    assert figures(answer)
    assert missing_figures(answer, quotes) == []


@pytest.mark.parametrize(
    ("answer", "quotes", "missing"),
    [
        ("HK$3 million", ["das HK$3 Milliarden AI Subsidy Scheme"], "3 million"),
        ("52 % of firms", ["49% der Unternehmen"], "52 %"),
        ("ten recommendations", ["brachte neun Empfehlungen hervor"], "ten"),
        ("by 2036", ["Bis 2035 strebt sie an"], "2036"),
    ],
)
def test_figures_not_in_the_quote_are_found(answer: str, quotes: list[str], missing: str) -> None:
    assert [f.text for f in missing_figures(answer, quotes)] == [missing]


def test_the_shipped_knowledge_lints_with_only_known_kinds_of_warning() -> None:
    findings = lint(KNOWLEDGE, load_knowledge(KNOWLEDGE), Settings(knowledge_dir=KNOWLEDGE))
    for finding in findings:
        assert str(finding).startswith("knowledge/") and ": warning: " in str(finding)
        assert any(kind in finding.message for kind in KINDS), finding
    # the figure check knows number words, halves and Milliarden = billion:
    assert not [f for f in findings if "'neun'" in f.message or "billion" in f.message]
    # a variant of which the resolver knows no word at all is no question but a slip (a
    # stray "x" under hkpc.recruiting came in with a commit about docstrings)
    assert not [f for f in findings if "best guess nothing, 0.00" in f.message]


def test_lint_finds_a_wrong_figure_a_confused_variant_and_todo(kb_copy: Path) -> None:
    path, doc, node = find_intent(kb_copy, RECRUITING)
    node["answer"]["en"] = "TODO 52 % of the companies surveyed struggle to hire."
    doc_text = dump(round_trip_yaml(), doc)
    path.write_text(doc_text, encoding="utf-8")
    recruiting_q = str(node["questions"]["en"][0]).rstrip("?")
    assert add_question(kb_copy, "hkpc.revenue_hk", recruiting_q, "en").ok
    findings = [str(f) for f in lint(kb_copy, load_knowledge(kb_copy), Settings())]
    rel = f"knowledge/qa/{path.name}"
    assert any(f.startswith(rel) and "'52 %' not in its quotes" in f for f in findings), findings
    assert any("answer says TODO" in f for f in findings)
    # the same question (but for its "?") under two intents: the resolver cannot tell them apart
    confused = [f for f in findings if f"{recruiting_q!r} of hkpc.revenue_hk also resolves to" in f]
    assert confused and RECRUITING in confused[0]
    line = int(confused[0].split(":")[1])
    assert recruiting_q in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_cli_validate_warns_exit_0_strict_exit_1_errors_exit_1(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_in(
        kb_copy / "facts.yaml", 'value: {de: "41 %", en: "41 %"}', 'value: {de: "41 %", en: "14 %"}'
    )
    assert main(["kb", "validate", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    assert "knowledge/facts.yaml:" in out and "warning: fact hkpc.ai_adoption (en): '14 %'" in out
    assert main(["kb", "validate", "--strict", str(kb_copy)]) == 1
    capsys.readouterr()
    replace_in(kb_copy / "facts.yaml", "41 % der Unternehmen", "42 % der Unternehmen")
    assert main(["kb", "validate", str(kb_copy)]) == 1
    out = capsys.readouterr().out
    assert "knowledge/facts.yaml:" in out and "warning" not in out


@pytest.mark.parametrize(
    ("draft", "warning"),
    [
        (b"intents:\n  - just text\n", None),
        (b"intents:\n  - id: a\n    cite: [x]\n", None),
        (b"intents:\n  - id: a\n    cite: 5\n", None),
        (b"intents: {a: 1}\n", None),
        (b"intents: [\n", "drafts/d.yaml:2: warning: draft not checked (YAML syntax:"),
        (b"x: caf\xe9\n", "drafts/d.yaml:0: warning: draft not checked (cannot read: not UTF-8"),
        (b"x: a\x00b\n", "drafts/d.yaml:0: warning: draft not checked (YAML syntax:"),
        (b"x: !!python/name:os.system a\n", "drafts/d.yaml:1: warning: draft not checked (YAML"),
        (
            # 741 million characters written out: a quote of `*l8` held `kb validate` for
            # minutes (str() of it), then took all the memory
            ALIASES.encode() + b"intents:\n  - id: a\n    cite: [{quote: not verbatim}]\n",
            "drafts/d.yaml:0: warning: draft not checked (with its aliases written out",
        ),
    ],
    ids=[
        "an entry a string",
        "cite a list",
        "cite a number",
        "a mapping",
        "no YAML",
        "not UTF-8",
        "a NUL",
        "a python tag",
        "aliases over the cap",
    ],
)
def test_kb_validate_reads_a_half_done_draft_without_a_traceback(
    kb_copy: Path, capsys: pytest.CaptureFixture[str], draft: bytes, warning: str | None
) -> None:
    # A draft is half done by nature (ingest writes it, an admin completes it and runs
    # `kb validate`, as ingest says): its quotes were checked as if it were finished, and
    # `kb validate` ended in an AttributeError, TypeError, ValueError, YAML or
    # UnicodeDecodeError traceback. What is no citation yet is the loader's once the entry
    # is live; a draft that does not read is named.
    (kb_copy / "drafts").mkdir(exist_ok=True)
    (kb_copy / "drafts" / "d.yaml").write_bytes(draft)
    assert main(["kb", "validate", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    drafts = [line for line in out.splitlines() if "drafts/" in line]
    if warning is None:
        assert drafts == []
    else:
        (line,) = drafts
        assert line.startswith(f"{kb_copy.name}/{warning}")


def test_kb_validate_names_a_draft_that_is_no_regular_file(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A directory named like a draft ended `kb validate` in IsADirectoryError; a FIFO
    # would have held it for ever. The loader refuses such a file unread; so does lint.
    (kb_copy / "drafts" / "d.yaml").mkdir(parents=True)
    assert main(["kb", "validate", str(kb_copy)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "drafts/" in line]
    assert line.endswith("/drafts/d.yaml:0: warning: draft not checked (not a regular file)")


def test_a_warning_names_a_file_printably(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The loader's problems print "?" for a control character in a file name (an ESC
    # would act on the terminal); lint's warnings printed the name as it is.
    (kb_copy / "drafts").mkdir(exist_ok=True)
    (kb_copy / "drafts" / "\x1b[31mred.yaml").write_bytes(b"intents: [\n")
    assert main(["kb", "validate", str(kb_copy)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "drafts/" in line]
    assert "\x1b" not in line
    assert "/drafts/?[31mred.yaml:2: warning: draft not checked" in line


def test_a_knowledge_without_concepts_yaml_is_valid_with_a_warning(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # concepts.yaml stays optional (a small knowledge needs no synonym table), but its absence
    # changes answers ("Wie viele Firmen nutzen KI?" lost its 41 %): validate said "ok" and
    # nothing else, as for a knowledge with one.
    (kb_copy / "concepts.yaml").unlink()
    assert main(["kb", "validate", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    assert "knowledge/concepts.yaml:0: warning: absent: no synonym table" in out, out
    assert main(["kb", "validate", "--strict", str(kb_copy)]) == 1
