"""Replay: every stored question variant resolves to its own intent."""

from __future__ import annotations

from bot.service import QABot

REPLAY_MIN = 0.98  # the share reached when this was written: see the README


def test_stored_variants_resolve_to_their_own_intent(qabot: QABot) -> None:
    kb = qabot.store.current.kb
    misses = []
    total = 0
    for intent in kb.intents:
        for question in (*intent.questions.de, *intent.questions.en):
            total += 1
            answer = qabot.ask(question)
            if answer.intent is None or intent.id not in answer.intent.split("+"):
                misses.append((intent.id, question, answer.intent))
    share = 1 - len(misses) / total
    assert share >= REPLAY_MIN, f"replay {share:.3f}: {misses[:10]}"
