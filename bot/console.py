"""The interactive console: the default way to try the bot, no tokens needed."""

from __future__ import annotations

import contextlib
import io
import sys
import uuid

from bot.messages import msg
from bot.render.plain import render_answer, render_stats

PROMPT = "du/you> "
# The chat help names Slack's and Discord's commands; the console has its own words.
WORDS: dict[str, dict[str, str]] = {
    "console_help": {
        "en": (
            "Ask about the article “Hongkongs Aufstieg: KI-Hotspot löst internationales "
            "Investoreninteresse aus!” (Hong Kong as an AI hub), in English or German; every "
            "answer quotes the sentence that states it. Try “How many firms struggle to "
            "recruit?”.\n/stat lists the key statistics, /stat TOPIC shows one; /quit or "
            "Ctrl-C leaves."
        ),
        "de": (
            "Frag zum Artikel „Hongkongs Aufstieg: KI-Hotspot löst internationales "
            "Investoreninteresse aus!“, auf Deutsch oder Englisch; jede Antwort zitiert den "
            "Satz, der sie belegt. Zum Beispiel: „Wie viele Firmen haben Probleme bei der "
            "Rekrutierung?“\n/stat zeigt die wichtigsten Zahlen, /stat THEMA eine davon; "
            "/quit oder Strg-C beendet."
        ),
    },
    "console_empty": {
        "en": "Type a question, /stat [TOPIC] or /quit.",
        "de": "Tipp eine Frage, /stat [THEMA] oder /quit.",
    },
}


def run_console(bot, stdin=None, stdout=None) -> int:
    """Read questions until EOF, /quit or Ctrl-C; `/stat [topic]` works as in chat. The
    session is one conversation: "Quelle?" or "und RAISe+?" lean on the last answer."""
    from bot.conversation import Conversations

    stdin = stdin or sys.stdin or io.StringIO()  # None: started without a stdin at all
    interactive = stdin is sys.stdin and stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    stdout = stdout or sys.stdout
    conversations = Conversations(bot, ttl_s=bot.settings.conversation_ttl_s)
    session = uuid.uuid4().hex

    def read_line() -> str:
        """The next line ('' at the end); with readline's editing when at a terminal."""
        if interactive:
            try:
                return input(PROMPT) + "\n"
            except EOFError:
                return ""
        stdout.write(PROMPT)
        stdout.flush()
        return stdin.readline()

    try:
        return _loop(bot, conversations, session, read_line, stdout)
    except KeyboardInterrupt:
        stdout.write("\n")
        return 0


def _loop(bot, conversations, session: str, read_line, stdout) -> int:
    lang = bot.settings.default_lang
    stdout.write(msg("console_help", lang, local=WORDS) + "\n")
    while True:
        line = read_line()
        if not line:
            stdout.write("\n")
            return 0
        line = line.strip()
        if not line:
            stdout.write(msg("console_empty", lang, local=WORDS) + "\n")
            continue
        if line in ("/quit", "/exit"):
            return 0
        if line == "/stat" or line.startswith("/stat "):
            reply = bot.stat(line[5:].strip() or None)
            stdout.write(render_stats(reply) + "\n\n")
            continue
        if line.startswith("/ask "):
            line = line[5:]
        answer = conversations.ask(session, line, platform="console")
        stdout.write(render_answer(answer) + "\n\n")
