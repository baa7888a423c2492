"""Triage of the unanswered log: similar questions grouped, counted, and matched to an intent.

A question the current knowledge now answers confidently is left out, so the
list shrinks as admins attach questions. Grouping is greedy: each question
joins the first group whose leading question is similar enough (rapidfuzz
token_set_ratio over folded text), most frequent questions first.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from bot.answer import Group
from bot.text import fold, tokens

if TYPE_CHECKING:
    from bot.snapshot import Snapshot

SIMILAR = 80.0  # token_set_ratio (0–100) to join a group


def group_questions(
    records: list[dict[str, Any]], threshold: float = SIMILAR
) -> list[list[dict[str, Any]]]:
    """Records clustered by similar question text, largest cluster first."""
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        key = " ".join(tokens(rec["question"]))
        if key:
            by_text[key].append(rec)
    leaders: list[tuple[str, list[dict[str, Any]]]] = []
    for text, recs in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        for leader, members in leaders:
            if fuzz.token_set_ratio(text, leader) >= threshold:
                members.extend(recs)
                break
        else:
            leaders.append((text, list(recs)))
    return sorted((m for _, m in leaders), key=len, reverse=True)


def _propose(snap: Snapshot, question: str, recs: list[dict[str, Any]]) -> tuple[str | None, float]:
    """The intent to attach a group to: what people clicked, else the resolver's best guess."""
    clicked = Counter(r["guess"] for r in recs if r.get("kind") == "click" and r.get("guess"))
    if clicked:
        return clicked.most_common(1)[0][0], 1.0
    ranked = [c for c in snap.resolver.resolve(question).ranked if c.key in snap.intents]
    ranked = [c for c in ranked if snap.intents[c.key].kind == "article"] or ranked
    if ranked:
        return ranked[0].key, ranked[0].score
    guesses = Counter(r["guess"] for r in recs if r.get("guess"))
    return (guesses.most_common(1)[0][0], 0.0) if guesses else (None, 0.0)


def group_log(
    snap: Snapshot, records: list[dict[str, Any]], *, low_confidence: float, limit: int = 10
) -> list[Group]:
    """The top `limit` groups of `records` that the knowledge of `snap` still does not answer
    (an answer below `low_confidence` does not count)."""

    def now_answered(question: str) -> bool:
        answer = snap.answer(question)
        return answer.answered and answer.confidence >= low_confidence

    verdict: dict[str, bool] = {}
    open_records = []
    for rec in records:
        q = rec["question"]
        if q not in verdict:
            verdict[q] = bool(q.strip()) and not now_answered(q)
        if verdict[q]:
            open_records.append(rec)
    groups = []
    for members in group_questions(open_records)[:limit]:
        phrasing = Counter(r["question"].strip() for r in members)
        question = phrasing.most_common(1)[0][0]
        langs = Counter(r.get("lang") for r in members if r.get("lang") in ("de", "en"))
        lang = langs.most_common(1)[0][0] if langs else snap.language(question)
        intent, score = _propose(snap, question, members)
        groups.append(
            Group(
                key=hashlib.sha1(fold(question).encode()).hexdigest()[:10],
                question=question,
                lang=lang,
                count=len(members),
                questions=tuple(q for q, _ in phrasing.most_common()),
                intent=intent,
                score=score,
                clicks=sum(1 for r in members if r.get("kind") == "click"),
            )
        )
    return groups
