"""Bad input gets a defined, friendly reply and never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer
from bot.service import QABot


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
def test_a_terminals_control_sequences_are_no_words_or_numbers(
    qabot: QABot, wrapped: str
) -> None:
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
