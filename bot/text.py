"""Text normalisation shared by the knowledge index and the questions.

fold → tokens → stems. Both sides of every comparison go through the same
functions, so a rule here can never make a stored variant miss itself.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
import unicodedata
from functools import lru_cache
from itertools import groupby

from bot.lexicon import (
    ABBREVIATIONS,
    NUMBER_WORDS,
    SHORTHAND_OF_EACH,
    SPOKEN_PUNCTUATION,
    WORDS_OF,
)
from bot.memo import remembered
from bot.numbers import (
    GOES_ON,
    ONE_WORDS,
    SCALE_WORDS,
    SMALL,
    german_number,
    goes_on,
    read_spelled_numbers,
)

# A question is folded and tokenised several times on its way (reading, matching, the
# guards); a small cache makes that once. Bounded: 4,096 texts of ≤ 4,000 characters. Its
# tokens are interned: a word in many cached texts is one string, not a copy in each.
CACHE_SIZE = 4096
# Single words are tokenised on their own too (openers, cue and topic tests of a follow-up):
# they recur in message after message, so they have a cache of their own that long texts
# do not push out; and every word's stem is remembered the same way (a cache of its own).
# Bounded: 8,192 words of ≤ 40 characters each.
WORD_CACHE_SIZE = 8192
WORD_CHARS = 40
# Each replaced in turn: no replacement holds a character replaced (str.translate goes
# character by character, slowly once a text holds one beyond ASCII: 100 µs for an answer
# of 1,500 characters, a few replacements 1 µs)
_FOLD = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("’", "'"), ("`", "'"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\ufeff]")
# A terminal's control sequences whole (coloured text pasted or piped in, Discord's ```ansi
# blocks): dropping the ESC alone left "[31m", read as the number 31 ("nicht 31, sondern").
# CSI (ESC [ or its C1 form, parameters, one final byte) and OSC (ESC ], to BEL or ST).
_TERMINAL = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
# One group of thousands after a separator: "200,000", "3.000" (not "0,125": a decimal).
_THOUSANDS = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")
_SUFFIXES = ("ing", "ern", "en", "er", "es", "ed", "em", "e", "s")
_LATIN_LETTER = re.compile(r"[a-z]")
# Letters spelled one by one, as dictation writes them: "h k s t p" → "hkstp", "c f o" → "cfo".
_SPELLED = re.compile(r"(?<![\w'])(?:[a-z]\s+)+[a-z](?![\w'])")
# English elisions are one word: "y'all" → "yall", "c'mon" → "cmon" (not the Swiss
# "z'finde", "d'Firme", whose "zu", "die" are read as the letter's own word).
_ELIDED = re.compile(r"\b([cgy])'([a-z]{2,})\b")
_AMPERSAND_WORD = re.compile(r"(?<=\b[a-z])&(?=[a-z]\b)")  # R&D, F&E
_ENDS_SPELLED = re.compile(r"(?<![\w'])[a-z]\s*$")  # "… h k": a letter spelled alone at the end
# German letter names as dictation writes them ("ka i" is KI, "ha ka es te pe" HKSTP): a
# run of two or more, one of them no word of its own ("es", "er", "i", "en" are words).
_LETTER_NAMES = {
    "a": "a", "be": "b", "ce": "c", "de": "d", "e": "e", "ef": "f", "ge": "g", "ha": "h",
    "i": "i", "jot": "j", "ka": "k", "el": "l", "em": "m", "en": "n", "o": "o", "pe": "p",
    "ku": "q", "er": "r", "es": "s", "te": "t", "u": "u", "vau": "v", "we": "w", "ix": "x",
    "zet": "z",
    # C as many say it ("ha pe ze" is HPC), and English letter names as German ears write
    # them ("eitsch ka pe ze" is HKPC)
    "ze": "c", "zeh": "c", "tse": "c", "eitsch": "h", "aitch": "h", "kei": "k", "pi": "p",
    "ti": "t",
}  # fmt: skip
_ONLY_LETTERS = frozenset(
    {"ce", "ef", "ge", "ha", "jot", "ka", "pe", "ku", "te", "vau", "ix", "zet", "ze", "zeh",
     "tse", "eitsch", "aitch", "kei", "pi", "ti"}
)  # fmt: skip
_NAME = "|".join(sorted(_LETTER_NAMES, key=len, reverse=True))
_SPELLED_NAMES = re.compile(rf"(?<![\w'])(?:(?:{_NAME})\s+)+(?:{_NAME})(?![\w'])")
_ENDS_NAMED = re.compile(rf"(?<![\w'])(?:{_NAME})\s*$")  # "… ze" + "i": a letter's name at the end


def clean(text: str) -> str:
    """Drop control and zero-width characters, unify unicode forms, collapse spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    if "\x1b" in text or "\x9b" in text:
        text = _TERMINAL.sub(" ", text)
    return " ".join(_CONTROL.sub(" ", text).split())


_SPOKEN = re.compile(
    r"\s*\b("
    + "|".join(
        r"\s+".join(map(re.escape, p.split()))
        for p in sorted(SPOKEN_PUNCTUATION, key=len, reverse=True)
    )
    + r")\b",
    re.IGNORECASE,
)


_TYPED_MARKS = re.compile(r"[?.!]")


def dictated(text: str) -> str:
    """Punctuation a phone's dictation wrote out as words, as the mark ("when was it set up
    question mark" → "when was it set up?"): the mark ends a sentence, the words ask nothing.
    Only in a message without marks of its own: typed, "a big question mark next to it" is
    what it says."""
    if _TYPED_MARKS.search(text) or not _SPOKEN.search(text):
        return text
    return _SPOKEN.sub(lambda m: SPOKEN_PUNCTUATION[" ".join(m.group(1).casefold().split())], text)


_DIGRAPH = re.compile(r"([aou])e")


def without_digraphs(token: str) -> str:
    """A folded token typed without umlauts ("oesterreich", "foerderung") as `fold` folds the
    umlaut ("osterreich"): ae, oe, ue read as a, o, u. Callers use it only for a token they
    do not know otherwise (English has "does", "blue")."""
    return _DIGRAPH.sub(r"\1", token) if "e" in token else token


# Swiss, Bavarian and Berlin spellings of standard German sounds, each tried alone on a word
# the knowledge does not know: "Regierig" (-ung), "Empfehlige" (-ungen), "Iinahme" (ei),
# "Betriib" (ie), "bruuche" (au), "nüün" (eu, folded "nuun"), "Firme" (-en), "Jewinn",
# "umjesetzt" (g), Swabian "fascht" (st), "wollet" (-en) and "gsagt" (ge-).
_DIALECT_SPELLINGS = (
    (re.compile(r"igs(?=[a-z])"), "ungs"),
    (re.compile(r"ige$"), "ungen"),
    (re.compile(r"ig$"), "ung"),
    (re.compile(r"ii"), "ie"),
    (re.compile(r"ii"), "ei"),
    (re.compile(r"^((?:um|an|ab|aus|auf|ein|vor|zu)?)j(?=[aeiou])"), r"\1g"),
    (re.compile(r"uu"), "au"),
    (re.compile(r"(?<=[a-z]{3})e$"), "en"),
    (re.compile(r"(?<=[a-z]{3})ed$"), "en"),  # "setzed", "bruuched": -en
    (re.compile(r"(?<=[a-z]{3})et$"), "en"),  # Swabian "wollet", "verlasset": -en
    (re.compile(r"scht"), "st"),  # Swabian and Alemannic "fascht", "erscht"
    (re.compile(r"^g(?=[bdfgklmnprstwz])"), "ge"),  # "gsagt", "gschafft", "gmacht"
    (re.compile(r"oa"), "ei"),  # Bavarian and Austrian "kloane", "zwoa", "hoaßt": ei
    (re.compile(r"^ch(?=[aeiouylr])"), "k"),  # Swiss "choschte", "chönd", "chlyn": k
    (re.compile(r"y"), "ei"),  # Swiss "chlyne", "zyt": ei
    (re.compile(r"^us(?=[a-z]{3})"), "aus"),  # Swiss "Usland", "usser": aus
)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def standard_spellings(token: str) -> tuple[str, ...]:
    """`token` as standard German would spell it, one dialect rule at a time, then all."""
    found = [rule.sub(repl, token) for rule, repl in _DIALECT_SPELLINGS]
    every = token
    for rule, repl in _DIALECT_SPELLINGS:
        every = rule.sub(repl, every)
    return tuple(t for t in dict.fromkeys((*found, every)) if t != token)


@lru_cache(maxsize=CACHE_SIZE)
def fold(text: str) -> str:
    """Lowercase, umlauts and accents folded (ä → a, ß → ss); punctuation kept."""
    text = clean(text).casefold()
    for char, plain in _FOLD:
        if char in text:
            text = text.replace(char, plain)
    if text.isascii():
        return text  # no accents to take off: most questions, once umlauts are folded
    # A text's decomposition is its characters' in a row (reordering moves only accents,
    # which all go): each character beyond ASCII is folded on its own, once (a long answer
    # has hundreds of characters, and a few of them: dashes, quotes, an accent).
    return _NON_ASCII.sub(_folded_match, text)


def _folded_match(match: re.Match[str]) -> str:
    return _folded_char(match.group(0))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _folded_char(char: str) -> str:
    """A character decomposed (NFKD), without its accents (combining characters)."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKD", char)
        if ch.isascii() or not unicodedata.combining(ch)
    )


def tokens(text: str) -> list[str]:
    """Folded word and number tokens; '%' reads as a word, number words as digits."""
    if len(text) <= WORD_CHARS and " " not in text:
        return list(_word_tokens(text))
    return list(_tokens(text))


@lru_cache(maxsize=CACHE_SIZE)
def _tokens(text: str) -> tuple[str, ...]:
    return _tokenise(text)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _word_tokens(word: str) -> tuple[str, ...]:
    return _tokenise(word)


def _tokenise(text: str) -> tuple[str, ...]:
    words = _in_billions(_scales_joined(_words(_prepared(text))))
    # Without a small number word no spelled number runs on over words ("twenty one" starts
    # with one): each word is read alone, and a word is read once (words recur in text
    # after text).
    small = not SMALL.keys().isdisjoint(words)
    found = _read_runs(words) if small else [_read_word(w) for w in words]
    return tuple(filter(None, found))


def _scales_joined(words: list[str]) -> list[str]:
    """Words with a number and the scale words written apart from it as one number, as
    figures.figures reads them: "200 tausend", "zweihundert tausend" → "200000", "zwei
    hundert" → "200", "a hundred thousand" → "100000", "zwei tausend vierzehn" → "2014".
    Read word by word they were 200 and 1000, 2 and 100, 100 ("nicht 1000, sondern: über
    200" to a question of 200,000 firms). English spelled numbers are read_spelled_numbers'."""
    if SCALE_WORDS.keys().isdisjoint(words):
        return words  # most texts write no scale word
    out: list[str] = []
    i = 0
    while i < len(words):
        found = _scaled_at(words, i)
        if found is None:
            out.append(words[i])
            i += 1
        else:
            out.append(found[0])
            i = found[1]
    return out


# Millions by the thousand are the billions they make: "3000 Millionen", "3,000 million",
# "dreitausend Millionen" are the article's "3 Milliarden" ("3 billion"), as figures.figures
# reads them. Read as a number and a word the article never uses, the question lost its
# amount: "Ist das AI Subsidy Scheme 3000 Millionen HK$ wert?" was not answered.
_BILLIONS = {"million": "billion", "millions": "billions", "millionen": "milliarden"}


def _in_billions(words: list[str]) -> list[str]:
    """`words` with each whole number of thousands of millions as the billions it is."""
    if _BILLIONS.keys().isdisjoint(words):
        return words  # most texts write no millions
    out: list[str] = []
    for word in words:
        billions = _thousands(out[-1]) if word in _BILLIONS and out else None
        if billions is None:
            out.append(word)
        else:
            out[-1:] = [billions, _BILLIONS[word]]
    return out


def _thousands(word: str) -> str | None:
    """The number of thousands `word` writes ("3000" → "3", "dreitausend" → "3"), None
    unless it is a whole number of them (a year is none: `_before_a_scale`)."""
    value = _before_a_scale(word)
    if value is None or value < 1000 or value % 1000:
        return None
    return str(int(value) // 1000)


def _scaled_at(words: list[str], i: int) -> tuple[str, int] | None:
    """The number words[i] and the scale words after it make (then a German number below the
    last scale: "zwei tausend | vierzehn"), and the index after them; None without a scale."""
    word = words[i]
    scales: list[int] = []
    left = _before_a_scale(word)
    if word == "hundred" and (i == 0 or words[i - 1] not in GOES_ON):  # "a hundred thousand"
        left, scales = 100.0, [100]
    if left is None:
        return None
    first = len(scales)
    j = i + 1
    while (
        j < len(words)
        and words[j] in SCALE_WORDS
        and (not scales or SCALE_WORDS[words[j]] > scales[-1])
    ):
        scales.append(SCALE_WORDS[words[j]])
        j += 1
    if len(scales) == first:
        return None
    value = left
    for scale in scales[first:]:
        value *= scale
    rest = german_number(words[j]) if j < len(words) else None
    if rest is not None and rest < scales[-1]:
        value, j = value + rest, j + 1
    if not math.isfinite(value):
        return None
    return (str(int(value)) if value.is_integer() else str(value)), j


def is_year(number: str) -> bool:
    """Whether a number token is a year ("2025")."""
    return number.isdigit() and 1900 <= int(number) <= 2100


def _before_a_scale(word: str) -> float | None:
    """The number `word` is when a scale word follows it ("200", "1,5", "zwei",
    "zweihundert", "ein"), else None; a year is none ("2023 thousand")."""
    if word in ONE_WORDS:
        return 1.0
    if _NUMBER.match(word):
        plain = _plain_number(word)
        value = float(plain)
        return None if is_year(plain) or not math.isfinite(value) else value
    german = german_number(word)
    return None if german is None else float(german)


def _read_runs(words: list[str]) -> list[str]:
    """`_as_token` of each word read for spelled numbers, in a text with a small number word:
    a spelled number's words are all words one goes on with (GOES_ON: "twenty one", "one
    hundred and five"), so only a run of two or more of them is read as a whole, and every
    other word alone, once. A long answer with an "ein" read each of its words again."""
    found: list[str] = []
    for runs_on, group in groupby(words, goes_on):
        run = list(group)
        if runs_on and len(run) > 1:
            found += map(_as_token, read_spelled_numbers(run))
        else:
            found += map(_read_word, run)
    return found


_READ_WORDS: dict[str, str] = {}  # a word read alone → its token, "" for none


def _read_word(word: str) -> str:
    """`_as_token` of a word read alone for a spelled number (no number runs on over it);
    remembered for words of at most `WORD_CHARS` (`WORD_CACHE_SIZE` of them)."""
    if len(word) > WORD_CHARS:
        return _read_alone(word)
    return remembered(_READ_WORDS, word, _read_alone, WORD_CACHE_SIZE)


def _read_alone(word: str) -> str:
    return _as_token(read_spelled_numbers([word])[0])


def _as_token(tok: str) -> str:
    """A word read for spelled numbers as the token it gives: number words and numbers in
    one spelling, interned; "" for a single letter (no token)."""
    tok = NUMBER_WORDS.get(tok, tok)
    if _NUMBER.match(tok):
        tok = _plain_number(tok)
    return sys.intern(tok) if len(tok) > 1 or tok.isdigit() else ""


_NUMBER_SIGN = re.compile(r"(?<!\w)#(?!\w)")


def _prepared(text: str) -> str:
    """`text` folded, '%' and a '#' standing alone ("exact # of firms") as words, "R&D" and
    "y'all" as one (each searched for only in a text that has an ampersand, an apostrophe:
    most have neither)."""
    folded = fold(text).replace("%", " prozent ")
    if "#" in folded:
        folded = _NUMBER_SIGN.sub(" number ", folded)  # not "#AI", a hashtag
    if "&" in folded:
        folded = _AMPERSAND_WORD.sub("", folded)
    return _ELIDED.sub(r"\1\2", folded) if "'" in folded else folded


_WRITTEN_OUT = frozenset(ABBREVIATIONS) | frozenset(SHORTHAND_OF_EACH)  # words read as others


def _words(prepared: str) -> list[str]:
    """The words of a prepared text, letters spelled one by one joined, abbreviations
    written out; spelled numbers not read yet."""
    if _SPELLED_NAMES.search(prepared):
        prepared = _SPELLED_NAMES.sub(_joined_names, prepared)
    found = _TOKEN.findall(_SPELLED.sub(_joined_letters, prepared))
    if _WRITTEN_OUT.isdisjoint(found):
        return found  # most texts write no abbreviation out
    words = [w for tok in found for w in ABBREVIATIONS.get(tok, (tok,))]
    if SHORTHAND_OF_EACH.keys().isdisjoint(words):
        return words
    lang = _language_of_most(words)
    return [SHORTHAND_OF_EACH[w][lang] if w in SHORTHAND_OF_EACH else w for w in words]


def _language_of_most(words: list[str]) -> str:
    """ "de" or "en": the language more of `words` are everyday words of (English if as
    many), for shorthand that is a word of each ("wi")."""
    german = sum(w in WORDS_OF["de"] for w in words)
    english = sum(w in WORDS_OF["en"] for w in words)
    return "de" if german > english else "en"


def ends_open(text: str) -> bool:
    """Whether a text joined after `text` by a space may be tokenised together with it
    rather than as `tokens(text)` followed by its own tokens: `text` ends with a letter
    spelled alone ("… h k" + "s t p") or by its name ("ze" + "i" is "ci"), or a word a
    spelled number goes on with ("twenty" + "one"). Folding, '%' and "R&D" stop at a space,
    and so does every other token."""
    if ("\x1b" in text or "\x9b" in text) and _ends_in_a_control_sequence(text):
        return True
    prepared = _prepared(text)
    if _ENDS_SPELLED.search(prepared) or _ENDS_NAMED.search(prepared):
        return True
    words = _words(prepared)
    return bool(words) and (words[-1] in GOES_ON or _takes_a_scale(words[-1]))


def _takes_a_scale(word: str) -> bool:
    """Whether a scale word after `word` joins it into one number ("200" + "tausend"), or a
    German number after it ("tausend" + "vierzehn"): see _scales_joined."""
    return word in SCALE_WORDS or _before_a_scale(word) is not None


def _ends_in_a_control_sequence(text: str) -> bool:
    """A terminal sequence `text` leaves unfinished ("\x9b", "\x1b]0;title") takes the next
    text's start as its own ("\x9b" + " r" is one sequence: no "r"), so the two tokenise
    together."""
    probe = "zz"
    return tokens(f"{text} {probe}") != tokens(text) + tokens(probe)


def _joined_names(match: re.Match[str]) -> str:
    """ "ka i" → "ki", "ha pe ce" → "hpc"; "es er i" (words all) and "ha ha" stay."""
    names = match.group(0).split()
    if _ONLY_LETTERS.isdisjoint(names) or len(set(names)) == 1:  # "ha ha": laughter
        return match.group(0)
    return "".join(_LETTER_NAMES[n] for n in names)


def _joined_letters(match: re.Match[str]) -> str:
    """ "h k s t p" → "hkstp"; "r u" stays chat shorthand ("are you")."""
    letters = match.group(0).split()
    return match.group(0) if all(c in ABBREVIATIONS for c in letters) else "".join(letters)


def _plain_number(tok: str) -> str:
    """One spelling per number: "3,5" → "3.5", "41.0" → "41", "1.000.000" → "1000000",
    "200,000" and "200.000" → "200000" (thousands as figures.figures reads them: read as
    200.000, a question's "200,000 AI firms" was the article's "over 200", confirmed),
    "1.234,5" and "1,234.5" → "1234.5" (not 12345)."""
    if "." in tok and "," in tok:  # "1.234,5", "1,234.5": the last one is the decimal point
        point = max(tok.rfind("."), tok.rfind(","))
        whole = tok[:point].replace(".", "").replace(",", "")
        return f"{whole}.{tok[point + 1 :]}".rstrip("0").rstrip(".")
    separators = sum(tok.count(sep) for sep in ".,")
    if separators > 1 or _THOUSANDS.fullmatch(tok):  # thousands grouping
        return tok.replace(".", "").replace(",", "")
    if separators == 1:
        tok = tok.replace(",", ".").rstrip("0").rstrip(".")
    return tok or "0"


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


def stem(token: str) -> str:
    """A light suffix stripper for German and English: enough to unify inflections. Words
    recur in text after text (and a follow-up's in each of its readings): a word's stem is
    remembered, as its tokens are."""
    return _word_stem(token) if len(token) <= WORD_CHARS else _stem(token)


def _stem(token: str) -> str:
    if is_number(token) or len(token) <= 4:
        return token
    if token.endswith("ies") and len(token) > 5:
        return token[:-3] + "y"
    if token.endswith("ungen"):
        return token[:-2]
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            token = token[: -len(suffix)]
            break
    # German participles: etabliert / etablieren / etablierte → etablier
    return token[:-1] if token.endswith("iert") else token


_word_stem = lru_cache(maxsize=WORD_CACHE_SIZE)(_stem)


def has_latin(text: str) -> bool:
    """Whether the text has any Latin letter (else: other script, emoji, symbols)."""
    return bool(_LATIN_LETTER.search(fold(text)))


def sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, split after . ! ? followed by a space."""
    out, start = [], 0
    for i, ch in enumerate(paragraph):
        if ch in ".!?" and (i + 1 == len(paragraph) or paragraph[i + 1] == " "):
            if i + 1 - start > 1:
                out.append(paragraph[start : i + 1].strip())
            start = i + 1
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


@lru_cache(maxsize=WORD_CACHE_SIZE)
def quote_digest(quote: str) -> str:
    """A short stand-in for a cited quote: what a conversation keeps of what it was told.
    Remembered: the quotes are the knowledge's, digested for every answer kept and for
    each answer a "mehr dazu" weighs."""
    return hashlib.blake2b(quote.encode("utf-8"), digest_size=6).hexdigest()
