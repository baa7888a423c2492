"""The compiled-index cache: a start-up or reload compiles only the intents files that changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import bot.index_cache
import bot.knowledge
import bot.resolver
from bot.service import QABot
from bot.settings import Settings
from tests.conftest import KNOWLEDGE

QUESTIONS = ["Wer ist der CFO von SenseTime?", "how many firms struggle to hire", "hpc", "danke"]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root


def _settings(kb: Path, cache: Path | None) -> Settings:
    return Settings(knowledge_dir=kb, index_cache_dir=cache, unanswered={"enabled": False})


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many intents files were parsed, and how many intents analysed, from now on."""
    counts = {"parsed": 0, "analysed": 0}
    fast_load, index_intents = bot.knowledge._fast_load, bot.index_cache.index_intents

    def parsed(text: str) -> object:
        counts["parsed"] += text.lstrip().startswith(("intents", "#")) and "intents:" in text
        return fast_load(text)

    def analysed(kb: bot.knowledge.KnowledgeBase, only: range, *indexer: object) -> list:
        counts["analysed"] += len(only)
        return index_intents(kb, only, *indexer)

    monkeypatch.setattr(bot.knowledge, "_fast_load", parsed)
    monkeypatch.setattr(bot.index_cache, "index_intents", analysed)
    return counts


def test_a_second_start_compiles_nothing(kb: Path, tmp_path: Path, compiled: dict) -> None:
    first = QABot.from_settings(_settings(kb, tmp_path / "cache"))
    assert compiled["parsed"] == len(list((kb / "qa").glob("*.yaml")))
    assert compiled["analysed"] == len(first.store.current.kb.intents)
    compiled.update(parsed=0, analysed=0)
    second = QABot.from_settings(_settings(kb, tmp_path / "cache"))
    assert compiled == {"parsed": 0, "analysed": 0}
    for q in QUESTIONS:
        assert second.ask(q) == first.ask(q)


def test_a_reload_compiles_only_the_changed_file(kb: Path, compiled: dict) -> None:
    qabot = QABot.from_settings(_settings(kb, None))  # the cache in memory only
    path = kb / "qa" / "hkstp.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    in_file = path.read_text(encoding="utf-8").count("- id:")
    compiled.update(parsed=0, analysed=0)
    assert qabot.reload().ok
    assert compiled == {"parsed": 1, "analysed": in_file}


def test_a_cached_index_answers_exactly_as_a_fresh_one(kb: Path, tmp_path: Path) -> None:
    warm = tmp_path / "cache"
    QABot.from_settings(_settings(kb, warm))
    cached = QABot.from_settings(_settings(kb, warm))
    fresh = QABot.from_settings(_settings(kb, None))
    for q in QUESTIONS:
        a, b = cached.store.current.resolver.resolve(q), fresh.store.current.resolver.resolve(q)
        # the same candidates and signals; a sum over a set may differ in its last bit, as it
        # does between two processes (string hashing, so set order, is per process)
        assert [c.key for c in a.ranked] == [c.key for c in b.ranked]
        assert [c.score for c in a.ranked] == pytest.approx([c.score for c in b.ranked])
        assert [c.f1 for c in a.ranked] == pytest.approx([c.f1 for c in b.ranked])
        assert cached.ask(q) == fresh.ask(q)


def test_a_broken_or_unwritable_cache_costs_speed_not_answers(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = QABot.from_settings(_settings(kb, cache)).ask(QUESTIONS[0])
    for stored in cache.glob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    assert QABot.from_settings(_settings(kb, cache)).ask(QUESTIONS[0]) == expected
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    assert QABot.from_settings(_settings(kb, blocked)).ask(QUESTIONS[0]) == expected


def test_the_cache_on_disk_keeps_what_is_used_and_as_much_again(kb: Path, tmp_path: Path) -> None:
    # Each edit of an intents file leaves a compiled copy of the whole file; only their
    # number was bounded (1,000), so a large file edited often (one of 100,000 variants
    # compiles to ~23 MB) filled the disk. The copies of the files in use stay, and the
    # most recently used others while they take no more room than those.
    cache = tmp_path / "cache"
    QABot.from_settings(_settings(kb, cache))
    used = {p.name: p.stat().st_size for p in cache.glob("*.pickle")}
    size = sum(used.values()) // 2 + 1
    stale = [cache / f"{n:064x}-0000000000000000.pickle" for n in range(4)]
    for n, path in enumerate(stale):  # stale[3] used last
        path.write_bytes(b"x" * size)
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    assert QABot.from_settings(_settings(kb, cache)).ask(QUESTIONS[0]).answered
    kept = {p.name for p in cache.glob("*.pickle")}
    assert kept == {*used, stale[3].name}


def test_the_cache_trims_only_its_own_files(kb: Path, tmp_path: Path) -> None:
    # index_cache_dir is a setting ("~/.cache", "/tmp" would do): the trim took every
    # *.pickle there for one of its own copies, and deleted another program's files (a
    # 5 MB model, older and larger than the cache's own room) at the first start.
    cache = tmp_path / "cache"
    cache.mkdir()
    theirs = [cache / "model.pickle", cache / f"{0:064x}.pickle"]
    for path in theirs:
        path.write_bytes(b"x" * 1_000_000)
        os.utime(path, (1_000_000, 1_000_000))
    QABot.from_settings(_settings(kb, cache))
    assert all(path.exists() for path in theirs)


def test_a_write_that_fails_leaves_nothing_behind(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk: each file's draft was left in the cache directory, hidden and never
    # trimmed (every start or reload added one per intents file, as big as fitted).
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bot.index_cache.pickle, "dump", full_disk)
    cache = tmp_path / "cache"
    assert QABot.from_settings(_settings(kb, cache)).ask(QUESTIONS[0]).answered
    assert list(cache.iterdir()) == []


def test_the_cache_is_named_by_the_code_that_runs_not_by_the_files_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process keeps running its code while new code is deployed (or edited) beside it: what
    it compiles and writes must carry the hash of the code it runs. Named after the files on
    disk, its stale parts were read by the new code as its own (found when a test run went on
    while the code changed: an intent missing from the ranking)."""
    running = bot.index_cache.IndexCache(tmp_path)._code
    deployed = tmp_path / "bot"
    deployed.mkdir()
    (deployed / "resolver.py").write_text("# other code\n")
    monkeypatch.setattr(bot.index_cache, "PACKAGE", deployed)
    assert bot.index_cache.IndexCache(tmp_path)._code == running


def test_a_changed_synonym_table_analyses_every_intent_again(kb: Path, compiled: dict) -> None:
    # An intent's index parts depend on the concepts: reused after concepts.yaml changed
    # (the same intents files), the index matched the old synonyms, and every test passed.
    qabot = QABot.from_settings(_settings(kb, None))
    path = kb / "concepts.yaml"
    text = path.read_text(encoding="utf-8")
    assert "[ki, ai, " in text
    path.write_text(text.replace("[ki, ai, ", "[ki, ai, zorbelquax, ", 1), encoding="utf-8")
    compiled.update(parsed=0, analysed=0)
    assert qabot.reload().ok
    assert compiled == {"parsed": 0, "analysed": len(qabot.store.current.kb.intents)}
    fresh = QABot.from_settings(_settings(kb, None))
    for q in [*QUESTIONS, "Wie viele Firmen nutzen zorbelquax?"]:
        assert qabot.ask(q) == fresh.ask(q)


def test_files_written_by_other_code_are_not_read(
    kb: Path, tmp_path: Path, compiled: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The name carries the code's hash: another version's compiled data (another layout)
    # is never read as this one's.
    cache = tmp_path / "cache"
    QABot.from_settings(_settings(kb, cache))
    monkeypatch.setattr(bot.index_cache, "CODE", "f" * 64)
    compiled.update(parsed=0, analysed=0)
    QABot.from_settings(_settings(kb, cache))
    assert compiled["parsed"] == len(list((kb / "qa").glob("*.yaml")))


def test_a_file_read_from_the_cache_counts_as_recently_used(kb: Path, tmp_path: Path) -> None:
    # The trim keeps the most recently used files (by their time stamps): one read at a
    # start without being touched looked as old as when it was written.
    cache = tmp_path / "cache"
    QABot.from_settings(_settings(kb, cache))
    for stored in cache.glob("*.pickle"):
        os.utime(stored, (1_000_000, 1_000_000))
    QABot.from_settings(_settings(kb, cache))
    assert all(p.stat().st_mtime > 1_000_000 for p in cache.glob("*.pickle"))


def test_the_cache_in_memory_keeps_only_the_files_in_use(kb: Path) -> None:
    # Each edit of a file left its former compiled parts in memory for the life of the
    # process (23 MB a version at 100,000 variants).
    qabot = QABot.from_settings(_settings(kb, None))
    path = kb / "qa" / "hkstp.yaml"
    for n in range(3):
        path.write_text(path.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        assert qabot.reload().ok
    cache = qabot.store._cache
    in_use = {key for key, _ in qabot.store.current.kb.intent_files}
    assert set(cache._parts) == in_use and set(cache._models) <= in_use


def test_the_analyzer_of_the_concepts_is_made_once_for_all_intents_files(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It was made again for each intents file not cached (70 ms each): a knowledge of
    # 10,000 one-intent files took over 20 minutes to start, and as long to reload.
    made = []
    analyzer = bot.resolver.Analyzer

    def counted(*args: object, **kwargs: object) -> object:
        made.append(1)
        return analyzer(*args, **kwargs)  # type: ignore[arg-type]

    cache = bot.index_cache.IndexCache(None)
    loaded = bot.knowledge.load_knowledge(kb, cache=cache)
    monkeypatch.setattr(bot.resolver, "Analyzer", counted)
    indexes = cache.intent_indexes(loaded)
    assert len(loaded.intent_files) > 1 and indexes is not None
    assert len(indexes) == len(loaded.intents) and len(made) == 1
