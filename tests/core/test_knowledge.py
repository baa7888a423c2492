"""The loader: the shipped knowledge is valid; each kind of broken file names its line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.knowledge import load_knowledge
from tests.conftest import KNOWLEDGE


def _problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


def test_shipped_knowledge_is_valid() -> None:
    kb = load_knowledge(KNOWLEDGE)
    assert len(kb.intents) >= 40
    assert len(kb.facts) >= 15
    assert kb.variant_count >= 500
    assert len(kb.content_hash) == 12


def test_every_citation_is_verbatim_in_its_paragraph() -> None:
    kb = load_knowledge(KNOWLEDGE)
    cites = [c for i in kb.intents for c in i.cite] + [f.cite for f in kb.facts]
    for cite in cites:
        assert cite.quote in kb.sources[cite.source].paragraph(cite.locator)


def test_every_article_intent_answers_in_both_languages_with_variants() -> None:
    kb = load_knowledge(KNOWLEDGE)
    for intent in kb.intents:
        assert intent.answer.de and intent.answer.en
        assert intent.questions.de and intent.questions.en


def test_hash_changes_with_content(kb_copy: Path) -> None:
    before = load_knowledge(kb_copy).content_hash
    path = kb_copy / "qa" / "sensetime.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert load_knowledge(kb_copy).content_hash != before


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_source_file_outside_the_directory_is_read(
    where: str, kb_copy: Path, tmp_path: Path
) -> None:
    # The README allows a source `file:` anywhere (an absolute path, ../…); the content
    # hash named each file relative to the directory and failed on an absolute one:
    # "cannot load: ValueError: … is not in the subpath".
    article = tmp_path / "elsewhere" / "article.txt"
    article.parent.mkdir()
    (kb_copy / "sources" / "article.txt").replace(article)
    file = article if where == "absolute" else Path("..") / "elsewhere" / "article.txt"
    sources = kb_copy / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("sources/article.txt", str(file)), encoding="utf-8")
    kb = load_knowledge(kb_copy)
    assert kb.sources["article"].paragraphs and article in {p.resolve() for p in kb.files}
    before = kb.content_hash
    article.write_text(article.read_text(encoding="utf-8") + "\nNoch ein Absatz.\n", "utf-8")
    assert load_knowledge(kb_copy).content_hash != before


def _write_intents(root: Path, body: str) -> Path:
    path = root / "qa" / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    return path


VALID_INTENT = """intents:
  - id: test.one
    questions:
      de: [Eine Testfrage zum Artikel?]
      en: [A test question about the article?]
    answer:
      de: SenseTime wurde 2014 gegründet.
      en: SenseTime was founded in 2014.
    cite:
      - source: article
        locator: "§4"
        quote: "{quote}"
"""


def test_quote_not_verbatim_is_refused_with_its_line(kb_copy: Path) -> None:
    _write_intents(kb_copy, VALID_INTENT.format(quote="SenseTime wurde 2014 gegründet"))
    problems = _problems(kb_copy)
    assert problems == [
        "knowledge/qa/broken.yaml:12: quote not verbatim in article §4: "
        "'SenseTime wurde 2014 gegründet'"
    ]


def test_quote_in_another_paragraph_names_the_right_one(kb_copy: Path) -> None:
    quote = "Die Herausforderung bleibt jedoch die Rekrutierung von technischem Talent."
    _write_intents(kb_copy, VALID_INTENT.format(quote=quote))
    (problem,) = _problems(kb_copy)
    assert problem.startswith("knowledge/qa/broken.yaml:12: quote stands in §9, not §4")


def test_yaml_syntax_error_names_its_line(kb_copy: Path) -> None:
    _write_intents(kb_copy, "intents:\n  - id: x\n    questions: [unclosed\n")
    (problem,) = _problems(kb_copy)
    assert problem.startswith("knowledge/qa/broken.yaml:")
    assert "YAML syntax" in problem


def test_schema_error_names_the_field_and_line(kb_copy: Path) -> None:
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    _write_intents(kb_copy, body.replace("      en: [A test question about the article?]\n", ""))
    (problem,) = _problems(kb_copy)
    assert problem.startswith("knowledge/qa/broken.yaml:3: intents.0.questions.en: Field required")


def test_unknown_field_is_an_error(kb_copy: Path) -> None:
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    _write_intents(kb_copy, body.replace("    answer:", "    answr: x\n    answer:"))
    (problem,) = _problems(kb_copy)
    assert "broken.yaml:6: intents.0.answr: Extra inputs are not permitted" in problem


def test_duplicate_intent_id_and_variant(kb_copy: Path) -> None:
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    _write_intents(kb_copy, body + body[len("intents:\n") :])
    problems = _problems(kb_copy)
    assert any("duplicate intent id 'test.one'" in p for p in problems)
    assert any("also under test.one (knowledge/qa/broken.yaml:2)" in p for p in problems)


def test_duplicate_source_and_concept_ids_are_named(kb_copy: Path) -> None:
    """A second source with an id already used replaced the first: 71 problems of another
    kind ("article has no paragraph §7", at every citation), none naming the cause; a
    second concept with an id already used was merged with the first without a word."""
    other = "  - id: article\n    file: sources/other.txt\n    title: Other\n    lang: en\n"
    (kb_copy / "sources" / "other.txt").write_text("Another text.\n", encoding="utf-8")
    sources = kb_copy / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + other, encoding="utf-8")
    assert _problems(kb_copy) == ["knowledge/sources.yaml:10: duplicate source id 'article'"]

    (kb_copy / "sources.yaml").write_text((KNOWLEDGE / "sources.yaml").read_text("utf-8"), "utf-8")
    concepts = kb_copy / "concepts.yaml"
    text = concepts.read_text(encoding="utf-8")
    concepts.write_text(text + "  - id: ai\n    terms: [zorgword, blorgword]\n", "utf-8")
    line = text.count("\n") + 1
    assert _problems(kb_copy) == [f"knowledge/concepts.yaml:{line}: duplicate concept id 'ai'"]


@pytest.mark.parametrize("cache", [None, "in memory"])
def test_a_key_twice_in_one_mapping_is_refused_at_its_line(kb_copy: Path, cache: str) -> None:
    """PyYAML keeps the last of two equal keys: a second `intents:` appended to a file
    dropped every intent above it, a second `en:` the first answer, and `kb validate` said
    ok. Refused at the second key's line, naming the first (also through the index cache,
    the running bot's way)."""
    from bot.index_cache import IndexCache

    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    index = IndexCache(None) if cache else None
    _write_intents(kb_copy, body + body.replace("test.one", "test.two"))
    (problem,) = _problems_with(kb_copy, index)
    assert problem.startswith("knowledge/qa/broken.yaml:13: ")
    assert "the key 'intents' twice in one mapping (first at line 1)" in problem

    twice = "      en: First answer.\n      en: SenseTime was"
    answers = body.replace("      en: SenseTime was", twice)
    _write_intents(kb_copy, answers)
    (problem,) = _problems_with(kb_copy, index)
    assert problem.startswith("knowledge/qa/broken.yaml:9: ")
    assert "the key 'en' twice in one mapping (first at line 8)" in problem


def test_a_merge_key_may_be_overridden(kb_copy: Path) -> None:
    """A key of a mapping's own that overrides one a merge key (`<<: *base`) brings in is
    no key twice."""
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    cite = '      - source: article\n        locator: "§4"\n'
    merged = '      - source: article\n        <<: {locator: "§1"}\n        locator: "§4"\n'
    _write_intents(kb_copy, body.replace(cite, merged))
    assert "test.one" in {i.id for i in load_knowledge(kb_copy).intents}


def _problems_with(root: Path, cache: object) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root, cache=cache)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_missing_citation_and_unknown_source(kb_copy: Path) -> None:
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    _write_intents(kb_copy, body.replace("source: article", "source: nowhere"))
    (problem,) = _problems(kb_copy)
    assert problem == "knowledge/qa/broken.yaml:10: unknown source 'nowhere'"


def test_unknown_paragraph_is_reported_at_the_locator(kb_copy: Path) -> None:
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    _write_intents(kb_copy, body.replace('locator: "§4"', 'locator: "§99"'))
    (problem,) = _problems(kb_copy)
    assert problem == "knowledge/qa/broken.yaml:11: article has no paragraph §99"


@pytest.mark.parametrize(
    ("locator", "problem"),
    [
        ("§04", "write §4: a paragraph number has no leading zero"),
        ("§000", "paragraphs count from §1; there is no §0"),
    ],
)
def test_a_locator_has_one_spelling(kb_copy: Path, locator: str, problem: str) -> None:
    """`§04` was taken as §4 and shown to users as `§04` (a search for §4 missed it):
    refused at its line, saying how to write it."""
    body = VALID_INTENT.format(quote="Die erfolgreiche Gründung von SenseTime im Jahr 2014")
    _write_intents(kb_copy, body.replace('locator: "§4"', f'locator: "{locator}"'))
    (found,) = _problems(kb_copy)
    assert found == f"knowledge/qa/broken.yaml:11: intents.0.cite.0.locator: Value error, {problem}"


def test_binary_file_is_a_file_error(kb_copy: Path) -> None:
    (kb_copy / "qa" / "binary.yaml").write_bytes(b"\xff\xfe\x00\x01garbage")
    (problem,) = _problems(kb_copy)
    assert problem.startswith("knowledge/qa/binary.yaml:1: cannot read")


def test_a_file_not_in_utf8_is_refused_at_the_line_of_its_first_other_byte(
    kb_copy: Path,
) -> None:
    # Saved as Latin-1 (or cp1252) by an editor: "cannot read: 'utf-8' codec can't decode
    # byte 0xf6 in position 205: invalid start byte" at line 0, a byte offset to count.
    path = kb_copy / "qa" / "hkpc.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("cp1252"))
    at = next(n for n, c in enumerate(text) if not c.isascii())
    line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    byte = text[at].encode("cp1252")[0]
    assert _problems(kb_copy) == [
        f"knowledge/qa/hkpc.yaml:{line}: cannot read: not UTF-8 at line {line}, column "
        f"{column} (byte {byte:#04x}); save the file as UTF-8"
    ]
    # A source text: named at its line in sources.yaml, the position in the message.
    article = kb_copy / "sources" / "article.txt"
    path.write_text(text, encoding="utf-8")
    article.write_bytes(article.read_text(encoding="utf-8").encode("cp1252"))
    (problem,) = _problems(kb_copy)
    assert problem.startswith(
        "knowledge/sources.yaml:5: source article: cannot read: not UTF-8 at line 1"
    )


def test_a_knowledge_file_named_yml_is_an_error_not_ignored(kb_copy: Path) -> None:
    # Only qa/*.yaml (and concepts.yaml) is read: qa/new.yml or concepts.yml was left out
    # without a word (`kb validate`: ok, the same hash), while the watcher reloaded on
    # every save of it.
    (kb_copy / "qa" / "new.yml").write_text((kb_copy / "qa" / "hkpc.yaml").read_text("utf-8"))
    (kb_copy / "concepts.yaml").rename(kb_copy / "concepts.yml")
    assert _problems(kb_copy) == [
        f"knowledge/{name}:0: not read: knowledge files end in .yaml; rename it"
        for name in ("concepts.yml", "qa/new.yml")
    ]


def test_a_knowledge_file_named_in_upper_case_is_an_error_not_ignored(kb_copy: Path) -> None:
    # A file saved by a tool that writes `.YAML` (or renamed so): `qa/sensetime.YAML` was
    # left out without a word (`kb validate`: ok), and the reload dropped its six intents.
    (kb_copy / "qa" / "sensetime.yaml").rename(kb_copy / "qa" / "sensetime.YAML")
    (kb_copy / "concepts.yaml").rename(kb_copy / "Concepts.yaml")
    assert _problems(kb_copy) == [
        f"knowledge/{name}:0: not read: knowledge files are named in lower case; rename it"
        for name in ("Concepts.yaml", "qa/sensetime.YAML")
    ]


def _editor_leftovers(qa: Path) -> None:
    """What editors and the OS leave beside the intents files: Emacs's lock of a modified
    buffer (a dangling symlink), a Mac's AppleDouble file (binary, from a tar made there),
    a hidden copy."""
    (qa / ".#hkpc.yaml").symlink_to("admin@host.4242:1700000000")
    (qa / ".#new.yml").symlink_to("admin@host.4242:1700000000")
    (qa / "._hkpc.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (qa / ".hkpc.yaml").write_text((qa / "hkpc.yaml").read_text("utf-8"), "utf-8")


def test_hidden_files_are_no_knowledge(kb_copy: Path) -> None:
    # The watcher and the reload signature skip hidden files (README: they do not count);
    # the loader read them: while an admin edited hkpc.yaml in Emacs every reload was
    # refused ("qa/.#hkpc.yaml:0: cannot read"), and a ._hkpc.yaml kept the bot from starting.
    before = load_knowledge(kb_copy).content_hash
    _editor_leftovers(kb_copy / "qa")
    assert load_knowledge(kb_copy).content_hash == before


def test_an_intents_file_in_a_subdirectory_of_qa_is_an_error_not_ignored(kb_copy: Path) -> None:
    # Only qa/*.yaml is read: qa/extra/new.yaml (intents sorted into folders) was left out
    # without a word (`kb validate`: ok, the same hash), while the watcher reloaded on
    # every save of it. A hidden folder is an editor's or the OS's, as a hidden file.
    for folder in ("extra", ".trash"):
        (kb_copy / "qa" / folder).mkdir()
        for name in ("new.yaml", "new.yml"):
            (kb_copy / "qa" / folder / name).write_text("intents: []\n", encoding="utf-8")
    assert _problems(kb_copy) == [
        f"knowledge/qa/extra/{name}:0: not read: intents files lie directly in qa/; move it"
        for name in ("new.yaml", "new.yml")
    ]


def test_missing_directory() -> None:
    (problem,) = _problems(Path("/nonexistent/knowledge"))
    assert "knowledge directory not found" in problem


def test_concept_term_in_two_concepts(kb_copy: Path) -> None:
    path = kb_copy / "concepts.yaml"
    path.write_text(
        "concepts:\n  - id: a\n    terms: [alpha, beta]\n  - id: b\n    terms: [gamma, Beta]\n",
        encoding="utf-8",
    )
    (problem,) = _problems(kb_copy)
    assert problem == "knowledge/concepts.yaml:5: term 'Beta' of b also in a"


@pytest.mark.parametrize("name", ["concepts.yaml", "facts.yaml"])
@pytest.mark.parametrize("what", ["a directory", "a link to nothing", "a FIFO"])
def test_a_top_file_that_is_no_file_is_refused_not_skipped(
    kb_copy: Path, name: str, what: str
) -> None:
    # concepts.yaml as anything but a file was skipped as absent: `kb validate` said ok and
    # a reload took a knowledge without its synonym table ("Wie viele Firmen nutzen KI?" then
    # answered about cloud computing); facts.yaml so was "file missing".
    path = kb_copy / name
    path.unlink()
    if what == "a directory":
        path.mkdir()
    elif what == "a link to nothing":
        path.symlink_to(kb_copy / "gone.yaml")
    else:
        os.mkfifo(path)
    problems = [p for p in _problems(kb_copy) if p.startswith(f"knowledge/{name}:0:")]
    assert problems and "missing" not in problems[0], _problems(kb_copy)[:3]


def test_a_qa_folder_that_cannot_be_listed_is_said_so(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `chmod 000 qa` mid-run (or qa/ a file): "qa:0: no intent files (*.yaml)", while ten
    # of them lay there; glob keeps quiet about a folder it may not read.
    qa = kb_copy / "qa"
    scandir = os.scandir

    def denied(path: object = ".") -> object:
        if Path(str(path)) == qa:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", denied)
    problems = _problems(kb_copy)
    assert problems == [f"{qa}:0: cannot list the intents folder: Permission denied"]
