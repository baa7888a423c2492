"""Reload speed, save-to-answer latency and event-loop pauses of a running bot.

Prints a table per knowledge size (the shipped one, and realistic bases of
benchmarks/synthetic.py): the time of a full reload (load + validate + index,
off to the side, then the swap; unchanged files come from the compiled-index
cache), the time from saving a file to the running bot answering with the new
variant through the file watcher, the time `qabot kb add-question` takes as a
process of its own and until the bot answers with it, and the longest pause
the bot's event loop saw during the reloads, during the edits, and while idle
(the noise floor of a shared machine). Not a test:
run it by hand (`.venv/bin/python benchmarks/bench_reload.py [--sizes 10000 100000]`).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import realistic_kb  # noqa: E402

from bot.kb_edit import dump, find_intent, round_trip_yaml, write_atomic  # noqa: E402
from bot.service import QABot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.watcher import watch_knowledge  # noqa: E402

NEW_PHRASE = "Zorbelnde Quaxe im Personalbüro {n}?"


class PauseMeter:
    """The longest pause of the event loop while it runs (a 1 ms ticker that notes its gaps)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PauseMeter:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, (now - last) * 1000)
            last = now


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


def _cli_add_question(root: Path, intent: str, phrase: str) -> float:
    """Seconds `qabot kb add-question` takes, as an admin runs it (its own process)."""
    exe = ROOT / ".venv" / "bin" / "qabot"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]
    start = time.perf_counter()
    subprocess.run(
        [*cmd, "kb", "add-question", intent, phrase, "--lang", "de", "--kb", str(root)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


async def measure(root: Path, intent: str, rounds: int) -> dict[str, float]:
    """Reloads, saves and `kb add-question` against a running bot that watches `root`, with
    the longest event-loop pause seen during each kind."""
    settings = Settings(knowledge_dir=root, unanswered={"enabled": False})
    bot = QABot.from_settings(settings)
    out: dict[str, float] = {"variants": bot.status().variants}
    async with PauseMeter() as idle:  # the noise floor: what the machine alone costs
        await asyncio.sleep(3)
    out["idle_pause"] = idle.longest
    async with PauseMeter() as reloads:
        seconds = [(await bot.areload(trigger="bench")).seconds for _ in range(3)]
    out.update(reload_s=statistics.median(seconds), reload_pause=reloads.longest)
    stop, ready = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(watch_knowledge(bot, stop=stop, ready=ready))
    await ready.wait()
    saves, cli, adds, pauses = [], [], [], [0.0]
    for n in range(rounds):
        phrase = NEW_PHRASE.format(n=f"s{n}")
        # prepared before the meter runs: the round trip is the benchmark's, not the bot's
        path, text = await asyncio.to_thread(_with_variant, root, intent, phrase)
        async with PauseMeter() as save:
            start = time.perf_counter()
            write_atomic(path, text)
            saves.append(await _until_live(bot, intent, phrase, start))
        phrase = NEW_PHRASE.format(n=f"a{n}")
        async with PauseMeter() as add:
            start = time.perf_counter()
            cli.append(await asyncio.to_thread(_cli_add_question, root, intent, phrase))
            adds.append(await _until_live(bot, intent, phrase, start))
        pauses += [save.longest, add.longest]
    stop.set()
    await watcher
    if intent == "hkpc.recruiting":  # the shipped knowledge: the bot really answers it now
        assert bot.store.current.answer(phrase).intent == intent
    out.update(
        save_p50=statistics.median(saves),
        save_max=max(saves),
        cli_p50=statistics.median(cli),
        add_p50=statistics.median(adds),
        edit_pause=max(pauses),
    )
    return out


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
            rows.append((f"{size:,}", asyncio.run(measure(Path(tmp), "syn0", args.rounds))))
    print(
        "| knowledge | variants | reload s | pause in reloads ms | save→live p50 s | max s "
        "| kb add-question s | add-question→live p50 s | pause during edits ms "
        "| pause while idle ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['variants']:,.0f} | {r['reload_s']:.2f} | {r['reload_pause']:.0f} | "
            f"{r['save_p50']:.2f} | {r['save_max']:.2f} | {r['cli_p50']:.2f} | "
            f"{r['add_p50']:.2f} | {r['edit_pause']:.0f} | {r['idle_pause']:.0f} |"
        )


if __name__ == "__main__":
    main()
