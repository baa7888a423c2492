#!/usr/bin/env python3
"""Write bot/data/words_de.txt and words_en.txt: everyday words of one language that the other
uses far less ("Volumen", "Kosten" / "funding", "hiring"), folded as questions are. The
language detector falls back on them when a message has no other evidence ("raise+ volumen").
Words both languages use alike ("cloud", "budget", "expansion") are in neither. Offline only;
the bot reads the files, not wordfreq.

Usage: pip install wordfreq && python tools/language_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import word_list  # noqa: E402  (tools/, beside this script)

from bot.text import tokens  # noqa: E402

MIN_ZIPF = 3.0  # about once in a million words of running text, or more often
MARGIN = 1.5  # and at least 30 times as frequent as in the other language
MIN_LENGTH = 3
CANDIDATES = 60_000  # the most frequent words of each language looked at
OTHER = {"de": "en", "en": "de"}


def main() -> None:
    for lang, other in OTHER.items():
        words: set[str] = set()
        for word in top_n_list(lang, CANDIDATES):
            own = zipf_frequency(word, lang)
            if own < MIN_ZIPF:
                break
            toks = tokens(word)
            if len(toks) != 1 or not toks[0].isalpha() or len(toks[0]) < MIN_LENGTH:
                continue
            if own - zipf_frequency(word, other) >= MARGIN:
                words.add(toks[0])
        out = ROOT / "bot" / "data" / f"words_{lang}.txt"
        what = f"words of {lang}, zipf >= {MIN_ZIPF} and {MARGIN} above {other}"
        word_list.write(out, words, what, __file__)


if __name__ == "__main__":
    main()
