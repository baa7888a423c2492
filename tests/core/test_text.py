"""Text normalisation: what the per-text caches hold."""

from __future__ import annotations

import pytest

from bot.text import dictated, tokens


def test_a_word_in_many_cached_texts_is_held_once() -> None:
    """The token cache keeps thousands of texts; each word in them is one string, not one
    copy per text (a soak's memory must not grow with the words of the texts it saw)."""
    first = tokens("Wie viele KI-Unternehmen gibt es im HKSTP?")
    second = tokens("und im HKSTP: wie viele Unternehmen noch?")
    assert first[-1] == second[2] == "hkstp"
    assert first[-1] is second[2]


def test_a_word_stays_tokenised_while_long_texts_come_and_go(monkeypatch) -> None:
    """Single words (a follow-up's openers and cue words, tested one by one) are tokenised
    once: thousands of long texts passing through the text cache do not push them out."""
    from bot import text

    tokens("Finanzierungsoptionen")
    for n in range(text.CACHE_SIZE + 100):
        tokens(f"wie viele Firmen gab es im Jahr {n}, und wie viele davon nutzen KI?")
    read_again: list[list[str]] = []
    spelled = text.read_spelled_numbers
    monkeypatch.setattr(text, "read_spelled_numbers", lambda w: read_again.append(w) or spelled(w))
    assert tokens("Finanzierungsoptionen") == ["finanzierungsoptionen"]
    assert read_again == []


def test_ascii_text_is_folded_without_decomposing(monkeypatch) -> None:
    """Most questions are ASCII once umlauts are folded: nothing to decompose, and the
    character-by-character pass over the decomposition is skipped."""
    from bot import text

    forms: list[str] = []
    normalize = text.unicodedata.normalize
    monkeypatch.setattr(
        text.unicodedata, "normalize", lambda f, s: forms.append(f) or normalize(f, s)
    )
    assert text.fold.__wrapped__("Wie viele Firmen in Hongkong nutzen KI?") == (
        "wie viele firmen in hongkong nutzen ki?"
    )
    assert text.fold.__wrapped__("Größe über 49 %") == "grosse uber 49 %"
    assert "NFKD" not in forms
    text._folded_char.cache_clear()  # each character beyond ASCII is decomposed once
    assert text.fold.__wrapped__("Café naïve") == "cafe naive"
    assert "NFKD" in forms


def test_an_accented_text_is_tested_once_per_distinct_character(monkeypatch) -> None:
    """A long answer in German has hundreds of characters and a few kinds of accent: each
    distinct character is tested for being an accent once, not each character."""
    from bot import text

    tested: list[str] = []
    combining = text.unicodedata.combining
    monkeypatch.setattr(
        text.unicodedata, "combining", lambda ch: tested.append(ch) or combining(ch)
    )
    answer = " ".join(["Café – naïve"] * 40)
    assert text.fold.__wrapped__(answer) == " ".join(["cafe – naive"] * 40)
    assert len(tested) == len(set(tested))


def test_a_words_stem_is_remembered() -> None:
    """Every token of every analysed text is stemmed: words recur in text after text (and a
    follow-up's words in each of its readings), so a word's stem is found once. A token
    longer than a word is stemmed afresh, not kept."""
    from bot import text

    text.stem("Unternehmen")
    hits = text._word_stem.cache_info().hits
    assert text.stem("Unternehmen") == "Unternehm"
    assert text._word_stem.cache_info().hits == hits + 1
    assert text.stem("x" * 60 + "ungen") == "x" * 60 + "ung"
    assert text._word_stem.cache_info().hits == hits + 1


def test_a_text_is_searched_for_a_joined_ampersand_only_when_it_has_one(monkeypatch) -> None:
    """ "R&D", "F&E" are one word; a text without "&" (most of them) is not searched for
    one: every text tokenised (a follow-up's words, its readings) paid that search."""
    from bot import text

    searched: list[str] = []
    pattern = text._AMPERSAND_WORD

    class Recorded:
        def sub(self, repl: str, folded: str) -> str:
            searched.append(folded)
            return pattern.sub(repl, folded)

    monkeypatch.setattr(text, "_AMPERSAND_WORD", Recorded())
    assert text._tokenise("Wie viele Firmen in Hongkong nutzen KI?")[-1] == "ki"
    assert searched == []
    assert text._tokenise("Wie viel R&D, F&E und x&?") == ("wie", "viel", "rd", "fe", "und")
    assert searched == ["wie viel r&d, f&e und x&?"]


def test_a_word_is_read_for_spelled_numbers_once(monkeypatch) -> None:
    """Every word of every text tokenised was read for a spelled number again; words recur
    in text after text (a follow-up's fragments, its readings, the last answers), so a
    word is read once. A text with a small number word, which may run on ("twenty one"),
    is read as a whole."""
    from bot import text

    text._READ_WORDS.clear()
    text._tokenise("Wie viele Firmen nutzen KI im Jahr 2023?")
    read: list[list[str]] = []
    spelled = text.read_spelled_numbers
    monkeypatch.setattr(text, "read_spelled_numbers", lambda w: read.append(w) or spelled(w))
    assert text._tokenise("und wie viele Firmen 2023?") == ("und", "wie", "viele", "firmen", "2023")
    assert read == [["und"]]
    assert text._tokenise("twenty one Firmen") == ("21", "firmen")
    assert read[1:] == [["twenty", "one"]]


def test_only_the_number_words_of_a_text_with_a_small_one_are_read_together(monkeypatch) -> None:
    """A spelled number's words are all words one goes on with ("one hundred and five"): in
    a text with a small number word ("ein", "one"), only a run of such words is read as a
    whole, every other word alone, once. A long answer with an "ein" read every word again."""
    from bot import text

    words = "Die Firma hat ein Büro mit one hundred and five Leuten und zwei Standorten"
    for word in words.split():
        text._tokenise(word)  # each word read alone once
    read: list[list[str]] = []
    spelled = text.read_spelled_numbers
    monkeypatch.setattr(text, "read_spelled_numbers", lambda w: read.append(w) or spelled(w))
    assert text._tokenise(words) == (
        *("die", "firma", "hat", "ein", "buro", "mit", "105", "leuten", "und", "zwei"),
        "standorten",
    )
    assert read == [["one", "hundred", "and", "five"]]


def test_an_accented_text_is_decomposed_one_character_at_a_time(monkeypatch) -> None:
    """A long answer has hundreds of characters and a few beyond ASCII (a dash, an accent):
    each of those is decomposed once, not the whole text each time it is folded."""
    from bot import text

    decomposed: list[str] = []
    normalize = text.unicodedata.normalize

    def recorded(form: str, s: str) -> str:
        if form == "NFKD":
            decomposed.append(s)
        return normalize(form, s)

    monkeypatch.setattr(text.unicodedata, "normalize", recorded)
    text._folded_char.cache_clear()
    answer = " ".join(["Café – naïve"] * 40)
    assert text.fold.__wrapped__(answer) == " ".join(["cafe – naive"] * 40)
    assert sorted(decomposed) == sorted(["é", "–", "ï"])


def test_a_quote_is_digested_once() -> None:
    """A "mehr dazu" digests the quotes of every answer it weighs, and every answer kept
    digests its own: the knowledge's quotes, digested once each."""
    from bot import text

    quote = "Bis Ende 2022 waren über 200 KI-Unternehmen im HKSTP aktiv."
    first = text.quote_digest(quote)
    hits = text.quote_digest.cache_info().hits
    assert text.quote_digest(quote) == first
    assert text.quote_digest.cache_info().hits == hits + 1


def test_german_letter_names_dictated_are_the_letters() -> None:
    """Dictation writes German letter names: "ka i" is KI, "ha ka es te pe" HKSTP. A run of
    words that are all words of their own ("es er") or one name repeated ("ha ha") stays."""
    assert tokens("wie viele ka i firmen") == ["wie", "viele", "ki", "firmen"]
    assert tokens("ha ka es te pe was is das") == ["hkstp", "was", "is", "das"]
    assert tokens("die ha pe ce studie") == ["die", "hpc", "studie"]
    assert tokens("weil es er so sagt") == ["weil", "es", "er", "so", "sagt"]
    assert tokens("ha ha") == ["ha", "ha"]
    assert tokens("what can i be") == ["what", "can", "be"]


def test_c_as_many_say_it_and_english_letter_names_are_letters_too() -> None:
    """ "ha pe ze" is HPC (C said "ze"), "eitsch ka pe ze" HKPC (H said the English way)."""
    assert tokens("wann kommt das ha pe ze zentrum") == ["wann", "kommt", "das", "hpc", "zentrum"]
    assert tokens("die eitsch ka pe ze studie") == ["die", "hkpc", "studie"]
    assert tokens("ze") == ["ze"]  # one letter name alone is a word


def test_a_number_sign_standing_alone_reads_as_number() -> None:
    """ "exact # of firms" asks a number as "%" asks a percentage; a hashtag stays a word."""
    assert tokens("exact # AI cos?") == ["exact", "number", "ai", "companies"]
    assert tokens("#AI rocks") == ["ai", "rocks"]


@pytest.mark.parametrize(
    ("spoken", "read"),
    [
        ("when was sense time set up question mark", "when was sense time set up?"),
        (
            "wann wurde das gegründet Fragezeichen danke Ausrufezeichen",
            "wann wurde das gegründet? danke!",
        ),
        ("the hpc centre full stop when question mark", "the hpc centre. when?"),
        # typed text with marks of its own says what it says
        (
            "He wrote a big question mark next to it. What is that?",
            "He wrote a big question mark next to it. What is that?",
        ),
    ],
)
def test_dictated_punctuation_is_read_as_the_mark(spoken: str, read: str) -> None:
    assert dictated(spoken) == read


def test_shorthand_of_each_language_is_read_in_the_messages_language() -> None:
    """ "wi" is Swiss "wie" and Scots "with": the language most of the words are in decides."""
    assert tokens("Wi vil KI-Firme si Ändi 2022 im Science Park gsi?")[:2] == ["wie", "viel"]
    assert tokens("how many recommendations did the study come up wi")[-1] == "with"
