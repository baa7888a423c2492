"""Triage of the unanswered log: similar questions grouped, counted, and matched to an intent.

A question the current knowledge now answers confidently is left out, so the
list shrinks as admins attach questions; a 👎 stays until the knowledge answers its
question with another intent than the one voted down (a confident answer may be the
wrong one), and a group with a 👎 comes before those without (a wrong answer misleads,
an abstention only fails to help). Grouping is greedy: each question
joins a group whose leading question is similar enough (rapidfuzz
token_set_ratio over folded text), most frequent questions first. The leaders
that share its rarest content word are tried first, then those sharing another,
the others only when none of those is similar (a question whose every word is
misspelt), and no question with more than MAX_TRIED of them: a large log is not compared
with every group, nor a log of gibberish.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from bot.answer import Group
from bot.lexicon import STOPWORDS
from bot.text import fold, tokens

if TYPE_CHECKING:
    from bot.snapshot import Snapshot

SIMILAR = 80.0  # token_set_ratio (0–100) to join a group
# Leaders a question is compared with, at most (in the order above): a log of questions that
# share no word (gibberish, as anyone can send) was compared pair by pair, 1,000 records of
# 500 characters in 30 s, the 20,000 the shared log keeps in hours.
MAX_TRIED = 100


def group_questions(
    records: list[dict[str, Any]], threshold: float = SIMILAR
) -> list[list[dict[str, Any]]]:
    """Records clustered by similar question text, largest cluster first."""
    by_question: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        by_question[rec["question"]].append(rec)
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for question, recs in by_question.items():  # each distinct question read once
        key = " ".join(tokens(question))
        if key:
            by_text[key] += recs
    leaders: list[str] = []
    groups: list[list[dict[str, Any]]] = []
    by_word: dict[str, list[int]] = defaultdict(list)  # content word → leaders using it
    for text, recs in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        words = set(text.split()) - STOPWORDS
        # the leaders with its rarest shared word first: most likely the group it belongs to
        lists = sorted((by_word[w] for w in words if w in by_word), key=len)
        # (each word's first MAX_TRIED leaders: no more can be tried)
        shared = {n for leaders_of_word in lists for n in leaders_of_word[:MAX_TRIED]}
        rarest = lists[0][:MAX_TRIED] if lists else []
        tried = islice(_candidates(rarest, shared, len(leaders)), MAX_TRIED)
        joined = _first_similar(text, leaders, tried, threshold)
        if joined is not None:
            groups[joined].extend(recs)
            continue
        for w in words:
            by_word[w].append(len(leaders))
        leaders.append(text)
        groups.append(list(recs))
    return sorted(groups, key=len, reverse=True)


def _candidates(rarest: list[int], shared: set[int], count: int) -> Iterator[int]:
    """The leaders to compare a question with, in order: those with its rarest word, those
    sharing another, then (all its words misspelt, or none to share) the others, most
    frequent first; each stage made only when the one before is used up."""
    yield from rarest
    yield from sorted(shared.difference(rarest))
    yield from (n for n in range(count) if n not in shared)


def _first_similar(
    text: str, leaders: list[str], indexes: Iterable[int], threshold: float
) -> int | None:
    """The first of the leaders `indexes` similar enough to `text`, if any."""
    return next((n for n in indexes if fuzz.token_set_ratio(text, leaders[n]) >= threshold), None)


def _propose(
    snap: Snapshot, question: str, recs: list[dict[str, Any]], voted_down: set[str]
) -> tuple[str | None, float]:
    """The intent to attach a group to: what people clicked, else the resolver's best guess;
    never one whose answer to these questions was voted down."""

    def usable(intent: str | None) -> bool:
        return bool(intent) and intent not in voted_down

    clicks = (r for r in recs if r.get("kind") == "click")
    clicked = Counter(r["guess"] for r in clicks if usable(r.get("guess")))
    if clicked:
        return clicked.most_common(1)[0][0], 1.0
    ranked = [c for c in snap.resolver.resolve(question).ranked if c.key in snap.intents]
    ranked = [c for c in ranked if usable(c.key)]
    ranked = [c for c in ranked if snap.intents[c.key].kind == "article"] or ranked
    if ranked:
        return ranked[0].key, ranked[0].score
    guesses = Counter(r["guess"] for r in recs if usable(r.get("guess")))
    return (guesses.most_common(1)[0][0], 0.0) if guesses else (None, 0.0)


def _rank(members: list[dict[str, Any]]) -> tuple[bool, int]:
    """A group's place in the list: those with a 👎 first, then the larger first."""
    return any(r.get("kind") == "down" for r in members), len(members)


def group_log(
    snap: Snapshot, records: list[dict[str, Any]], *, low_confidence: float, limit: int = 10
) -> list[Group]:
    """The top `limit` groups of `records` that the knowledge of `snap` still does not answer
    (an answer below `low_confidence` does not count, nor the answer a 👎 was cast on)."""
    confident: dict[str, str | None] = {}  # question → the intent answering it confidently

    def now_answered(question: str) -> str | None:
        answer = snap.answer(question)
        sure = answer.answered and answer.confidence >= low_confidence
        return (answer.intent or "") if sure else None

    def still_open(rec: dict[str, Any]) -> bool:
        q = rec["question"]
        if not q.strip():
            return False
        if q not in confident:
            confident[q] = now_answered(q)
        intent = confident[q]
        return intent is None or (rec.get("kind") == "down" and intent == rec.get("guess"))

    # Grouped first, then each group's members asked again, in the order of the list, until
    # no group left can outrank the `limit` open ones: not every question of the log.
    shown: list[list[dict[str, Any]]] = []
    for members in sorted(group_questions(records), key=_rank, reverse=True):
        if len(shown) >= limit and _rank(members) <= _rank(shown[-1]):
            break
        open_members = [r for r in members if still_open(r)]
        if open_members:
            shown = sorted([*shown, open_members], key=_rank, reverse=True)[:limit]
    return [_group(snap, members) for members in shown]


def _group(snap: Snapshot, members: list[dict[str, Any]]) -> Group:
    """One group of open records as triage shows it."""
    phrasing = Counter(r["question"].strip() for r in members)
    question = phrasing.most_common(1)[0][0]
    langs = Counter(r.get("lang") for r in members if r.get("lang") in ("de", "en"))
    lang = langs.most_common(1)[0][0] if langs else snap.language(question)
    down = [r for r in members if r.get("kind") == "down"]
    voted_down = Counter(r["guess"] for r in down if r.get("guess"))
    intent, score = _propose(snap, question, members, set(voted_down))
    return Group(
        key=hashlib.sha1(fold(question).encode()).hexdigest()[:10],
        question=question,
        lang=lang,
        count=len(members),
        questions=tuple(q for q, _ in phrasing.most_common()),
        intent=intent,
        score=score,
        clicks=sum(1 for r in members if r.get("kind") == "click"),
        down_votes=len(down),
        voted_down=tuple(i for i, _ in voted_down.most_common()),
    )
