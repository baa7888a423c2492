"""The neutral answer types every renderer and adapter works from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

AnswerKind = Literal[
    "intent",  # a known question, answered from its cited answer
    "combined",  # several intents, one per part of the question
    "passage",  # no intent fits, one sentence of the article does: quoted
    "smalltalk",  # greeting, thanks, help
    "gap",  # a known question the article does not answer
    "narrowed",  # the question narrows what the article states: declined, with what it gives
    "abstain",  # nothing fits well enough; suggestions may help
    "refused",  # input rejected before matching (too long, empty...)
    "rate_limited",  # the asker sent too much too fast
]


@dataclass(frozen=True)
class Citation:
    """A verbatim quote of a source, with where it stands and when it was true."""

    source: str
    locator: str
    quote: str
    as_of: str | None = None
    source_title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "locator": self.locator, "quote": self.quote}


@dataclass(frozen=True)
class Suggestion:
    """A close question the asker may have meant, with the intent it leads to."""

    intent: str
    question: str
    score: float


@dataclass(frozen=True)
class Answer:
    """What the bot replies to one question; `text` is exactly what a person reads."""

    question: str
    answered: bool
    lang: str
    text: str
    kind: AnswerKind
    intent: str | None = None
    confidence: float = 0.0
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The answer JSON contract of DESIGN.md."""
        return {
            "question": self.question,
            "answered": self.answered,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "lang": self.lang,
            "text": self.text,
            "citations": [c.to_json() for c in self.citations],
            "suggestions": [s.question for s in self.suggestions],
        }


@dataclass(frozen=True)
class StatRow:
    """One key statistic, ready to show: label and value in the reply language."""

    fact_id: str
    label: str
    value: str
    as_of: str | None
    citation: Citation


@dataclass(frozen=True)
class StatReply:
    """Reply to `/stat [topic]`.

    `rows` holds every statistic (no topic), the matching one(s) (a topic that
    matched), or nothing (unknown topic: then `suggestions` names close topics, and
    `topics` one word to type for each statistic).
    """

    topic: str | None
    lang: str
    rows: tuple[StatRow, ...]
    suggestions: tuple[str, ...] = field(default=())
    topics: tuple[str, ...] = field(default=())

    @property
    def matched(self) -> bool:
        return bool(self.rows)


# -- what the admin commands show ---------------------------------------------


@dataclass(frozen=True)
class ReloadResult:
    """Outcome of one reload: ok, what changed, or the file:line errors that stopped it."""

    ok: bool
    at: str
    seconds: float
    content_hash: str
    errors: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: bool = field(default=False)
    trigger: str = "manual"

    def summary(self, max_items: int = 10) -> str:
        """One line of outcome, then the file:line errors or the diff, item by item."""
        if not self.ok:
            return "reload failed, still serving the last good knowledge:\n" + "\n".join(
                self.errors
            )
        if self.unchanged:
            return f"reloaded in {self.seconds:.2f}s: no change ({self.content_hash})"
        head = (
            f"reloaded in {self.seconds:.2f}s ({self.content_hash}): "
            f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)}"
        )
        lines = [head]
        for mark, items in (("+", self.added), ("-", self.removed), ("~", self.changed)):
            lines += [f"{mark} {item}" for item in items[:max_items]]
            if len(items) > max_items:
                lines.append(f"{mark} … {len(items) - max_items} more")
        return "\n".join(lines)


@dataclass(frozen=True)
class KBStatus:
    """What `/kb status` shows."""

    content_hash: str
    intents: int
    facts: int
    variants: int
    loaded_at: str
    last_reload: ReloadResult | None
    last_error: ReloadResult | None = None


@dataclass(frozen=True)
class Group:
    """Similar questions: the most frequent phrasing, how often, and the intent to attach it to."""

    key: str
    question: str
    lang: str
    count: int
    questions: tuple[str, ...]
    intent: str | None
    score: float
    clicks: int = 0
    down_votes: int = 0  # 👎 on the answers its questions got
    voted_down: tuple[str, ...] = ()  # the intents of those answers, most voted down first

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "question": self.question,
            "lang": self.lang,
            "count": self.count,
            "questions": list(self.questions),
            "proposed_intent": self.intent,
            "score": round(self.score, 3),
            "clicks": self.clicks,
            "down_votes": self.down_votes,
            "voted_down": list(self.voted_down),
        }
