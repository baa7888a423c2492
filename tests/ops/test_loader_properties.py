"""Any knowledge file content → `file:line: message` problems, never another exception.

And a knowledge directory that disappears or turns unreadable under a running
bot: the reload fails with such a problem, the bot keeps answering.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import KnowledgeError
from bot.knowledge import load_knowledge
from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
PROBLEM = re.compile(r"^[^:]+:\d+: .+")
TARGETS = ("qa/x.yaml", "facts.yaml", "concepts.yaml", "sources.yaml")
RECRUITING = "How many companies have difficulties recruiting?"

# Field names of the knowledge files, so that generated documents get past the
# top-level check now and then and reach the per-field validation and cross-checks.
FIELDS = (
    "intents sources facts concepts id kind questions answer cite facts de en source "
    "locator quote label value as_of topics terms file title lang"
).split()
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["article", "smalltalk", "gap", "§1", "§999", "de", "en", "sources/x.txt"]),
    st.dates(),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
# YAML-ish fragments: tags, anchors, flow and block syntax, bad dates and numbers.
FRAGMENTS = [
    "intents:",
    "facts:",
    "- ",
    "  ",
    "\n",
    "a: ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&x ",
    "*x ",
    "*y ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!binary ",
    "!!timestamp ",
    "!!set ",
    "!!omap ",
    "!foo ",
    "2023-13-01",
    "2024-02-30",
    "0x",
    "1e999",
    ".nan",
    "<<: ",
    "|",
    ">",
    "'",
    '"',
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "#",
    "\t",
    "id: x",
    "kind: gap",
    "\x00",
    "\ufeff",
    "é",
]
yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)


def dump(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True)


contents = st.one_of(
    documents.map(dump),
    documents.map(lambda d: dump({"intents": [d]})),
    yamlish,
    st.text(max_size=300),
    st.binary(max_size=300),
)


def minimal_knowledge(dest: Path) -> Path:
    """A small valid copy of the knowledge: the sources, one intent file, one fact and concept.

    Small, because a broken file makes the loader read everything again, slowly,
    for line numbers: the full directory would make each example ~0.3 s.
    """
    shutil.copytree(KNOWLEDGE / "sources", dest / "sources")
    shutil.copy(KNOWLEDGE / "sources.yaml", dest / "sources.yaml")
    (dest / "qa").mkdir()
    shutil.copy(KNOWLEDGE / "qa" / "smalltalk.yaml", dest / "qa" / "smalltalk.yaml")
    for name, key in (("facts.yaml", "facts"), ("concepts.yaml", "concepts")):
        data = yaml.safe_load((KNOWLEDGE / name).read_text(encoding="utf-8"))
        (dest / name).write_text(dump({key: data[key][:1]}), encoding="utf-8")
    load_knowledge(dest)  # valid as it stands: every problem below is the test's doing
    return dest


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return minimal_knowledge(tmp_path_factory.mktemp("loader") / "knowledge")


@contextlib.contextmanager
def replaced(kb: Path, target: str, content: str | bytes) -> Iterator[Path]:
    """Write `content` as `target` for the body of a `with`, then put the original back."""
    path = kb / target
    original = path.read_bytes() if path.exists() else None
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        yield path
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


def check_problems(kb: Path, target: str) -> None:
    """The load succeeds, or fails with located problems; every one names the broken file."""
    try:
        load_knowledge(kb)
    except KnowledgeError as exc:
        assert exc.problems
        for problem in exc.problems:
            text = str(problem)
            assert PROBLEM.match(text), text
            assert text.startswith(f"knowledge/{target}:"), text


@pytest.mark.parametrize("target", TARGETS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=contents)
def test_any_file_content_gives_located_problems(kb: Path, target: str, content: Any) -> None:
    with replaced(kb, target, content):
        check_problems(kb, target)


@pytest.mark.parametrize(
    "content",
    [
        "intents:\n  - id: x\n    when: 2023-13-01\n",  # a date that does not exist
        "facts: !!bool yesno\n",
        "facts:\n  - !!int 0x\n",
        "[" * 1000,  # nesting deeper than the parser's recursion allows
        b"\xff\xfe not utf-8",
        "",
    ],
)
@pytest.mark.parametrize("target", TARGETS)
def test_known_nasty_contents(kb: Path, target: str, content: str | bytes) -> None:
    with replaced(kb, target, content):
        with pytest.raises(KnowledgeError):
            load_knowledge(kb)
        check_problems(kb, target)


# -- the directory under a running bot -------------------------------------------------


@pytest.fixture
def live_bot(kb_copy: Path) -> QABot:
    return QABot.from_settings(Settings(knowledge_dir=kb_copy, default_lang="en"))


def assert_still_answers(bot: QABot) -> None:
    answer = bot.ask(RECRUITING)
    assert answer.answered and "49" in answer.text


def test_a_deleted_directory_fails_the_reload_and_the_bot_keeps_answering(
    live_bot: QABot, kb_copy: Path
) -> None:
    before = live_bot.status().content_hash
    shutil.rmtree(kb_copy)
    result = live_bot.reload()
    assert not result.ok
    assert result.errors and all(PROBLEM.match(e) for e in result.errors), result.errors
    assert str(kb_copy) in result.errors[0]
    assert live_bot.status().content_hash == before
    assert_still_answers(live_bot)
    shutil.copytree(KNOWLEDGE, kb_copy)  # back: the next reload succeeds
    assert live_bot.reload().ok
    assert_still_answers(live_bot)


@pytest.mark.parametrize("how", ["directory", "not utf-8", "emptied"])
def test_an_unreadable_file_fails_the_reload_and_the_bot_keeps_answering(
    live_bot: QABot, kb_copy: Path, how: str
) -> None:
    # chmod cannot make a file unreadable to root (the CI container), so: a directory
    # where the file was, bytes that are not UTF-8, or a file cut to nothing mid-write.
    path = kb_copy / "qa" / "hkpc.yaml"
    path.unlink()
    if how == "directory":
        path.mkdir()
    elif how == "not utf-8":
        path.write_bytes(b"intents:\n  - id: \xff\xfe\n")
    else:
        path.write_text("")
    result = live_bot.reload()
    assert not result.ok
    assert result.errors and all(PROBLEM.match(e) for e in result.errors), result.errors
    assert all(e.startswith("knowledge/qa/hkpc.yaml:") for e in result.errors), result.errors
    assert_still_answers(live_bot)
