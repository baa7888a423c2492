"""What the load scripts share: the questions they ask and signed Slack request headers."""

from __future__ import annotations

import random
import time

from tests.slack.harness import free_port, sign

# A mix people send: German and English, exact and sloppy, answerable or not.
QUESTIONS = [
    "Wie viele Firmen haben Probleme bei der Rekrutierung?",
    "how many firms struggle to recruit?",
    "Wer ist der CFO von SenseTime?",
    "When was SenseTime founded?",
    "hpc",
    "Wie viele KI-Firmen gibt es im HKSTP?",
    "what does the AI subsidy scheme fund?",
    "Was will Hongkong bis 2035 erreichen?",
    "what's the weather in Kowloon?",
    "<!channel> who is wang zheng?",
    "danke!",
    "🤔",
]


def varied_questions(seed: int = 5) -> list[str]:
    """A varied mix, shuffled: the quick ones above, the frozen blind questions (long, several
    parts, dialect), the same with typos, and questions of function words only."""
    from benchmarks.synthetic import question_mix

    mix = question_mix([])
    out = [*QUESTIONS, *mix["blind"], *mix["typos"], *mix["function words"]]
    random.Random(seed).shuffle(out)
    return out


def slack_headers(body: str, secret: str) -> dict[str, str]:
    """Headers of a JSON request signed as Slack signs it (v0, now)."""
    now = int(time.time())
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(body, now, secret),
    }


__all__ = ["QUESTIONS", "free_port", "slack_headers", "varied_questions"]
