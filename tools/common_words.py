#!/usr/bin/env python3
"""Write bot/data/common_words.txt: everyday German and English words, folded as questions
are, that typo correction must leave alone ("Wetter" is no slip of "weiter", "ambition" none
of "addition"). Offline only; the bot reads the file, not wordfreq.

Usage: pip install wordfreq && python tools/common_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import word_list  # noqa: E402  (tools/, beside this script)

from bot.text import tokens  # noqa: E402

OUT = ROOT / "bot" / "data" / "common_words.txt"
MIN_ZIPF = 3.5  # about once in 300,000 words of running text, or more often
MIN_LENGTH = 5  # shorter words are corrected only within one edit of the first letter anyway
CANDIDATES = 60_000  # the most frequent words of each language looked at


def main() -> None:
    words: set[str] = set()
    for lang in ("de", "en"):
        for word in top_n_list(lang, CANDIDATES):
            if zipf_frequency(word, lang) < MIN_ZIPF:
                break
            toks = tokens(word)
            if len(toks) == 1 and toks[0].isalpha() and len(toks[0]) >= MIN_LENGTH:
                words.add(toks[0])
    word_list.write(OUT, words, f"words, zipf >= {MIN_ZIPF} in German or English", __file__)


if __name__ == "__main__":
    main()
