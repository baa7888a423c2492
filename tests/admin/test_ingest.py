"""`qabot kb ingest`: a new source registered, and a draft whose every quote verifies."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from bot import kb_edit
from bot.cli import main
from bot.ingest import IngestError, ingest, statements
from bot.kb_edit import round_trip_yaml
from bot.knowledge import load_knowledge
from bot.lint import lint_drafts
from bot.settings import KnowledgeLimits
from tests.admin.conftest import ALIASES
from tests.conftest import KNOWLEDGE

ARTICLE = KNOWLEDGE / "sources" / "article.txt"


def test_ingest_of_our_article_drafts_verbatim_quotes(kb_copy: Path) -> None:
    live = load_knowledge(kb_copy)
    sources_before = (kb_copy / "sources.yaml").read_text(encoding="utf-8")
    result = ingest(kb_copy, ARTICLE, "scmp_ai_hub")

    assert result.source_file == kb_copy / "sources" / "scmp_ai_hub.txt"
    assert result.source_file.read_text(encoding="utf-8") == ARTICLE.read_text(encoding="utf-8")
    sources_after = (kb_copy / "sources.yaml").read_text(encoding="utf-8")
    assert sources_after.startswith(sources_before)  # comments and entries kept, one appended
    assert "id: scmp_ai_hub" in sources_after and "lang: de" in sources_after

    kb = load_knowledge(kb_copy)  # still valid, and the draft is not live
    assert len(kb.intents) == len(live.intents) and "scmp_ai_hub" in kb.sources
    draft = round_trip_yaml().load(result.draft.read_text(encoding="utf-8"))["intents"]
    assert len(draft) == len(result.statements) >= 12
    source = kb.sources["scmp_ai_hub"]
    for entry in draft:
        (cite,) = entry["cite"]
        assert cite["source"] == "scmp_ai_hub"
        assert cite["quote"] in source.paragraph(cite["locator"])  # verbatim, right paragraph
    assert lint_drafts(kb_copy, kb, KnowledgeLimits()) == []
    quotes = " ".join(str(e["cite"][0]["quote"]) for e in draft)
    for figure in ("41 %", "49 %", "44 %", "HK$3 Milliarden", "2014", "2035", "200", "neun"):
        assert figure in quotes, figure


def test_ingested_files_are_created_as_any_new_file_and_sources_keep_their_mode(
    kb_copy: Path,
) -> None:
    # Files were written through mkstemp and kept its 0600: a bot reading the knowledge
    # as another user could not read the new source, nor sources.yaml after the edit.
    umask = os.umask(0o022)
    try:
        (kb_copy / "sources.yaml").chmod(0o664)
        result = ingest(kb_copy, ARTICLE, "scmp_ai_hub")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((kb_copy / "sources.yaml").stat().st_mode) == 0o664
    for new in (result.source_file, result.draft):
        assert stat.S_IMODE(new.stat().st_mode) == 0o644


def test_statements_find_figures_and_named_bodies() -> None:
    found = statements(ARTICLE.read_text(encoding="utf-8"))
    by_quote = {s.quote: s for s in found}
    hkpc = next(s for q, s in by_quote.items() if q.startswith("Das Hong Kong Productivity"))
    assert hkpc.locator == "§7" and "2023" in hkpc.figures and "HKPC" in hkpc.bodies
    bullet = next(s for q, s in by_quote.items() if q.startswith("63%"))
    assert bullet.figures == ("63%",)


def test_ingest_refuses_a_taken_id_and_leaves_nothing_behind(kb_copy: Path) -> None:
    with pytest.raises(IngestError, match="taken"):
        ingest(kb_copy, ARTICLE, "article")
    # "$" also matches before a final newline: "abc\n" named files with a newline in them
    # and wrote a draft that is no YAML.
    for bad in ("Bad Id", "abc\n", "abc\n\n", ""):
        with pytest.raises(IngestError, match="lower-case"):
            ingest(kb_copy, ARTICLE, bad)
    assert not (kb_copy / "drafts").exists()
    assert sorted(p.name for p in (kb_copy / "sources").iterdir()) == ["article.txt"]


def test_a_draft_quote_that_no_longer_verifies_is_a_warning(kb_copy: Path) -> None:
    result = ingest(kb_copy, ARTICLE, "copy2")
    text = result.draft.read_text(encoding="utf-8")
    result.draft.write_text(text.replace("41 % der", "14 % der"), encoding="utf-8")
    (finding,) = lint_drafts(kb_copy, load_knowledge(kb_copy), KnowledgeLimits())
    assert str(finding).startswith("knowledge/drafts/copy2.yaml:")
    assert "draft quote does not verify" in str(finding)


@pytest.mark.parametrize(
    ("first_line", "title", "registered"),
    [
        ("\ufeffTitel des Artikels", None, "Titel des Artikels"),
        ("Titel\0 mit\x1b[31m NUL", None, "Titel mit[31m NUL"),
        ("Titel", "Ein\0 Titel\u202e\tneu", "Ein Titel neu"),
    ],
    ids=["a BOM", "a NUL and an escape", "--title with controls"],
)
def test_a_title_keeps_no_bom_nor_control_characters(
    kb_copy: Path, tmp_path: Path, first_line: str, title: str | None, registered: str
) -> None:
    """A BOM (an editor's UTF-8 mark) opening the article stood in its title, its copied
    source and its first quote; a NUL or an ESC in the title was registered as it came."""
    article = tmp_path / "article.txt"
    article.write_text(f"{first_line}\nDie HKPC meldet 41 % mehr Anfragen.\n", encoding="utf-8")
    result = ingest(kb_copy, article, "next_article", title=title)
    sources = round_trip_yaml().load((kb_copy / "sources.yaml").read_text(encoding="utf-8"))
    assert sources["sources"][-1]["title"] == registered
    assert "next_article" in load_knowledge(kb_copy).sources
    assert not result.source_file.read_text(encoding="utf-8").startswith("\ufeff")


@pytest.mark.parametrize(
    "odd",
    ["\x7f", "\x80", "\x9b31m", "\ufffe", "\uffff"],
    ids=["DEL", "a C1 control", "a C1 CSI", "U+FFFE", "U+FFFF"],
)
def test_a_draft_of_an_article_with_characters_yaml_has_no_room_for_still_reads(
    kb_copy: Path, tmp_path: Path, odd: str
) -> None:
    """A DEL or a C1 control in a sentence with a figure (text pasted from a PDF or an old
    Windows page) was written raw into the draft's double-quoted scalars, where YAML allows
    none: `kb validate` said "draft not checked (YAML syntax: unacceptable character …)"
    of a draft ingest had just called done. Written as YAML's escapes, it reads back as the
    source's own text, and every quote still verifies."""
    article = tmp_path / "article.txt"
    article.write_text(f"Titel\nDie HKPC meldet{odd} 41 % mehr Anfragen.\n", encoding="utf-8")
    result = ingest(kb_copy, article, "next_article")
    draft = round_trip_yaml().load(result.draft.read_text(encoding="utf-8"))["intents"]
    (cite,) = draft[0]["cite"]
    assert cite["quote"] == f"Die HKPC meldet{odd} 41 % mehr Anfragen."
    kb = load_knowledge(kb_copy)
    assert cite["quote"] in kb.sources["next_article"].paragraph(cite["locator"])
    assert lint_drafts(kb_copy, kb, KnowledgeLimits()) == []


def test_an_article_whose_first_line_has_no_words_needs_a_title(
    kb_copy: Path, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("\0\u200b\x07\nDie HKPC meldet 41 % mehr Anfragen.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="--title"):
        ingest(kb_copy, article, "next_article")
    ingest(kb_copy, article, "next_article", title="Anfragen")


def test_an_overlong_id_or_title_is_refused_and_nothing_is_written(
    kb_copy: Path, tmp_path: Path
) -> None:
    """An id of 5,000 characters was an OSError quoting it whole ("File name too long"),
    one of 200 was registered; a title of 100,000 characters (or a text without a title
    line, whose whole first paragraph became the title) went into every citation."""
    before = (kb_copy / "sources.yaml").read_text(encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text("Anfragen\nDie HKPC meldet 41 % mehr Anfragen.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="at most 60") as info:
        ingest(kb_copy, article, "a" * 5000)
    assert len(str(info.value)) < 100
    with pytest.raises(IngestError, match="at most 60"):
        ingest(kb_copy, article, "a" * 61)
    with pytest.raises(IngestError, match="title is over 200"):
        ingest(kb_copy, article, "next_article", title="T" * 100_000)
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("Die HKPC meldet 41 % mehr Anfragen. " * 20 + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match="--title"):
        ingest(kb_copy, untitled, "next_article")
    assert (kb_copy / "sources.yaml").read_text(encoding="utf-8") == before
    assert not (kb_copy / "sources" / "next_article.txt").exists()
    ingest(kb_copy, article, "a" * 60, title="T" * 200)


def test_cli_ingest(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "ingest", str(ARTICLE), "--id", "again", "--kb", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    assert "drafts/again.yaml" in out and "statements" in out
    assert main(["kb", "ingest", str(ARTICLE), "--id", "again", "--kb", str(kb_copy)]) == 1


@pytest.mark.parametrize(
    ("sources", "problem"),
    [
        ("sources: [\n", "sources.yaml:2: YAML syntax"),
        ("", "sources.yaml:1: file: Input should be a valid dictionary"),
        ("sources: {a: 1}\n", "sources.yaml:1: sources: Input should be a valid list"),
        ("sources:\n  - 5\n", "sources.yaml:2: sources.0: Input should be a valid dictionary"),
    ],
    ids=["a syntax error", "empty", "a mapping", "a list of numbers"],
)
def test_ingest_into_a_broken_sources_file_is_refused_with_its_line(
    kb_copy: Path, capsys: pytest.CaptureFixture[str], sources: str, problem: str
) -> None:
    # A half-done edit of sources.yaml: ingest raised ruamel's ParserError, a TypeError or an
    # AttributeError, a traceback; `kb validate` names the same problem with its line.
    (kb_copy / "sources.yaml").write_text(sources, encoding="utf-8")
    with pytest.raises(IngestError, match=problem):
        ingest(kb_copy, ARTICLE, "scmp_ai_hub")
    assert main(["kb", "ingest", "--kb", str(kb_copy), str(ARTICLE), "--id", "x"]) == 1
    assert problem in capsys.readouterr().out
    assert sorted(p.name for p in (kb_copy / "sources").iterdir()) == ["article.txt"]
    assert not (kb_copy / "drafts").exists()


def test_ingest_refuses_a_sources_file_the_loader_refuses_before_reading_it_into_data(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # sources.yaml was read whole (no size cap, a FIFO blocked) and loaded by ruamel as it
    # was: aliases the loader measures and refuses were then written out by str() (a source
    # id of `*l7`, a 500-byte file, held `kb ingest` 10 s; `*l8`, minutes and gigabytes).
    (kb_copy / "sources.yaml").write_text(
        ALIASES + "sources:\n  - {id: *l8, file: x.txt}\n", encoding="utf-8"
    )
    loaded = []
    monkeypatch.setattr(kb_edit.YAML, "load", lambda yaml, text: loaded.append(text))
    with pytest.raises(IngestError, match=r"sources\.yaml:0: with its aliases written out"):
        ingest(kb_copy, ARTICLE, "scmp_ai_hub")
    assert loaded == []


def test_ingest_beside_a_source_kept_outside_the_knowledge_directory(tmp_path: Path) -> None:
    # README: a source's `file:` may point anywhere, `../…` too. Ingest checked its edit
    # on a copy of the directory in /tmp, where `../shared/article.txt` was not there:
    # "cannot read: No such file … knowledge/../shared/article.txt", a path that exists.
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    (tmp_path / "shared").mkdir()
    (kb / "sources" / "article.txt").rename(tmp_path / "shared" / "article.txt")
    sources = kb / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("sources/article.txt", "../shared/article.txt"), "utf-8")
    load_knowledge(kb)  # a valid directory

    result = ingest(kb, ARTICLE, "scmp_ai_hub")
    assert "scmp_ai_hub" in load_knowledge(kb).sources and result.draft.is_file()


def test_ingest_reads_the_article_as_the_loader_would_under_the_configured_limits(
    kb_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ingest checked its edit with the default limits and read the article whole, whatever
    # it was: an article over the configured [knowledge] max_file_bytes was registered, and
    # the bot (which loads with that limit) refused every reload from then on; /dev/zero was
    # read until the kernel killed the process.
    monkeypatch.setenv("QABOT_KNOWLEDGE__MAX_FILE_BYTES", "30000")
    big = tmp_path / "big.txt"
    big.write_text("Hong Kong hat 44 % Wachstum.\n" * 1500, encoding="utf-8")  # 43,500 bytes
    args = ["kb", "ingest", "--kb", str(kb_copy), str(big), "--id", "big"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "43,500 bytes, over the limit of 30,000 bytes per file" in out
    assert sorted(p.name for p in (kb_copy / "sources").iterdir()) == ["article.txt"]

    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)  # opening it would wait for a writer forever
    assert main(["kb", "ingest", "--kb", str(kb_copy), str(pipe), "--id", "pipe"]) == 1
    assert "not a regular file" in capsys.readouterr().out
