"""The conversation layer under the chat adapters: when qabot speaks, and what it remembers
(for how long, how much)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answer import Answer, Citation
from bot.asker import Asker
from bot.chat import ChatService, Incoming
from bot.service import QABot
from bot.settings import Settings
from bot.state import MemoryState
from tests.conftest import KNOWLEDGE

ASKER = Asker("slack", "U1")
ANSWER = Answer(question="q", answered=True, lang="en", text="a", kind="intent", intent="i")


@pytest.fixture
def clock() -> list[float]:
    return [0.0]


@pytest.fixture
def chat(qabot: QABot, clock: list[float]) -> ChatService:
    settings = Settings(knowledge_dir=KNOWLEDGE, conversation_ttl_s=60)
    bot = QABot(settings, qabot.store, state=MemoryState(clock=lambda: clock[0]))
    return ChatService(bot, settings)


def message(text: str = "Quelle?", **facts: object) -> Incoming:
    return Incoming(ASKER, "C1:1.0", text, channel="C1", **facts)  # type: ignore[arg-type]


def test_addressed_messages_are_answered_bots_never(chat: ChatService) -> None:
    assert chat.wants(message(addressed=True))
    assert not chat.wants(message(addressed=True, from_bot=True))


def test_unaddressed_messages_only_where_qabot_spoke_until_it_expires(
    chat: ChatService, clock: list[float]
) -> None:
    assert not chat.wants(message())
    chat.sent("slack", "C1:1.0", "C1:2.0", None)  # the help counts: qabot spoke there
    assert chat.wants(message())
    assert not chat.wants(message(""))  # nothing said: nothing to answer
    assert not chat.wants(Incoming(ASKER, "C1:9.0", "Quelle?"))  # another thread
    assert not chat.wants(Incoming(Asker("discord", "U1"), "C1:1.0", "Quelle?"))
    clock[0] = 61.0
    assert not chat.wants(message())


def test_require_mention_turns_slack_follow_ups_off(qabot: QABot) -> None:
    settings = Settings(knowledge_dir=KNOWLEDGE, slack={"require_mention": True})
    chat = ChatService(QABot(settings, qabot.store, state=MemoryState()), settings)
    chat.sent("slack", "C1:1.0", "C1:2.0", ANSWER)
    assert not chat.wants(message())
    assert chat.wants(message(addressed=True))


def test_the_memory_of_posted_answers_expires_after_a_day(
    chat: ChatService, clock: list[float]
) -> None:
    """Votes and reply chains come within hours; a week of answers would fill the store."""
    chat.sent("slack", "C1:1.0", "C1:2.0", ANSWER)
    posted = chat.posted("slack", "C1:2.0")
    assert posted is not None and (posted.conversation, posted.intent) == ("C1:1.0", "i")
    assert chat.posted("discord", "C1:2.0") is None  # platforms do not mix
    clock[0] = 24 * 3600 - 1
    assert chat.posted("slack", "C1:2.0") is not None
    clock[0] = 24 * 3600 + 1
    assert chat.posted("slack", "C1:2.0") is None


def test_how_long_posted_answers_are_remembered_is_configured(qabot: QABot) -> None:
    now = [0.0]
    settings = Settings(knowledge_dir=KNOWLEDGE, answer_memory_ttl_s=120)
    state = MemoryState(clock=lambda: now[0])
    chat = ChatService(QABot(settings, qabot.store, state=state), settings)
    chat.sent("discord", "9", "10", ANSWER)
    now[0] = 121.0
    assert chat.posted("discord", "10") is None


def test_votes_of_bots_and_on_unknown_messages_are_ignored(chat: ChatService) -> None:
    chat.sent("slack", "C1:1.0", "C1:2.0", ANSWER)
    assert chat.vote("up", ASKER, "C1:404.0") is False
    assert chat.vote("up", ASKER, "C1:2.0", from_bot=True) is False
    assert chat.vote("up", ASKER, "C1:2.0") is True
    # an entry of the shared state nested past the JSON parser (a corrupted value): no
    # answer of qabot's, not a RecursionError past the vote
    chat.bot.state.put("answer:slack:C1:5.0", "[" * 100_000, 60)
    assert chat.vote("up", ASKER, "C1:5.0") is False


@pytest.mark.parametrize(
    "field, value",
    [
        ("intent", "x" * 1_000_000),
        ("lang", "x" * 1_000_000),
        ("conversation", "C" * 1_000_000),
        ("question", "q" * 501),
    ],
)
def test_an_answer_memory_entry_larger_than_qabot_writes_is_no_entry(
    chat: ChatService, caplog: pytest.LogCaptureFixture, field: str, value: str
) -> None:
    """Another writer's entry (a corrupted value, another version's) with a field longer than
    any qabot writes is no entry: not a megabyte log line and unanswered-log line per 👍, not
    a conversation key of that size."""
    chat.sent("slack", "C1:1.0", "C1:2.0", ANSWER)
    entry = json.loads(chat.bot.state.get("answer:slack:C1:2.0") or "{}")
    chat.bot.state.put("answer:slack:C1:2.0", json.dumps({**entry, field: value}), 60)
    with caplog.at_level("INFO"):
        assert chat.posted("slack", "C1:2.0") is None
        assert chat.vote("up", ASKER, "C1:2.0") is False
    assert all(len(r.getMessage()) < 10_000 for r in caplog.records)


def test_a_context_is_bounded_in_size(chat: ChatService, monkeypatch: pytest.MonkeyPatch) -> None:
    """However long the question, what a conversation keeps stays small."""
    long = " ".join(["Wie groß ist das AI Subsidy Scheme und RAISe+ und HPC?"] * 70)[:4000]
    chat.answer(Incoming(ASKER, "big", long, addressed=True))
    kept = chat.bot.state.get("conversation:slack:big")
    assert kept is not None and len(kept.encode()) < 8_000
    # the bounds themselves (4,000 characters of question were under 8 KB without them),
    # on an answer with more of both than is kept
    cites = tuple(Citation("article", f"§{n}", f"quote {n}") for n in range(1, 18))
    many = Answer(long, True, "en", "a", "intent", intent="i", citations=cites)
    monkeypatch.setattr(chat.bot, "resolve", lambda text, lang=None: many)
    chat.answer(Incoming(ASKER, "many", long, addressed=True))
    kept = json.loads(chat.bot.state.get("conversation:slack:many") or "{}")
    assert len(kept["question"]) == 500 and len(kept["citations"]) == 10
    chat.sent("slack", "big", "C1:3.0", Answer(long, True, "de", "a", "intent", intent="i"))
    posted = chat.posted("slack", "C1:3.0")
    assert posted is not None and len(posted.question) <= 500


def test_a_follow_up_is_one_message_for_the_rate_limit_and_the_unanswered_log(
    qabot: QABot, tmp_path: Path
) -> None:
    """Reading a follow-up may resolve it several times; it is still one question asked."""
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        unanswered={"path": tmp_path / "unanswered.jsonl"},
        rate_limit={"enabled": True, "user_burst": 4, "user_per_s": 0.001},
    )
    chat = ChatService(QABot(settings, qabot.store, state=MemoryState()), settings)
    turns = [
        "Who is the CFO of SenseTime?",
        "and when was the company founded?",  # alone: no answer; with the CFO's names: 2014
        "How many AI companies were at HKSTP by end-2022?",
        "and how many in 2018?",  # declined: a year the article does not give
    ]
    answers = [chat.answer(Incoming(ASKER, "c", text, addressed=True)) for text in turns]
    assert [a.kind for a in answers] != ["rate_limited"] * 4
    assert "2014" in answers[1].text and answers[3].kind == "narrowed"
    logged = [(r["kind"], r["question"]) for r in chat.bot.unanswered.records()]
    assert logged == [("abstain", "and how many in 2018?")]
    assert chat.answer(Incoming(ASKER, "c", "Quelle?", addressed=True)).kind == "rate_limited"


class DownState(MemoryState):
    """A shared state whose values cannot be read or written (Redis down)."""

    def get(self, key: str) -> str | None:
        raise ConnectionError("store down (test)")

    def put(self, key: str, value: str, ttl_s: float) -> None:
        raise ConnectionError("store down (test)")


def test_with_the_store_down_addressed_messages_are_still_answered(qabot: QABot) -> None:
    settings = Settings(knowledge_dir=KNOWLEDGE)
    chat = ChatService(QABot(settings, qabot.store, state=DownState()), settings)
    chat.sent("slack", "C1:1.0", "C1:2.0", ANSWER)  # logged, not raised
    assert not chat.wants(message())  # a thread follow-up without its context: silence
    answer = chat.answer(message("Who is the CFO of SenseTime?", addressed=True))
    assert "Wang Zheng" in answer.text
    assert chat.posted("slack", "C1:2.0") is None


def test_asking_what_services_the_bot_offers_gets_help(qabot: QABot) -> None:
    answer = qabot.ask("Could you please tell me what services you are able to offer?")
    assert answer.answered and "/ask" in answer.text, answer.text


def test_asking_the_bot_to_briefly_explain_what_it_can_help_with_gets_help(
    qabot: QABot,
) -> None:
    """ "briefly", "explain" only ask politely: no topic the article lacks."""
    answer = qabot.ask("Hello. Could you briefly explain what you are able to help me with?")
    assert answer.answered and "/ask" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    ["What kind of questions can you answer?", "Welche Art von Fragen können Sie mir beantworten?"],
)
def test_asking_which_questions_the_bot_answers_gets_help(qabot: QABot, question: str) -> None:
    answer = qabot.ask(question)
    assert answer.answered and "/ask" in answer.text, answer.text
