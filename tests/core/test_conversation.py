"""Conversations: follow-ups read through the last answer, in batch mode and in the core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.conversation import Conversations, request_kind
from bot.service import QABot
from bot.state import MemoryState
from tests.conftest import KNOWLEDGE

QABOT = [sys.executable, "-m", "bot.cli"]


@pytest.fixture
def talk(qabot: QABot) -> Conversations:
    qabot.state = MemoryState()  # a fresh store: no context from other tests
    return Conversations(qabot, ttl_s=60)


def test_source_language_and_ellipsis(talk: Conversations) -> None:
    first = talk.ask("c1", "Wie groß ist das AI Subsidy Scheme?")
    assert "HK$3" in first.text
    ellipsis = talk.ask("c1", "und RAISe+?")
    assert ellipsis.answered and "HK$10" in ellipsis.text and ellipsis.lang == "de"
    source = talk.ask("c1", "Quelle?")
    assert source.answered and "RAISe+ Scheme" in source.text and source.lang == "de"
    assert source.citations and source.citations[0].locator == "§16"
    english = talk.ask("c1", "auf Englisch bitte")
    assert english.lang == "en" and "HK$10" in english.text


def test_pronoun_takes_the_names_of_the_last_question(talk: Conversations) -> None:
    talk.ask("c2", "Who is the CFO of SenseTime?")
    assert "2014" in talk.ask("c2", "and when was the company founded?").text


def test_near_miss_inside_a_follow_up_is_declined(talk: Conversations) -> None:
    talk.ask("c3", "Welcher Anteil der Unternehmen setzt KI ein?")
    assert talk.ask("c3", "und in Singapur?").answered is False


def test_a_language_switch_keeps_the_topic_for_the_next_follow_up(talk: Conversations) -> None:
    talk.ask("c6", "How many firms struggle to hire staff?")
    assert talk.ask("c6", "auf Deutsch bitte").lang == "de"
    assert talk.ask("c6", "und in Singapur?").answered is False


def test_a_question_word_alone_asks_it_of_the_last_topic(talk: Conversations) -> None:
    talk.ask("c7", "Wann soll das HPC-Datenzentrum in Betrieb gehen?")
    where = talk.ask("c7", "und wo?")
    assert where.answered is False and "Standort" in where.text


def test_more_goes_on_with_the_paragraph_of_the_answer(talk: Conversations) -> None:
    talk.ask("c8", "Bis wann will die Regierung Hongkong als Technologiezentrum positionieren?")
    assert "Austausch von Ideen" in talk.ask("c8", "erzähl mal mehr dazu").text


def test_an_elliptical_question_of_its_own_on_the_same_topic(talk: Conversations) -> None:
    talk.ask("c9", "Wie hoch ist der Anteil der KMU in der Studie?")
    large = talk.ask("c9", "und wie viele der großen Firmen sind profitabel?")
    assert large.answered and "Hälfte" in large.text  # not "nothing for KMU"
    talk.ask("c10", "Bis wann will die Regierung Hongkong neu positionieren?")
    assert talk.ask("c10", "Und Shenzhen, bis wann?").answered is False  # another topic


def test_more_gives_the_other_answers_of_that_paragraph_then_goes_on(talk: Conversations) -> None:
    first = talk.ask("c11", "When is the HPC data centre supposed to open?")
    more = talk.ask("c11", "anything else on that?")
    assert more.answered and more.lang == "en" and "44 %" in more.text
    assert not {c.quote for c in more.citations} <= {c.quote for c in first.citations}
    again = talk.ask("c11", "more")
    assert again.answered and again.text != more.text


def test_a_question_answered_on_its_own_is_not_narrowed_by_the_last_names(
    talk: Conversations,
) -> None:
    talk.ask("c12", "Wann wurde SenseTime gegründet?")
    answer = talk.ask("c12", "wann soll das HPC-Rechenzentrum fertig sein?")  # "sein": his?
    assert answer.answered and "2024" in answer.text


def test_a_language_switch_may_say_why(talk: Conversations) -> None:
    talk.ask("c13", "Wie viele Firmen haben Probleme bei der Rekrutierung?")
    english = talk.ask("c13", "in english pls, need it for our investor deck")
    assert english.answered and english.lang == "en" and "49" in english.text


def test_an_ellipsis_is_answered_by_what_knows_its_new_words(talk: Conversations) -> None:
    talk.ask("c14", "Wie viele Firmen brauchen Hilfe bei Hochleistungsrechnern?")
    cloud = talk.ask("c14", "und Cloud?")
    assert cloud.answered and "Fast alle" in cloud.text  # not the HPC figure again


def test_what_else_did_he_say_gives_more_of_that_person(talk: Conversations) -> None:
    talk.ask("c15", "Who is Wang Zheng?")
    first = talk.ask("c15", "what else did he say about Hong Kong?")
    second = talk.ask("c15", "and more?")
    assert first.answered and second.answered
    assert "Wang Zheng" in first.text and "Shenzhen" in first.text + second.text


def test_a_follow_up_replies_in_its_own_language(talk: Conversations) -> None:
    talk.ask("c16", "Wie viele Firmen setzen KI ein?")
    singapore = talk.ask("c16", "and in Singapore?")
    assert singapore.answered is False and singapore.lang == "en"


def test_a_clear_question_is_answered_on_its_own(talk: Conversations) -> None:
    talk.ask("c4", "When was the HKPC study published?")
    answer = talk.ask("c4", "What share of companies have trouble recruiting?")
    assert "49" in answer.text


def test_source_without_an_earlier_answer_asks_about_what(talk: Conversations) -> None:
    answer = talk.ask("c5", "Quelle?")
    assert answer.answered is False and "Frage" in answer.text


def test_conversations_do_not_leak(talk: Conversations) -> None:
    talk.ask("a", "Wie groß ist das AI Subsidy Scheme?")
    assert talk.ask("b", "Quelle?").answered is False


def test_context_expires(qabot: QABot) -> None:
    now = [0.0]
    qabot.state = MemoryState(clock=lambda: now[0])
    talk = Conversations(qabot, ttl_s=30)
    talk.ask("c6", "Wie groß ist das AI Subsidy Scheme?")
    now[0] = 31.0
    assert talk.ask("c6", "Quelle?").answered is False


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Quelle?", "source"),
        ("source pls", "source"),
        ("Where's that in the text?", "source"),
        ("Woher stammt diese Angabe genau?", "source"),
        ("auf Englisch bitte", "to_en"),
        ("in German?", "to_de"),
        ("mehr dazu", "more"),
        ("What is the source of the article?", None),
        ("Wie viele Firmen?", None),
    ],
)
def test_requests(qabot: QABot, text: str, kind: str | None) -> None:
    assert request_kind(text, qabot.store.current.knows_topic) == kind


def test_batch_lines_with_a_conversation_id() -> None:
    lines = [
        {"conversation": "x", "text": "Wie viele Unternehmen brauchen Unterstützung bei HPC?"},
        {"conversation": "x", "text": "Quelle?"},
        {"conversation": 7, "text": "Quelle?"},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + '\n{"not": "a turn"}\n{broken\n'
    proc = subprocess.run(
        [*QABOT, "--kb", str(KNOWLEDGE), "ask", "--json", "-"],
        input=stdin,
        text=True,
        capture_output=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    replies = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r.get("conversation") for r in replies] == ["x", "x", "7", None, None]
    assert "Hochleistungsrechnern" in replies[1]["text"]
    assert replies[2]["answered"] is False  # another conversation knows nothing of x
    assert replies[3]["question"] == '{"not": "a turn"}'  # any other line is a question


def test_a_plain_request_leaves_the_last_answer_unread(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Quelle?" names nothing the last answer could be about: the answer's words are read
    only when a topic word stands beside the cue (a follow-up costs no more than a question)."""
    import bot.conversation

    first = talk.ask("c-cost", "Wie groß ist das AI Subsidy Scheme?")
    read: list[str] = []
    tokens = bot.conversation.tokens

    def counted(text: str) -> list[str]:
        read.append(text)
        return tokens(text)

    monkeypatch.setattr(bot.conversation, "tokens", counted)
    assert talk.ask("c-cost", "Quelle?").answered
    assert not [text for text in read if first.question in text]
