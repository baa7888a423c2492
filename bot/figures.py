"""Figures in text: numbers, percentages, money, years and number words, as comparable values.

"HK$3 Mrd.", "3 Milliarden" and "3 billion" are all 3e9; "neun" and "nine" are 9;
"die Hälfte" and "half" are 0.5. Used by the linter to check that an answer's
figures stand in its quotes, and by ingest to find statements with figures.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from bot.lexicon import DATA, fold_entry
from bot.numbers import NUMBER_WORD_MAX, german_number
from bot.text import is_number, tokens

# Scale and value words come from the language data (bot/data/language.yaml).
SCALES: dict[str, float] = dict(DATA.number_words.scales)
_NW = DATA.number_words
WORDS: dict[str, float] = {
    word: value
    for table in (
        _NW.units.de,
        _NW.units.en,
        _NW.teens.de,
        _NW.teens.en,
        _NW.tens.de,
        _NW.tens.en,
        _NW.numbers,
        _NW.fractions,
    )
    for word, value in table.items()
    if value >= 2 or value < 1  # "ein", "one" are articles more often than figures
}
# A match is looked up as the regex matched it, case-insensitively: "dreißig" folds to
# "dreissig", and the lookup by the folded word raised KeyError on "dreißig Milliarden".
_WORD_VALUES = {word.casefold(): value for word, value in WORDS.items()}
# What may follow a number: a percent sign or word, then a scale ("3 Mrd.", "sechzig Prozent").
_SUFFIX = (
    r"\s*(?P<pct>%|prozent\b|percent\b|per cent\b)?"
    r"(?:\s*(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b\.?)?"
)
_SCALED = re.compile(_SUFFIX, re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w§])(?P<num>\d+(?:[.,]\d+)*)" + _SUFFIX, re.IGNORECASE)
_WORD = re.compile(
    r"\b(?P<word>" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b" + _SUFFIX, re.I
)
# Number words written one after another, as the tokens read them as one number ("two
# hundred", "zwei hundert tausend", "twenty one"): read word by word, "Why are there two
# hundred AI firms?" put up "two" for checking ("does not say two") and the article has 200.
_RUN_WORDS = {*WORDS, *_NW.units.de, *_NW.units.en, "hundert", "tausend", "thousand"}
_RUN_WORD = "|".join(sorted(_RUN_WORDS, key=len, reverse=True))
_RUN = re.compile(
    rf"\b(?:{_RUN_WORD})(?:(?:[\s-]+(?:and|und))?[\s-]+(?:{_RUN_WORD}))+\b", re.IGNORECASE
)

# A German number written as one word ("einundvierzig", "zweihundert", "zweitausendvierzehn"),
# as the tokens read it: word by word only the listed words were read, so "Warum nutzen
# dreiundsechzig Prozent der Firmen KI?" was not checked as "63 Prozent" is. A candidate
# (letters only, no shorter than the shortest compound) is one when german_number reads it.
_COMPOUND = re.compile(rf"\b(?P<word>[^\W\d_]{{6,{NUMBER_WORD_MAX}}})\b" + _SUFFIX, re.I)


@dataclass(frozen=True)
class Figure:
    """One figure: the text it was read from, its plain number, and its value with any scale."""

    text: str
    raw: float
    value: float
    scaled: bool = False
    percent: bool = False
    year: bool = False


def _number(text: str) -> float | None:
    # thousands groups after 1-3 digits, not "0" ("0.125" is a decimal, not 125), and a
    # decimal part after the other separator: "1.000.000", "1.234,5"; "1,000,000", "1,234.5"
    if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?", text):  # German
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", text):  # English
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order; digits first, then number words."""
    out: list[Figure] = []
    for m in _NUMBER.finditer(text):
        raw = _number(m.group("num").rstrip(".,"))
        if raw is None:
            continue
        year = 1900 <= raw <= 2100 and raw.is_integer() and not m.group("pct")
        out.append(_figure(m, raw, year))
    start = 0
    for run in _RUN.finditer(text):
        out += _word_figures(text, start, run.start())
        number = _spelled(run.group(0))
        if number is None:
            out += _word_figures(text, run.start(), run.end())
            start = run.end()
            continue
        m = _SCALED.match(text, run.end())  # "two hundred million"
        assert m is not None  # every part of it is optional
        scale = SCALES.get((m.group("scale") or "").casefold(), 1.0)
        year = 1900 <= number <= 2100 and number.is_integer() and not m.group("pct")
        figure = Figure(text[run.start() : m.end()].strip(), number, number * scale, scale != 1.0)
        out.append(replace(figure, percent=bool(m.group("pct")), year=year))
        start = m.end()
    out += _word_figures(text, start, len(text))
    # A number past a float's range (over 308 digits) reads as inf: no figure the article
    # states, and inf broke every comparison that rounds a figure (OverflowError).
    return [f for f in out if math.isfinite(f.raw) and math.isfinite(f.value)]


def _word_figures(text: str, start: int, end: int) -> list[Figure]:
    found = [
        (m.start(), _figure(m, _WORD_VALUES[m.group("word").casefold()], False))
        for m in _WORD.finditer(text, start, end)
    ]
    for m in _COMPOUND.finditer(text, start, end):
        number = _compound(m)
        if number is not None:
            year = 1900 <= number <= 2100 and not m.group("pct")
            found.append((m.start(), _figure(m, float(number), year)))
    return [figure for _, figure in sorted(found, key=lambda pair: pair[0])]


def _spelled(run: str) -> float | None:
    """The one number a run of number words is as the tokens read it, else None."""
    read = tokens(run)
    return float(read[0]) if len(read) == 1 and is_number(read[0]) else None


def _figure(m: re.Match[str], raw: float, year: bool) -> Figure:
    scale = SCALES.get((m.group("scale") or "").casefold(), 1.0)
    return Figure(m.group(0).strip(), raw, raw * scale, scale != 1.0, bool(m.group("pct")), year)


def missing_figures(answer: str, quotes: list[str]) -> list[Figure]:
    """Figures of `answer` that none of `quotes` states (a half is also 50 %)."""
    stated = [f for q in quotes for f in figures(q)]
    raws = {round(f.raw, 6) for f in stated}
    values = {round(f.value, 6) for f in stated}
    values |= {round(f.raw * 100, 6) for f in stated if f.raw < 1}  # "Hälfte" → 50 %
    missing = []
    for fig in figures(answer):
        if fig.scaled:
            ok = round(fig.value, 6) in values
        else:
            ok = round(fig.raw, 6) in raws or round(fig.value, 6) in values
        if not ok:
            missing.append(fig)
    return missing


def has_figure(text: str) -> bool:
    """Whether `text` states a number, a percentage, an amount, a year or a number word."""
    return bool(_NUMBER.search(text) or _WORD.search(text)) or any(
        _compound(m) is not None for m in _COMPOUND.finditer(text)
    )


def _compound(m: re.Match[str]) -> int | None:
    """The number a `_COMPOUND` match is, a German number word not listed; else None."""
    word = m.group("word").casefold()
    return None if word in _RUN_WORDS else german_number(fold_entry(word))
