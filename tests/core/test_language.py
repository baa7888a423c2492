"""Reply language: that of the question; the configured default when there is no signal."""

from __future__ import annotations

import pytest

from bot.service import QABot
from bot.settings import Settings
from tests.conftest import KNOWLEDGE


def test_german_question_german_answer(qabot: QABot) -> None:
    answer = qabot.ask("Wie viele Empfehlungen hat die Studie?")
    assert answer.lang == "de"
    assert "neun" in answer.text


def test_english_question_english_answer(qabot: QABot) -> None:
    answer = qabot.ask("How many recommendations did the study make?")
    assert answer.lang == "en"
    assert "nine" in answer.text


def test_bare_keyword_uses_the_configured_default() -> None:
    for lang in ("de", "en"):
        bot = QABot.from_settings(Settings(knowledge_dir=KNOWLEDGE, default_lang=lang))
        assert bot.ask("HKSTP").lang == lang


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("RAISe+ Budgetvolumen", "de"),
        ("SenseTime Gründungsjahr", "de"),
        ("HPC centre opening", "en"),
    ],
)
def test_keywords_of_everyday_words_of_one_language_reply_in_it(question: str, lang: str) -> None:
    """Keywords with no function word nor word of one side of the knowledge: an everyday word
    of one language ("Budgetvolumen" is German) decides, whatever the default; a name the
    knowledge uses in both languages ("RAISe+") decides nothing."""
    for default in ("de", "en"):
        bot = QABot.from_settings(Settings(knowledge_dir=KNOWLEDGE, default_lang=default))
        assert bot.ask(question).lang == lang, default


def test_other_scripts_abstain_in_the_default_language(qabot: QABot) -> None:
    for question in ("香港有多少人工智能公司？", "Сколько компаний в Гонконге?"):
        answer = qabot.ask(question)
        assert (answer.answered, answer.lang) == (False, "en")


@pytest.mark.parametrize(("figure", "words"), [("2035", "2035"), ("2014?", "SenseTime")])
def test_a_figure_alone_is_asked_about_not_another_script(
    qabot: QABot, figure: str, words: str
) -> None:
    """ "2035" has no Latin letter but is no other script: a reverse question, what the
    article says the figure is."""
    answer = qabot.ask(figure)
    assert answer.answered and words in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "lang"),
    [("wen was hkpc study published", "en"), ("Wen hat Wang Zheng gelobt?", "de")],
)
def test_wen_is_no_evidence_of_german_alone(qabot: QABot, question: str, lang: str) -> None:
    """ "wen" is German "whom" and a common slip of "when": the words around it decide."""
    assert qabot.ask(question).lang == lang
