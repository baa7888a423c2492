"""Key statistics for /stat: the table, fuzzy topic lookup in both languages, autocomplete."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.answer import Citation, StatReply, StatRow
from bot.knowledge import KnowledgeBase
from bot.models import Fact
from bot.text import fold

TOPIC_MATCH = 85  # WRatio a topic needs to count as a match
TOPIC_CLOSE = 50  # ... and to be offered as a close topic
SHORTEST_PART = 3  # characters of a topic that may match as part of a longer one


class StatIndex:
    """Facts of one knowledge base, findable by any of their topics or labels."""

    def __init__(self, kb: KnowledgeBase, default_lang: str) -> None:
        self.kb = kb
        self.default_lang = default_lang
        self.facts = {f.id: f for f in kb.facts}
        # choice string → fact id; a mapping keeps the key with each match.
        self._choices: dict[str, str] = {}
        for fact in kb.facts:
            names = [*fact.topics, fact.label.de, fact.label.en, fact.id.replace(".", " ")]
            for name in names:
                self._choices.setdefault(fold(name), fact.id)
        self._keys = list(self._choices)

    def row(self, fact: Fact, lang: str) -> StatRow:
        src = self.kb.sources.get(fact.cite.source)
        cite = Citation(
            fact.cite.source,
            fact.cite.locator,
            fact.cite.quote,
            as_of=fact.as_of,
            source_title=src.meta.title if src else None,
        )
        return StatRow(fact.id, fact.label.get(lang), fact.value.get(lang), fact.as_of, cite)

    def lookup(self, topic: str | None, lang: str | None = None) -> StatReply:
        lang = lang or self.default_lang
        topic = (topic or "").strip()
        if not topic:
            return StatReply(None, lang, tuple(self.row(f, lang) for f in self.kb.facts))
        if topic in self.facts:  # a fact's own id: what a pick from autocomplete sends
            return StatReply(topic, lang, (self.row(self.facts[topic], lang),))
        folded = fold(topic)
        hits = process.extract(
            folded, self._keys, scorer=fuzz.WRatio, limit=None, score_cutoff=TOPIC_CLOSE
        )
        # WRatio scores a part of a topic 90: "a" is part of most of them. A topic shorter
        # than SHORTEST_PART ("ki", "ai") matches only as itself; else the close topics.
        matches = hits if len(folded) >= SHORTEST_PART else [h for h in hits if h[0] == folded]
        best = matches[0][1] if matches else 0
        if best >= TOPIC_MATCH:
            near = max(TOPIC_MATCH, best - 5)
            ids = _unique(self._choices[k] for k, s, _ in matches if s >= near)
            return StatReply(topic, lang, tuple(self.row(self.facts[i], lang) for i in ids))
        close = _unique(self._choices[k] for k, _, _ in hits)[:5]
        if not close:
            close = [f.id for f in self.kb.facts[:5]]
        names = tuple(self.facts[i].label.get(lang) for i in close)
        return StatReply(topic, lang, (), names, self.known_topics())

    def known_topics(self) -> tuple[str, ...]:
        """One topic to type for each statistic (its first), each named once."""
        return tuple(_unique(f.topics[0] for f in self.kb.facts if f.topics))

    def choices(self, partial: str, limit: int = 25) -> list[tuple[str, str]]:
        """(name, fact id) pairs for autocomplete, best first; every fact when empty."""
        partial = fold(partial.strip())
        if partial:
            hits = process.extract(
                partial, self._keys, scorer=fuzz.WRatio, limit=None, score_cutoff=TOPIC_CLOSE
            )
            ids = _unique(self._choices[k] for k, _, _ in hits)
        else:
            ids = list(self.facts)
        out = []
        for fid in ids[:limit]:
            fact = self.facts[fid]
            name = f"{fact.label.en} / {fact.label.de}"
            out.append((name[:100], fid))
        return out


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
