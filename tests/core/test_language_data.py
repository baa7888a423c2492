"""The language data and the decision model are data files, checked when loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot import lexicon
from bot.language import detect
from bot.policy import MODEL_FILE, DecisionModel
from bot.text import tokens


def test_the_shipped_language_data_loads_folded() -> None:
    data = lexicon.load()
    assert "fur" in lexicon.STOPWORDS_DE  # "für" is folded as questions are
    assert ("wie", "viele") in lexicon.QUESTION_CUES["quantity"]
    assert data.restrictors["place"]


def test_a_broken_language_file_names_the_key(tmp_path: Path) -> None:
    raw = yaml.safe_load(lexicon.DATA_FILE.read_text(encoding="utf-8"))
    raw["restrictors"]["planet"] = ["mars"]
    path = tmp_path / "language.yaml"
    text = yaml.safe_dump(raw, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    line = 1 + text.splitlines().index("  planet:")
    with pytest.raises(lexicon.LanguageDataError, match=rf":{line}: restrictors\.planet: "):
        lexicon.load(path)


def test_one_number_word_table() -> None:
    from bot import figures

    assert figures.WORDS["hälfte"] == 0.5 and figures.SCALES["mrd"] == 1e9


def test_the_fitted_model_loads_and_rejects_unknown_features(tmp_path: Path) -> None:
    model = DecisionModel.load()
    assert 0 < model.threshold < 1 and model.meta.get("by") == "eval/fit.py"
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["weights"]["moon_phase"] = 1.0
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="moon_phase"):
        DecisionModel.load(path)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wie viele Firmen?", "de"),
        ("How many firms?", "en"),
        ("Größe?", "de"),
        ("2035 was is da", "de"),  # the question word after a figure
        ("55 prozent = ?", "de"),  # "prozent" typed, not read from "%"
        ("wat war 2014", "de"),  # Berlin "wat": no English "what"
        ("wat is mit den 49 % jemeint", "de"),
        ("wat year was sensetime founded?", "en"),
    ],
)
def test_one_detector(text: str, lang: str) -> None:
    assert detect(text, default="en")[0] == lang


def test_no_evidence_gives_the_default() -> None:
    assert detect("HKSTP", default="de") == ("de", False)


@pytest.mark.parametrize("group", ["precision", "ordinal"])
def test_a_german_adjective_restrictor_has_every_ending(group: str) -> None:
    """ "genaues Datum" restricts as "genaue Zahl" does: a German adjective of these groups
    (one word ending in -e: genaue, exakte, zweite) is listed with -n, -r, -s and -m too."""
    words = {phrase[0] for phrase in lexicon.RESTRICTORS[group] if len(phrase) == 1}
    german = {w for w in words if w.endswith("e") and w + "n" in words}
    assert german
    for word in german:
        assert {word + end for end in "nrsm"} <= words, word


def test_abbreviations_of_etc_and_dialect_mal_are_no_topic() -> None:
    """ "Infrastruktur usw.", "zähl ma auf": "usw", "usf", "bzw" and Bavarian "ma" (mal)
    name nothing a question is about."""
    assert {"usw", "usf", "bzw", "ma"} <= lexicon.STOPWORDS_DE
    assert {"sagt", "sagte"} <= lexicon.STOPWORDS_DE  # "Was sagt der Artikel zu …?"


def test_words_of_cues_and_chat_are_no_topic() -> None:
    """Words that make a question a comparison, a reverse or a chat aside ("which came
    first?", "bigger", "what does 63 % refer to?", "was war nochmal 2014?") are read as
    cues; as topic words the knowledge lacks they counted against every answer."""
    assert {"came", "first", "bigger", "vs", "refer", "two"} <= lexicon.STOPWORDS_EN
    assert {"nochmal", "zuerst", "bezieht", "beziehungsweise"} <= lexicon.STOPWORDS_DE


def test_a_key_twice_in_the_language_data_is_refused_at_its_line(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys: a second `restrictors:` (a merge gone wrong)
    would drop the first table without a word. Refused as a knowledge file's key twice is,
    `file:line: message` at the second key, naming the first."""
    text = lexicon.DATA_FILE.read_text(encoding="utf-8")
    path = tmp_path / "language.yaml"
    path.write_text(text + "stopwords:\n  de: der\n  en: the\n", encoding="utf-8")
    first = 1 + text.splitlines().index("stopwords:")
    second = 1 + len(text.splitlines())
    with pytest.raises(lexicon.LanguageDataError) as info:
        lexicon.load(path)
    assert str(info.value) == (
        f"{path}:{second}: YAML syntax: the key 'stopwords' twice in one mapping "
        f"(first at line {first}); only the last would be read"
    )


@pytest.mark.parametrize(
    ("entry", "text"),
    [("what's that", "what's that number?"), ("isn't it", "It's 41 %, isn't it?")],
)
def test_a_phrase_with_an_elision_reads_as_a_question_does(entry: str, text: str) -> None:
    """The letter after an apostrophe is no token of a question (bot.text.tokens drops it):
    a cue written with one must not keep it, or it never matches."""
    cue = lexicon.phrase(entry)
    toks = tuple(tokens(text))
    assert any(toks[i : i + len(cue)] == cue for i in range(len(toks))), (cue, toks)


def test_a_phrase_keeps_its_single_digits_as_a_question_does() -> None:
    # a question's tokens keep "5" (bot.text.tokens): a phrase without it matched any "top"
    assert lexicon.phrase("Top 5 Firmen") == tuple(tokens("Top 5 Firmen")) == ("top", "5", "firmen")
    assert lexicon.phrase("what's a 1") == ("what", "1")


def test_every_phrase_can_match_a_question() -> None:
    """Phrases are matched against a question's tokens: a phrase holds no word the tokens
    drop ("thanks a lot" is ("thanks", "lot")), and one with a word the tokens spell out
    ("big cos" → "big companies") is listed as read too."""
    lists = [
        *lexicon.RESTRICTORS.values(),
        *lexicon.CHAT_KINDS.values(),
        *lexicon.CUES.values(),
        *lexicon.QUESTION_CUES.values(),
    ]
    for phrases in lists:
        for entry in phrases:
            read = tuple(tokens(" ".join(entry)))
            assert read == entry or read in phrases, entry


def test_the_gazetteer_has_states_but_no_everyday_words_of_place() -> None:
    """States and provinces people compare with are places; a subdivision named by a word
    of place or a noun ("Central", "Delta", "Pool") is not, or questions would narrow."""
    assert {("texas",), ("sachsen",), ("scotland",), ("british", "columbia")} <= lexicon.PLACES
    assert not {("central",), ("delta",), ("pool",), ("northern", "region")} & lexicon.PLACES
