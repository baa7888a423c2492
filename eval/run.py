#!/usr/bin/env python3
"""The project's own quality runner: blind-written questions, scored per set and per kind.

Sets (eval/writers.yaml): `tuning` — writers whose questions we may look at and
tune on; `frozen` — writers scored only to report; `dev` — the shared
development set (../shared/eval/dev.yaml), when it is there.

An item passes as `../shared/eval/score.py` would pass it:
  expect: answer  → answered, every must_contain group matched (case-insensitive
                    substring of the text), a citation verbatim in the article
                    (smalltalk: a chat reply, no citation), and the reply in the
                    question's language;
  expect: abstain → not answered.
On top: how many near misses (near_miss, unstated_number) were answered *with a
figure*, the most harmful failure.

Usage (from the project root):
  python eval/run.py                                # table: tuning | frozen | dev, per kind
  python eval/run.py --set tuning --show-failures   # what fails, to work on
  python eval/run.py --gate                         # exit 1 below eval/gates.toml
  python eval/run.py --bot '.venv/bin/qabot ask --json -'   # through the CLI batch contract
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev.yaml"
SHARED_DIALOGS = ROOT.parent / "shared" / "eval" / "dialogs.yaml"
ARTICLE = ROOT / "knowledge" / "sources" / "article.txt"
NEAR_MISS_KINDS = ("near_miss", "unstated_number")

Item = dict
Ask = Callable[[list[Item]], list[dict]]


def norm(text: str) -> str:
    """Casefold, unify unicode forms, collapse whitespace (as score.py does)."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(text.casefold().split())


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def flatten(conversations: list[Item]) -> list[Item]:
    """Each turn of a conversation as an item of its own, carrying the conversation id."""
    out = []
    for conv in conversations:
        for n, turn in enumerate(conv["turns"], 1):
            out.append(
                {
                    **turn,
                    "id": f"{conv['id']}.{n}",
                    "conversation": str(conv["id"]),
                    "kind": turn.get("kind", "followup"),
                }
            )
    return out


def load_sets(names: list[str]) -> dict[str, list[Item]]:
    """Items of each named set; `NAME dialogs` holds that set's conversations, turn by turn."""
    writers = yaml.safe_load((HERE / "writers.yaml").read_text(encoding="utf-8"))
    out: dict[str, list[Item]] = {}
    for name in names:
        if name == "dev":
            if SHARED_DEV.exists():
                out["dev"] = yaml.safe_load(SHARED_DEV.read_text(encoding="utf-8"))
            continue
        items: list[Item] = []
        turns: list[Item] = []
        for writer in writers[name]:
            items += yaml.safe_load((HERE / "questions" / f"{writer}.yaml").read_text("utf-8"))
            convs = HERE / "conversations" / f"{writer}.yaml"
            if convs.exists():
                turns += flatten(yaml.safe_load(convs.read_text("utf-8")))
        out[name] = items
        if turns:
            out[f"{name} dialogs"] = turns
    if "dev" in names and SHARED_DIALOGS.exists():
        out["dev dialogs"] = flatten(yaml.safe_load(SHARED_DIALOGS.read_text(encoding="utf-8")))
    return out


def check(item: Item, reply: dict, article: str) -> str | None:
    """None when the reply is right, else why not."""
    answered = bool(reply.get("answered"))
    text = reply.get("text") or ""
    if "conversation" in item and str(reply.get("conversation")) != item["conversation"]:
        return f"reply does not echo conversation {item['conversation']!r}"
    if item.get("reply_lang") and reply.get("lang") != item["reply_lang"]:
        return f"replied in {reply.get('lang')}, expected {item['reply_lang']}: {text[:80]!r}"
    if item["expect"] == "abstain":
        return None if not answered else f"should abstain: {text[:140]!r}"
    if not answered:
        return f"abstained: {text[:100]!r}"
    lang_free = item.get("kind") in ("smalltalk", "source", "more") or "conversation" in item
    if not lang_free and reply.get("lang") != item.get("lang"):
        return f"replied in {reply.get('lang')}: {text[:80]!r}"
    folded = norm(text)
    for group in item.get("must_contain") or []:
        if not any(norm(str(alt)) in folded for alt in group):
            return f"missing {group}: {text[:160]!r}"
    if item.get("kind") == "smalltalk":  # chat gets a chat reply, not an article answer
        return f"article answer to chat: {text[:100]!r}" if reply.get("citations") else None
    cites = reply.get("citations") or []
    if not cites:
        return "no citation"
    for cite in cites:
        quote = norm(cite.get("quote") or "")
        if len(quote) < 10 or quote not in article:
            return f"citation not verbatim: {cite.get('quote', '')[:100]!r}"
    return None


@dataclass
class Tally:
    """Right/total per bucket and per kind, and near misses answered with a figure."""

    buckets: dict[str, list[int]] = field(default_factory=dict)
    kinds: dict[str, list[int]] = field(default_factory=dict)
    near_miss_figures: list[int] = field(default_factory=lambda: [0, 0])
    failures: list[tuple[Item, str]] = field(default_factory=list)
    dialogs: dict[str, bool] = field(default_factory=dict)  # conversation → every turn right

    def add(self, item: Item, reply: dict, why: str | None) -> None:
        bucket = (
            "abstain"
            if item["expect"] == "abstain"
            else ("smalltalk" if item.get("kind") == "smalltalk" else "answer")
        )
        for table, key in ((self.buckets, bucket), (self.kinds, item.get("kind", "?"))):
            ok_n = table.setdefault(key, [0, 0])
            ok_n[0] += why is None
            ok_n[1] += 1
        if item.get("kind") in NEAR_MISS_KINDS:
            self.near_miss_figures[1] += 1
            self.near_miss_figures[0] += bool(reply.get("answered")) and has_digit(
                reply.get("text") or ""
            )
        if why is not None:
            self.failures.append((item, why))
        if "conversation" in item:
            conv = item["conversation"]
            self.dialogs[conv] = self.dialogs.get(conv, True) and why is None

    def share(self, bucket: str) -> float:
        ok, n = self.buckets.get(bucket, [0, 0])
        return ok / n if n else 1.0

    def figure_share(self) -> float:
        bad, n = self.near_miss_figures
        return bad / n if n else 0.0


def in_process_asker() -> Ask:
    """Ask the bot in this process: one knowledge load for every set."""
    sys.path.insert(0, str(ROOT))
    from bot.conversation import Conversations
    from bot.service import QABot
    from bot.settings import Settings

    bot = QABot.from_settings(Settings.load(None))
    conversations = Conversations(bot, ttl_s=bot.settings.conversation_ttl_s)

    def one(item: Item) -> dict:
        if "conversation" not in item:
            return bot.ask(item["q"], platform="cli").to_json()
        answer = conversations.ask(item["conversation"], item["q"], platform="cli")
        return {**answer.to_json(), "conversation": item["conversation"]}

    def ask(items: list[Item]) -> list[dict]:
        return [one(it) for it in items]

    return ask


def command_asker(cmd: str) -> Ask:
    """Ask through the batch contract: one question per line in, one JSON line out."""

    def ask(items: list[Item]) -> list[dict]:
        stdin = "".join(batch_line(it) + "\n" for it in items)
        proc = subprocess.run(
            shlex.split(cmd), input=stdin, capture_output=True, text=True, timeout=600, check=True
        )
        lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        if len(lines) != len(items):
            raise SystemExit(f"expected {len(items)} JSON lines, got {len(lines)}")
        return lines

    return ask


def batch_line(item: Item) -> str:
    if "conversation" in item:
        return json.dumps(
            {"conversation": item["conversation"], "text": item["q"]}, ensure_ascii=False
        )
    return item["q"].replace("\n", " ")


def score(items: list[Item], ask: Ask, article: str) -> Tally:
    tally = Tally()
    for item, reply in zip(items, ask(items), strict=True):
        tally.add(item, reply, check(item, reply, article))
    return tally


def pct(ok_n: list[int] | None) -> str:
    if not ok_n or not ok_n[1]:
        return "–"
    return f"{100 * ok_n[0] / ok_n[1]:.1f} % ({ok_n[0]}/{ok_n[1]})"


def table(tallies: dict[str, Tally]) -> str:
    """A Markdown table: the summary rows, then one row per kind."""
    names = list(tallies)
    head = ["| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    rows = []
    for bucket in ("answer", "abstain", "smalltalk"):
        rows.append(
            f"| **{bucket}** | "
            + " | ".join(pct(t.buckets.get(bucket)) for t in tallies.values())
            + " |"
        )
    rows.append(
        "| **near misses answered with a figure** | "
        + " | ".join(pct(t.near_miss_figures) for t in tallies.values())
        + " |"
    )
    rows.append(
        "| **conversations right in every turn** | "
        + " | ".join(pct([sum(t.dialogs.values()), len(t.dialogs)]) for t in tallies.values())
        + " |"
    )
    kinds = sorted({k for t in tallies.values() for k in t.kinds})
    for kind in kinds:
        rows.append(
            f"| {kind} | " + " | ".join(pct(t.kinds.get(kind)) for t in tallies.values()) + " |"
        )
    return "\n".join(head + rows)


def gate(tallies: dict[str, Tally]) -> list[str]:
    """Every threshold of eval/gates.toml that a set misses."""
    limits = tomllib.loads((HERE / "gates.toml").read_text(encoding="utf-8"))
    missed = []
    for name, bounds in limits.items():
        tally = tallies.get(name)
        if tally is None:
            continue
        for bucket in ("answer", "abstain", "smalltalk"):
            floor = bounds.get(f"min_{bucket}")
            if floor is not None and tally.share(bucket) < floor:
                missed.append(f"{name}: {bucket} {tally.share(bucket):.3f} < {floor}")
        floor = bounds.get("min_conversations")
        if floor is not None and tally.dialogs:
            share = sum(tally.dialogs.values()) / len(tally.dialogs)
            if share < floor:
                missed.append(f"{name}: conversations {share:.3f} < {floor}")
        ceiling = bounds.get("max_near_miss_figures")
        if ceiling is not None and tally.figure_share() > ceiling:
            share = tally.figure_share()
            missed.append(f"{name}: near misses with a figure {share:.3f} > {ceiling}")
    return missed


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--set",
        action="append",
        choices=["tuning", "frozen", "dev"],
        help="set(s) to score (default: all)",
    )
    ap.add_argument("--bot", help="batch command instead of asking in this process")
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--kind", help="show failures of this kind only")
    ap.add_argument("--gate", action="store_true", help="exit 1 below eval/gates.toml")
    args = ap.parse_args()

    sets = load_sets(args.set or ["tuning", "frozen", "dev"])
    ask = command_asker(args.bot) if args.bot else in_process_asker()
    article = norm(ARTICLE.read_text(encoding="utf-8"))
    tallies = {name: score(items, ask, article) for name, items in sets.items()}
    if args.show_failures:
        for name, tally in tallies.items():
            for item, why in tally.failures:
                if args.kind and item.get("kind") != args.kind:
                    continue
                print(
                    f"FAIL {name} {item['id']} [{item.get('lang')}/{item.get('kind')}] "
                    f"{item['q']!r}: {why}"
                )
    print(table(tallies))
    missed = gate(tallies) if args.gate else []
    for line in missed:
        print(f"gate: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
