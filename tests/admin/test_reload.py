"""Reload without downtime: whole-snapshot swaps under load, bad edits keep the old knowledge."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot import store as store_module
from bot.kb_edit import dump, find_intent, round_trip_yaml
from bot.knowledge import load_knowledge
from bot.service import QABot
from tests.admin.conftest import RECRUITING, admin_settings, replace_in


def make_version_b(root: Path) -> str:
    """Version B of hkpc.recruiting: another answer, one citation fewer; the file text."""
    _, doc, node = find_intent(root, RECRUITING)
    node["answer"]["en"] = "VERSION B: 49 % of the companies surveyed struggle to hire."
    node["answer"]["de"] = "VERSION B: 49 % der befragten Unternehmen finden schwer Personal."
    del node["cite"][0]
    return dump(round_trip_yaml(), doc)


async def test_concurrent_questions_see_one_whole_version(
    kb_bot: QABot, kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _, _ = find_intent(kb_copy, RECRUITING)
    text_a = path.read_text(encoding="utf-8")
    text_b = make_version_b(kb_copy)
    question = kb_bot.store.current.intents[RECRUITING].questions.en[0]
    expected_a = kb_bot.ask(question)
    path.write_text(text_b, encoding="utf-8")
    expected_b = QABot.from_settings(kb_bot.settings).ask(question)
    path.write_text(text_a, encoding="utf-8")
    assert expected_a != expected_b and len(expected_b.citations) == len(expected_a.citations) - 1

    stop = threading.Event()
    seen = {"a": 0, "b": 0}
    wrong: list[object] = []

    def asker() -> None:
        while not stop.is_set():
            answer = kb_bot.ask(question)
            if answer == expected_a:
                seen["a"] += 1
            elif answer == expected_b:
                seen["b"] += 1
            else:
                wrong.append(answer)
            time.sleep(0.001)  # pacing, not synchronisation: leave the reload thread some GIL

    # The event loop must keep running while a reload loads: in the middle of each load,
    # the loader waits until the loop has run a callback (it never would if the reload
    # held the loop). A check by events, not by how long the loop paused.
    loop = asyncio.get_running_loop()
    loop_ran: list[bool] = []

    def load_while_the_loop_runs(*args: object, **kwargs: object) -> object:
        ran = threading.Event()
        loop.call_soon_threadsafe(ran.set)
        loop_ran.append(ran.wait(timeout=10))
        return load_knowledge(*args, **kwargs)

    monkeypatch.setattr(store_module, "load_knowledge", load_while_the_loop_runs)
    threads = [threading.Thread(target=asker) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for n in range(3):
            path.write_text(text_b if n % 2 == 0 else text_a, encoding="utf-8")
            result = await kb_bot.areload(trigger="test")
            assert result.ok and result.changed == (f"intent:{RECRUITING}",)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)
    assert not wrong
    assert seen["a"] > 0 and seen["b"] > 0
    assert loop_ran == [True, True, True]


async def test_a_broken_file_keeps_the_last_good_knowledge(kb_bot: QABot, kb_copy: Path) -> None:
    before = kb_bot.ask("Who is the CFO of SenseTime?")
    old_hash = kb_bot.status().content_hash
    path = kb_copy / "qa" / "sensetime.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = lines.index("    answer:")
    lines[n] = "    answr:"  # a typo in a key
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = kb_bot.reload()
    assert not result.ok
    assert f"knowledge/qa/sensetime.yaml:{n + 1}: intents.0.answr: Extra inputs" in "\n".join(
        result.errors
    ), result.errors
    assert "still serving the last good knowledge" in result.summary()
    assert kb_bot.ask("Who is the CFO of SenseTime?") == before
    status = kb_bot.status()
    assert status.content_hash == old_hash
    assert status.last_error is result and status.last_reload is result


def test_the_garbage_collector_is_on_again_after_every_load(kb_copy: Path) -> None:
    # A load pauses the cyclic collector (a full collection over the new snapshot stops
    # the event loop); left off afterwards, every reference cycle made while serving was
    # kept for the life of the process, and no test saw it.
    assert gc.isenabled()
    bot = QABot.from_settings(admin_settings(kb_copy, kb_copy / "u.jsonl"))
    assert gc.isenabled()
    replace_in(kb_copy / "facts.yaml", "41 % der Unternehmen", "42 % der Unternehmen")
    assert not bot.reload().ok and gc.isenabled()  # a failed reload too
    replace_in(kb_copy / "facts.yaml", "42 % der Unternehmen", "41 % der Unternehmen")
    assert bot.reload().ok and gc.isenabled()


async def test_a_bad_quote_is_refused_with_its_line(kb_bot: QABot, kb_copy: Path) -> None:
    replace_in(kb_copy / "facts.yaml", "41 % der Unternehmen", "42 % der Unternehmen")
    result = await kb_bot.areload()
    assert not result.ok
    (error,) = result.errors
    assert error.startswith("knowledge/facts.yaml:") and "not verbatim" in error
    assert "41 %" in kb_bot.stat("hkpc.ai_adoption").rows[0].value


def test_reload_reports_its_diff(kb_bot: QABot, kb_copy: Path) -> None:
    path, doc, node = find_intent(kb_copy, RECRUITING)
    node["answer"]["en"] = node["answer"]["en"] + " (edited)"
    new = round_trip_yaml().load(dump(round_trip_yaml(), node))
    new["id"] = "hkpc.recruiting_copy"
    new["questions"] = {"de": ["Neue Testfrage zur Rekrutierung?"], "en": ["A new test question?"]}
    doc["intents"].append(new)
    gone = doc["intents"][0]["id"]
    del doc["intents"][0]
    path.write_text(dump(round_trip_yaml(), doc), encoding="utf-8")
    replace_in(
        kb_copy / "facts.yaml", 'value: {de: "41 %", en: "41 %"}', 'value: {de: "41 %", en: "41%"}'
    )

    result = kb_bot.reload(trigger="test")
    assert result.ok and not result.unchanged and result.trigger == "test"
    assert result.added == ("intent:hkpc.recruiting_copy",)
    assert result.removed == (f"intent:{gone}",)
    assert result.changed == ("fact:hkpc.ai_adoption", f"intent:{RECRUITING}")
    summary = result.summary()
    assert "+1 -1 ~2" in summary and "+ intent:hkpc.recruiting_copy" in summary
    assert kb_bot.reload().unchanged


def test_status_shows_hash_counts_and_last_reload(kb_bot: QABot) -> None:
    status = kb_bot.status()
    assert status.last_reload is None and status.intents > 50 and status.variants > 500
    kb_bot.reload(trigger="test")
    status = kb_bot.status()
    assert status.last_reload is not None and status.last_reload.unchanged
    assert status.last_reload.trigger == "test" and status.last_error is None


def test_settings_of_admin_tests_have_no_tokens(kb_copy: Path, tmp_path: Path) -> None:
    settings = admin_settings(kb_copy, tmp_path / "u.jsonl")
    assert settings.slack_bot_token is None and settings.discord_token is None


def test_status_never_shows_a_failure_that_is_not_the_last_reload(
    kb_bot: QABot, kb_copy: Path
) -> None:
    # The store logs a failed reload as it records it; what status() shows at that
    # moment is what another thread (a watcher test, /kb status) can see too.
    seen: list[tuple[object, object]] = []

    class Peek(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            status = kb_bot.status()
            seen.append((status.last_reload, status.last_error))

    replace_in(kb_copy / "qa" / "sensetime.yaml", "intents:", "intents: [")
    peek, store_log = Peek(), logging.getLogger("bot.store")
    store_log.addHandler(peek)
    try:
        result = kb_bot.reload()
    finally:
        store_log.removeHandler(peek)
    assert not result.ok and seen
    assert all(last is error is result for last, error in seen), seen


def test_the_configured_size_limit_applies_to_a_reload(kb_copy: Path, tmp_path: Path) -> None:
    bot = QABot.from_settings(
        admin_settings(kb_copy, tmp_path / "u.jsonl", knowledge={"max_file_bytes": 100_000})
    )
    (kb_copy / "qa" / "big.yaml").write_text("# padding\n" * 20_000, encoding="utf-8")
    result = bot.reload("test")
    assert not result.ok
    assert result.errors[0].startswith("knowledge/qa/big.yaml:0: 200,000 bytes, over the limit")


def test_any_failure_while_building_the_new_knowledge_is_reported(
    kb_bot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index exploded\nINFO forged line")

    question = "Who is the CFO of SenseTime?"
    before = kb_bot.ask(question)
    monkeypatch.setattr("bot.store.Snapshot", broken)
    result = kb_bot.reload("test")
    assert not result.ok and kb_bot.status().last_error == result
    (error,) = result.errors
    assert error.endswith(":0: cannot load: RuntimeError: index exploded\\nINFO forged line")
    assert kb_bot.ask(question) == before


def test_an_unexpected_failure_of_a_reload_is_reported_within_the_configured_length(
    kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 11 item 10: the length of reported errors is capped ([knowledge]
    # max_error_chars). The loader's problems were held to it; an error while building the
    # new knowledge was not tested for it: uncapped, its 100,000 characters went whole into
    # the log line, /kb status and the admin's /kb reload reply.
    settings = admin_settings(kb_copy, tmp_path / "u.jsonl", knowledge={"max_error_chars": 200})
    bot = QABot.from_settings(settings)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index exploded " + "x" * 100_000)

    monkeypatch.setattr("bot.store.Snapshot", broken)
    (error,) = bot.reload("test").errors
    assert len(error) <= 200 and error.endswith("…")
    assert ":0: cannot load: RuntimeError: index exploded" in error


@pytest.fixture
def deep_tree() -> Iterator[Callable[[Path], None]]:
    """Makes a chain of 1,100 nested folders under a folder; removes it afterwards, deepest
    first (shutil.rmtree recurses per level too: pytest could not clean it up)."""
    made: list[str] = []

    def make(top: Path) -> None:
        path = str(top)
        for _ in range(1_100):
            path += "/d"
            os.mkdir(path)
            made.append(path)

    yield make
    for path in reversed(made):
        os.rmdir(path)


def test_a_deep_tree_in_the_knowledge_directory_is_no_traceback(
    kb_copy: Path, tmp_path: Path, deep_tree: Callable[[Path], None]
) -> None:
    """The reload signature walked the directory recursively (Path.rglob): 1,100 nested
    folders, even under drafts/ (no knowledge), were a RecursionError out of every start-up
    (`qabot ask` a traceback, exit 1, while `kb validate` said ok) and, made while the bot
    ran, out of every reload: `/kb reload` got no reply, the watcher stopped."""
    (kb_copy / "drafts").mkdir(exist_ok=True)
    deep_tree(kb_copy / "drafts")
    bot = QABot.from_settings(admin_settings(kb_copy, tmp_path / "u.jsonl"))
    (kb_copy / "notes").mkdir()
    deep_tree(kb_copy / "notes")
    assert bot.reload("/kb reload").ok


def test_a_deep_tree_under_qa_is_named_and_the_last_good_knowledge_kept(
    kb_bot: QABot, kb_copy: Path, deep_tree: Callable[[Path], None]
) -> None:
    """1,100 nested folders under qa/ were one problem "knowledge:0: cannot load:
    RecursionError" (the loader's walk for misplaced files recursed per level), naming no
    folder. Now the folder is named, the reload refused, the last good knowledge served."""
    before = kb_bot.ask("Who is the CFO of SenseTime?")
    (kb_copy / "qa" / "archive").mkdir()
    deep_tree(kb_copy / "qa" / "archive")
    result = kb_bot.reload("/kb reload")
    assert not result.ok
    assert result.errors == (
        "knowledge/qa/archive:0: not read: folders nested more than 32 levels deep under "
        "qa/ (intents files lie directly in qa/); remove this folder",
    )
    assert "still serving the last good knowledge" in result.summary()
    assert kb_bot.ask("Who is the CFO of SenseTime?") == before


def test_a_folder_gone_while_the_reload_looks_is_no_failure(
    kb_bot: QABot, kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of the knowledge directory removed between being listed and being read (a
    deploy, a checkout) raised FileNotFoundError out of the reload, before its report: no
    reply to `/kb reload`, and the watcher took it for a watch it could not keep."""
    (kb_copy / "vanishing").mkdir()
    scandir = os.scandir

    def vanished(path: object = ".") -> object:
        if Path(str(path)).name == "vanishing":
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", vanished)
    assert kb_bot.reload("/kb reload").ok


def test_a_replaced_snapshot_is_freed_at_once(kb_bot: QABot) -> None:
    """Reloads keep the collector from walking the live knowledge (a full collection pauses
    every thread for a second at 100k variants), so the old one must not need it: nothing of
    a snapshot stands in a reference cycle."""
    kb_bot.ask("wer ist der cfo von sensetiem?")  # typo correction fills the analyzer's memo
    old = kb_bot.store.current
    parts = [weakref.ref(p) for p in (old, old.resolver, old.resolver.analyzer, old.policy)]
    del old
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        assert kb_bot.reload().ok
        assert [p() is None for p in parts] == [True] * len(parts)
    finally:
        if was_enabled:
            gc.enable()


def test_a_replaced_index_is_emptied_piece_by_piece_unless_still_read(kb_bot: QABot) -> None:
    """Freed at once, the tables of a 100k-variant index hold the GIL for tens of ms: a
    reload empties them entry by entry, but only when no question in flight reads them."""
    in_flight = kb_bot.store.current  # a question still answering from it
    assert kb_bot.reload().ok
    assert in_flight.resolver.docs and in_flight.answer("hpc").answered
    del in_flight
    unread = kb_bot.store.current.resolver  # the index alone, not its snapshot
    assert kb_bot.reload().ok
    assert not unread.docs


def test_reloads_are_counted_by_outcome_in_the_metrics(kb_bot: QABot, kb_copy: Path) -> None:
    # README: `qabot_reloads_total{outcome}`. The Slack metrics test only looked for the
    # name: with every reload counted as "ok" (a failed one too) every test passed, and a
    # dashboard would never see a failed reload.
    kb_bot.enable_metrics()
    assert kb_bot.reload("test").ok
    (kb_copy / "qa" / "broken.yaml").write_text("intents: [\n", encoding="utf-8")
    assert not kb_bot.reload("test").ok
    assert not kb_bot.reload("test").ok
    text = kb_bot.metrics.render()[0].decode()
    assert 'qabot_reloads_total{outcome="ok"} 1.0' in text
    assert 'qabot_reloads_total{outcome="failed"} 2.0' in text


def test_a_linked_directory_counts_with_its_own_files_and_no_deeper(
    kb_copy: Path, tmp_path: Path
) -> None:
    # The files directly in a directory linked from the knowledge (as the loader reads
    # them) are in the reload signature; a link is not walked on (a link to / was never
    # the whole file system, and must not become it).
    elsewhere = tmp_path / "qa-elsewhere"
    (kb_copy / "qa").rename(elsewhere)
    (kb_copy / "qa").symlink_to(elsewhere)
    (elsewhere / "deeper").mkdir()
    (elsewhere / "deeper" / "x.yaml").write_text("intents: []\n")
    (kb_copy / "everything").symlink_to("/")
    names = [name for name, *_ in store_module.files_signature(kb_copy)]
    assert "qa/hkpc.yaml" in names
    assert not [n for n in names if n.startswith("qa/deeper/") or n.count("/") > 1]


def test_a_reload_that_loses_the_synonym_table_says_so(
    kb_bot: QABot, kb_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A deploy without concepts.yaml (a file left out of a volume, a `git rm`) is valid
    # knowledge, and was reloaded with one INFO line: the answers changed without a word.
    assert kb_bot.store.current.kb.concepts
    (kb_copy / "concepts.yaml").unlink()
    with caplog.at_level(logging.INFO, logger="bot.store"):
        assert kb_bot.reload().ok
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("no synonym table any more (concepts.yaml" in m for m in warned), warned
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.store"):
        assert kb_bot.reload().ok  # said once, when it is lost
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize("kind", ["intents file", "source text"])
def test_a_rewrite_in_place_of_the_same_size_with_its_time_restored_is_reloaded(
    kb_bot: QABot, kb_copy: Path, kind: str
) -> None:
    # `touch -r`, or a rewrite within one tick of a coarse-time file system: the file keeps
    # its size, time, inode and device, so the reload signature is the same. The watcher saw
    # the write, and its reload was skipped as "no file changed": the old knowledge for good.
    if kind == "intents file":
        path = kb_copy / "qa" / "sensetime.yaml"
        old, new = "- How old is SenseTime?", "- Zorbelnde Quaxe heute"
    else:  # a word of the article no citation quotes
        path, old, new = kb_copy / "sources" / "article.txt", "Wichtige", "WICHTIGE"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace(old, new, 1).encode()
    assert len(changed) == before.st_size and changed != text.encode()
    with path.open("r+b") as f:  # in place: the same inode
        f.write(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    hash_before = kb_bot.status().content_hash
    result = kb_bot.reload(trigger="watch")
    assert result.ok and not result.unchanged and result.content_hash != hash_before
    if kind == "intents file":
        assert kb_bot.ask("Zorbelnde Quaxe heute").intent == "sensetime.founded"
    assert kb_bot.reload(trigger="watch").unchanged  # and no change is still no reload


SENSETIME_CFO = "Who is the CFO of SenseTime?"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The store's monotonic clock, set by the test: now[0] seconds."""
    now = [1000.0]
    monkeypatch.setattr(store_module.time, "monotonic", lambda: now[0])
    return now


def test_a_file_renamed_away_is_kept_for_the_grace_period_of_a_watch_reload(
    kb_copy: Path, log_path: Path, clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # An editor's save by renaming (`mv f f.bak; …; mv f.bak f`), slower than the watcher's
    # debounce: the watcher's reload loaded the directory without the file, and the bot had
    # no SenseTime intents until it came back. Now a file the live knowledge was read from
    # that is gone is a reason to drop it only once it has been gone for the grace period.
    bot = QABot.from_settings(admin_settings(kb_copy, log_path, admin={"missing_grace_ms": 30_000}))
    before = bot.ask(SENSETIME_CFO)
    assert before.answered
    path = kb_copy / "qa" / "sensetime.yaml"
    path.rename(path.with_suffix(".bak"))
    with caplog.at_level(logging.INFO, logger="bot.store"):
        held = bot.reload(trigger="watch")
        clock[0] += 29
        again = bot.reload(trigger="watch")  # another batch within the grace period
    assert held.ok and held.unchanged and again.unchanged
    assert bot.ask(SENSETIME_CFO) == before
    assert bot.store.held_until == 1030.0
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "qa/sensetime.yaml" in lines[0] and "30 s" in lines[0], lines
    path.with_suffix(".bak").rename(path)  # back: nothing was dropped, nothing is due
    assert bot.reload(trigger="watch").unchanged
    assert bot.store.held_until is None and bot.ask(SENSETIME_CFO) == before


def test_a_file_gone_for_longer_than_the_grace_period_is_dropped(
    kb_copy: Path, log_path: Path, clock: list[float]
) -> None:
    bot = QABot.from_settings(admin_settings(kb_copy, log_path, admin={"missing_grace_ms": 30_000}))
    (kb_copy / "qa" / "sensetime.yaml").unlink()
    assert bot.reload(trigger="watch").unchanged
    clock[0] += 30
    dropped = bot.reload(trigger="watch")
    assert dropped.ok and "intent:sensetime.wang_zheng" in dropped.removed, dropped
    assert bot.store.held_until is None and bot.ask(SENSETIME_CFO).intent != "sensetime.wang_zheng"


def test_a_manual_reload_drops_a_gone_file_at_once(kb_bot: QABot, kb_copy: Path) -> None:
    (kb_copy / "qa" / "sensetime.yaml").unlink()
    assert kb_bot.reload(trigger="watch").unchanged  # held
    dropped = kb_bot.reload()  # `/kb reload`, SIGHUP: the admin asked for this directory
    assert "intent:sensetime.wang_zheng" in dropped.removed
    assert kb_bot.store.held_until is None


def test_a_file_the_watcher_may_not_look_at_is_no_exception(
    kb_bot: QABot, kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder whose permissions were taken mid-run (`chmod 000 qa`): Path.exists raises
    # PermissionError for a file in it, and the check for gone files raised it past the
    # reload, out of the watcher.
    path = kb_copy / "qa" / "sensetime.yaml"
    real = Path.stat

    def denied(self: Path, **kwargs: object) -> os.stat_result:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", denied)
    result = kb_bot.reload(trigger="watch")
    assert result.ok or result.errors
