"""User text shown back to people: cleaned here once, then made literal by each renderer.

A /stat topic, a logged question in `/kb unanswered`, an admin command built
from one: whatever a user typed reaches a reply only through `shown` (one
line, no control, zero-width, bidi-override or NUL characters, bounded; `echoed`
shows a text of those characters alone as their escapes) and
then the target's own escaper (`render.slack.literal`, `render.discord.literal`,
their code helpers), or `command` for a line meant to be pasted into a shell.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from pathlib import Path

ECHO_MAX = 200  # characters of user text a reply repeats
ZWJ = "\u200d"
# Broadcasts in either chat; a zero-width joiner after the "@" stops them from acting.
_BROADCAST = re.compile(r"@(channel|here|everyone)", re.IGNORECASE)  # "@here0" too
# Cc (controls, NUL), Cf (zero-width, bidi overrides, BOM, soft hyphen), Cs (lone surrogates).
_HIDDEN = frozenset({"Cc", "Cf", "Cs"})


def shown(text: str, limit: int | None = ECHO_MAX) -> str:
    """`text` as one visible line: hidden characters out, whitespace runs as one space,
    at most `limit` characters (cut with "…"; None: no limit)."""
    visible = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or not _hidden(ch))
    line = " ".join(visible.split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def echoed(text: str, limit: int | None = ECHO_MAX) -> str:
    """What a reply repeats of `text`: `shown`, or, when that leaves nothing of a text that
    holds hidden characters (bytes that are no UTF-8, a NUL, a zero-width space), those as
    their escapes (`\\udcff`, `\\x00`, `\\u200b`): an echo of “” said nothing of what was typed."""
    line = shown(text, limit)
    if line:
        return line
    escaped = (repr(ch)[1:-1] if _hidden(ch) and not ch.isspace() else ch for ch in text)
    return shown("".join(escaped), limit)


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _HIDDEN


def neutralise(text: str) -> str:
    """Break `@channel`, `@here`, `@everyone` with a zero-width joiner so they cannot ping."""
    return _BROADCAST.sub(lambda m: "@" + ZWJ + m.group(1), text)


def add_question_command(intent: str, question: str, lang: str, kb: Path | None = None) -> str:
    """The `qabot kb add-question` line that adds `question` to `intent` (in the knowledge
    directory `kb`, when it is not the project's); `--` ends the options, so that a
    question starting with "-" ("-49%") is not taken for one."""
    where = ("--kb", str(kb)) if kb is not None else ()
    return command("qabot", "kb", "add-question", *where, "--lang", lang, "--", intent, question)


def command(*words: str) -> str:
    """A shell command line that runs exactly `words`, whatever they hold: each word shown
    whole (no limit) and quoted (`shlex.quote`), so `$(…)`, backticks and quotes stay text."""
    return shlex.join(shown(w, limit=None) for w in words)
