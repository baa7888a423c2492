"""Hostile knowledge files: every failure is a `file:line` problem, sizes are capped before
parsing, and what is reported is bounded in number and length."""

from __future__ import annotations

import cProfile
import os
import pstats
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import knowledge
from bot.cli import main
from bot.errors import KnowledgeError
from bot.knowledge import load_knowledge
from bot.settings import KnowledgeLimits


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path, limits: KnowledgeLimits | None = None) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root, limits) if limits else load_knowledge(root)
    return [str(p) for p in info.value.problems]


def test_a_locator_of_thousands_of_digits_is_a_file_line_problem(kb_copy: Path) -> None:
    replace_in(kb_copy / "qa" / "sensetime.yaml", 'locator: "§4"', f'locator: "§{"9" * 5000}"')
    (problem,) = problems(kb_copy)
    assert problem.startswith("knowledge/qa/sensetime.yaml:31: ")
    assert len(problem) < 300


def test_a_nul_in_a_source_file_name_is_a_file_line_problem(kb_copy: Path) -> None:
    replace_in(kb_copy / "sources.yaml", "file: sources/article.txt", 'file: "sources/a\\0.txt"')
    (problem,) = problems(kb_copy)
    assert problem.startswith("knowledge/sources.yaml:5: source article: cannot read")


def test_kb_validate_prints_the_problem_not_a_traceback(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_in(kb_copy / "qa" / "sensetime.yaml", 'locator: "§4"', f'locator: "§{"9" * 5000}"')
    assert main(["kb", "validate", str(kb_copy)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("knowledge/qa/sensetime.yaml:31: ") and "Traceback" not in out + err


def test_a_defect_of_the_loader_is_one_problem_not_a_traceback(
    kb_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What no file:line check foresaw (issue 11 item 9 was a ValueError past the loader)
    # ends as one problem; with the loader letting it through every test passed.
    def defect(*args: object) -> None:
        raise RuntimeError("a check the loader did not foresee")

    monkeypatch.setattr(knowledge, "_check_citation", defect)
    assert main(["kb", "validate", str(kb_copy)]) == 1
    out, err = capsys.readouterr()
    assert ":0: cannot load: RuntimeError: a check the loader did not foresee" in out
    assert "Traceback" not in out + err


def test_a_file_over_the_cap_is_refused_unread(kb_copy: Path) -> None:
    big = kb_copy / "qa" / "big.yaml"
    big.write_text("intents: [" + "x" * 3_000_000, encoding="utf-8")  # a YAML error if parsed
    (problem,) = problems(kb_copy, KnowledgeLimits(max_file_bytes=2_000_000))
    assert problem == (
        "knowledge/qa/big.yaml:0: 3,000,010 bytes, over the limit of 2,000,000 bytes per file "
        "([knowledge] max_file_bytes); split it or raise the limit"
    )


def test_a_file_over_the_cap_costs_no_memory_of_its_size(kb_copy: Path) -> None:
    # The loader read a file whole before its size refused it: the refusal held, but a file
    # of gigabytes (a log moved in by mistake) would be in memory first. Sparse: no disk used.
    with (kb_copy / "qa" / "huge.yaml").open("wb") as f:
        f.truncate(200_000_000)
    tracemalloc.start()
    try:
        (problem,) = problems(kb_copy, KnowledgeLimits(max_file_bytes=2_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "huge.yaml:0: 200,000,000 bytes, over the limit" in problem
    assert peak < 50_000_000


def test_the_knowledge_together_is_capped(kb_copy: Path) -> None:
    total = sum(p.stat().st_size for p in kb_copy.rglob("*") if p.is_file())
    (problem,) = problems(kb_copy, KnowledgeLimits(max_total_bytes=total // 2))
    assert f"come to more than {total // 2:,} bytes, the limit for all of them" in problem
    assert "([knowledge] max_total_bytes)" in problem


def test_a_special_file_is_refused_without_reading_it(kb_copy: Path) -> None:
    os.mkfifo(kb_copy / "qa" / "pipe.yaml")  # opening it would wait for a writer forever
    (problem,) = problems(kb_copy)
    assert problem == "knowledge/qa/pipe.yaml:0: not a regular file"


def test_the_defaults_leave_room_for_a_knowledge_base_of_100k_variants() -> None:
    # benchmarks/bench_resolver.py's synthetic 100,000 variants: 6.6 MB in one file.
    limits = KnowledgeLimits()
    assert limits.max_file_bytes >= 3 * 6_633_047
    assert limits.max_total_bytes >= 2 * limits.max_file_bytes


def test_reported_problems_are_bounded_in_number_and_length(kb_copy: Path) -> None:
    bad = "\n".join(f"  - id: bad.i{n}\n    {'z' * 1000}{n}: 1" for n in range(500))
    (kb_copy / "qa" / "bad.yaml").write_text("intents:\n" + bad + "\n", encoding="utf-8")
    limits = KnowledgeLimits(max_errors=20, max_error_chars=200)
    found = problems(kb_copy, limits)
    assert len(found) == 21
    assert all(len(p) <= 200 for p in found)
    assert found[-1].startswith("knowledge/qa/bad.yaml:0: … and ") and "more problems" in found[-1]


def test_a_hostile_file_name_is_reported_without_its_control_characters(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = os.fsencode(kb_copy / "qa") + b"/bad\xff\x1b[31m.yaml"  # not UTF-8, an escape
    with open(name, "w", encoding="utf-8") as f:
        f.write("a: [")
    assert main(["kb", "validate", str(kb_copy)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("knowledge/qa/bad??[31m.yaml:1: YAML syntax:")


def _calls_to_load(root: Path) -> int:
    """Python function calls that one load of `root` makes, refused or not: a measure of its
    work that does not depend on how busy the machine is."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        load_knowledge(root)
    except KnowledgeError:
        pass
    finally:
        profile.disable()
    return pstats.Stats(profile).total_calls


def _many_intents(n: int, quote: str) -> str:
    lines = ["intents:"]
    for k in range(n):
        lines += [
            f"  - id: many.i{k}",
            f"    questions: {{de: ['Frage Nummer {k}?'], en: ['Question number {k}?']}}",
            f"    answer: {{de: 'Antwort {k}.', en: 'Answer {k}.'}}",
            f"    cite: [{{source: article, locator: '§4', quote: '{quote}'}}]",
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda t: t.replace("2014'}]\n", "2015'}]\n", 1), id="one quote not verbatim"),
        pytest.param(lambda t: t.replace("answer: {", "answer: [{"), id="a schema error in each"),
    ],
)
def test_refusing_a_bad_file_costs_about_what_loading_a_good_one_does(
    kb_copy: Path, spoil: Callable[[str], str]
) -> None:
    # Finding the problems' lines used to re-read every file with ruamel.yaml (pure Python):
    # a 6.6 MB file with one bad quote took 33 s and 450 MB to refuse.
    path = kb_copy / "qa" / "many.yaml"
    text = _many_intents(1000, "Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    path.write_text(text, encoding="utf-8")
    good = _calls_to_load(kb_copy)
    path.write_text(spoil(text), encoding="utf-8")
    assert problems(kb_copy)[0].startswith("knowledge/qa/many.yaml:")
    assert _calls_to_load(kb_copy) < 3 * good


def test_only_the_problems_that_are_reported_are_located(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each of 100,000 schema errors was located and worded, then all but 50 thrown away:
    # 300,000 tiny bad intents (3.6 MB) took 89 s and 1.8 GB to refuse.
    (kb_copy / "qa" / "many.yaml").write_text("intents: [" + "1, " * 100_000 + "]\n")
    located = []
    line_of = knowledge._line_of
    monkeypatch.setattr(knowledge, "_line_of", lambda *a: located.append(a) or line_of(*a))
    found = problems(kb_copy, KnowledgeLimits(max_errors=50))
    assert found[0].startswith("knowledge/qa/many.yaml:1: intents.0: Input should be a valid dict")
    assert found[-1] == "knowledge/qa/many.yaml:0: … and 99,950 more problems"
    assert len(located) <= 50


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_file_is_reported_at_its_line(kb_copy: Path, char: str) -> None:
    # It was line 0 with the reader's own second line ('in "<unicode string>", position 18').
    (kb_copy / "qa" / "bad.yaml").write_text(f"intents:\n  - id: x{char}y\n", encoding="utf-8")
    (problem,) = problems(kb_copy)
    assert problem == (f"knowledge/qa/bad.yaml:2: YAML: character U+{ord(char):04X} is not allowed")


def _intent_with_variants(de_variants: str) -> str:
    quote = "Die erfolgreiche Gründung von SenseTime im Jahr 2014"
    return (
        "intents:\n  - id: alias.one\n"
        f"    questions: {{de: {de_variants}, en: [Question?]}}\n"
        "    answer: {de: Antwort., en: Answer.}\n"
        f"    cite: [{{source: article, locator: '§4', quote: '{quote}'}}]\n"
    )


def test_aliases_cannot_make_a_file_bigger_than_the_cap(kb_copy: Path) -> None:
    # 20,000 aliases of one 1,000-character variant: a 120 KB file that is 20 MB of
    # variants to check and index (with 100 KB variants the load took minutes).
    long = "wie viele " * 100
    variants = f"[&v '{long}', " + ", ".join(["*v"] * 20_000) + "]"
    (kb_copy / "qa" / "alias.yaml").write_text(_intent_with_variants(variants), encoding="utf-8")
    (problem,) = problems(kb_copy, KnowledgeLimits(max_file_bytes=1_000_000))
    assert problem.startswith("knowledge/qa/alias.yaml:0: with its aliases written out, ")
    assert "over the limit of 1,000,000 bytes per file ([knowledge] max_file_bytes)" in problem


@pytest.mark.parametrize(
    "before", ['{"k":', "[x,", "{?"], ids=["a quoted key's colon", "a comma", "an explicit key"]
)
def test_aliases_are_measured_when_an_anchor_follows_a_flow_indicator_without_a_space(
    kb_copy: Path, before: str
) -> None:
    # `{"k":&v …}`, `[x,&v …]` and `{?&v …}` are valid YAML. The anchor detector missed the
    # first and the last, so a 120 KB intents file of this shape was loaded as 20 MB of
    # variants (with `?`, checked against the schema as 20 MB).
    aliases = ", ".join(["*v"] * 20_000)
    close = "}" if before.startswith("{") else "]"
    text = f"a: {before}&v '{'wie viele ' * 100}'{close}\nb: [{aliases}]\n"
    (kb_copy / "qa" / "alias.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems(kb_copy, KnowledgeLimits(max_file_bytes=1_000_000))
    assert problem.startswith("knowledge/qa/alias.yaml:0: with its aliases written out, ")


def test_a_file_too_deep_to_measure_is_refused_for_that_not_for_a_size_it_does_not_have(
    kb_copy: Path,
) -> None:
    # An anchor in a file nested 900 deep: the measure of its aliases ran out of stack and
    # the problem said "this file holds 20,000,001 characters" (of 1,800).
    (kb_copy / "qa" / "deep.yaml").write_text(f"a: &x {'[' * 900}{']' * 900}\n", "utf-8")
    (problem,) = problems(kb_copy)
    assert problem == "knowledge/qa/deep.yaml:0: nested too deep to measure what its aliases hold"


def test_an_alias_that_stays_under_the_cap_is_fine(kb_copy: Path) -> None:
    variants = "[&v 'Wie alt ist die Firma aus dem Artikel?', *v]"
    (kb_copy / "qa" / "alias.yaml").write_text(_intent_with_variants(variants), encoding="utf-8")
    assert "alias.one" in {i.id for i in load_knowledge(kb_copy).intents}


def test_a_file_that_contains_itself_is_a_problem_not_a_hang(kb_copy: Path) -> None:
    (kb_copy / "qa" / "loop.yaml").write_text("intents: &a [*a]\n", encoding="utf-8")
    (problem,) = problems(kb_copy)
    assert problem.startswith("knowledge/qa/loop.yaml:")


def test_a_file_the_knowledge_links_to_is_not_repeated_in_its_problems(
    kb_copy: Path, tmp_path: Path
) -> None:
    # README: problem reports repeat no content of what they read. An intents file that is a
    # symlink to a file outside (/etc/shadow, for a bot run as root) printed its lines as
    # unknown keys ("postgres:!:20593:…: Extra inputs"), in the log and in /kb reload.
    outside = tmp_path / "shadow"
    outside.write_text("root:$6$s4lt$h4shh4shh4sh:19000:0:99999:7:::\n", encoding="utf-8")
    (kb_copy / "qa" / "linked.yaml").symlink_to(outside)
    found = problems(kb_copy)
    assert found and all(p.startswith("knowledge/qa/linked.yaml:1: ") for p in found)
    assert not [p for p in found if "h4sh" in p or "root" in p]


def test_a_misspelt_key_is_still_named(kb_copy: Path) -> None:
    replace_in(kb_copy / "qa" / "sensetime.yaml", "answer:", "anwser:")
    found = problems(kb_copy)
    assert any("anwser: Extra inputs are not permitted" in p for p in found)


def test_the_content_hash_is_of_the_bytes_loaded_not_read_again(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hash read every file a second time, whole and after the checks: a file an editor
    # renamed away (or over) in between was a FileNotFoundError out of the load ("knowledge
    # reload: unexpected error" and a traceback), a file swapped for a bigger one was read
    # with no cap, and the hash named files other than the knowledge loaded.
    before = load_knowledge(kb_copy).content_hash

    def gone(path: Path) -> bytes:
        raise FileNotFoundError(2, "No such file or directory", str(path))

    monkeypatch.setattr(Path, "read_bytes", gone)
    assert load_knowledge(kb_copy).content_hash == before
