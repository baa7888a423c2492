"""Rate limits and the bound on concurrent work, through QABot.ask."""

from __future__ import annotations

import threading

from bot.ratelimit import RateLimitSettings
from bot.service import QABot
from bot.settings import Settings
from bot.state import FailOpenState, MemoryState
from bot.store import KnowledgeStore
from tests.conftest import KNOWLEDGE

Q = "Wann wurde SenseTime gegründet?"


def _bot(**limits: float) -> QABot:
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        rate_limit=RateLimitSettings(enabled=True, **limits),
    )
    return QABot(settings, KnowledgeStore.open(KNOWLEDGE, settings), state=MemoryState())


def test_a_user_over_the_limit_gets_the_friendly_notice() -> None:
    bot = _bot(user_burst=3, user_per_s=0.0001)
    answers = [bot.ask(Q, platform="slack", user="U1", channel="C1") for _ in range(5)]
    assert [a.kind for a in answers[:3]] == ["intent"] * 3
    assert [a.kind for a in answers[3:]] == ["rate_limited"] * 2
    assert all("try again" in a.text for a in answers[3:])
    # others are not affected
    assert bot.ask(Q, platform="slack", user="U2", channel="C1").kind == "intent"


def test_a_busy_channel_is_limited_as_a_whole() -> None:
    bot = _bot(channel_burst=2, channel_per_s=0.0001)
    kinds = [bot.ask(Q, platform="discord", user=f"U{n}", channel="C7").kind for n in range(3)]
    assert kinds == ["intent", "intent", "rate_limited"]


def test_the_console_and_cli_are_not_limited() -> None:
    bot = _bot(user_burst=1, user_per_s=0.0001)
    assert {bot.ask(Q, platform="cli", user="me").kind for _ in range(5)} == {"intent"}


def test_a_store_outage_lets_questions_through() -> None:
    class Down(MemoryState):
        def take_token(self, key: str, capacity: float, refill_per_s: float) -> bool:
            raise ConnectionError("redis down")

    settings = Settings(knowledge_dir=KNOWLEDGE, rate_limit=RateLimitSettings(enabled=True))
    state = FailOpenState(Down())  # the store open_state() makes of a remote one
    bot = QABot(settings, KnowledgeStore.open(KNOWLEDGE, settings), state=state)
    assert bot.ask(Q, platform="slack", user="U1").kind == "intent"


def test_concurrent_work_is_bounded() -> None:
    bot = _bot(max_concurrent=2)
    inside, peak, lock = 0, 0, threading.Lock()
    answer = bot.store.current.answer

    def counted(text: str, lang: str | None = None):
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        try:
            return answer(text, lang)
        finally:
            with lock:
                inside -= 1

    bot.store.current.answer = counted  # type: ignore[method-assign]
    threads = [
        threading.Thread(target=bot.ask, args=(Q,), kwargs={"platform": "cli"}) for _ in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert 0 < peak <= 2  # 0: the stand-in was never called, nothing was measured
