"""One loaded knowledge base with its indexes, and the policy that turns a ranking into an Answer.

A snapshot never changes after it is built: a reload builds a new one and
swaps it in, so a question in flight sees one whole knowledge base.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.answer import Answer, Citation, StatReply, Suggestion
from bot.knowledge import KnowledgeBase
from bot.messages import msg
from bot.models import Intent
from bot.resolver import Candidate, Resolution, Resolver
from bot.settings import Settings
from bot.stats import StatIndex
from bot.text import clean, fold, has_latin, sentences

# Platform markup that is not part of a question: Slack/Discord mentions and
# links (<@U1>, <!here>, <#C1|x>, <https://…>), HTML tags, Markdown emphasis.
SMALLTALK_COVERAGE = 0.66
_CLAUSE = re.compile(r"\s*(?:[,;?]|\bund\b|\band\b|\bsowie\b)\s*", re.IGNORECASE)
_MARKUP = re.compile(r"<[@#!][^>]*>|<https?://[^>]*>|</?[a-zA-Z][^>]*>|[*_~`]+")


class Snapshot:
    """A knowledge base, its resolver and stat index, and how answers are built from them."""

    def __init__(self, kb: KnowledgeBase, settings: Settings) -> None:
        self.kb = kb
        self.settings = settings
        self.resolver = Resolver(kb, settings.resolver, settings.default_lang)
        self.stats = StatIndex(kb, settings.default_lang)
        self.intents = {i.id: i for i in kb.intents}
        self.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")

    # -- questions -------------------------------------------------------------

    def answer(self, text: str) -> Answer:
        """The reply to any string: help, refusal, answer, passage or abstention."""
        text = text if isinstance(text, str) else str(text)
        limit = self.settings.max_question_chars
        if len(text) > limit:
            lang = self.settings.default_lang
            return Answer(
                text[:200],
                False,
                lang,
                msg("too_long", lang, length=len(text), limit=limit),
                "refused",
            )
        question = clean(_MARKUP.sub(" ", text))
        if not question:
            return self._help(text, self.settings.default_lang)
        if not has_latin(question):
            lang = self.settings.default_lang
            if not any(ch.isalnum() for ch in question):  # emoji or symbols only
                return self._help(text, lang)
            return Answer(text, False, lang, msg("other_script", lang), "abstain")
        resolution = self.resolver.resolve(question)
        return self._decide(text, question, resolution)

    def answer_intent(self, intent_id: str, lang: str) -> Answer:
        intent = self.intents.get(intent_id)
        lang = lang if lang in ("de", "en") else self.settings.default_lang
        if intent is None:
            return Answer(intent_id, False, lang, msg("abstain", lang), "abstain")
        question = getattr(intent.questions, lang)[0]
        return self._intent_answer(question, intent, lang, 1.0)

    def _decide(self, raw: str, question: str, res: Resolution) -> Answer:
        ranked = [c for c in res.ranked if c.key in self.intents]
        top = ranked[0] if ranked else None
        parts = self._clause_intents(question)
        accepted = self._accepted(res)
        if len(parts) >= 2 or (parts and accepted is None):
            return self._combine(raw, parts, res.lang)
        if accepted is not None:
            return self._intent_answer(raw, self.intents[accepted.key], res.lang, accepted.score)
        tied = self._tied_figures(ranked)
        if tied:
            return self._combine(raw, tied, res.lang)
        passage = self._passage(raw, question, res)
        if passage is not None:
            return passage
        suggestions = self._suggestions(ranked, res.lang)
        text = msg("abstain", res.lang)
        if suggestions:
            lines = "\n".join(f"• {s.question}" for s in suggestions)
            text = f"{text} {msg('abstain_suggest', res.lang)}\n{lines}"
        conf = top.score if top else 0.0
        return Answer(raw, False, res.lang, text, "abstain", None, conf, (), suggestions)

    def _accepted(self, res: Resolution) -> Candidate | None:
        """The top intent when it clears the threshold, the coverage guard and the margin."""
        cfg = self.settings.resolver
        ranked = [c for c in res.ranked if c.key in self.intents]
        if not ranked or ranked[0].score < cfg.accept or ranked[0].coverage < cfg.min_coverage:
            return None
        top = ranked[0]
        if self.intents[top.key].kind == "smalltalk" and top.coverage < SMALLTALK_COVERAGE:
            return None  # "Guten Morgen" may greet; "Wetter morgen?" is a question
        rival = next((c for c in ranked[1:] if not self._related(top.key, c.key)), None)
        if rival is not None and top.score - rival.score < cfg.margin:
            return None
        return top

    def _tied_figures(self, ranked: list[Candidate]) -> list[Candidate]:
        """Two figure intents that both fit and tie: "both schemes" wants both answers."""
        cfg = self.settings.resolver
        if len(ranked) < 2:
            return []
        pair = ranked[:2]
        if pair[0].score - pair[1].score >= cfg.margin:
            return []
        fits = all(
            c.score >= cfg.accept
            and c.coverage >= cfg.min_coverage
            and self.intents[c.key].kind == "article"
            and self.intents[c.key].facts
            for c in pair
        )
        return pair if fits else []

    def _clause_intents(self, question: str) -> list[Candidate]:
        """The intents the parts of a question ("who …, and when …?") ask for, in order."""
        clauses = _clauses(question)
        if len(clauses) < 2:
            return []
        found: list[Candidate] = []
        for clause in clauses:
            top = self._accepted(self.resolver.resolve(clause))
            if top and top.key not in {c.key for c in found}:
                found.append(top)
        return [c for c in found if self.intents[c.key].kind == "article"]

    def _combine(self, raw: str, found: list[Candidate], lang: str) -> Answer:
        """One answer made of several intents' answers, citations numbered once."""
        parts = [self._intent_answer(raw, self.intents[c.key], lang, c.score) for c in found]
        if len(parts) == 1:
            return parts[0]
        texts, cites = [], []
        for part in parts:
            body = self.intents[part.intent].answer.get(lang)
            marks = []
            for cite in part.citations:
                if cite not in cites:
                    cites.append(cite)
                marks.append(f"[{cites.index(cite) + 1}]")
            texts.append(f"{body} {''.join(marks)}")
        ids = "+".join(p.intent for p in parts if p.intent)
        conf = min(p.confidence for p in parts)
        return Answer(raw, True, lang, "\n".join(texts), "combined", ids, conf, tuple(cites))

    def _related(self, a: str, b: str) -> bool:
        """Two intents that state the same key figure: either answer is right."""
        return bool(set(self.intents[a].facts) & set(self.intents[b].facts))

    def _intent_answer(self, question: str, intent: Intent, lang: str, score: float) -> Answer:
        citations = tuple(self._citation(c.source, c.locator, c.quote, intent) for c in intent.cite)
        text = intent.answer.get(lang)
        if citations:
            text += " " + "".join(f"[{n}]" for n in range(1, len(citations) + 1))
        kind = {"article": "intent", "smalltalk": "smalltalk", "gap": "gap"}[intent.kind]
        answered = intent.kind != "gap"
        return Answer(question, answered, lang, text, kind, intent.id, score, citations)

    def _citation(self, source: str, locator: str, quote: str, intent: Intent | None) -> Citation:
        as_of = None
        if intent is not None:
            facts = self.stats.facts
            as_of = next((facts[fid].as_of for fid in intent.facts if fid in facts), None)
        src = self.kb.sources.get(source)
        return Citation(source, locator, quote, as_of, src.meta.title if src else None)

    def _passage(self, raw: str, question: str, res: Resolution) -> Answer | None:
        """One article sentence that clearly answers, quoted, when no intent does."""
        cfg = self.settings.resolver
        passages = self.resolver.rank_passages(res.analysis, fold(question))
        if not passages or passages[0].score < cfg.passage_accept:
            return None
        best: Candidate = passages[0]
        source, locator, index = best.key.split("|")
        original = sentences(self.kb.sources[source].paragraph(locator) or "")[int(index)]
        text = msg("passage", res.lang, locator=locator, quote=original) + " [1]"
        cite = self._citation(source, locator, original, None)
        return Answer(raw, True, res.lang, text, "passage", None, best.score * 0.9, (cite,))

    def _suggestions(self, ranked: list[Candidate], lang: str) -> tuple[Suggestion, ...]:
        cfg = self.settings.resolver
        out = []
        for cand in ranked:
            intent = self.intents[cand.key]
            if cand.score < cfg.suggest or intent.kind != "article":
                continue
            out.append(Suggestion(intent.id, getattr(intent.questions, lang)[0], cand.score))
            if len(out) == cfg.max_suggestions:
                break
        return tuple(out)

    def _help(self, raw: str, lang: str) -> Answer:
        return Answer(raw, False, lang, msg("help", lang), "refused")

    # -- statistics ------------------------------------------------------------

    def stat(self, topic: str | None, *, lang: str | None = None) -> StatReply:
        if lang is None and topic:
            lang = self.language(topic)
        return self.stats.lookup(topic, lang)

    def language(self, text: str) -> str:
        """'de' or 'en' for `text`, as the resolver judges it (the default if no signal)."""
        analysis = self.resolver.analyzer.analyze(text, correct=True)
        return self.resolver.language(analysis, text)[0]

    def topic_choices(self, partial: str, *, limit: int = 25) -> list[tuple[str, str]]:
        return self.stats.choices(partial, limit)


def _clauses(question: str) -> list[str]:
    """The parts of a question; a part of one or two words ("… Science and Technology
    Parks", "ok real talk,") is not a question of its own and stays with its neighbour."""
    parts = [p for p in _CLAUSE.split(question) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and (len(part.split()) < 3 or len(merged[-1].split()) < 3):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged
