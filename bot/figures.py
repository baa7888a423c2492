"""Figures in text: numbers, percentages, money, years and number words, as comparable values.

"HK$3 Mrd.", "3 Milliarden" and "3 billion" are all 3e9; "neun" and "nine" are 9;
"die Hälfte" and "half" are 0.5. Used by the linter to check that an answer's
figures stand in its quotes, and by ingest to find statements with figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "tausend": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mio": 1e6,
    "millionen": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "mrd": 1e9,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "trillion": 1e12,
    "billionen": 1e12,
}
WORDS: dict[str, float] = {
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "hundert": 100,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
    "half": 0.5, "hälfte": 0.5, "halb": 0.5, "third": 1 / 3, "drittel": 1 / 3,
    "quarter": 0.25, "viertel": 0.25, "dozen": 12, "dutzend": 12,
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w§])(?P<num>\d+(?:[.,]\d+)*)\s*(?P<pct>%|prozent\b|percent\b|per cent\b)?"
    r"(?:\s*(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b\.?)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"\b(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b", re.I)


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
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):  # German thousands: 1.000.000
        text = text.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):  # English thousands: 1,000,000
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
        scale_word = (m.group("scale") or "").casefold()
        scale = SCALES.get(scale_word, 1.0)
        year = 1900 <= raw <= 2100 and raw.is_integer() and not m.group("pct")
        out.append(
            Figure(m.group(0).strip(), raw, raw * scale, scale != 1.0, bool(m.group("pct")), year)
        )
    for m in _WORD.finditer(text):
        value = WORDS[m.group(1).casefold()]
        out.append(Figure(m.group(0), value, value))
    return out


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
    return bool(_NUMBER.search(text) or _WORD.search(text))
