"""Spelled-out numbers read as digits: "einundvierzig" → 41, "twenty fourteen" → 2014.

People dictating to a phone, or typing as they speak, write figures as words.
Only numbers from 13 up become digits (plus the explicit `numbers` of the
language data): "zwei Programme" and "which one" stay words.
"""

from __future__ import annotations

from functools import lru_cache

from bot.lexicon import DATA, fold_entry

_NW = DATA.number_words


def _table(part: object) -> dict[str, int]:
    return {fold_entry(k): int(v) for lang in ("de", "en") for k, v in getattr(part, lang).items()}


UNITS, TEENS, TENS = _table(_NW.units), _table(_NW.teens), _table(_NW.tens)
SMALL = {**UNITS, **TEENS, **TENS}
# The words a spelled English number goes on with ("twenty | one", "one hundred | and five"):
# a text ending in one may be read on into a text after it.
GOES_ON = frozenset(SMALL) | {"hundred", "thousand", "and"}
EXPLICIT = {fold_entry(k) for k in _NW.numbers}
ENGLISH = frozenset(fold_entry(k) for part in (_NW.units, _NW.teens, _NW.tens) for k in part.en)
# Scale words a number may be written apart from ("200 tausend", "zwei hundert") and the
# words for one before them ("a hundred thousand").
SCALE_WORDS = {"hundert": 100, "hundred": 100, "tausend": 1000, "thousand": 1000}
ONE_WORDS = frozenset({"a", "ein", "eine"})
MIN_SPELLED = 11  # from "eleven", "elf", "zwölf" on: "one", "zwei", "drei" are often words
# Every word of every text is tried as a German number word, and words recur: the answers
# for up to 8,192 words of up to 60 characters (longer than any number word people write)
# are remembered.
WORD_CACHE = 8192
WORD_CHARS = 60
# The longest number word there is below a million ("siebenhundertsiebenundsiebzigtausend
# siebenhundertsiebenundsiebzig") has 65 letters; a longer word is no number. Parsing
# recurses on each "tausend"/"hundert": a word of 430 of them in a question of 3,010
# characters raised RecursionError out of QABot.ask.
NUMBER_WORD_MAX = 80
# what joins units and tens: "dreiundzwanzig", Bavarian "einazwanzig", "dreiavierzig"
_UNIT_TENS_JOINERS = ("und", "a")
ENGLISH_GROUPS = 6  # the groups of a spelled English number read on (see _english)


def goes_on(word: str) -> bool:
    """Whether a spelled number may run on over `word`: a number word of GOES_ON, or a
    German compound of tens ("zwanzig | dreiundzwanzig" is a year)."""
    return word in GOES_ON or _german_tens(word) is not None


def parse_german(word: str) -> int | None:
    """One German number word ("dreiundsechzig", "zweitausendvierzehn"), else None."""
    if len(word) > NUMBER_WORD_MAX:
        return None
    return _remembered(word) if len(word) <= WORD_CHARS else _parse_german(word)


@lru_cache(maxsize=WORD_CACHE)
def _remembered(word: str) -> int | None:
    return _parse_german(word)


def _parse_german(word: str) -> int | None:
    if not word:
        return 0
    for scale_word, scale in (("tausend", 1000), ("hundert", 100)):
        head, sep, rest = word.partition(scale_word)
        if sep:
            left = parse_german(head) if head not in ("", "ein") else 1
            right = parse_german(rest)
            if left is None or right is None or (left == 0 and head):
                return None
            return left * scale + right
    for joiner in _UNIT_TENS_JOINERS:
        unit, sep, tens = word.partition(joiner)
        if sep and unit in UNITS and tens in TENS:
            return UNITS[unit] + TENS[tens]
    return SMALL.get(word) if word != "ein" else None


def german_number(word: str) -> int | None:
    """A German number word ("zwei", "zweihundert", "hundert"), not an English one."""
    return parse_german(word) if word.isalpha() and word not in ENGLISH else None


def _english_group(toks: list[str], i: int) -> tuple[int, int] | None:
    """A number below 100 at toks[i] ("forty one", "fourteen"): (value, tokens used)."""
    tok = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    if tok in TENS and nxt in UNITS and nxt not in ("ein", "eins"):
        return TENS[tok] + UNITS[nxt], 2
    if tok in SMALL and tok != "ein":
        return SMALL[tok], 1
    german = _german_tens(tok)  # "zwanzig | dreiundzwanzig"
    return (german, 1) if german is not None else None


def _german_tens(word: str) -> int | None:
    """A German compound of tens and units ("dreiundzwanzig" → 23), else None."""
    german = parse_german(word) if word.isalpha() else None
    return german if german is not None and 20 < german < 100 else None


def _english(toks: list[str], i: int, depth: int = 0) -> tuple[int, int] | None:
    """A spelled English number at toks[i], with hundreds, thousands and years. It goes
    on for at most ENGLISH_GROUPS groups ("nine hundred | ninety nine thousand | nine
    hundred | ninety nine" is four): "one hundred" said 3,333 times (a question of
    max_question_chars = 40,000) recursed once per group and raised RecursionError."""
    first = _english_group(toks, i)
    if first is None:
        return None
    value, used = first
    j = i + used
    if j < len(toks) and toks[j] in ("thousand", "hundred"):
        value *= 1000 if toks[j] == "thousand" else 100
        j += 1
        if toks[j - 1] == "hundred" and depth < ENGLISH_GROUPS:
            thousands = _hundreds_of_thousands(toks, j, value)
            if thousands is not None:
                rest = _english(toks, thousands[1], depth + 1) if thousands[1] < len(toks) else None
                if rest is not None and rest[0] < 1000:
                    return thousands[0] + rest[0], thousands[1] + rest[1] - i
                return thousands[0], thousands[1] - i
        if j < len(toks) and toks[j] == "and":
            j += 1
        more = j < len(toks) and depth < ENGLISH_GROUPS
        rest = _english(toks, j, depth + 1) if more else None
        if rest is not None and rest[0] < (1000 if toks[j - 1] != "hundred" else 100):
            value += rest[0]
            j += rest[1]
        return value, j - i
    if 10 <= value <= 99 and j < len(toks):  # "twenty fourteen", "nineteen ninety"
        second = _english_group(toks, j)
        if second is not None and 10 <= second[0] <= 99:
            return value * 100 + second[0], j + second[1] - i
    return value, j - i


def _hundreds_of_thousands(toks: list[str], j: int, hundreds: int) -> tuple[int, int] | None:
    """Hundreds of thousands read on from after "hundred" at toks[j]: "two hundred |
    thousand", "one hundred and fifty | thousand" → (value, index after "thousand" and an
    "and"), else None. Read as hundreds and a number of its own, a question's "two hundred
    thousand firms" was 200 (confirmed by the article's "over 200") and "one hundred fifty
    thousand" 100 and 50,000."""
    k = j + 1 if j < len(toks) and toks[j] == "and" else j
    below = _english_group(toks, k) if k < len(toks) else None
    if below is not None and below[0] < 100:
        hundreds, k = hundreds + below[0], k + below[1]
    elif k > j:
        return None  # "two hundred and thousand": no number goes on so
    if k >= len(toks) or toks[k] != "thousand":
        return None
    k += 1
    if k < len(toks) and toks[k] == "and":
        k += 1
    return hundreds * 1000, k


def read_spelled_numbers(toks: list[str]) -> list[str]:
    """Folded tokens with spelled numbers (from 13 up) replaced by their digits."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        german = parse_german(tok) if tok not in SMALL and tok.isalpha() else None
        if german is not None and german >= MIN_SPELLED:
            out.append(str(german))
            i += 1
            continue
        english = _english(toks, i) if tok in SMALL else None
        if english is not None and (english[0] >= MIN_SPELLED or english[1] > 1):
            out.append(str(english[0]))
            i += english[1]
            continue
        out.append(tok)
        i += 1
    return out
