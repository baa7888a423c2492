"""Conversations: follow-ups read through the last answer, in batch mode and in the core."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.answer import Answer
from bot.conversation import (
    Context,
    Conversations,
    only_chat,
    request_kind,
    strip_opener,
    thanks_or_goodbye,
    without_chat_opening,
)
from bot.lexicon import CHAT_KINDS
from bot.reading import chat_kind, read, strip_chat
from bot.service import QABot
from bot.state import MemoryState
from bot.text import quote_digest, tokens
from tests.cli_process import QABOT
from tests.conftest import KNOWLEDGE


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


@pytest.mark.parametrize("request_text", ["src?", "srcs pls"])
def test_chat_shorthand_for_source_asks_for_the_source(
    talk: Conversations, request_text: str
) -> None:
    talk.ask("c33", "How big is the RAISe+ scheme?")
    source = talk.ask("c33", request_text)
    assert source.answered and source.citations and "§16" in source.text, source.text


@pytest.mark.parametrize(
    "request_text",
    [
        "Which sentence of the article says that?",
        "Can you show me the source?",
        "Where's that written?",
        "Zeig mir mal die Quelle",
        "woher weißt du das",
        "kindly give the exact line from the article",
        "Quelle? Ich brauche den genauen Satz für meine Doku.",
        # the remark says again what is asked ("… fürs Zitat"), the setting is no topic
        "Quelle bitte? Ich brauch's wörtlich fürs Zitat.",
        "source for the HK figure?",
        "Woher haben Sie das? Bitte die Stelle im Wortlaut.",
        # words between the cue's ("where in the article …"), verbs of handing it over
        "Where in the article does it say that?",
        "Please provide the source text.",
        "Gib mir bitte den Wortlaut dazu",
        "Bitte mit Quellenangabe.",
        "whaur does it say that",
        # a remark of the asker with the "ich" left out, as chat writes
        "quelle? brauch das wörtlich fürs zitat",
    ],
)
def test_asking_for_the_sentence_or_where_it_is_written_asks_for_the_source(
    talk: Conversations, request_text: str
) -> None:
    """ "Which sentence says so?", "show me the source", "woher weißt du das?": the cited
    passage of the last answer, not the answer again nor the article's own source (the
    SCMP); a remark on why the asker wants it ("Ich brauche …") is no topic."""
    talk.ask("c34", "How big is the RAISe+ scheme?")
    source = talk.ask("c34", request_text)
    assert source.answered and source.citations and "§16" in source.text, source.text


def test_pronoun_takes_the_names_of_the_last_question(talk: Conversations) -> None:
    talk.ask("c2", "Who is the CFO of SenseTime?")
    assert "2014" in talk.ask("c2", "and when was the company founded?").text


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("how many of the big firms make a profit", "is that the same for small ones?"),
        ("What share of the firms use AI?", "is that true for the small ones too?"),
    ],
)
def test_the_same_asked_of_a_group_is_the_last_answer_restricted(
    talk: Conversations, first: str, follow_up: str
) -> None:
    """ "is that the same for small ones?" asks the last answer of the small firms, which
    the article does not give; the firm sizes it reads as alone are no answer to it."""
    talk.ask("c37", first)
    assert talk.ask("c37", follow_up).answered is False


def test_a_word_like_a_source_cue_makes_no_source_request(talk: Conversations) -> None:
    """ "worden" is no inflection of "wording": "how much has been paid out?" is declined."""
    talk.ask("c38", "Wie groß ist das AI Subsidy Scheme?")
    answer = talk.ask("c38", "Wie viel davon ist bereits ausgezahlt worden?")
    assert answer.answered is False and "Quelle" not in answer.text, answer.text


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("How big is RAISe+?", "and the other scheme?", "3"),
        ("Wie viel Geld hat das AI Subsidy Scheme?", "und das andere Programm?", "10"),
    ],
)
def test_the_other_of_a_kind_named_is_the_other_thing_named(
    talk: Conversations, first: str, follow_up: str, expected: str
) -> None:
    """ "the other scheme" after RAISe+: the other programme the last answer named."""
    talk.ask("c39", first)
    answer = talk.ask("c39", follow_up)
    assert answer.answered and f"HK${expected}" in answer.text, answer.text


def test_near_miss_inside_a_follow_up_is_declined(talk: Conversations) -> None:
    talk.ask("c3", "Welcher Anteil der Unternehmen setzt KI ein?")
    assert talk.ask("c3", "und in Singapur?").answered is False


def test_a_follow_up_asking_another_kind_of_thing_drops_the_last_questions_kind(
    talk: Conversations,
) -> None:
    """ "where's it going to be?" after "… supposed to open?" asks a place: the last
    question's "supposed to" (a why) is not carried into it, so the opening years that
    answer the why are no answer to the where."""
    talk.ask("c3w", "When's the HPC data centre supposed to open?")
    talk.ask("c3w", "why do they need it?")
    where = talk.ask("c3w", "where's it going to be?")
    assert not where.answered and "2024" not in where.text, where.text


@pytest.mark.parametrize(
    "follow_up",
    [
        "list them all pls",
        "what were they, list them?",
        "which ones exactly?",
        "welche sind das denn genau?",
        "which ones were they?",  # the counted thing read after "which ones … they"
        "welche waren das denn?",
    ],
)
def test_the_items_of_what_the_last_answer_counts_are_not_another_answer(
    talk: Conversations, follow_up: str
) -> None:
    """After "nine recommendations", "list them" asks for the recommendations, which the
    article does not list: declined, not answered with the study's date (HKPC, the last
    named thing, was read for "them")."""
    talk.ask(f"c35-{follow_up}", "how many recommendations in the HKPC study")
    answer = talk.ask(f"c35-{follow_up}", follow_up)
    said = "does not list" in answer.text or "nennt der Artikel nicht" in answer.text
    assert answer.answered is False and said, answer.text


def test_the_two_points_back_at_what_was_named(talk: Conversations) -> None:
    """ "Wann wurden die beiden gestartet?" after the two schemes asks their launch, which the
    article does not give; read alone it took SenseTime's founding (2014) for it."""
    talk.ask("c36", "Wie groß ist das AI Subsidy Scheme?")
    answer = talk.ask("c36", "Wann wurden die beiden gestartet?")
    assert answer.answered is False and "2014" not in answer.text, answer.text


def test_a_group_asked_of_another_topic_is_not_its_share_of_the_sample(
    talk: Conversations,
) -> None:
    """After the split of large firms and SMEs, "the SMEs, how many of them are profitable?"
    asks the profitable share of a group: the group is what narrows, profitability the topic
    the split lacks; the split's 75 % is no answer."""
    talk.ask("c34", "What is the split between big companies and SMEs in the HKPC study ?")
    assert talk.ask("c34", "and the SMEs, how many of them are profitable ?").answered is False


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("recruiting issue % in HK AI cos?", "for SMEs only?"),
        ("talent hiring issue % in HK AI cos?", "only the SMEs?"),
    ],
)
def test_a_follow_up_that_only_narrows_the_last_question_is_declined(
    talk: Conversations, first: str, follow_up: str
) -> None:
    """ "for SMEs only?" after the 49 % who struggle to hire asks that figure of SMEs; the
    share of SMEs among all firms, which it gets read alone, is no answer to it — even when
    the last question read with it is declined without naming the SMEs."""
    talk.ask("c30", first)
    smes = talk.ask("c30", follow_up)
    assert smes.answered is False and "75" not in smes.text, smes.text


@pytest.mark.parametrize(
    ("before", "follow_up"),
    [
        (["When will the HPC data centre open?"], "what month exactly"),
        (["Wie viel Prozent der Firmen wollen international expandieren?"], "In welche Länder?"),
        (["Wie viele Firmen finden kein Personal?", "Und die Expansion?"], "welche Länder denn?"),
    ],
)
def test_a_follow_up_of_only_a_restriction_restricts_the_last_answer(
    talk: Conversations, before: list[str], follow_up: str
) -> None:
    """ "welche Länder denn?" after the 55 % who want to expand asks where they expand to,
    which the article does not give; read alone it is another answer (the article's
    location)."""
    for turn in before:
        talk.ask("c36", turn)
    assert talk.ask("c36", follow_up).answered is False


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("What share of firms use AI?", "and the large firms, they make a profit?", "half"),
        (
            "Welcher Anteil der Firmen braucht HPC-Unterstützung?",
            "Und wie sieht es bei Cloud-Diensten aus?",
            "Cloud",
        ),
    ],
)
def test_a_follow_up_with_a_topic_of_its_own_is_no_narrowing_of_the_last_answer(
    talk: Conversations, first: str, follow_up: str, expected: str
) -> None:
    """The group or thing the follow-up names goes with its own topic (profit, cloud), which
    the last answer does not know: asked of that topic, not declined as the last figure
    narrowed."""
    talk.ask("c37", first)
    reply = talk.ask("c37", follow_up)
    assert reply.answered and expected in reply.text, reply.text


@pytest.mark.parametrize("thanks", ["danke, hilft mir weiter", "thanks y'all"])
def test_thanks_after_an_answer_is_chat_not_a_request_for_more(
    talk: Conversations, thanks: str
) -> None:
    # "weiter" is a cue for more and "y" short for "why": in thanks they are neither
    talk.ask("c31", "Wofür sind die Förderprogramme gedacht?")
    reply = talk.ask("c31", thanks)
    assert reply.answered and not reply.citations, reply.text


def test_what_else_asks_for_more_it_excludes_nothing(talk: Conversations) -> None:
    """ "else" of "what else did he say about HK?" is the cue for more, not a complement
    ("revenue from elsewhere") that the answer about Hong Kong would not cover."""
    talk.ask("c38", "who's the SenseTime CFO?")
    reply = talk.ask("c38", "what else he say about HK?")
    assert reply.answered and "intermediary" in reply.text, reply.text


@pytest.mark.parametrize(
    "request_text",
    ["Können Sie das bitte etwas genauer erklären?", "Could you elaborate on that?"],
)
def test_asking_to_explain_further_asks_for_more(talk: Conversations, request_text: str) -> None:
    """ "genauer erklären", "elaborate" ask for more on the last answer, not what the bot
    can do."""
    talk.ask("c39", "Was plant die Regierung bis 2035?")
    reply = talk.ask("c39", request_text)
    assert reply.answered and "/ask" not in reply.text, reply.text


def test_saying_a_new_question_comes_is_no_part_of_it(talk: Conversations) -> None:
    """ "ok andere frage" announces a question; its "andere" narrows nothing."""
    talk.ask("c40", "Wer ist Wang Zheng?")
    reply = talk.ask("c40", "ok andere frage, welche förderprogramme gibts da eigentlich")
    assert reply.answered and "RAISe+" in reply.text, reply.text


def test_he_is_read_as_the_person_the_last_answer_named_not_the_firm(
    talk: Conversations,
) -> None:
    talk.ask("c32", "Wer ist Wang Zheng?")
    where = talk.ask("c32", "wo hat er gesprochen?")
    assert where.answered and "China Conference" in where.text, where.text
    age = talk.ask("c32", "und wie alt ist er?")  # his age, not the firm's founding year
    assert age.answered is False or "2014" not in age.text, age.text
    assert "2014" in talk.ask("c32", "und wann wurde seine Firma gegründet?").text


def test_a_pronoun_follow_up_that_narrows_the_last_answer_is_declined(
    talk: Conversations,
) -> None:
    """ "davon" points at the 55 %: "how many of them are SMEs?" narrows that figure; the
    share of SMEs among all firms, which the question alone would get, is not the answer."""
    talk.ask("c12", "Wie viele Firmen wollen international expandieren?")
    smes = talk.ask("c12", "Wie viele davon sind KMU?")
    assert smes.answered is False and smes.kind == "narrowed" and "75" not in smes.text


def test_a_pronoun_follow_up_is_answered_only_by_what_knows_the_figure_it_adds(
    talk: Conversations,
) -> None:
    """ "its goal for 2030?" asks the plan for a year the article does not give: the plan
    for 2035 is no answer to it, not even as a corrected premise."""
    talk.ask("c13", "What does the 2035 plan aim for?")
    assert talk.ask("c13", "and what's its goal for 2030?").answered is False


def test_an_ellipsis_naming_a_group_or_a_year_restricts_the_last_question(
    talk: Conversations,
) -> None:
    """ "und bei den kleinen?" asks the last question of small firms only; read alone it is
    another question (the share of SMEs), which is no answer to it. So is a year."""
    talk.ask("c14", "Was steht über Gewinne im Artikel?")
    small = talk.ask("c14", "und bei den kleinen?")
    assert small.answered is False and "75" not in small.text
    talk.ask("c15", "How fast did the number of AI firms in the science park grow?")
    assert talk.ask("c15", "and by the end of 2024?").answered is False


def test_a_restricting_ellipsis_no_reading_answers_is_declined_without_reading_it_alone(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "und nur bei den KMUs?" after the 41 % restricts the last question: when no reading
    answers it, it is declined whatever it would be alone, which is then not resolved (a
    resolver call as dear as a question's)."""
    talk.ask("c-kmu", "yo what's the 41% in the article about?")
    resolved = _resolved_texts(talk, monkeypatch)
    answer = talk.ask("c-kmu", "und nur bei den KMUs?")
    assert answer.answered is False and "41" not in answer.text
    assert resolved and "und nur bei den KMUs?" not in resolved


def test_an_ellipsis_no_intent_knows_is_not_resolved_as_a_topic_of_its_own(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "and back in 2021?" after the firms at the Science Park at the end of 2022 names
    words the last answer does not know; read as a topic of its own it could be taken only
    from an intent that knows them all, and none does: not resolved alone (a resolver call
    as dear as a question's), the last question is read with it (the article lacks 2021's)."""
    talk.ask("c-2021", "How many AI firms were at the Science Park by the end of 2022?")
    resolved = _resolved_texts(talk, monkeypatch)
    answer = talk.ask("c-2021", "and back in 2021?")
    assert resolved and "back in 2021?" not in resolved
    assert answer.kind == "gap"


def _resolved_texts(talk: Conversations, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the bot resolves from now on, in order."""
    resolved: list[str] = []
    resolve = talk.bot.resolve
    monkeypatch.setattr(
        talk.bot, "resolve", lambda text, lang=None: resolved.append(text) or resolve(text, lang)
    )
    return resolved


def test_an_opener_of_several_words_is_not_part_of_the_ellipsis() -> None:
    assert strip_opener("and what about among SMEs only?") == "among SMEs only?"
    assert strip_opener("und wie viele davon?") == "wie viele davon?"  # its question word stays


def test_a_follow_up_asks_something_new_not_the_last_answer_again(talk: Conversations) -> None:
    """Read with the last question, "what do nearly all of them use?" gets the HPC figure
    again; read alone, it gets what the article says nearly all firms use, on the same
    topic: that is what was asked."""
    talk.ask("c16", "How many firms need HPC support?")
    use = talk.ask("c16", "and what do nearly all of them use?")
    assert use.answered and "cloud" in use.text and "44" not in use.text


def test_a_demonstrative_points_back_to_the_last_answer(talk: Conversations) -> None:
    """ "dabei", "daraus", "that": the role the city plays in the 2035 plan is the bridge
    the plan's answer names, not what "Rolle" and "Stadt" find on their own."""
    talk.ask("c17", "Bis wann will die Regierung Hongkong neu positionieren?")
    role = talk.ask("c17", "Welche Rolle spielt die Stadt dabei?")
    assert role.answered and "Brücke" in role.text and "Cloud" not in role.text
    talk.ask("c18", "Wie viele Firmen nutzen Cloud-Computing?")
    assert talk.ask("c18", "Und was ergibt sich daraus?").answered


def test_a_word_the_knowledge_never_saw_does_not_keep_an_ellipsis_unanswered(
    talk: Conversations,
) -> None:
    """ "ones" of "and big ones?" is no new thing to ask about: "big" is, and the firm
    sizes know it."""
    talk.ask("c19", "What share of the firms in the study are SMEs?")
    big = talk.ask("c19", "and big ones?")
    assert big.answered and "25 %" in big.text
    talk.ask("c20", "Wie hoch ist der Anteil der KMU in der Studie?")
    big = talk.ask("c20", "und die großen Dinger?")
    assert big.intent == "hkpc.company_size"


def test_thanks_after_an_answer_is_smalltalk_not_read_with_the_last_question(
    talk: Conversations,
) -> None:
    """ "that" of "thanks, that's all" points at nothing to ask about."""
    for n, thanks in enumerate(
        (
            "thanks, that's all for now",
            "great, thanks - that's it",
            "Understood, many thanks.",
            "Lovely, thank you ever so much indeed.",
        )
    ):
        talk.ask(f"c2{n}", "What backs Hong Kong's status as an innovation hub?")
        assert talk.ask(f"c2{n}", thanks).kind == "smalltalk"


def test_the_thing_a_follow_up_asks_for_must_be_what_the_answer_is_about(
    talk: Conversations,
) -> None:
    """ "Which markets?" after the 55 % that want to expand: the article names none, and
    the 55 % again is no answer to which."""
    for n, which in enumerate(
        ("Which markets are they going for?", "Welche Märkte wollen die dort erobern?")
    ):
        talk.ask(f"c3{n}", "How many firms want to expand abroad?")
        assert talk.ask(f"c3{n}", which).answered is False


def test_an_ellipsis_is_not_declined_for_the_words_of_the_last_question(
    talk: Conversations,
) -> None:
    """Read with "... large companies?", the revenue question is narrowed by "large
    companies", words the follow-up did not ask about: the revenue figure answers it."""
    talk.ask("c40", "What share of the firms in the study are large companies?")
    revenue = talk.ask("c40", "and where do they make their revenue?")
    assert revenue.answered and "63 %" in revenue.text
    talk.ask("c41", "Wie verteilen sich die Firmen der Studie auf große Unternehmen und KMU?")
    assert "63 %" in talk.ask("c41", "Und woher kommen ihre Einnahmen?").text


def test_more_about_a_named_thing_gives_what_is_asked_about_it_first(
    talk: Conversations,
) -> None:
    """More on the HKPC study: its findings, not the article's sources, which only name it."""
    talk.ask("c42", "Wann hat das HKPC seine Studie veröffentlicht?")
    more = talk.ask("c42", "erzähl mir mehr über die Studie")
    assert more.answered and (more.intent or "").startswith("hkpc.")
    talk.ask("c43", "Wie groß ist RAISe+?")
    assert "article.topic" not in (talk.ask("c43", "mehr dazu").intent or "")


def test_more_does_not_retell_what_an_earlier_answer_told(talk: Conversations) -> None:
    """Who he is (access to capital), then what he praised: "anything else?" tells what no
    answer of the conversation has cited yet, not the first answer again."""
    first = talk.ask("c44", "Who is Wang Zheng?")
    talk.ask("c44", "What did he praise Hong Kong for?")
    more = talk.ask("c44", "anything else he said?")
    assert more.answered
    told = {c.quote for c in first.citations}
    assert not {c.quote for c in more.citations} <= told, more.text


def test_a_context_keeps_a_bounded_digest_of_what_was_told() -> None:
    """Short digests, the latest MAX_TOLD; a context written before they were kept loads."""
    ctx = Context("en", "q", ("a",), (("article", "§3", "quote"),), told=("x",) * 2)
    assert Context.from_json(ctx.to_json()) == ctx
    old = json.loads(ctx.to_json())
    del old["told"]
    assert Context.from_json(json.dumps(old)).told == ()
    many = Context("en", "q", (), (), told=tuple(map(str, range(500))))
    assert len(Context.from_json(many.to_json()).told) <= 40
    assert len(ctx.told_so_far()) == 2 and len(ctx.told_so_far()[-1]) == 12
    # what the next context keeps is bounded too, the newest kept (a process reads back the
    # context it kept, not its JSON: no load caps it along a conversation)
    cites = tuple(("article", f"§{n}", f"quote {n}") for n in range(10))
    full = Context("en", "q", (), cites, told=tuple(map(str, range(40)))).told_so_far()
    assert len(full) == 40 and full[-1] == quote_digest("quote 9")


def test_more_after_more_keeps_a_context_qabot_can_read_back(talk: Conversations) -> None:
    """Each "more" adds the intents it told to the context; past MAX_INTENTS (a knowledge of
    hundreds of intents, "more" asked again and again) the context written was one that
    reading refuses: a WARNING at every turn, and the conversation lost its topic."""
    ctx = Context("en", "q", tuple(f"i.{n}" for n in range(500)), ())
    told = Answer("more", True, "en", "a", "intent", intent="j.1+j.2+j.3")
    after = talk._after_request("more", ctx, told)
    assert Context.from_json(after.to_json()) == after
    assert set(after.intents[-3:]) == {"j.1", "j.2", "j.3"}  # the newest kept


def test_an_ellipsis_naming_another_topic_is_that_topic_not_a_restriction(
    talk: Conversations,
) -> None:
    """ "and expansion abroad?" after the hiring figure asks the expansion figure; it is not
    hiring abroad, which the article does not give."""
    for n, (first, switch) in enumerate(
        (
            ("How many firms struggle to hire?", "and expansion abroad?"),
            ("Wie viele Firmen haben Probleme beim Einstellen?", "und Expansion ins Ausland?"),
        )
    ):
        talk.ask(f"c5{n}", first)
        expansion = talk.ask(f"c5{n}", switch)
        assert expansion.answered and "55 %" in expansion.text


def test_more_with_a_question_is_not_the_last_answer_again(talk: Conversations) -> None:
    talk.ask("c60", "How many firms need HPC support?")
    more = talk.ask("c60", "more on that, what is planned?")
    assert more.answered and "2024" in more.text and more.intent != "computing.hpc_support"


def test_a_gap_of_an_unnamed_thing_is_read_as_the_last_ones(talk: Conversations) -> None:
    """ "die" of "wann wurde die veröffentlicht?" is the study just named: its date, not the
    article's, which the article lacks. A gap about a thing the follow-up names stays."""
    talk.ask("c70", "Wer hat die Studie zur KI-Branche gemacht?")
    date = talk.ask("c70", "wann wurde die veröffentlicht?")
    assert date.answered and "November 2023" in date.text
    talk.ask("c71", "When did the HKPC publish its study?")
    assert "nine" in talk.ask("c71", "how many recommendations?").text
    talk.ask("c72", "Where does the article get its information from?")
    assert talk.ask("c72", "who is the author of the SCMP report?").kind == "gap"


def test_a_quoted_passage_is_not_given_again_for_a_new_question(talk: Conversations) -> None:
    """After the passage that spells out HKPC, "when did their study come out?" is asked
    of the HKPC: the study's date, not the same passage again."""
    talk.ask("c80", "What does HKPC stand for?")
    date = talk.ask("c80", "and when did their study come out?")
    assert date.answered and "November 2023" in date.text and "stands for" not in date.text


def test_a_source_request_may_name_the_answer_in_the_other_language(
    talk: Conversations,
) -> None:
    """ "großen Firmen" is what the English answer said ("large companies"): the source
    of that answer, not a question about large firms and the article's sources."""
    talk.ask("c90", "How many of the big companies make a profit?")
    source = talk.ask("c90", "Quelle zu den großen Firmen bitte")
    assert source.answered and source.kind == "passage" and "großen Unternehmen" in source.text


def test_wie_sieht_es_mit_opens_an_ellipsis(talk: Conversations) -> None:
    """ "Und wie sieht es mit X aus?" is "und X?": its "es" points at nothing."""
    for n, (switch, said) in enumerate(
        (
            ("Und wie sieht es mit Cloud-Services aus?", "Cloud"),
            ("und wie sieht es mit der Expansion aus?", "55 %"),
        )
    ):
        talk.ask(f"c9{n}", "Wie viele Firmen brauchen HPC?")
        answer = talk.ask(f"c9{n}", switch)
        assert answer.answered and said in answer.text and "44 %" not in answer.text


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


def test_more_goes_on_from_the_sentence_just_quoted(talk: Conversations) -> None:
    """More on the HKSTP figure is what the article says of that very sentence (what such
    figures show), though it restates the figure, before other statements of its paragraph
    (financing options); more on the expansion figure is the potential it underlines."""
    talk.ask("c17", "Wie viele KI-Firmen waren Ende 2022 im HKSTP?")
    more = talk.ask("c17", "mehr dazu")
    assert more.answered and "Stempel" in more.text and "Finanzierung" not in more.text
    talk.ask("c18", "How many firms want to expand abroad?")
    assert "potential" in talk.ask("c18", "tell me more").text


def test_source_after_more_is_the_source_of_what_more_said(talk: Conversations) -> None:
    """ "source?" after "tell me more" asks for the passages of the reply just given (the
    potential, §18), not only those of the answer before it (§9)."""
    talk.ask("c23", "How many firms want to expand abroad?")
    more = talk.ask("c23", "tell me more")
    source = talk.ask("c23", "source?")
    assert {c.locator for c in more.citations} <= {c.locator for c in source.citations}
    assert "§18" in {c.locator for c in source.citations}


def test_an_ordinal_points_at_a_thing_the_last_answer_named(talk: Conversations) -> None:
    """ "the second one" is the second thing the last answer named (the programmes it
    listed), in either language; the city the answers all name is not counted."""
    talk.ask("c25", "Which funding programmes are there?")
    second = talk.ask("c25", "how big is the second one?")
    assert second.answered and "HK$10" in second.text and "HK$3" not in second.text
    talk.ask("c26", "Welche Förderprogramme gibt es?")
    first = talk.ask("c26", "und wie groß ist das erste?")
    assert first.answered and "HK$3" in first.text and "HK$10" not in first.text
    talk.ask("c27", "Welche Städte hält Wang Zheng für schwer zu übertreffen?")
    assert talk.ask("c27", "und wie viele KI-Firmen hat die zweite?").answered is False
    talk.ask("c39", "Wie groß ist RAISe+?")  # "ausgestattet" holds no "sg" (Singapore)
    assert talk.ask("c39", "und das zweite?").intent == "funding.ai_subsidy"
    talk.ask("c40", "How big is the AI Subsidy Scheme?")
    other = talk.ask("c40", "and the other one?")  # the one the question did not name
    assert other.answered and "HK$10" in other.text and other.intent == "funding.raise_plus"
    talk.ask("c35", "Was sagt Wang Zheng über Shenzhen und Singapur?")
    point = talk.ask("c35", "und der zweite Punkt?")  # counts points, not named things
    assert "2014" not in point.text  # not "der SenseTime Punkt": SenseTime's founding


def test_a_list_or_a_spelled_out_name_switches_language_too(talk: Conversations) -> None:
    """An answer of no intent (the programmes listed, an acronym spelled out) asked again in
    the other language; it was "About what? … then I can give the source."."""
    talk.ask("c28", "Welche Förderprogramme werden genannt?")
    listed = talk.ask("c28", "auf Englisch bitte")
    assert listed.answered and listed.lang == "en" and "RAISe+" in listed.text
    talk.ask("c29", "wofür steht HKPC?")
    spelled = talk.ask("c29", "in English please")
    assert spelled.answered and spelled.lang == "en" and "Productivity Council" in spelled.text


def test_a_declined_near_miss_stays_declined_in_the_other_language(
    talk: Conversations,
) -> None:
    """ "in English please" after "und in Singapur?" was declined is the decline in English,
    not the Hong Kong figure restated as an answer."""
    talk.ask("c30", "Wie viele Firmen setzen KI ein?")
    assert talk.ask("c30", "und in Singapur?").answered is False
    english = talk.ask("c30", "in English please")
    assert english.answered is False and english.lang == "en" and "nothing for" in english.text


def test_a_source_request_naming_a_language_replies_in_it(talk: Conversations) -> None:
    talk.ask("c34", "Wie groß ist RAISe+?")
    source = talk.ask("c34", "Quelle auf Englisch bitte")
    assert source.kind == "passage" and source.lang == "en" and source.text.startswith("The")


# One question, then one follow-up: whether it is answered, a text the reply must hold,
# and one it must not (the figure a wrong reading would give).
FOLLOW_UPS = [
    pytest.param(
        "Which cities does Wang Zheng find hard to beat?",
        "how many AI firms are there in Singapore?",
        False,
        None,
        "hard to beat",
        id="a count needs an answer with a figure, not the cities again",
    ),
    pytest.param(
        "How many firms plan to expand internationally?",
        "to which countries?",
        False,
        "55 %",
        None,
        id="a short restriction without an opener restricts the last question",
    ),
    pytest.param(
        "Wie viele Firmen wollen international expandieren?",
        "In welche Regionen denn?",
        False,
        "Regionen",
        None,
        id="a short restriction: not a sentence on a regional centre",
    ),
    pytest.param(
        "Wann wurde SenseTime gegründet?",
        "what is its revenue?",
        False,
        None,
        "63",
        id="its revenue is SenseTime's, a known gap, not the study's revenue share",
    ),
    pytest.param(
        "Wann wurde SenseTime gegründet?",
        "und wie viele Mitarbeiter hat die Firma?",
        False,
        None,
        "49",
        id="the firm's staff: the known gap, not the 49 % who struggle to hire",
    ),
    pytest.param(
        "How many companies use AI?",
        "is that also true for SMEs?",
        False,
        None,
        "75",
        id="restricting what was just said: not the share of SMEs",
    ),
    pytest.param(
        "Wie viele Firmen setzen KI ein?",
        "gilt das auch für KMU?",
        False,
        None,
        "75",
        id="restricting what was just said, without a pronoun cue",
    ),
    pytest.param(
        "What proportion of firms report difficulties recruiting technical talent?",
        "How does that compare with Singapore?",
        False,
        "49 %",
        "hard to beat",
        id="narrowing the figure just given, stated elsewhere too: not Wang Zheng's cities",
    ),
    pytest.param(
        "How many companies use AI?",
        "how about 2024?",
        False,
        None,
        "data centre",
        id="a year alone restricts: not another answer stating 2024",
    ),
    pytest.param(
        "wie viele firmen haben probleme fachkräfte zu finden",
        "und in welchen bereichen",
        False,
        None,
        "Shenzhen",
        id="an ellipsis no reading answers: not a sentence sharing one word with it",
    ),
    pytest.param(
        "wann wurde sensetime gegründet",
        "wie viel umsatz machen die",
        False,
        None,
        "63",
        id="an article ending a question points back (SenseTime's revenue: a gap)",
    ),
    pytest.param(
        "wann wurde sensetime gegründet",
        "was zeigt das",
        True,
        "privates Kapital",
        None,
        id="what the founding shows, not the study's findings",
    ),
    pytest.param(
        "Wie viele Firmen setzen KI ein?",
        "alles klar, und die KMU?",
        False,
        None,
        "75",
        id="a follow-up opens after its chat ('alles klar, und die KMU?')",
    ),
    pytest.param(
        "Wie viele Firmen brauchen HPC-Hilfe?",
        "danke! und wie sieht es mit cloud aus?",
        True,
        "Fast alle",
        None,
        id="after its chat: the cloud answer, not the HPC figure again",
    ),
    pytest.param(
        "And how many rely on cloud services?",
        "Exactly what percentage is that?",
        False,
        None,
        "25 %",
        id="the exact share of 'nearly all': a measure is no topic of its own",
    ),
    pytest.param(
        "How many recommendations did the HKPC make?",
        "which of them deals with talent?",
        False,
        None,
        "49",
        id="one of the counted things the article does not list, not the hiring figure",
    ),
    pytest.param(
        "How many firms struggle to hire qualified staff?",
        "n expand overseas?",
        True,
        "55",
        None,
        id="a topic of its own and a place: the expansion figure, not hiring declined",
    ),
]


@pytest.mark.parametrize(("first", "follow_up", "answered", "says", "never_says"), FOLLOW_UPS)
def test_a_follow_up_read_with_the_last_answer(
    talk: Conversations,
    first: str,
    follow_up: str,
    answered: bool,
    says: str | None,
    never_says: str | None,
) -> None:
    talk.ask("c", first)
    reply = talk.ask("c", follow_up)
    assert reply.answered is answered
    assert says is None or says in reply.text
    assert never_says is None or never_says not in reply.text


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


@pytest.mark.parametrize(
    ("request_text", "says", "not_says"),
    [
        ("Could you give me that in English, please?", "English", "source"),
        ("tell me more", "more", "source"),
        ("Quelle?", "Quelle", "Deutsch"),
    ],
)
def test_a_request_without_an_earlier_answer_says_what_it_would_do(
    talk: Conversations, request_text: str, says: str, not_says: str
) -> None:
    """ "In English please" with nothing to translate offers the translation, not the
    source."""
    answer = talk.ask("c5b", request_text)
    assert not answer.answered and says in answer.text and not_says not in answer.text


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
        ("Where's that from?", "source"),  # cue with an apostrophe: "where's", not "where s"
        ("wo steht's?", "source"),
        ("auf Englisch bitte", "to_en"),
        ("in German?", "to_de"),
        ("mehr dazu", "more"),
        ("What is the source of the article?", None),
        ("what's the source for that?", "source"),  # asked of the last answer
        ("Was ist die Quelle dafür?", "source"),
        ("Wie viele Firmen?", None),
        ("English?", "to_en"),
        ("Kannst du das auf Englisch sagen, für unsere Investoren?", "to_en"),
        ("can a German company apply for it?", None),  # a German firm, not German words
        ("Gilt das auch für englische Firmen?", None),
        ("ins Deutsche bitte", "to_de"),  # the language's name inflected
        ("deutsche Version bitte", "to_de"),
        ("Wie lautet die entsprechende Textstelle?", "source"),
        ("Wie lautet die Überschrift des Artikels?", None),
        ("Auf welche Textstelle stützt sich diese Angabe?", "source"),  # points at the figure
    ],
)
def test_requests(qabot: QABot, text: str, kind: str | None) -> None:
    assert request_kind(text, qabot.store.current.knows_topic) == kind


def test_a_word_corrected_into_a_topic_word_is_no_topic_of_a_request(qabot: QABot) -> None:
    """ "angeben" (to give) is no slip of "Angaben" (figures): the request stays a request;
    typo correction only finds the cue."""
    snap = qabot.store.current
    text = "Könnten Sie mir hierzu bitte die genaue Fundstelle im Wortlaut angeben?"
    assert request_kind(text, snap.knows_topic, snap.resolver.analyzer.correct) == "source"


def test_a_request_with_a_typo_is_understood(talk: Conversations) -> None:
    """Typed on a phone: "quele?", "englsh pls" are the source and English, read through the
    knowledge's typo correction as a question's words are."""
    talk.ask("c22", "Wie groß ist RAISe+?")
    source = talk.ask("c22", "quele?")
    assert source.kind == "passage" and source.citations[0].locator == "§16"
    english = talk.ask("c22", "englsh pls")
    assert english.lang == "en" and "HK$10" in english.text


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


def test_a_name_is_searched_as_a_word_only_where_it_stands(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every answer is read for the things it names (what "the second one" counts): a name
    is looked for as a whole word only in an answer that has it at all."""
    import re

    searched: list[str] = []
    compile_ = re.compile

    class Recorded:
        def __init__(self, pattern: str) -> None:
            self.pattern = compile_(pattern)

        def search(self, text: str) -> re.Match[str] | None:
            searched.append(self.pattern.pattern)
            return self.pattern.search(text)

    monkeypatch.setattr(re, "compile", Recorded)
    talk._known_of = (None, talk._known_of[1])  # made again, with the recording patterns
    assert talk._named_in("44 % der Unternehmen brauchen Unterstützung.") == ()
    assert searched == []
    assert talk._named_in("Laut Wang Zheng, CFO von SenseTime, …") == (
        "@wang_zheng",
        "@sensetime",
    )
    assert len(searched) == 2


def test_the_last_answer_is_read_for_names_only_when_those_readings_are_reached(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Und was hat er auf der Konferenz betont?" is answered by the last question with its
    words: the readings with each name of the last answer, tried after it, are not made."""
    talk.ask("c-names", "Wer ist Wang Zheng?")
    snap = talk.bot.store.current
    read_for_names: list[str] = []
    entity_terms = snap.entity_terms
    monkeypatch.setattr(
        snap, "entity_terms", lambda text: read_for_names.append(text) or entity_terms(text)
    )
    answer = talk.ask("c-names", "Und was hat er auf der Konferenz betont?")
    assert answer.intent == "sensetime.china_conference"
    assert read_for_names == []


def test_a_follow_ups_restricting_terms_are_found_once(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restricting terms of a follow-up's words are asked for by several checks and for
    each reading, and by the resolver of each reading: found once, in the policy's cache."""
    import bot.conversation
    import bot.policy

    found: list[tuple[str, str]] = []
    terms = bot.policy.restricting_terms

    def counted(text: str, known, lang: str):  # type: ignore[no-untyped-def]
        found.append((text, lang))
        return terms(text, known, lang)

    monkeypatch.setattr(bot.policy, "restricting_terms", counted)
    monkeypatch.setattr(bot.conversation, "restricting_terms", counted, raising=False)
    talk.ask("c-terms", "Wie viele Firmen wollen international expandieren?")
    found.clear()
    talk.bot.store.current.policy._term_cache.clear()
    talk.ask("c-terms", "und die KMU?")
    assert found
    assert len(found) == len(set(found))


def test_a_follow_ups_opener_is_taken_off_once() -> None:
    """Each check of a follow-up and each of its readings takes its opener off: the words
    without it are remembered per text."""
    message = "und was ist mit den KMU?"
    assert strip_opener(message) == "den KMU?"
    assert strip_opener(message) is strip_opener(message)


def test_the_last_answers_are_read_for_names_once_per_index(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A follow-up that points back is read with each name the last question and answers
    name: an answer's words are read once per index, not at every such follow-up."""
    first, again, analysed = _asked_twice(
        talk, monkeypatch, "Wer hat die Studie gemacht?", "Wann haben die die veröffentlicht?"
    )
    assert first.intent == again.intent == "hkpc.published"
    assert first.text == again.text
    said = talk.bot.store.current.intents["hkpc.study"].answer.get("de")
    assert not _read_in(analysed, said)


def _asked_twice(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch, question: str, follow_up: str
) -> tuple[Answer, Answer, list[tuple[str, ...]]]:
    """`question` then `follow_up` in two conversations, the texts of the first forgotten
    before the second follow-up (as on a busy bot): both replies to the follow-up, and the
    token sequences the analyzer analysed for the second."""
    talk.ask("c-twice-1", question)
    first = talk.ask("c-twice-1", follow_up)
    analyzer = talk.bot.store.current.resolver.analyzer
    analyze = analyzer._analyze
    analysed: list[tuple[str, ...]] = []
    monkeypatch.setattr(
        analyzer,
        "_analyze",
        lambda words, correct: analysed.append(words) or analyze(words, correct),
    )
    talk.ask("c-twice-2", question)
    analyzer.forget_texts()
    analysed.clear()
    return first, talk.ask("c-twice-2", follow_up), analysed


def _read_in(analysed: list[tuple[str, ...]], text: str) -> bool:
    """Whether one of the `analysed` token sequences holds the tokens of `text` in a row."""
    toks = tuple(tokens(text))
    return any(words[i : i + len(toks)] == toks for words in analysed for i in range(len(words)))


def test_a_context_this_process_kept_is_read_back_without_parsing_it(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next turn reads back the context the last turn kept: the one kept here is taken as
    it was made, and one kept by another replica (or before a restart) is parsed."""
    from bot.conversation import Context

    talk.ask("c-kept", "Wie groß ist das AI Subsidy Scheme?")
    raw = talk.bot.state.get("conversation:cli:c-kept")
    assert raw is not None
    parsed: list[str] = []
    from_json = Context.from_json
    monkeypatch.setattr(Context, "from_json", lambda raw: parsed.append(raw) or from_json(raw))
    assert talk.ask("c-kept", "und RAISe+?").answered
    assert parsed == []
    replica = Conversations(talk.bot, ttl_s=60)  # another replica, or after a restart
    assert replica.ask("c-kept", "Quelle?").answered
    assert parsed == [talk.bot.state.get("conversation:cli:c-kept")]


def test_a_message_is_read_for_thanks_only_when_it_holds_a_request(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thanks only matter where a request's cue stands ("Vielen Dank, das hilft uns weiter"
    is no request for more): a question or follow-up without one is not read for them."""
    import bot.conversation

    read: list[str] = []
    chat_kind = bot.conversation.chat_kind
    monkeypatch.setattr(bot.conversation, "chat_kind", lambda t: read.append(t) or chat_kind(t))
    talk.ask("c-thanks", "Wie groß ist das AI Subsidy Scheme?")
    talk.ask("c-thanks", "und RAISe+?")
    assert read == []
    assert talk.ask("c-thanks", "Vielen Dank, das hilft uns weiter").kind == "smalltalk"
    assert read == ["Vielen Dank, das hilft uns weiter"]


def test_a_request_is_read_for_thanks_only_when_a_word_of_thanks_may_stand(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Quelle?" holds no word that starts a phrase of thanks or goodbye: it is not read for
    them; a stretched word may be one ("thxxx")."""
    import bot.conversation

    read: list[str] = []
    chat_kind = bot.conversation.chat_kind
    monkeypatch.setattr(bot.conversation, "chat_kind", lambda t: read.append(t) or chat_kind(t))
    talk.ask("c-thanks", "Wie groß ist das AI Subsidy Scheme?")
    assert talk.ask("c-thanks", "Quelle?").answered
    assert talk.ask("c-thanks", "auf Englisch bitte").answered
    assert read == []
    talk.ask("c-thanks", "thxxx, more please")
    assert read == ["thxxx, more please"]


_CHAT_WORDS = sorted({t for kind in CHAT_KINDS.values() for phrase in kind for t in phrase})
_CHAT_PHRASES = sorted(" ".join(phrase) for kind in CHAT_KINDS.values() for phrase in kind)
# Messages of chat words and phrases, stretched words ("thxxx"), a request's and a follow-up's
# words, and anything else
_CHATTY = st.lists(
    st.sampled_from([*_CHAT_WORDS, "quelle", "mehr", "dazu", "und", "KMU", "?", "!!", ",", "\n"])
    | st.sampled_from(_CHAT_PHRASES)
    | st.builds(lambda w, n: w[0] * n + w[1:], st.sampled_from(_CHAT_WORDS), st.integers(1, 4))
    | st.text(max_size=6),
    max_size=6,
).map(" ".join)


@given(_CHATTY)
def test_thanks_or_goodbye_is_what_chat_kind_reads(text: str) -> None:
    """The cheap test before `chat_kind` never changes what it reads."""
    assert thanks_or_goodbye(text) == (chat_kind(text) in ("thanks", "goodbye"))


@example("👍 und RAISe+?")
@example("thaaanks")
@example("")
@given(_CHATTY)
def test_only_chat_is_what_reading_the_message_finds(text: str) -> None:
    """The cheap test before `read` never changes whether a follow-up is only chat."""
    assert only_chat(text) == read(text).only_chat


def test_a_follow_up_is_not_read_for_chat_when_no_word_of_it_can_be(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "und RAISe+?" holds no word that may start a chat phrase: read once (by the
    resolver), not first by the conversation layer to see if it is only chat."""
    import bot.conversation

    seen: list[str] = []
    monkeypatch.setattr(bot.conversation, "read", lambda t: seen.append(t) or read(t))
    talk.ask("c-chat", "Wie groß ist das AI Subsidy Scheme?")
    talk.ask("c-chat", "und RAISe+?")
    assert "und RAISe+?" not in seen


@example("und noch was: wie viele?")
@example("heyyy ok und KMU?")
@example("add , abend")  # chat after a last comma
@given(_CHATTY)
def test_a_follow_up_loses_its_chat_opening_as_strip_chat_takes_it_off(text: str) -> None:
    """The cheap test before `strip_chat` never changes what it gives."""
    assert without_chat_opening(text) == strip_chat(text)


def test_a_follow_up_is_read_for_a_chat_opening_only_when_a_word_of_chat_opens_it(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "und RAISe+?" opens with no word of chat: it is not read for a greeting to take off;
    "okay und RAISe+?" is."""
    import bot.conversation

    read: list[str] = []
    strip = bot.conversation.strip_chat
    monkeypatch.setattr(bot.conversation, "strip_chat", lambda t: read.append(t) or strip(t))
    talk.ask("c-okay", "Wie groß ist das AI Subsidy Scheme?")
    assert "HK$10" in talk.ask("c-okay", "und RAISe+?").text
    assert read == []
    assert "HK$10" in talk.ask("c-okay", "okay und RAISe+?").text
    assert read == ["okay und RAISe+?"]


def test_whether_a_follow_up_only_restricts_is_read_only_when_needed(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "und 2022?" after the firms in the park is the last answer restricted: whether it only
    restricts matters only for a reading answered by another intent, and is not read."""
    named: list[str] = []
    names_a_thing = Conversations._names_a_thing
    monkeypatch.setattr(
        Conversations, "_names_a_thing", lambda s, t: named.append(t) or names_a_thing(s, t)
    )
    assert talk.ask("c-only", "Wie viele KI-Unternehmen gibt es im HKSTP?").answered
    assert talk.ask("c-only", "und 2022?").intent == "hkstp.ai_firms"
    assert named == []


def test_what_an_answer_names_is_read_once_per_index(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every answer is read for the things it names, and an answer is given again and again
    (the same intents, asked by many): each text is read once per index."""
    import bot.conversation

    folded: list[str] = []
    fold = bot.conversation.fold
    monkeypatch.setattr(bot.conversation, "fold", lambda t: folded.append(t) or fold(t))
    said = "Laut Wang Zheng, CFO von SenseTime, …"
    assert talk._named_in(said) == talk._named_in(said) == ("@wang_zheng", "@sensetime")
    assert folded.count(said) == 1
    talk.bot.reload()  # a new index: read again
    assert talk._named_in(said) == ("@wang_zheng", "@sensetime")
    assert folded.count(said) == 2


def test_a_request_naming_a_topic_reads_the_last_answers_once_per_index(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Quelle für das mit den großen Firmen?" names a topic: whether the last answer was
    about it is read from the last question and the answers in both languages, each answer
    analysed once per index, not joined and analysed again at every such request."""
    question, request = "Wie viele Firmen sind profitabel?", "Quelle für das mit den großen Firmen?"
    first, again, analysed = _asked_twice(talk, monkeypatch, question, request)
    assert first.answered and first.text == again.text
    said = talk.bot.store.current.intents["hkpc.large_profitable"].answer
    assert not _read_in(analysed, said.get("de")) and not _read_in(analysed, said.get("en"))


@pytest.mark.parametrize(
    "stored",
    [
        "[" * 100_000,  # nested past the JSON parser's depth: RecursionError
        '{"lang": "en", "question": "q", "intents": [], "citations": [["article"]]}',
        '{"lang": "en", "question": "q", "intents": [], "citations": [["a", "§1", "q", "x"]]}',
        '{"lang": "en", "question": "q", "intents": [], "citations": [], "told": [' * 50_000,
        # Half an emoji (JSON's escape reads as a lone surrogate), which no UTF-8 encoder
        # takes: a quote's digest raised UnicodeEncodeError at every turn until it expired.
        '{"lang": "en", "question": "q", "intents": [], "citations": [["a", "§1", "\\ud83d"]]}',
        '{"lang": "en", "question": "q", "intents": [], "citations": [], "told": ["\\udcff"]}',
    ],
    ids=["nested", "citation-short", "citation-long", "nested-told", "half-quote", "half-told"],
)
def test_a_stored_context_that_cannot_be_read_is_no_context(
    talk: Conversations, stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A context in the shared state of a shape this version cannot read (another
    replica's, a corrupted value) is answered without, in one short line naming no value;
    the next answer's context replaces it."""
    talk.bot.state.put("conversation:cli:c90", stored, 60)
    first = talk.ask("c90", "How big is RAISe+?")
    assert first.answered and "10 billion" in first.text
    lines = [r for r in caplog.records if r.name == "bot.conversation"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING" and not lines[0].exc_info
    assert len(lines[0].getMessage()) < 120 and "article" not in lines[0].getMessage()
    assert talk.ask("c90", "source?").kind == "passage"  # the new context was kept
    assert len([r for r in caplog.records if r.name == "bot.conversation"]) == 1


def _stored(**fields: object) -> str:
    """A stored context of the shape qabot writes, with `fields` instead."""
    context = {"lang": "en", "question": "q", "intents": [], "citations": [], "named": []}
    return json.dumps(context | fields)


# Contexts larger than any qabot writes (another writer's): read, they made follow-ups slow
# ("more" after a question of 400 KB: 6.5 s; after 100,000 intents: 3.2 s).
TOO_LARGE = {
    "question": _stored(question="How big is " + "RAISe+ " * 2000),
    "intents": _stored(intents=["funding.raise_plus"] * 5000),
    "citations": _stored(citations=[["article", "§16", "quote"]] * 11),
    "named": _stored(named=["hpc"] * 11),
    "all of it": _stored(citations=[["article", "§16", "q" * 30_000]] * 10),
    # and a field of the wrong type: "false" read as True
    "answered a string": _stored(answered="false"),
}


@pytest.mark.parametrize("stored", TOO_LARGE.values(), ids=TOO_LARGE)
def test_a_stored_context_larger_than_qabot_writes_is_no_context(
    talk: Conversations, stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    talk.bot.state.put("conversation:cli:c92", stored, 60)
    assert talk.ask("c92", "more").text
    lines = [r for r in caplog.records if r.name == "bot.conversation"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING" and not lines[0].exc_info


def test_a_stored_named_thing_the_index_does_not_know_is_not_counted(
    talk: Conversations,
) -> None:
    """A context naming a thing the index in use does not know (an entity a reload took
    away, another version's, a corrupted value): "the second one" counts only the things it
    knows. It raised KeyError past the conversation layer (the error notice, a traceback,
    until the key expired)."""
    talk.ask("c93", "Which funding programmes are there?")
    stored = json.loads(talk.bot.state.get("conversation:cli:c93") or "{}")
    known = stored["named"]
    assert len(known) >= 2
    stored["named"] = [known[0], "@gone", *known[1:]]
    talk.bot.state.put("conversation:cli:c93", json.dumps(stored), 60)
    second = talk.ask("c93", "how big is the second one?")
    assert second.answered and "HK$10" in second.text and "HK$3" not in second.text


@pytest.mark.parametrize("locator", ["§" + "9" * 5000, "§x", "p3"])
def test_a_stored_citation_of_no_paragraph_is_no_passage(talk: Conversations, locator: str) -> None:
    """A context of another version (or corrupted) citing a locator that is no paragraph
    number: "source?" is answered, not the error notice (int() raised ValueError)."""
    intent = next(iter(talk.bot.store.current.intents))
    stored = {"lang": "en", "question": "q", "intents": [intent]}
    stored["citations"] = [["article", locator, "q"]]
    talk.bot.state.put("conversation:cli:c91", json.dumps(stored), 60)
    assert talk.ask("c91", "source?").text


@pytest.mark.parametrize("locator", ["§" + "9" * 5000, "§x", "p3", "", "§1.5"])
def test_more_after_a_stored_citation_of_no_paragraph_reads_the_others(
    talk: Conversations, locator: str
) -> None:
    """The same context asked "mehr dazu": the article's other sentences on the topic, the
    locator that is no paragraph number left out (int() raised ValueError past the reader:
    the error notice, a traceback, for every "more" in that conversation until it expired)."""
    stored = {"lang": "de", "question": "q", "intents": []}  # no answer to go on from
    stored["citations"] = [["article", locator, "zzz"], ["article", "§16", "zzz"]]
    talk.bot.state.put("conversation:cli:c92", json.dumps(stored), 60)
    assert talk.ask("c92", "mehr dazu").text
    stored["citations"] = [["article", locator, "zzz"]]  # no paragraph to be near: none
    talk.bot.state.put("conversation:cli:c92", json.dumps(stored), 60)
    assert talk.ask("c92", "mehr dazu").text


def test_a_request_is_answered_once_per_answer_it_reads(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same answers are asked for their source, or in the other language, by many: a
    request's answer is made once per cited paragraphs (or intents) and language, each
    asker's own words set as its question; a reload makes it again."""
    snap = talk.bot.store.current
    made: list[str] = []
    passages, answer_intents = snap.passages, snap.answer_intents
    monkeypatch.setattr(snap, "passages", lambda *a: made.append("source") or passages(*a))
    monkeypatch.setattr(
        snap, "answer_intents", lambda *a: made.append("again") or answer_intents(*a)
    )
    replies = []
    for conversation, source, english in (
        ("r1", "Quelle?", "in English?"),
        ("r2", "Beleg?", "in English please"),
    ):
        talk.ask(conversation, "Wie groß ist das AI Subsidy Scheme?")
        replies += [talk.ask(conversation, source), talk.ask(conversation, english)]
    assert made == ["source", "again"]
    assert [r.question for r in replies] == [
        "Quelle?",
        "in English?",
        "Beleg?",
        "in English please",
    ]
    assert replies[0].text == replies[2].text and replies[1].text == replies[3].text
    assert replies[0].citations and "HK$3" in replies[1].text
    talk.bot.reload()
    renewed = talk.bot.store.current
    passages = renewed.passages
    monkeypatch.setattr(renewed, "passages", lambda *a: made.append("source") or passages(*a))
    talk.ask("r3", "Wie groß ist das AI Subsidy Scheme?")
    assert talk.ask("r3", "Quelle?").text == replies[0].text
    assert made == ["source", "again", "source"]


def test_a_context_kept_again_unchanged_is_not_written_again(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Quelle?" keeps the last answer's context as it was (same topic, same language): its
    JSON, written when it was kept, is stored again, not encoded again."""
    import bot.conversation

    written: list[str] = []
    encode = bot.conversation._json
    monkeypatch.setattr(bot.conversation, "_json", lambda v: written.append(v) or encode(v))
    talk.ask("w1", "Wie groß ist das AI Subsidy Scheme?")
    kept = talk.bot.state.get("conversation:cli:w1")
    assert len(written) == 1
    assert talk.ask("w1", "Quelle?").answered
    assert len(written) == 1 and talk.bot.state.get("conversation:cli:w1") == kept
    assert talk.ask("w1", "auf Englisch bitte").lang == "en"  # another language: kept anew
    assert len(written) == 2


def test_a_follow_up_without_an_ordinal_is_not_read_word_by_word_for_one(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an answer naming two things, "the second one" counts them: a follow-up is read
    word by word for an ordinal only when one of its tokens is one."""
    import bot.conversation

    looked: list[str] = []

    class Recorded(dict):  # type: ignore[type-arg]
        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            looked.append(key)
            return super().get(key, default)

    monkeypatch.setattr(bot.conversation, "ORDINALS", Recorded(bot.conversation.ORDINALS))
    talk.ask("o1", "Welche Förderprogramme gibt es für KI?")
    assert len(talk._load("conversation:cli:o1").named) >= 2
    talk.ask("o1", "und wie groß sind die?")
    assert looked == []
    talk.ask("o1", "und wie groß ist das zweite?")
    assert "zweite" in looked


@given(
    st.lists(
        st.sampled_from(
            [
                "the",
                "second",
                "one",
                "zweite",
                "h",
                "k",
                "twenty",
                "-",
                "x-first",
                "R&D",
                "c'mon",
                "5",
                "Letzte",
                "ones",
                "?",
            ]
        ),
        max_size=8,
    ).map(" ".join)
    | st.text()
)
def test_an_ordinal_word_is_a_token_of_its_text(text: str) -> None:
    """`_ordinal_named` reads a follow-up word by word only when a token of the text is an
    ordinal: every ordinal a word gives is a token of the whole text too."""
    from bot.lexicon import ORDINALS

    by_word = {t for word in text.split() for t in tokens(word)}
    assert by_word & ORDINALS.keys() <= set(tokens(text))


@pytest.mark.parametrize(
    ("follow_up", "answered"),
    [
        ("and share of SMEs in the study?", True),
        ("und anteil kmu an den befragten?", True),
        ("und wie viele davon sind KMU?", False),
        ("what about the SMEs?", False),
    ],
)
def test_a_share_asked_of_a_group_itself_is_a_question_of_its_own(
    talk: Conversations, follow_up: str, answered: bool
) -> None:
    """After the revenue figure, "what share of the firms are SMEs?" asks the firm sizes, which
    the article gives; "how many of them are SMEs?" and "what about the SMEs?" ask the revenue
    of SMEs, which it does not."""
    conversation = f"c-group-{follow_up}"
    talk.ask(conversation, "Where does most of the firms' revenue come from?")
    answer = talk.ask(conversation, follow_up)
    assert answer.answered is answered, answer.text
    assert ("75" in answer.text) is answered, answer.text


def test_a_first_message_naming_someone_in_two_words_asks_about_them(
    talk: Conversations,
) -> None:
    """ "Who is Wang Zheng, and in what capacity is he quoted?": "quoted" and "he" are no
    request for a source when the message names him ("Wang", "Zheng" are each no concept,
    but together a name); "in what capacity" asks his role, it measures nothing."""
    answer = talk.ask("c-named", "Who is Wang Zheng, and in what capacity is he quoted?")
    assert answer.answered and "CFO" in answer.text, answer.text
    assert not talk.ask("c-nothing", "what's the source for that?").answered


def test_big_cos_in_chat_are_the_large_companies(talk: Conversations) -> None:
    """ "big cos" is chat for the large companies: a follow-up asking the last figure of
    them only is declined, not answered with the firm sizes."""
    talk.ask("c-cos", "What share of firms want to expand abroad?")
    answer = talk.ask("c-cos", "and for the big cos only?")
    assert not answer.answered and "55" in answer.text, answer.text


def test_the_contexts_kept_as_made_are_bounded(talk: Conversations) -> None:
    # Each context a turn writes is also kept parsed, by its JSON, for the next turn: one per
    # conversation for as long as the process runs. Without the bound on that table every
    # test passed, and every DM channel of a long run would stay in memory for good (the
    # shared state expires them; this table did not).
    from bot.conversation import KEPT_PARSED

    for n in range(KEPT_PARSED + 5):
        talk._save(f"conversation:cli:k{n}", Context("en", f"question {n}", ("x",), ()))
    assert 0 < len(talk._kept) <= KEPT_PARSED


def test_an_answer_naming_more_things_than_a_context_keeps_is_read_back(
    talk: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped knowledge has ten countable names, as many as a context keeps
    # (MAX_NAMED): without the cap on what an answer names every test passed, but a
    # knowledge of more names would write a context no turn can read back (over MAX_NAMED is
    # no context), as "more" after "more" did with intents.
    import re

    from bot.conversation import MAX_NAMED

    n = MAX_NAMED + 3
    names = tuple((f"#e{i}", (f"name{i}",), re.compile(rf"(?<!\w)name{i}(?!\w)")) for i in range(n))
    monkeypatch.setattr(talk, "_countable_names", lambda: names)
    found = talk._names_found(" ".join(f"name{i}" for i in range(n)))
    assert found == tuple(f"#e{i}" for i in range(MAX_NAMED))
    ctx = Context("en", "q", ("x",), (), found)
    assert Context.from_json(ctx.to_json()) == ctx


@pytest.mark.parametrize(
    "follow_up",
    [
        ("und die KMU " * 400)[:3999] + "?",
        ("das zweite und das erste und das dritte " * 120)[:4000],
    ],
    ids=["read with the last question", "an ordinal named"],
)
def test_a_follow_up_within_the_limit_is_never_refused_as_too_long(
    talk: Conversations, follow_up: str
) -> None:
    # A follow-up is read with the last question too, and an ordinal is replaced by the
    # name it points at: both made texts over `max_question_chars` of a message within it,
    # and the reply was "That message is too long (4005 characters; at most 4000)".
    assert len(follow_up) <= talk.bot.settings.max_question_chars
    talk.ask("c-long", "Wie groß ist RAISe+? Und wer ist Wang Zheng?")
    answer = talk.ask("c-long", follow_up)
    assert answer.kind != "refused", answer.text


def test_a_follow_up_naming_singapore_by_its_chat_abbreviation_is_declined(
    talk: Conversations,
) -> None:
    talk.ask("c90", "What share of firms struggle to hire?")
    assert talk.ask("c90", "SG also same or not?").answered is False


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        (
            "When is the HPC data centre meant to become operational?",
            "Where exactly is it to be built?",
        ),
        ("Wann soll das HPC-Rechenzentrum in Betrieb gehen?", "Und wer baut es?"),
    ],
)
def test_a_pronoun_follow_up_asking_a_known_gap_of_the_same_passage_is_declined(
    talk: Conversations, first: str, follow_up: str
) -> None:
    """Read alone, "where is it to be built?" is the known gap of the passage just cited
    (the article gives no location); read with the last question, it was the opening date
    again, cited as if it said where."""
    talk.ask("c91", first)
    answer = talk.ask("c91", follow_up)
    assert answer.answered is False and answer.kind == "gap", answer.text


def test_a_place_in_an_ellipsis_is_no_typo_of_a_language_asked_for(talk: Conversations) -> None:
    """ "and in Germany?" asks the last question of Germany; read as a typo of "in German"
    it was the last answer again, translated."""
    talk.ask("c92", "What share of companies in Hong Kong use AI or plan to?")
    answer = talk.ask("c92", "and in Germany?")
    assert answer.answered is False and answer.lang == "en", answer.text


def test_an_ellipsis_naming_a_group_replaces_the_group_of_the_last_question(
    talk: Conversations,
) -> None:
    """ "Und die großen?" after the SMEs under 100 staff asks of the large firms instead:
    read with both groups, it was declined for the SMEs' size."""
    talk.ask("c93", "Wie viel Prozent sind KMU in der Studie?")
    talk.ask("c93", "Und wie viele davon haben unter 100 Mitarbeiter?")
    answer = talk.ask("c93", "Und die großen?")
    assert answer.answered and "25" in answer.text, answer.text


def test_a_follow_up_asking_for_a_law_by_name_is_declined(talk: Conversations) -> None:
    """The article speaks of Hong Kong's legal framework, names no law: "any specific
    data-protection legislation?" after it is no question the framework answers."""
    talk.ask("c94", "What underpins Hong Kong's status as an innovation centre?")
    assert not talk.ask("c94", "Does it name any specific data-protection legislation?").answered


def test_a_follow_up_about_another_named_thing_is_a_question_of_its_own(
    talk: Conversations,
) -> None:
    """ "in total" restricts, but "how much is RAISe+ in total?" after the share of firms
    using AI names a programme that answer does not cover: it is answered on its own, not
    read as the last question restricted."""
    talk.ask("c95", "Wie viel Prozent der Firmen nutzen KI?")
    answer = talk.ask("c95", "how much is RAISe+ in total?")
    assert answer.answered and "10" in answer.text, answer.text


def test_dictated_requests_and_questions_are_read_with_their_marks(talk: Conversations) -> None:
    # a phone's dictation writes "question mark": "source question mark" asks for the source
    first = talk.ask("c96", "when was sense time set up question mark")
    assert first.answered and "2014" in first.text, first.text
    source = talk.ask("c96", "source question mark")
    assert source.answered and source.citations and "§" in source.text, source.text


def test_where_exactly_after_an_answer_naming_no_place_is_declined(talk: Conversations) -> None:
    talk.ask("cw", "how many firms want to expand internationally")
    where = talk.ask("cw", "wohin genau?")
    assert not where.answered and where.text.startswith("Wo, nennt"), where.text


@pytest.mark.parametrize(
    "first",
    [
        "Wie viel Prozent der Firmen setzen KI ein?",
        "What did the HKPC study find on AI adoption among Hong Kong companies?",
    ],
)
def test_a_rate_asked_only_of_a_group_restricts_the_last_question(
    talk: Conversations, first: str
) -> None:
    """ "Und wie hoch ist die Quote nur bei den KMU?": "only" the SMEs, the last rate for
    them; the SMEs' share of the survey (75 %) is no answer."""
    talk.ask("conly", first)
    only = talk.ask("conly", "Und wie hoch ist die Quote nur bei den KMU?")
    assert not only.answered and "75" not in only.text, only.text


def test_an_ellipsis_for_a_group_the_last_answer_states_gets_that_answer(
    talk: Conversations,
) -> None:
    """ "Und die großen Unternehmen?" after the SMEs' share: the last answer states the
    large firms' 25 % too; "and among SMEs only?" or a year still restrict."""
    talk.ask("cgrp", "Welchen Anteil machen KMU unter den untersuchten Unternehmen aus?")
    large = talk.ask("cgrp", "Und die großen Unternehmen?")
    assert large.answered and "25" in large.text, large.text
    talk.ask("cgrp2", "How many AI firms were active at HKSTP by the end of 2022?")
    assert not talk.ask("cgrp2", "and in 2021?").answered


def test_a_language_switch_after_a_decline_gives_the_answer_before_it(
    talk: Conversations,
) -> None:
    """ "die erste Antwort bitte auf Englisch" after "nothing for Singapore": the 41 %
    answered before, in English (a bare "in English please" is the decline in English)."""
    talk.ask("cdecl", "Welcher Anteil der Unternehmen setzt KI ein?")
    assert not talk.ask("cdecl", "und in Singapur?").answered
    english = talk.ask("cdecl", "die erste Antwort bitte auf Englisch")
    assert english.answered and english.lang == "en" and "41" in english.text, english.text


def test_the_answer_before_a_decline_is_kept_with_the_context() -> None:
    ctx = Context("de", "und in Singapur?", ("hkpc.ai_adoption",), (), (), False, (), ("a.b",))
    assert Context.from_json(ctx.to_json()) == ctx
    legacy = '{"lang": "de", "question": "q", "intents": [], "citations": []}'
    assert Context.from_json(legacy).answered_before == ()  # a context stored before it


@pytest.mark.parametrize(
    "text",
    [
        "whats the source of this article, need it for citations",
        "who's the source for this article",
    ],
)
def test_the_source_of_this_article_is_a_question_not_a_request(
    talk: Conversations, text: str
) -> None:
    """ "this article" names the article: its source (the SCMP and the HKPC study) is asked,
    also as the first message, not the passage of an earlier answer (there is none)."""
    answer = talk.ask("c-article-source", text)
    assert answer.answered and "South China Morning Post" in answer.text, answer.text


def test_a_part_of_an_amount_given_whole_is_declined(talk: Conversations) -> None:
    """ "Und wie viel davon ist bereits abgeflossen?" after the AI Subsidy Scheme's HK$3
    billion asks a part of it, which the article does not give: declined, saying so, with
    what it does give and its citation."""
    talk.ask("c-part", "Wie viel Geld hat das AI Subsidy Scheme?")
    part = talk.ask("c-part", "Und wie viel davon ist bereits abgeflossen?")
    assert part.answered is False and part.kind == "narrowed", part.text
    assert "Anteil" in part.text and "HK$3" in part.text and part.citations
