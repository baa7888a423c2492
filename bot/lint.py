"""Lint of a valid knowledge base: what the schema cannot see, as file:line warnings.

- a question variant that the resolver sends to another intent (replayed through
  a Snapshot, with the score);
- an answer figure (number, percentage, HK$ amount, year, number word) that no
  cited quote states;
- a fact no intent uses, a fact without a topic, an answer left untranslated or
  holding a TODO;
- a draft (knowledge/drafts/) whose quotes do not verify.
Schema and citation errors stay with the loader (bot.knowledge): they are errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import printable
from bot.figures import missing_figures
from bot.knowledge import (
    CONCEPTS_FILE,
    FACTS_FILE,
    INTENTS_DIR,
    KnowledgeBase,
    _compose,
    _items,
    _line_of,
    _node_line,
    _rel,
    data_within,
    files_named,
    read_text_within,
)
from bot.models import LANGS, Intent
from bot.settings import KnowledgeLimits, Settings
from bot.snapshot import Snapshot

DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class Finding:
    """One lint warning at a file and line."""

    path: Path | str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: warning: {self.message}"


class _Lines:
    """Where each intent, variant and fact stands (lint only: a re-read that keeps the nodes)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.intents: dict[str, tuple[Path, Any]] = {}
        for path in files_named(root / INTENTS_DIR):
            for item, raw in _located(path.read_text(encoding="utf-8"), "intents"):
                self.intents[str(item["id"])] = (path, raw)
        facts = (root / FACTS_FILE).read_text(encoding="utf-8")
        self.facts = {str(item["id"]): raw for item, raw in _located(facts, "facts")}

    def intent(self, intent_id: str, *loc: int | str) -> tuple[Path, int]:
        path, raw = self.intents[intent_id]
        line = _line_of(raw, loc) if loc else _node_line(raw)
        return _rel(path, self.root), line

    def fact(self, fact_id: str, *loc: int | str) -> tuple[Path, int]:
        raw = self.facts[fact_id]
        line = _line_of(raw, loc) if loc else _node_line(raw)
        return _rel(self.root / FACTS_FILE, self.root), line


def _located(text: str, key: str) -> list[tuple[Any, Any]]:
    """(item, its node) of the list under `key` in one YAML file's `text`."""
    data, node = _compose(text)
    items = data.get(key) if isinstance(data, dict) else None
    items = items if isinstance(items, list) else []
    return list(zip(items, _items(node, key, len(items)), strict=True))


def lint(root: Path, kb: KnowledgeBase, settings: Settings) -> list[Finding]:
    """Every warning for the (already valid) knowledge base `kb` loaded from `root`."""
    root = Path(root)
    lines = _Lines(root)
    findings = _confusions(kb, settings, lines)
    findings += _figures(kb, lines)
    findings += _facts(kb, lines)
    findings += _languages(kb, lines)
    findings += lint_drafts(root, kb, settings.knowledge)
    findings += _synonyms(root, kb)
    return findings


# An absent concepts.yaml is allowed (a knowledge of a few intents needs no synonym table),
# never silent: without it "Finanzchef" is not "CFO", named things are not known, and the
# answers change ("Wie viele Firmen nutzen KI?" lost its 41 %), while validate said "ok".
NO_SYNONYMS = (
    "absent: no synonym table (questions match only the words of the variants, and no named "
    "thing is known); answers differ from a knowledge with one"
)


def _synonyms(root: Path, kb: KnowledgeBase) -> list[Finding]:
    """A warning when the knowledge has no concepts.yaml at all."""
    path = root / CONCEPTS_FILE
    if kb.concepts or path.exists() or path.is_symlink():
        return []
    return [Finding(_rel(path, root), 0, NO_SYNONYMS)]


def _confusions(kb: KnowledgeBase, settings: Settings, lines: _Lines) -> list[Finding]:
    """Replay every variant; report those that resolve to another intent or to none."""
    snap = Snapshot(kb, settings)
    out = []
    for intent in kb.intents:
        for lang in LANGS:
            for n, q in enumerate(getattr(intent.questions, lang)):
                answer = snap.answer(q)
                got = answer.intent or ""
                if got == intent.id:
                    continue
                path, line = lines.intent(intent.id, "questions", lang, n)
                if intent.id in got.split("+"):
                    others = "+".join(i for i in got.split("+") if i != intent.id)
                    what = f"also resolves to {others} ({answer.confidence:.2f}, combined answer)"
                elif got:
                    what = f"resolves to {got} ({answer.confidence:.2f})"
                else:
                    top = answer.suggestions[0].intent if answer.suggestions else "nothing"
                    what = f"is not recognised (best guess {top}, {answer.confidence:.2f})"
                out.append(Finding(path, line, f"variant {q!r} of {intent.id} {what}"))
    return out


def _quotes(intent: Intent, kb: KnowledgeBase) -> list[str]:
    quotes = [c.quote for c in intent.cite]
    for fid in intent.facts:
        if fact := kb.fact(fid):
            quotes.append(fact.cite.quote)
    return quotes


def _figures(kb: KnowledgeBase, lines: _Lines) -> list[Finding]:
    """Answer and fact-value figures that their quotes do not state."""
    out = []
    for intent in kb.intents:
        if intent.kind == "smalltalk":
            continue
        quotes = _quotes(intent, kb)
        for lang in LANGS:
            missing = missing_figures(intent.answer.get(lang), quotes)
            if missing:
                path, line = lines.intent(intent.id, "answer", lang)
                shown = ", ".join(repr(f.text) for f in missing)
                out.append(Finding(path, line, f"{intent.id} ({lang}): {shown} not in its quotes"))
    for fact in kb.facts:
        for lang in LANGS:
            missing = missing_figures(fact.value.get(lang), [fact.cite.quote])
            if missing:
                path, line = lines.fact(fact.id, "value", lang)
                shown = ", ".join(repr(f.text) for f in missing)
                message = f"fact {fact.id} ({lang}): {shown} not in its quote"
                out.append(Finding(path, line, message))
    return out


def _facts(kb: KnowledgeBase, lines: _Lines) -> list[Finding]:
    used = {fid for i in kb.intents for fid in i.facts}
    out = []
    for fact in kb.facts:
        if not any(t.strip() for t in fact.topics):
            path, line = lines.fact(fact.id, "topics")
            out.append(Finding(path, line, f"fact {fact.id} has no topic for /stat"))
        if fact.id not in used:
            path, line = lines.fact(fact.id)
            out.append(Finding(path, line, f"fact {fact.id} is linked from no intent"))
    return out


def _languages(kb: KnowledgeBase, lines: _Lines) -> list[Finding]:
    """Answers that are the same in both languages (untranslated) or still say TODO."""
    out = []
    for intent in kb.intents:
        de, en = intent.answer.de.strip(), intent.answer.en.strip()
        if de == en:
            path, line = lines.intent(intent.id, "answer")
            out.append(Finding(path, line, f"{intent.id}: the en answer is the de one"))
        for lang, text in (("de", de), ("en", en)):
            if "TODO" in text:
                path, line = lines.intent(intent.id, "answer", lang)
                out.append(Finding(path, line, f"{intent.id} ({lang}): answer says TODO"))
    return out


def lint_drafts(root: Path, kb: KnowledgeBase, limits: KnowledgeLimits) -> list[Finding]:
    """Drafts are not live, but their quotes must verify so that review starts from facts.

    A draft is half done by nature: what is no citation yet is the loader's to check once
    the entry is live; a draft that does not read as YAML is named, not checked."""
    out = []
    for path in files_named(root / DRAFTS_DIR):
        try:
            text = read_text_within(path, limits)
            located = _located(text, "intents")
            data_within(text, _rel(path, root), limits)  # aliases that str() would write out
        except ValueError as exc:  # not a regular file, over max_file_bytes, not UTF-8
            out.append(Finding(_rel(path, root), 0, f"draft not checked ({exc})"))
            continue
        except yaml.YAMLError as exc:  # a syntax error, a NUL, a tag no safe loader takes
            mark = getattr(exc, "problem_mark", None)
            why = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            line = mark.line + 1 if mark is not None else 0
            out.append(Finding(_rel(path, root), line, f"draft not checked (YAML syntax: {why})"))
            continue
        for item, raw in located:
            cites = item.get("cite") if isinstance(item, dict) else None
            for n, cite in enumerate(cites if isinstance(cites, list) else ()):
                if not isinstance(cite, dict):
                    continue  # no citation yet
                src = kb.sources.get(str(cite.get("source")))
                para = src.paragraph(str(cite.get("locator"))) if src else None
                if para is None or str(cite.get("quote")) not in para:
                    line = _line_of(raw, ("cite", n))
                    message = f"draft quote does not verify: {str(cite.get('quote'))[:70]!r}"
                    out.append(Finding(_rel(path, root), line, message))
    return out
