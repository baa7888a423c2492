"""Reading a message: chat set aside, context dropped, questions kept in order."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.lexicon import CHAT_PHRASES
from bot.reading import chat_kind, chat_tokens, read
from bot.service import QABot
from bot.text import tokens


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        ("Servus! wie viele Firmen nutzen KI?", ("wie viele Firmen nutzen KI?",)),
        ("Hoi zäme, wie viele Firmen nutzen KI?", ("wie viele Firmen nutzen KI?",)),
        ("hey @qabot ganz kurz: wer ist der cfo", ("wer ist der cfo",)),
        (
            "thx! und noch was: wann wurde sensetime gegründet?",
            ("wann wurde sensetime gegründet?",),
        ),
        (
            "Who is the CFO? When was SenseTime founded?",
            ("Who is the CFO?", "When was SenseTime founded?"),
        ),
        (
            "We are building a deck for a client. Our lead wants Shenzhen in it. "
            "What share of companies use AI?",
            ("What share of companies use AI?",),
        ),
        (
            "Meine Chefin liebt Zahlen 😅 Wie hoch ist das AI Subsidy Scheme?",
            ("Wie hoch ist das AI Subsidy Scheme?",),
        ),
        (
            "What share of firms rely on the cloud? Precise figure please.",
            ("What share of firms rely on the cloud? Precise figure please.",),
        ),
        (  # a remark about the asker after the question is not part of it
            "Was bedeuten die 63 Prozent? Da komme ich nicht ganz mit.",
            ("Was bedeuten die 63 Prozent?",),
        ),
        (  # "I have …" states: the tokens drop the "I", and "have" would open a question
            "I have the cloud figure already. What share of firms struggle to hire?",
            ("What share of firms struggle to hire?",),
        ),
        (  # a formal letter's greeting
            "Sehr geehrter Bot, welche Position hat Herr Wang Zheng inne?",
            ("welche Position hat Herr Wang Zheng inne?",),
        ),
    ],
)
def test_the_question_is_what_gets_matched(message: str, questions: tuple[str, ...]) -> None:
    assert read(message).questions == questions


def test_statements_only_are_one_question() -> None:
    message = "mir suchen rechenleistung. isch in hongkong do öppis plant"
    assert read(message).questions == (message,)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Hallo! 👋", "greeting"),
        ("danke dir vielmals passt scho", "thanks"),
        ("Vielen Dank, das hat mir für meine Hausarbeit sehr geholfen!", "thanks"),
        ("grüezi mitenand", "greeting"),
        ("tschüss", "goodbye"),
        ("heyyy 👋", "greeting"),  # a stretched chat word
        ("thxxx digga", "thanks"),  # chat filler after thanks
        ("thanks a lot, that really helps for my lesson tomorrow", "thanks"),  # and a remark
        ("danke, das reicht erstmal 👍", "thanks"),
        ("thx, that was all for now", "thanks"),  # an English "was" asks nothing
        ("Dank je, thanks", "thanks"),  # Dutch thanks from a second-language writer
        ("Dankjewel!", "thanks"),
        ("Herzlichen Dank.", "thanks"),  # formal German thanks
        ("thx la 🙏 add oil", "thanks"),  # Hong Kong English particles and cheer
        ("Vielen herzlichen Dank, das war sehr freundlich von Ihnen!", "thanks"),  # polite
        ("Na gut, dann danke ich Ihnen recht herzlich.", "thanks"),
        ("no worries, thanks heaps", "thanks"),  # Australian
        ("g'day 👋", "greeting"),  # an elision, one word as "y'all" is
        ("Thank you, that's exactly what I needed for the meeting.", "thanks"),  # "what" relates
        ("salamat po!", "thanks"),  # Tagalog, with its particle of politeness
        ("ok tq lah", "thanks"),  # Malaysian
        ("Vergelt's Gott für die Auskunft, sehr freundlich!", "thanks"),  # Bavarian
        ("gm", "greeting"),
        ("nabend", "greeting"),  # northern German "guten Abend"
        ("Magic, cheers big man", "thanks"),  # Glasgow
        ("Fair enough, thanks.", "thanks"),
        ("howzit", "greeting"),  # South African
        ("sharp thanks bru, lekker", "thanks"),
        ("Grand, cheers", "thanks"),  # Irish
        ("Sehr geehrte Damen und Herren,", "greeting"),  # a formal letter's opening
        ("Niaje bot!", "greeting"),  # Kenyan Sheng
        ("asante sana, poa kabisa", "thanks"),
        ("Alla dann, merci vielmols!", "thanks"),  # Palatine
    ],
)
def test_chat_alone_is_smalltalk(message: str, kind: str) -> None:
    assert read(message).only_chat
    assert chat_kind(message) == kind


def test_a_question_of_function_words_is_not_chat() -> None:
    assert read("What is the article about?").questions == ("What is the article about?",)
    # thanks, then a question word deep in the sentence with a "?": a question
    assert read("thanks, and by the way what is HKSTP?").questions


def test_a_question_that_only_points_takes_the_sentence_before_it() -> None:
    reading = read(
        "I'm writing a sidebar for our desk. My editor wants the share of firms that need "
        "help with high-performance computing. What is it?"
    )
    assert reading.questions == (
        "My editor wants the share of firms that need help with high-performance computing. "
        "What is it?",
    )


@pytest.mark.parametrize(
    ("first", "measure"),
    [
        (
            "Haben auch die großen Konzerne Probleme, KI-Leute zu finden?",
            "Wie viel Prozent sind es bei denen?",
        ),
        ("small firms profitable or not?", "what %?"),
        ("Und im Vorjahr?", "Wie viele genau?"),
    ],
)
def test_a_question_that_only_asks_a_measure_asks_the_question_before(
    first: str, measure: str
) -> None:
    """ "Wie viel Prozent sind es bei denen?", "what %?" ask the question before for its
    measure; alone they have no topic."""
    assert read(f"{first} {measure}").questions == (f"{first} {measure}",)


@pytest.mark.parametrize(
    ("first", "exactness"),
    [
        ("Wann wurde das HPC-Rechenzentrum eröffnet?", "Datum bitte"),
        ("When was the study published?", "Exact day?"),
        ("When was SenseTime founded?", "Year?"),
    ],
)
def test_a_part_that_only_asks_how_exactly_asks_the_question_before(
    first: str, exactness: str
) -> None:
    """ "Datum bitte", "Exact day?" ask the time the question before asks, to the day; alone
    they have no topic (and "Year?" was answered as a question of its own)."""
    assert read(f"{first} {exactness}").questions == (f"{first} {exactness}",)


def test_another_time_after_a_question_is_a_question_of_its_own() -> None:
    assert read("Wie viele KI-Firmen gab es Ende 2022? Und im Vorjahr?").questions == (
        "Wie viele KI-Firmen gab es Ende 2022?",
        "Und im Vorjahr?",
    )


def test_a_thin_question_of_its_own_stays_apart() -> None:
    assert read("Wer ist der CFO? Wöche Studie war des?").questions == (
        "Wer ist der CFO?",
        "Wöche Studie war des?",
    )


@pytest.mark.parametrize(
    ("claim", "check"),
    [
        (
            "The memo says SenseTime was founded in 2016.",
            "Can you confirm that before our meeting starts?",
        ),
        ("Im Entwurf steht 30 Prozent.", "Können Sie das bitte kurz prüfen, bevor es rausgeht?"),
    ],
)
def test_a_request_to_check_what_came_before_takes_it_along(claim: str, check: str) -> None:
    """The pointer sits beside the verb of checking, not at the end of the question."""
    assert read(f"{claim} {check}").questions == (f"{claim} {check}",)


@pytest.mark.parametrize(
    ("claim", "check"),
    [
        ("He says firms there are crying out for staff.", "Is that borne out by the article?"),
        ("Mein Kollege meint, die Firmen finden kaum Personal.", "Stimmt das laut Artikel?"),
    ],
)
def test_a_yes_no_question_about_what_came_before_takes_it_along(claim: str, check: str) -> None:
    """ "Is that …?" asks about the claim before it, wherever the question then ends."""
    assert read(f"My nephew wants to move there. {claim} {check}").questions == (
        f"{claim} {check}",
    )


@pytest.mark.parametrize(
    ("context", "question"),
    [
        ("My editor's draft says HKSTP had 150 AI firms.", "What figure does the article give?"),
        ("Der Entwurf spricht von 30 Prozent.", "Welche Zahl nennt der Artikel tatsächlich?"),
    ],
)
def test_a_question_about_what_the_source_says_takes_the_sentence_before_it(
    context: str, question: str
) -> None:
    # "figure", "give", "Zahl", "nennt" ask what the article says, not about a topic
    assert read(f"Quick check for the desk. {context} {question}").questions == (
        f"{context} {question}",
    )


def test_a_question_about_what_the_source_says_corrects_the_claim_before_it(
    qabot: QABot,
) -> None:
    answer = qabot.ask(
        "Unser Entwurf spricht von 30 Prozent Firmen mit Rekrutierungsproblemen. "
        "Welche Zahl nennt der Artikel tatsächlich?"
    )
    assert answer.answered and "49" in answer.text, answer.text


def test_a_question_leaning_on_a_story_reads_the_story_in_the_articles_words(
    qabot: QABot,
) -> None:
    """The story's words the article does not use ("asked us whether", "mostly living off")
    count against every answer; read in its known words (firms, domestic, market) the
    question is the revenue share."""
    answer = qabot.ask(
        "The LP asked us whether these AI firms are mostly living off the domestic market. "
        "What's the revenue number?"
    )
    assert answer.answered and "63" in answer.text, answer.text


@pytest.mark.parametrize(
    "message",
    [
        "Brauchen mehr Firmen HPC-Hilfe, oder nutzen bzw. planen mehr Firmen KI?",
        "What capacity, e.g. in petaflops, is planned for the HPC centre?",
        "Welche Vorteile, z.B. Infrastruktur usw. nennt der Artikel?",
        "An welchem Tag im Nov. 2023 erschien die Studie?",  # a month
        "Wie viel bekommt eine Firma max. aus dem Scheme?",
        "What did Dr. Wang say about capital?",  # a title
    ],
)
def test_the_period_of_an_abbreviation_ends_no_sentence(message: str) -> None:
    assert read(message).questions == (message,)


def test_no_at_a_sentence_start_is_no_abbreviation() -> None:
    assert read("Is it 41 %? No. What share use AI?").questions[-1] == "What share use AI?"


def test_a_question_read_with_its_context_is_answered_alone_when_the_two_are_not(
    qabot: QABot,
) -> None:
    # the context only adds words the article lacks ("Hausarbeit", "Betreuer", "harte")
    message = (
        "Ich schreibe eine Hausarbeit über Tech-Hubs, mein Betreuer will harte Zahlen. "
        "Welche Zahl nennt der Artikel zur Rekrutierung dazu?"
    )
    assert read(message).alone  # read with the sentence before it, the question kept
    answer = qabot.ask(message)
    assert answer.answered and "49" in answer.text, answer.text


def test_a_question_that_ends_pointing_back_takes_the_sentence_before_it() -> None:
    reading = read(
        "We compare tech hubs for a client. Their worry is hiring engineers. "
        "What does the HKPC study say on that?"
    )
    assert reading.questions == (
        "Their worry is hiring engineers. What does the HKPC study say on that?",
    )


def test_the_statements_before_the_one_a_question_leans_on_are_kept_aside() -> None:
    message = (
        "For the timeline I need the year SenseTime was founded. Our intern wrote that it "
        "was 2012 and I never checked. Is 2012 right?"
    )
    (question,) = read(message).questions
    assert dict(read(message).story) == {
        question: "For the timeline I need the year SenseTime was founded."
    }


@pytest.mark.parametrize(
    ("message", "figure"),
    [
        (
            "For the timeline I need the year SenseTime was founded. Our intern wrote that it "
            "was 2012 and I never checked. Is 2012 right?",
            "2014",
        ),
        (
            "Ich brauche das Gründungsjahr von SenseTime für den Kasten. Der Praktikant "
            "meinte, das sei 2012 gewesen, aber ich will es genau wissen. Stimmt 2012?",
            "2014",
        ),
        (
            "A colleague told me the RAISe+ Scheme is worth 5 billion. I want to put that in "
            "my slides. Is that correct?",
            "10",
        ),
    ],
)
def test_a_claim_two_sentences_before_the_check_is_what_it_checks(
    qabot: QABot, message: str, figure: str
) -> None:
    """The sentence before the question points back in turn ("that", "das"): the claim
    before it is what the question checks, corrected with the article's figure."""
    answer = qabot.ask(message)
    assert answer.answered and figure in answer.text, answer.text


def test_a_dictated_run_on_message_is_read_from_its_question() -> None:
    reading = read(
        "hello i am a teacher in bern and we are doing a unit on asia with my class next "
        "month and the kids asked me how many ai firms were in the science park"
    )
    assert reading.questions == ("how many ai firms were in the science park",)


def test_a_message_that_opens_as_a_question_is_kept_whole() -> None:
    question = (
        "how big is raise plus and when does the data centre open and what did wang zheng "
        "say about capital in hong kong"
    )
    assert read(question).questions == (question,)


def test_only_chat_words_are_unstretched() -> None:
    assert read("Schifffahrt in Hongkong?").questions == ("Schifffahrt in Hongkong?",)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        # "and" or a comma starts a new part only where a question opens
        ("Wie viele der kleinen und mittleren Firmen sind profitabel?", 1),
        ("What share of SMEs, unlike large firms, say they are profitable?", 1),
        ("Wie groß ist RAISe+ und bis wann läuft es?", 2),
        ("Wie viele Firmen brauchen HPC, und worauf verlassen sich fast alle?", 2),
        ("When was SenseTime founded? Asking for a friend", 2),
    ],
)
def test_a_question_splits_where_a_new_question_opens(question: str, parts: int) -> None:
    from bot.snapshot import _clauses

    assert len(_clauses(question)) == parts


def test_the_small_and_medium_firms_are_one_group_not_two_questions(qabot) -> None:
    answer = qabot.ask("Wie viele der kleinen und mittleren Unternehmen sind profitabel?")
    assert answer.answered is False, answer.text


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        (
            "Next one: how many recommendations did the study make?",
            ("how many recommendations did the study make?",),
        ),
        (
            "Quick one before we hit record: which news outlet is the source?",
            ("which news outlet is the source?",),
        ),
        # the colon belongs to the question: a choice, a comparison, a question before it
        ("Which is higher: hiring or HPC?", ("Which is higher: hiring or HPC?",)),
        ("Big firms vs SMEs: which is more?", ("Big firms vs SMEs: which is more?",)),
        # and a head the question points at
        (
            "Only the SMEs: what share of them struggle to hire?",
            ("Only the SMEs: what share of them struggle to hire?",),
        ),
        # or stands in for with a pronoun
        (
            "HKSTP AI firms: how did they develop?",
            ("HKSTP AI firms: how did they develop?",),
        ),
    ],
)
def test_a_lead_in_before_a_colon_is_context(message: str, questions: tuple[str, ...]) -> None:
    assert read(message).questions == questions


def test_numbered_questions_are_parts() -> None:
    message = "zwei Fragen: 1) wann wurde SenseTime gegründet 2) wer ist der CFO?"
    assert read(message).questions[-2:] == ("wann wurde SenseTime gegründet", "wer ist der CFO?")


def test_thanks_then_a_question_is_the_question() -> None:
    assert read("thanks! and when was SenseTime founded?").questions == (
        "and when was SenseTime founded?",
    )


def test_a_message_is_read_once() -> None:
    """A follow-up is read by the conversation layer and again by the resolver: the second
    reading is the first one, remembered."""
    message = "Servus! und wie viele davon sind KMU?"
    assert read(message) is read(message)


@given(st.text(alphabet="hiyaxthanksHIé THX!?.,'3 ", max_size=40))
@example("hiii thxxx Schifffahrt")
@example("HIii")
def test_a_message_without_a_stretched_word_is_read_as_its_tokens(text: str) -> None:
    """chat_tokens reads each word for a stretch only when one may stand in the message: the
    same tokens as reading every word."""
    expected = []
    for tok in tokens(text):
        short = re.sub(r"(.)\1{2,}", r"\1", tok)
        expected.append(short if short != tok and (short,) in CHAT_PHRASES else tok)
    assert chat_tokens(text) == expected


def test_a_question_after_context_keeps_the_sentence_before_it_aside() -> None:
    reading = read(
        "I am preparing a deck for a client. Client is very worried about hiring local "
        "talent. What does the article say on talent availability?"
    )
    question = "What does the article say on talent availability?"
    assert reading.questions == (question,)
    assert dict(reading.context)[question] == ("Client is very worried about hiring local talent.")


def test_a_question_naming_this_thing_takes_the_sentence_before_it() -> None:
    message = "Im Text ist von neun Empfehlungen die Rede. Von wem stammen diese Empfehlungen?"
    assert read(message).questions == (message,)


@pytest.mark.parametrize(
    "message",
    [
        "Thanks a lot, very helpful. Will revert if any doubts.",
        "Vielen Dank, das war sehr hilfreich! Xièxie!",
    ],
)
def test_a_remark_beside_thanks_that_asks_nothing_is_chat(qabot: QABot, message: str) -> None:
    """Words the article never uses, asking nothing, next to thanks, are part of the chat."""
    assert qabot.ask(message).kind == "smalltalk"


@pytest.mark.parametrize(
    "message",
    [
        "äh was können sie denn eigentlich alles",
        "Grüß Gott! Was können'S denn eigentlich?",
        "Guten Tag, mit wem habe ich es hier zu tun?",
    ],
)
def test_asking_what_the_bot_can_do_with_particles_gets_help(qabot: QABot, message: str) -> None:
    """A question of function words is compared whole; "denn", "eigentlich", "äh" add nothing."""
    assert qabot.ask(message).kind == "smalltalk"


def test_thanks_then_a_question_answers_the_question(qabot: QABot) -> None:
    answer = qabot.ask("Danke. Wie viele Firmen nutzen KI?")
    assert answer.answered and "41" in answer.text


def test_a_dictated_question_for_help_is_answered_as_one(qabot: QABot) -> None:
    answer = qabot.ask("what can you actually do question mark")
    assert answer.intent == "smalltalk.help", answer.text


def test_chat_words_after_the_last_comma_are_no_part_of_the_question() -> None:
    assert read("Who are you, by the way?").questions == ("Who are you?",)
    # chat throughout: the tail is kept, as before ("ji" is no question)
    assert read("hello ji, good morning!").questions == ("ji, good morning!",)
