"""Large knowledge bases and realistic question mixes for the scale benchmarks.

A knowledge base of many articles: one file of about 1,000 variants per
article, as the shipped one has. Each intent's questions are built from the
shipped article's own words, drawn as often as the article uses them, so
common words ('hongkong', 'unternehmen', 'ki') stand in most intents and
their posting lists are long, as in real knowledge; each intent also has one
rare name of its own (the thing its article is about). Every answer cites a
sentence of the article verbatim, so the loader checks it as it checks real
knowledge.

The questions: the frozen blind questions (eval/questions/w03, w06, w08; used
only as benchmark input), the same with typos, questions of function words
only, and the generated intents' own kinds of question ('How big is X', 'Was
sagt der Artikel zu X').
"""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
FROZEN_WRITERS = ("w03", "w06", "w08")
VARIANTS_PER_FILE = 1000
VARIANTS_PER_INTENT = 10
HONGKONG_SHARE = 0.79  # share of intents that name Hong Kong (measured on a real base)

FRAMES_DE = (
    "Wie viele {a} gibt es {b}?",
    "Wie hoch ist {a} {b}?",
    "Was sagt der Artikel zu {a} {b}?",
    "Wann {a} {b} {c}?",
    "Wer ist {a} bei {b}?",
    "{a} {b} {c}",
    "Warum {a} {b}?",
)
FRAMES_EN = (
    "How many {a} are there {b}?",
    "How big is {a} {b}?",
    "What does the article say about {a} {b}?",
    "When {a} {b} {c}?",
    "Who is {a} at {b}?",
    "{a} {b} {c}",
    "Why {a} {b}?",
)
FUNCTION_WORDS_ONLY = (
    "what can you do?",
    "hey there",
    "was kannst du?",
    "und was noch?",
    "what about that?",
    "wie geht es dir?",
    "who are you?",
    "can you help me?",
    "was ist das?",
    "and then?",
    "hallo, bist du da?",
    "is it?",
)
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß-]{3,}")
_SYLLABLES = "ka lo mi ter zan quo ri fel dun sa ven tor bem gli nor pu rex wa yol xi".split()


def article() -> tuple[list[str], list[tuple[int, str]]]:
    """(the article's paragraphs, (paragraph number, sentence) of its sentences to cite)."""
    lines = (KNOWLEDGE / "sources" / "article.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = [line.strip() for line in lines if line.strip()]
    cites = [
        (n, s.strip())
        for n, para in enumerate(paragraphs, start=1)
        for s in re.split(r"(?<=[.!?])\s+", para)
        if len(s.strip()) > 40 and '"' not in s
    ]
    return paragraphs, cites


def _names(rng: random.Random, n: int) -> list[str]:
    """`n` distinct made-up names (the rare word of each intent)."""
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4))).title())
    return sorted(names)


def _intent(
    rng: random.Random,
    ident: str,
    name: str,
    vocabulary: tuple[list[str], list[int]],
    cite: tuple[int, str],
) -> dict:
    topic: list[str] = []
    while len(topic) < 3:
        word = rng.choices(*vocabulary)[0]
        topic += [word] if word not in topic else []
    if rng.random() < HONGKONG_SHARE and not {"Hongkong", "Hongkongs"} & set(topic):
        topic[rng.randrange(3)] = rng.choice(("Hongkong", "Hong Kong"))

    def variants(frames: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for k in range(VARIANTS_PER_INTENT // 2):
            a, b, c = [name, *rng.sample(topic, 2)]
            if k % 2:
                a, b = b, a
            out.append(frames[k % len(frames)].format(a=a, b=b, c=c))
        return out

    para, quote = cite
    return {
        "id": ident,
        "questions": {"de": variants(FRAMES_DE), "en": variants(FRAMES_EN)},
        "answer": {"de": f"Zu {name}: {quote}", "en": f"On {name}: {quote}"},
        "cite": [{"source": "article", "locator": f"§{para}", "quote": quote}],
    }


def realistic_kb(dest: Path, variants: int, seed: int = 7) -> list[str]:
    """Write a knowledge dir of the shipped knowledge plus about `variants` generated variants
    (one qa file per 1,000); returns questions in the generated intents' own words."""
    rng = random.Random(seed)
    shutil.copytree(KNOWLEDGE, dest, dirs_exist_ok=True)
    paragraphs, cites = article()
    counts = Counter(w for p in paragraphs for w in _WORD.findall(p))
    words, weights = list(counts), list(counts.values())
    n_intents = max(0, variants - _shipped_variants()) // VARIANTS_PER_INTENT
    names = _names(rng, n_intents)
    per_file = VARIANTS_PER_FILE // VARIANTS_PER_INTENT
    questions: list[str] = []
    for start in range(0, n_intents, per_file):
        intents = [
            _intent(rng, f"syn{n}", names[n], (words, weights), rng.choice(cites))
            for n in range(start, min(start + per_file, n_intents))
        ]
        for intent in intents[:5]:
            name, word = intent["answer"]["en"][3:].split(":")[0], rng.choice(words)
            questions += [f"How big is {name}?", f"Was sagt der Artikel zu {word}?"]
        text = yaml.safe_dump({"intents": intents}, allow_unicode=True, width=4096, sort_keys=False)
        (dest / "qa" / f"synthetic-{start // per_file:03d}.yaml").write_text(text, encoding="utf-8")
    return questions


def _shipped_variants() -> int:
    from bot.knowledge import load_knowledge

    return load_knowledge(KNOWLEDGE).variant_count


def frozen_blind_questions() -> list[str]:
    """The questions of the frozen writers: benchmark input only, never read to tune."""
    out = []
    for writer in FROZEN_WRITERS:
        path = ROOT / "eval" / "questions" / f"{writer}.yaml"
        out += [item["q"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return out


def with_typos(questions: list[str], seed: int = 3) -> list[str]:
    """Each question with one or two letters dropped, doubled or swapped in its longer words."""
    rng = random.Random(seed)

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 2)
        kind = rng.randrange(3)
        if kind == 0:
            return word[:i] + word[i + 1 :]
        if kind == 1:
            return word[:i] + word[i] + word[i:]
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    out = []
    for q in questions:
        words = q.split()
        long = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        for k in rng.sample(long, min(len(long), rng.randint(1, 2))):
            words[k] = typo(words[k])
        out.append(" ".join(words))
    return out


def question_mix(generated: list[str]) -> dict[str, list[str]]:
    """The realistic question sets, by name."""
    blind = frozen_blind_questions()
    return {
        "blind": blind,
        "typos": with_typos(blind),
        "function words": list(FUNCTION_WORDS_ONLY),
        "generated": generated or ["How big is Hongkong?", "Was sagt der Artikel zu KI?"],
    }
