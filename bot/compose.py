"""Answers built from pieces: each piece a text and its citations; numbered once at the end.

A question of several parts gets one piece per part; a part the article does
not answer is said to be unanswered rather than dropped. Texts come from the
knowledge files and bot/messages.py only: the asker's words are never echoed,
except restricting terms, which are plain words of letters.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer import Answer, AnswerKind, Citation, Suggestion
from bot.messages import msg


@dataclass(frozen=True)
class Piece:
    """One part of a reply: a text without citation marks, and the citations it rests on."""

    text: str
    citations: tuple[Citation, ...]
    answered: bool
    kind: AnswerKind
    intent: str | None = None
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()


def assemble(question: str, lang: str, pieces: list[Piece]) -> Answer:
    """One Answer of `pieces`: citations numbered once, marks after each piece's text."""
    answered = [p for p in pieces if p.answered]
    if len(pieces) == 1 or not answered:
        first = pieces[0]
        text, cites = _marked([first])
        return Answer(
            question,
            first.answered,
            lang,
            text,
            first.kind,
            first.intent,
            first.confidence,
            cites,
            first.suggestions,
        )
    shown = [p if p.answered else _unanswered_part(p, lang) for p in pieces]
    text, cites = _marked(shown)
    ids = "+".join(p.intent for p in answered if p.intent) or None
    confidence = min(p.confidence for p in answered)
    return Answer(question, True, lang, text, "combined", ids, confidence, cites)


def _unanswered_part(piece: Piece, lang: str) -> Piece:
    """A part the article does not answer, inside an answer to the other parts."""
    if piece.kind in ("narrowed", "gap"):
        return piece  # says what the article does not give, and what it does
    return Piece(msg("part_unanswered", lang), (), False, "abstain")


def _marked(pieces: list[Piece]) -> tuple[str, tuple[Citation, ...]]:
    cites: list[Citation] = []
    lines = []
    for piece in pieces:
        marks = []
        for cite in piece.citations:
            if cite not in cites:
                cites.append(cite)
            marks.append(f"[{cites.index(cite) + 1}]")
        lines.append(f"{piece.text} {''.join(marks)}".rstrip())
    return "\n".join(lines), tuple(cites)
