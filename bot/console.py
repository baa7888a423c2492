"""The interactive console: the default way to try the bot, no tokens needed."""

from __future__ import annotations

import sys

from bot.messages import msg
from bot.render.plain import render_answer, render_stats

PROMPT = "du/you> "


def run_console(bot, stdin=None, stdout=None) -> int:
    """Read questions until EOF or /quit; `/stat [topic]` works as in chat."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    lang = bot.settings.default_lang
    stdout.write(msg("help", lang) + "\n(/quit to leave)\n")
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        line = line.strip()
        if line in ("/quit", "/exit"):
            return 0
        if line == "/stat" or line.startswith("/stat "):
            reply = bot.stat(line[5:].strip() or None)
            stdout.write(render_stats(reply) + "\n\n")
            continue
        if line.startswith("/ask "):
            line = line[5:]
        stdout.write(render_answer(bot.ask(line, platform="console")) + "\n\n")
