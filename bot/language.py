"""One language detector for the resolver, ingest and triage: German or English.

Evidence, in order of weight: function words of one language (bot/data/language.yaml),
words only one language's side of the knowledge uses (its question variants,
answers and fact labels), the question word a question opens with, and umlauts
or ß. Failing all these, everyday words of one language (bot/data/words_*.txt) that
the knowledge does not use in both. No evidence either way gives the default and says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.lexicon import ABBREVIATIONS, LANG_HINTS, QUESTION_WORDS, SHARED_SHORTHAND, WORDS_OF
from bot.text import fold, tokens

LANGS = ("de", "en")
_RAW_WORD = re.compile(r"\w+")
# what the shorthand of both languages is read as ("what" of "wat")
_SHARED_MEANINGS = frozenset(t for w in SHARED_SHORTHAND for t in ABBREVIATIONS.get(w, (w,)))
NO_VOCABULARY: dict[str, frozenset[str]] = {
    "de": frozenset(),
    "en": frozenset(),
    "both": frozenset(),
}


def side_vocabulary(texts_by_lang: dict[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Words that only one language's texts use: evidence for that language."""
    return side_words(
        {lang: {t for text in texts_by_lang[lang] for t in tokens(text)} for lang in LANGS}
    )


def side_words(words: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """Of the words of each language's texts, those the other language's do not use; and
    under "both" those both use ("RAISe+", "cloud"), no evidence of either."""
    return {
        "de": frozenset(words["de"] - words["en"]),
        "en": frozenset(words["en"] - words["de"]),
        "both": frozenset(words["de"] & words["en"]),
    }


def votes(toks: Sequence[str], raw: str, vocabulary: dict[str, frozenset[str]]) -> Counter:
    """Evidence for each language in folded tokens `toks` of the text `raw`."""
    toks = _without_shared_shorthand(toks, raw)
    count: Counter[str] = Counter()
    for tok in toks:
        for lang in LANGS:
            if tok in LANG_HINTS[lang]:
                count[lang] += 2
            elif tok in vocabulary[lang]:
                count[lang] += 1
    first = next((t for t in toks if not t.isdigit()), None)  # "2035 was is da": "was"
    if first in QUESTION_WORDS:
        count[QUESTION_WORDS[first]] += 1  # "wer is …": the asker's own word
    typed = toks.count("prozent") - raw.count("%")  # "%" reads "prozent" in either language
    if typed > 0:
        count["de"] += 1  # "55 prozent = ?"
    if any(ch in raw for ch in "äöüßÄÖÜ"):
        count["de"] += 1
    return count


def _without_shared_shorthand(toks: Sequence[str], raw: str) -> Sequence[str]:
    """`toks` less the words that shorthand of both languages stands for ("wat war 2014":
    the "what" of "wat" says nothing of the language)."""
    if _SHARED_MEANINGS.isdisjoint(toks):
        return toks  # no word shorthand may stand for: the raw text is not searched
    typed = [w for w in _RAW_WORD.findall(fold(raw)) if w in SHARED_SHORTHAND]
    if not typed:
        return toks
    left = list(toks)
    for word in typed:
        for tok in ABBREVIATIONS.get(word, (word,)):
            if tok in left:
                left.remove(tok)
    return left


def everyday_votes(toks: Sequence[str], vocabulary: dict[str, frozenset[str]]) -> Counter:
    """Everyday words of one language, but none the knowledge uses in both ("raise")."""
    return Counter(
        lang
        for tok in toks
        if tok not in vocabulary.get("both", ())
        for lang in LANGS
        if tok in WORDS_OF[lang]
    )


def detect(
    text: str,
    *,
    default: str,
    vocabulary: dict[str, frozenset[str]] = NO_VOCABULARY,
    toks: Sequence[str] | None = None,
) -> tuple[str, bool]:
    """The language of `text` and whether it gave any evidence (else `default`)."""
    toks = tokens(text) if toks is None else toks
    count = votes(toks, text, vocabulary)
    if count["de"] == count["en"]:
        count = everyday_votes(toks, vocabulary)
    if count["de"] == count["en"]:
        return default, False
    return ("de" if count["de"] > count["en"] else "en"), True
