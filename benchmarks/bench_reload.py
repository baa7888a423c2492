"""Reload speed and save-to-answer latency of a running bot.

Prints a table: knowledge size, full reload time (load + validate + index,
off to the side, then the swap), the longest pause the event loop saw during
a reload, and the time from saving a file (`add_question`) to the running bot
answering with the new variant through the file watcher. Not a test: run it
by hand (`.venv/bin/python benchmarks/bench_reload.py [--sizes 10000 100000]`).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import realistic_kb  # noqa: E402

from bot.kb_edit import (  # noqa: E402
    add_question,
    dump,
    find_intent,
    round_trip_yaml,
    write_atomic,
)
from bot.service import QABot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.watcher import watch_knowledge  # noqa: E402

NEW_PHRASE = "Zorbelnde Quaxe im Personalbüro {n}?"


async def _loop_pause(bot: QABot) -> tuple[float, float]:
    """(reload seconds, longest event-loop pause in ms) for one `areload`."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    result = await bot.areload(trigger="bench")
    done.set()
    await tick
    assert result.ok, result.errors
    return result.seconds, max(gaps) * 1000


def _with_variant(root: Path, intent: str, phrase: str) -> tuple[Path, str]:
    """(file, its text with `phrase` added to `intent`), prepared before the clock starts."""
    path, doc, node = find_intent(root, intent)
    node["questions"]["de"].append(phrase)
    return path, dump(round_trip_yaml(), doc)


async def _until_live(bot: QABot, intent: str, phrase: str, start: float) -> float:
    while phrase not in bot.store.current.intents[intent].questions.de:
        assert time.perf_counter() < start + 600, "the watcher did not reload"
        await asyncio.sleep(0.005)
    return time.perf_counter() - start


async def _save_to_answer(
    bot: QABot, root: Path, intent: str, rounds: int, check_answer: bool
) -> tuple[list[float], list[float]]:
    """Seconds from a save to the new variant being live: a plain (atomic) save of the
    file, and `add_question` (which validates on a copy first)."""
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(watch_knowledge(bot, stop=stop, ready=ready))
    await ready.wait()
    saves, adds = [], []
    for n in range(rounds):
        phrase = NEW_PHRASE.format(n=f"s{n}")
        path, text = _with_variant(root, intent, phrase)
        start = time.perf_counter()
        write_atomic(path, text)
        saves.append(await _until_live(bot, intent, phrase, start))
        if check_answer:  # the shipped knowledge: the bot really answers it now
            assert bot.store.current.answer(phrase).intent == intent
        phrase = NEW_PHRASE.format(n=f"a{n}")
        start = time.perf_counter()
        assert add_question(root, intent, phrase, "de").ok
        adds.append(await _until_live(bot, intent, phrase, start))
    stop.set()
    await task
    return saves, adds


async def measure(root: Path, intent: str, rounds: int) -> dict[str, float]:
    settings = Settings(knowledge_dir=root, unanswered={"enabled": False})
    bot = QABot.from_settings(settings)
    variants = bot.status().variants
    reloads = [await _loop_pause(bot) for _ in range(3)]
    saves, adds = await _save_to_answer(bot, root, intent, rounds, intent == "hkpc.recruiting")
    return {
        "variants": variants,
        "reload_s": statistics.median(r[0] for r in reloads),
        "pause_ms": max(r[1] for r in reloads),
        "save_p50": statistics.median(saves),
        "save_max": max(saves),
        "add_p50": statistics.median(adds),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        shipped = Path(tmp) / "shipped"
        shutil.copytree(ROOT / "knowledge", shipped)
        rows.append(("shipped", asyncio.run(measure(shipped, "hkpc.recruiting", args.rounds))))
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            realistic_kb(Path(tmp), size)
            rows.append((f"synthetic {size}", asyncio.run(measure(Path(tmp), "syn0", 1))))
    print(
        f"{'knowledge':<18}{'variants':>9}{'reload s':>10}{'loop pause ms':>15}"
        f"{'save→live p50 s':>17}{'max s':>7}{'add-question→live s':>21}"
    )
    for name, r in rows:
        print(
            f"{name:<18}{r['variants']:>9}{r['reload_s']:>10.2f}{r['pause_ms']:>15.1f}"
            f"{r['save_p50']:>17.2f}{r['save_max']:>7.2f}{r['add_p50']:>21.2f}"
        )


if __name__ == "__main__":
    main()
