"""Bad input gets a defined, friendly reply and never an exception."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer
from bot.conversation import Conversations
from bot.figures import figures
from bot.resolver import Resolver
from bot.service import QABot
from bot.settings import Settings


def test_empty_and_whitespace_get_the_help(qabot: QABot) -> None:
    for text in ("", "   ", "\n\t"):
        answer = qabot.ask(text)
        assert (answer.answered, answer.kind) == (False, "refused")
        assert "/stat" in answer.text
        # the help of every platform (Discord, the CLI): Slack's own tips are Slack's
        assert "Slack" not in answer.text


def test_too_long_is_refused_without_matching(qabot: QABot) -> None:
    answer = qabot.ask("Wang Zheng " * 1000)
    assert (answer.answered, answer.kind) == (False, "refused")
    assert "too long" in answer.text
    assert len(answer.question) <= 200


def test_control_characters_are_ignored(qabot: QABot) -> None:
    answer = qabot.ask("Wann wurde\x00 Sense\u200bTime\x07 gegründet?")
    assert answer.intent == "sensetime.founded"


@pytest.mark.parametrize(
    "wrapped",
    [
        "Wann wurde SenseTime gegründet?\x1b[31m",  # a colour left on (pasted, piped in)
        "\x1b[1;32mWann wurde SenseTime gegründet?\x1b[0m",  # Discord's ```ansi blocks too
        "\x1b]0;2019 build\x07Wann wurde SenseTime gegründet?",  # a window title (OSC)
        "\x9b33mWann wurde SenseTime gegründet?",  # the one-byte CSI
    ],
)
def test_a_terminals_control_sequences_are_no_words_or_numbers(qabot: QABot, wrapped: str) -> None:
    # The ESC alone was dropped: "[31m" stayed and was read as the number 31 ("Dazu nennt
    # der Artikel nicht 31, sondern: SenseTime wurde 2014 gegründet.").
    plain = qabot.ask("Wann wurde SenseTime gegründet?")
    answer = qabot.ask(wrapped)
    assert (answer.intent, answer.text) == (plain.intent, plain.text)


def test_emoji_only_gets_the_help(qabot: QABot) -> None:
    answer = qabot.ask("🤔🤔💸")
    assert answer.answered is False
    assert answer.kind == "refused"


def test_markup_is_stripped(qabot: QABot) -> None:
    answer = qabot.ask("<@U123ABC> <b>Wann</b> wurde *SenseTime* gegründet? <!channel>")
    assert answer.intent == "sensetime.founded"


@pytest.mark.parametrize("link", ["www.stuttgarter-zeitung.de", "https://www.scmp.com/tech/ai"])
def test_a_bare_link_gets_the_help_not_an_answer_from_its_words(qabot: QABot, link: str) -> None:
    """A link's words ("zeitung", "scmp") are another page's: no question about the article."""
    answer = qabot.ask(link)
    assert (answer.answered, answer.kind) == (False, "refused")


def test_a_question_around_a_link_is_answered(qabot: QABot) -> None:
    answer = qabot.ask("Saw this: https://example.com/ai-hk When was SenseTime founded?")
    assert answer.intent == "sensetime.founded"


def test_mention_injection_is_not_echoed(qabot: QABot) -> None:
    answer = qabot.ask("<!channel> @everyone who is the CFO of SenseTime?")
    assert "<!channel>" not in answer.text and "@everyone" not in answer.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_string_gets_an_answer_object(qabot: QABot, text: str) -> None:
    answer = qabot.ask(text)
    assert isinstance(answer, Answer)
    assert answer.text
    assert answer.lang in ("de", "en")


def test_a_part_asked_many_times_is_answered_once(qabot: QABot) -> None:
    # "hpc? " × 799 made 799 answers (114 KB): every platform would post or print them all
    answer = qabot.ask("hpc? " * 799)
    assert answer.answered and len(answer.text) < 2000, len(answer.text)


def _many_parts(shape: str, count: int) -> str:
    """A message of about `count` parts: questions ("…? …?"), or the clauses of one
    ("scheme and 41 and scheme …", pass 35's shape)."""
    if shape == "questions":
        return " ".join(f"How big is the AI Subsidy Scheme after {n} years?" for n in range(count))
    words = random.Random(2).choices(["scheme", "and", "41"], k=6 * count)
    return " ".join(words)


@pytest.mark.parametrize("shape", ["questions", "clauses"])
def test_the_work_for_a_message_is_bounded_whatever_its_parts(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    # Each part of a message was answered, and each with the other parts read again: 40,000
    # characters of "scheme and 41 and …" (some 1,200 parts) took 21 s, one of other words
    # up to a minute. The first `max_question_parts` are answered, and the reply says so.
    bot = QABot.from_settings(settings.model_copy(update={"max_question_chars": 40_000}))
    resolved: list[str] = []
    resolve = Resolver.resolve

    def counted(self: Resolver, text: str, *args: object, **kwargs: object) -> object:
        resolved.append(text)
        return resolve(self, text, *args, **kwargs)

    monkeypatch.setattr(Resolver, "resolve", counted)
    limit = settings.max_question_parts
    answers, work = [], []
    for count in (3 * limit, 30 * limit):
        resolved.clear()
        answers.append(bot.ask(_many_parts(shape, count)))
        work.append(len(resolved))
    few, many = work
    assert many <= few, work  # no more readings for ten times the parts
    for answer in answers:
        assert answer.answered and f"more than {limit} parts" in answer.text, answer.text
    assert (
        f"more than {limit} parts"
        not in bot.ask("Who is Wang Zheng and when was SenseTime founded?").text
    )


HUGE = "9" * 320  # past a float's range (1.8e308): float() of it is inf


@pytest.mark.parametrize(
    "question",
    [
        f"Wie groß ist RAISe+? {HUGE}",
        f"Is RAISe+ worth HK${HUGE} million?",
        f"{HUGE} Firmen nutzen KI?",
        f"Is the AI Subsidy Scheme worth {HUGE[:200]},000 billion?",
        f"Sind {HUGE} % der Firmen profitabel?",
        f"Wie groß ist RAISe+? 1{'.000' * 120}",  # German thousands groups
    ],
)
def test_a_number_past_a_floats_range_is_no_figure_and_no_error(
    qabot: QABot, question: str
) -> None:
    # A question with a number of over 308 digits raised OverflowError ("cannot convert
    # float infinity to integer", policy's _token): `qabot ask` printed a traceback and a
    # batch lost every line after it. Such a number is no figure the article could state.
    answer = qabot.ask(question)
    assert isinstance(answer, Answer) and answer.text
    assert Conversations(qabot, ttl_s=60).ask("c", question).text


@pytest.mark.parametrize(
    "question",
    [
        "das raise plus programm hat ja äh dreißig milliarden hongkong dollar richtig",
        "Sind es DREISSIG Prozent?",
        "Hat RAISe+ dreissig Milliarden?",
    ],
)
def test_a_number_word_with_sharp_s_is_a_figure_and_no_error(qabot: QABot, question: str) -> None:
    # "dreißig" casefolds to "dreissig", which the number words' table did not hold: the
    # question raised KeyError and a batch lost every line after it.
    assert qabot.ask(question).text
    assert any(f.raw == 30 for f in figures(question))


def test_a_number_past_a_floats_range_is_read_as_no_figure() -> None:
    assert figures(f"RAISe+ {HUGE} 10 Milliarden") == figures("RAISe+ 10 Milliarden")
    assert all(math.isfinite(f.value) for f in figures(f"{'9' * 300} billion"))
