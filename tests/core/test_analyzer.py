"""The analyzer's memory of texts: a text analysed by several checks is analysed once."""

from __future__ import annotations

import pytest

from bot import analyzer
from bot.service import QABot
from bot.text import stem, tokens


def test_a_text_is_analysed_once(qabot: QABot) -> None:
    """A follow-up's words are analysed by several checks and again for each reading, and a
    question by the language guess and the resolver: the second analysis is the first."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    question = "und wie viele davon sind KMU?"
    assert analyze(question, correct=True) is analyze(question, correct=True)
    assert analyze(question, correct=False) is analyze(question, correct=False)
    assert analyze(question, correct=True) is not analyze(question, correct=False)


def test_texts_of_the_same_words_are_analysed_once(qabot: QABot) -> None:
    """An analysis reads a text's tokens only: a follow-up without its opener, with or without
    its question mark, its words joined again without a pronoun, are one analysis."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert analyze("und die KMU?", correct=True) is analyze("Und die KMU", correct=True)


def test_remembered_analyses_are_bounded(qabot: QABot) -> None:
    """At most ANALYSIS_MEMO texts of each kind, each of question length: a long text (the
    last answers read for their names) is analysed afresh, not kept."""
    memo = qabot.store.current.resolver.analyzer
    for n in range(analyzer.ANALYSIS_MEMO + 50):
        memo.analyze(f"wie viele Firmen gab es {n}?", correct=True)
    assert 0 < len(memo._analyses[True]) <= analyzer.ANALYSIS_MEMO
    long = "Wie viele Firmen nutzen KI? " * 40
    assert len(long) > analyzer.ANALYSIS_CHARS
    assert memo.analyze(long, correct=False) is not memo.analyze(long, correct=False)
    assert memo.analyze(long, correct=False) == memo.analyze(long, correct=False)


def test_forgetting_texts_empties_the_analyses(qabot: QABot) -> None:
    """The benchmarks time each turn as if it came first (benchmarks/bench_resolver.py)."""
    memo = qabot.store.current.resolver.analyzer
    first = memo.analyze("Wann wurde SenseTime gegründet?", correct=True)
    memo.forget_texts()
    assert memo.analyze("Wann wurde SenseTime gegründet?", correct=True) is not first


def test_typo_correction_leaves_everyday_words_alone(qabot: QABot) -> None:
    """ "Wetter" is no slip of "weiter", nor "ambition" of "addition": an everyday German or
    English word (bot/data/common_words.txt) is corrected at most in its ending, which
    reads an inflected form as the knowledge's word."""
    correct = qabot.store.current.resolver.analyzer.correct
    for word in ("wetter", "herzlichen", "ambition", "angeben", "inzwischen"):
        assert correct(word) == word
    assert correct("steigert") == "steigern"  # its ending only
    assert correct("untrenehmen") == "unternehmen"  # a typo is still a typo


def test_the_everyday_words_are_folded_as_questions_are() -> None:
    words = analyzer.COMMON_WORDS
    assert len(words) > 10_000 and "wetter" in words and "fur" not in words  # no short words
    assert all(w == w.casefold() and w.isascii() for w in words)


def test_a_word_is_analysed_once_even_after_texts_are_forgotten(qabot: QABot) -> None:
    """A follow-up's words are tested one by one (is it a topic word? a request's cue?), and
    words recur in message after message: a word's analysis is remembered apart from the
    texts', as its tokens, corrections and splits are, and kept when the texts are forgotten."""
    memo = qabot.store.current.resolver.analyzer
    word = memo.analyze("Finanzierungsoptionen", correct=False)
    memo.forget_texts()
    assert memo.analyze("Finanzierungsoptionen", correct=False) is word
    assert memo.analyze("finanzierungsoptionen?", correct=False) is word
    assert memo.analyze("Finanzierungsoptionen", correct=True) is not word
    nothing = memo.analyze("", correct=True)  # "und die KMU?" without its restriction
    memo.forget_texts()
    assert memo.analyze("?", correct=True) is nothing


@pytest.mark.parametrize("month", ["marz", "juni", "mai", "october"])
def test_a_month_is_no_typo(qabot: QABot, month: str) -> None:
    """ "März" (folded "marz") is a month, no slip of "Mark": a wrong month of a study's
    date must reach the premise check as written."""
    assert qabot.store.current.resolver.analyzer.correct(month) == month


def test_a_stressing_prefix_leads_the_word_it_stresses(qabot: QABot) -> None:
    """ "Kernergebnisse", "Hauptproblem" are findings and a problem, stressed."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert "@finding" in analyze("Kernergebnisse", correct=True).features
    assert "@difficulty" in analyze("Hauptproblem", correct=True).features


def test_a_compound_is_never_split_off_a_function_word(qabot: QABot) -> None:
    """ "ausländischen" is no "Ausland" + Swiss "isch" (a stop word the knowledge knows): a
    compound's parts are content words; a real compound still splits."""
    split = qabot.store.current.resolver.analyzer.split
    assert split("auslandischen") == ("auslandischen",)
    assert split("rekrutierungsproblemen") == ("rekrutierungs", "problemen")


def test_a_concept_word_is_a_compound_part_though_a_stop_word_shares_its_stem(
    qabot: QABot,
) -> None:
    """ "quoted" is a stop word and stems as "quote" does; "Nutzungsquote" is still the
    use and the share, as "Nutzungsrate" is (a KMU rate asked, not the KMU's share)."""
    split = qabot.store.current.resolver.analyzer.split
    assert split("nutzungsquote") == ("nutzungs", "quote")
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert {"@use", "@share"} <= analyze("KI-Nutzungsquote", correct=True).features


def test_an_inflection_of_a_known_compound_splits_as_the_compound_does(qabot: QABot) -> None:
    """A fact's label says "Rekrutierungsproblemen": a question's "rekrutierungsprobleme" is
    that word inflected, no typo, and splits into its concepts as the label's form does."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert "@recruit" in analyze("rekrutierungsprobleme", correct=True).features


@pytest.mark.parametrize(
    ("form", "concept"),
    [
        ("einsetzt", "@use"),  # person
        ("nutzte", "@use"),  # past
        ("eingesetzt", "@use"),  # participle after a separable prefix
        ("genutzt", "@use"),
        ("braucht", "@need"),
        ("kostete", "@cost"),
    ],
)
def test_a_german_verb_form_gives_its_concept(qabot: QABot, form: str, concept: str) -> None:
    """The concept table names a verb by its infinitive ("einsetzen"); "KI bereits einsetzt"
    is the same concept in another person or tense."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert concept in analyze(form, correct=True).features


@pytest.mark.parametrize(
    ("word", "concept"),
    [
        ("wichtigste", "@crucial"),  # "das Wichtigste": a superlative of "wichtig"
        ("wichtigsten", "@crucial"),
        ("aiming", "@plan"),  # a short English word's inflection: "aim"
        ("aimed", "@plan"),
        ("aims", "@plan"),
    ],
)
def test_an_inflection_the_stemmer_keeps_gives_its_concept(
    qabot: QABot, word: str, concept: str
) -> None:
    """The light stemmer keeps the ending of a short word ("aiming") and of a superlative
    ("wichtigst"): the concept's word under it still counts."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert concept in analyze(word, correct=True).features


def test_an_adjective_form_is_no_verb(qabot: QABot) -> None:
    """ "großen" is a form of the adjective "groß" (its concept lists "groß", "große"):
    "größte Herausforderung" is no form of a verb "großen", and says nothing of large firms."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert "@large" not in analyze("grosste", correct=True).features


def test_a_word_is_read_once_in_whatever_text_it_stands(
    qabot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every text analysed reads each of its words (split, corrected, stemmed, classified),
    and words recur in text after text (the last answers read for each follow-up): a word is
    read once, kept when the texts are forgotten, as its corrections and splits are."""
    memo = qabot.store.current.resolver.analyzer
    stemmed: list[str] = []
    monkeypatch.setattr(analyzer, "stem", lambda t: stemmed.append(t) or stem(t))
    first = memo.analyze("Wie viele Unternehmen nutzen KI-Lösungen?", correct=True)
    read = stemmed.count("unternehmen")
    memo.forget_texts()
    again = memo.analyze("Und wie viele Unternehmen sind profitabel?", correct=True)
    assert stemmed.count("unternehmen") == read
    assert "unternehmen" in first.tokens and "unternehmen" in again.tokens


def test_texts_joined_are_looked_through_for_names_only_where_one_may_start(
    qabot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last question and its answers joined (about 100 words): whether a concept's name
    runs from one into the next is looked up only at a word whose stem starts a name, as
    `analyze` does, not at every word; the features are the joined text's."""
    an = qabot.store.current.resolver.analyzer
    question = "Wie viele Unternehmen in Hongkong nutzen bereits KI?"
    answer = "Laut der HKPC-Studie setzen 49 % der Unternehmen in Hongkong bereits KI ein."
    parts = [(an.analyze(text, correct=False), False) for text in (question, answer)]
    looked: list[str] = []
    phrase_at = an._phrase_at
    monkeypatch.setattr(
        an, "_phrase_at", lambda stems, i: looked.append(stems[i]) or phrase_at(stems, i)
    )
    found = an.joined_features(parts)
    assert found == an.analyze(f"{question} {answer}", correct=False).features
    assert looked and all(st in an._phrases for st in looked)


@pytest.mark.parametrize(
    "text",
    [
        "wie viele firmen nutzen KI? grob reicht",  # "grob" is no slip of "grow"
        "woher kommt der Großteil der Einnahmen",  # "the most of", like "meisten"
        "Ich würde gern wissen, wie viele Firmen KI nutzen",  # politeness
    ],
)
def test_words_of_approximation_and_politeness_are_no_topic(qabot: QABot, text: str) -> None:
    analysis = qabot.store.current.resolver.analyzer.analyze(text, correct=True)
    assert not analysis.guessed, analysis.guessed
    assert not {"grob", "gern", "grosst", "wurd"} & analysis.features, analysis.features


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("Welche Standortvorteile zählt der Artikel auf?", "aufzahlen"),  # lists, not counts
        ("Wie viele Firmen setzen KI ein, nur die KMU?", "einsetzen"),  # in an earlier clause
        ("Wie viele Firmen setzen KI ein für KMU?", "einsetzen"),  # the particle not last
    ],
)
def test_a_german_verb_and_its_particle_are_one_word(qabot: QABot, text: str, joined: str) -> None:
    analysis = qabot.store.current.resolver.analyzer.analyze(text, correct=True)
    assert joined in analysis.tokens, analysis.tokens
    assert "quantity" not in analysis.types or text.startswith("Wie viele")


def test_a_particle_joins_no_verb_it_makes_no_known_word_with(qabot: QABot) -> None:
    analysis = qabot.store.current.resolver.analyzer.analyze("Wer ist Wang Zheng an?", correct=True)
    assert analysis.tokens[-1] == "an"


def test_chat_particles_and_shorthand_of_hong_kong_english(qabot: QABot) -> None:
    """ "wah … ar" carry no topic; "stp" is the science park, "cos" companies."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert not {"wah", "ar"} & analyze("wah so who is this wang zheng ar", correct=True).features
    assert analyze("how many AI cos in stp", correct=True).features == {
        "@ai_company",
        "@science_park",
    }


@pytest.mark.parametrize(
    ("word", "standard"),
    [
        ("empfehlige", "empfehlungen"),
        ("regierig", "regierung"),
        ("rekrutierig", "rekrutierung"),
        ("betriib", "betrieb"),  # Swiss ii for ie
        ("jewinn", "gewinn"),  # Berlin j for g
        ("jeld", "geld"),
    ],
)
def test_a_swiss_spelling_reads_as_the_standard_word(
    qabot: QABot, word: str, standard: str
) -> None:
    """-ig for -ung, -ige for -ungen: tried only on a word the knowledge lacks."""
    assert qabot.store.current.resolver.analyzer.correct(word) == standard


@pytest.mark.parametrize("question", ["what % use AI?", "which % of firms use AI?"])
def test_a_percent_sign_after_what_asks_a_quantity(question: str) -> None:
    """ "%" is read "prozent" in either language; "what %" asks as "what percent" does."""
    assert "quantity" in analyzer.question_types(tokens(question))


@pytest.mark.parametrize("text", ["What did Wang say about capital?", "Was meint Zheng dazu?"])
def test_a_person_goes_by_one_of_their_names(qabot: QABot, text: str) -> None:
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert "@wang_zheng" in analyze(text, correct=True).features


def test_a_typo_corrected_to_a_name_is_not_that_person(qabot: QABot) -> None:
    """ "wänd" (Swiss "want") is one letter from "Wang": a correction names nobody."""
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert "@wang_zheng" not in analyze("Was wänd die Förderprogramm?", correct=True).features


def test_people_by_one_name_get_the_answer_about_them(qabot: QABot) -> None:
    answer = qabot.ask("Which cities does Wang compare Hong Kong with?")
    assert answer.answered and "Shenzhen" in answer.text, answer.text


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("wie viel prozent der einnahmen kommen denn aus hongkong", "@come_from"),
        ("wie viel vom geld kommt ähm aus hongkong", "@come_from"),
        ("Wann geht das Zentrum in, ähm, Betrieb?", "@operate"),
        ("wann kommt denn das rechenzentrum", "@operate"),
    ],
)
def test_a_particle_inside_a_concepts_name_is_skipped(
    qabot: QABot, text: str, concept: str
) -> None:
    analyze = qabot.store.current.resolver.analyzer.analyze
    assert concept in analyze(text, correct=True).features


def test_a_particle_anywhere_inside_any_concepts_name_reads_as_the_name(qabot: QABot) -> None:
    """Every name of two words or more, a particle put between any two of its words: the
    same features as the name. A shorter name read exactly won over the longer one with the
    particle ("Hong Kong, ähm, Dollar" was Hong Kong and "dollar"; "AI subsidy, um, scheme"
    the scheme and a subsidy): 21 of 517 placings."""
    an = qabot.store.current.resolver.analyzer
    names = sorted({(p, cid) for options in an._phrases.values() for p, cid in options})
    tried, wrong = 0, []
    for p, cid in names:
        plain = an.analyze(" ".join(p), correct=False).features
        if len(p) < 2 or cid not in plain:  # a name whose stems read as it
            continue
        for k in range(1, len(p)):
            text = " ".join((*p[:k], "ähm", *p[k:]))
            tried += 1
            if an.analyze(text, correct=False).features != plain:
                wrong.append(text)
    assert tried > 400
    assert not wrong, wrong[:5]
    assert "@hkd" in an.analyze("Wie viel ist ein Hong Kong, ähm, Dollar?", correct=True).features


def test_a_long_clause_of_particles_tries_each_word_once_per_particle(
    qabot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verb and its particle later in the clause ("zählt … auf") were looked for by trying
    every word before every particle: 300 words each followed by "aus" were 45,000 tries
    (a message of 40,000 characters of such words took 569 s). Each word is tried once per
    particle; the verb joined is still the first one before the particle."""
    an = qabot.store.current.resolver.analyzer
    tries = 0
    looked_up = analyzer.remembered

    def counted(memo, key, compute, size):  # type: ignore[no-untyped-def]
        nonlocal tries
        tries += memo is an._verbs_joined
        return looked_up(memo, key, compute, size)

    monkeypatch.setattr(analyzer, "remembered", counted)
    text = " ".join(f"wort{n} aus" for n in range(300))
    an._separable_joined(tokens(text))
    assert tries <= 2 * 300, tries
    joined = an._separable_joined(tokens("Welche Vorteile zählt der Artikel auf?"))
    assert "aufzahlen" in joined and "auf" not in joined, joined


def test_when_a_thing_comes_is_when_it_opens_not_where_it_comes_from(qabot: QABot) -> None:
    features = qabot.store.current.resolver.analyzer.analyze(
        "Wann kommt das HPC-Datenzentrum?", correct=True
    ).features
    assert "@operate" in features and "@come_from" not in features


def test_swiss_spellings_read_as_standard_german(qabot: QABot) -> None:
    """ "Usland" (aus-), "chlyne Firme" (k-, ei: a group). No rule turns an "a" into "e"
    (the "ä" of "Gäld" folds to "a"): it read "wäre" as "were"."""
    assert qabot.store.current.resolver.analyzer.correct("usland") == "ausland"
    terms = qabot.store.current.policy.terms("Wi vil vo de chlyne Firme nutze KI?", "de")
    assert "group" in {t.group for t in terms}
