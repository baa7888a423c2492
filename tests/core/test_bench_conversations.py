"""The conversation benchmark compares like with like (benchmarks/bench_conversations.py)."""

from __future__ import annotations

import pytest

from benchmarks import bench_conversations as bench
from bot.chat import ChatService, Incoming
from bot.settings import Settings


def test_a_follow_up_is_timed_against_its_text_asked_alone_through_the_same_layer(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same text alone is the first message of a conversation of its own, through the
    chat layer a follow-up takes (its context read, its reply kept), not the core's `ask`:
    "Quelle?" alone is a request with nothing before it ("about what?"), no resolver call."""
    bot = bench.CountingBot.from_settings(settings)
    chat = ChatService(bot, settings)
    asked: list[Incoming] = []
    answer = chat.answer
    monkeypatch.setattr(chat, "answer", lambda m: asked.append(m) or answer(m))
    rows = bench.play(chat, [["Wann wurde SenseTime gegründet?", "Quelle?"]], rounds=1)
    assert [len(rows[kind]) for kind in ("question", "follow-up", "alone")] == [1, 1, 1]
    [(_, calls, _)] = rows["alone"]
    assert calls == 0
    questions = {m.conversation for m in asked if m.text != "Quelle?"}
    sources = [m.conversation for m in asked if m.text == "Quelle?"]
    assert len(sources) == 4  # each round: in its conversation, then alone
    assert [c in questions for c in sources] == [True, False, True, False]
