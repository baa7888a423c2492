"""Text normalisation: what the per-text caches hold."""

from __future__ import annotations

from bot.text import tokens


def test_a_word_in_many_cached_texts_is_held_once() -> None:
    """The token cache keeps thousands of texts; each word in them is one string, not one
    copy per text (a soak's memory must not grow with the words of the texts it saw)."""
    first = tokens("Wie viele KI-Unternehmen gibt es im HKSTP?")
    second = tokens("und im HKSTP: wie viele Unternehmen noch?")
    assert first[-1] == second[2] == "hkstp"
    assert first[-1] is second[2]
