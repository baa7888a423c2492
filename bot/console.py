"""The interactive console: the default way to try the bot, no tokens needed."""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import sys
import uuid

from bot.messages import msg
from bot.render import echo
from bot.render.plain import render_answer, render_stats, render_status
from bot.text import clean

PROMPT = "du/you> "
# The chat help names Slack's and Discord's commands; the console has its own words.
WORDS: dict[str, dict[str, str]] = {
    "console_help": {
        "en": (
            "Ask about the article “Hongkongs Aufstieg: KI-Hotspot löst internationales "
            "Investoreninteresse aus!” (Hong Kong as an AI hub), in English or German; every "
            "answer quotes the sentence that states it. Try “How many firms struggle to "
            "recruit?”.\n/stat lists the key statistics, /stat TOPIC shows one; /kb status "
            "and /kb reload show and reload the knowledge files; /quit or Ctrl-C leaves."
        ),
        "de": (
            "Frag zum Artikel „Hongkongs Aufstieg: KI-Hotspot löst internationales "
            "Investoreninteresse aus!“, auf Deutsch oder Englisch; jede Antwort zitiert den "
            "Satz, der sie belegt. Zum Beispiel: „Wie viele Firmen haben Probleme bei der "
            "Rekrutierung?“\n/stat zeigt die wichtigsten Zahlen, /stat THEMA eine davon; "
            "/kb status und /kb reload zeigen die Wissensdateien und laden sie neu; /quit "
            "oder Strg-C beendet."
        ),
    },
    "console_empty": {
        "en": "Type a question, /stat [TOPIC] or /quit.",
        "de": "Tipp eine Frage, /stat [THEMA] oder /quit.",
    },
    "console_kb_usage": {
        "en": (
            "/kb needs a word here: /kb status or /kb reload (/stat [TOPIC], /help and /quit "
            "are the others). Other /kb commands, such as /kb unanswered, are Slack's and "
            "Discord's; on the command line see qabot kb --help."
        ),
        "de": (
            "/kb braucht hier ein Wort: /kb status oder /kb reload (sonst /stat [THEMA], /help "
            "und /quit). Andere /kb-Befehle wie /kb unanswered gibt es in Slack und Discord; "
            "auf der Kommandozeile siehe qabot kb --help."
        ),
    },
    "console_unknown": {
        "en": (
            "{command} is not a console command. Here: /stat [TOPIC], /kb status, "
            "/kb reload, /help, /quit. Other slash commands, such as /kb unanswered, are "
            "Slack's and Discord's; on the command line see qabot kb --help."
        ),
        "de": (
            "{command} ist kein Befehl der Konsole. Hier: /stat [THEMA], /kb status, "
            "/kb reload, /help, /quit. Andere Slash-Befehle wie /kb unanswered gibt es in "
            "Slack und Discord; auf der Kommandozeile siehe qabot kb --help."
        ),
    },
}
# A line that starts like a slash command ("/kb", "/foo bar"), not one that merely starts
# with a slash ("/ 2 = ?", "/r/hongkong says …" are asked).
_COMMAND = re.compile(r"/[A-Za-z][\w-]*(?=\s|$)")


def line_limit(max_question_chars: int) -> int:
    """The most of one input line that is read: room for the longest question qabot answers
    written as a batch line of JSON with every character escaped, and its conversation id."""
    return 16 * max_question_chars + 65_536


BOM = "\ufeff"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def decoded_input(stream):
    """`stream`, read as UTF-16 when its bytes open with a UTF-16 byte-order mark (what
    Windows PowerShell 5 writes with `>` and `Out-File` by default) or, without one, with
    an ASCII character beside a NUL; UTF-32 by its mark. Read as UTF-8, every
    other byte was a NUL: each `{"conversation": …}` line was asked as a question of its
    own, and the NUL after the last line break one more (a reply too many). The first bytes
    are peeked at, before the stream's first read, and its decoding changed in place (the
    BOM tells the byte order and is no part of the text)."""
    buffer = getattr(stream, "buffer", None)
    if not isinstance(stream, io.TextIOWrapper) or not isinstance(buffer, io.BufferedReader):
        return stream
    try:
        encoding = _encoding_of(buffer.peek(4)[:4])
        if encoding is not None:
            # A byte that is no part of a character (a file cut short by one byte, a stray
            # byte at its end): read as U+FFFD, as a byte that is no UTF-8 reads as an
            # escape. Strict, it was a UnicodeDecodeError traceback, the batch's end.
            stream.reconfigure(encoding=encoding, errors="replace")
    except (OSError, ValueError, io.UnsupportedOperation):  # closed, or already read from
        pass
    return stream


def _encoding_of(start: bytes) -> str | None:
    """The encoding the first bytes of an input tell, None for UTF-8 (the default). With a
    mark: UTF-32 (whose little-endian mark opens with UTF-16's), UTF-16. Without one, a
    text's first two characters ASCII, as JSON's `{"` are: in UTF-16 every other byte of
    them is a NUL (`{ 0 " 0`; RFC 4627's detection). A NUL or two before a word of UTF-8
    (`\0hpc`), NULs alone (`< /dev/zero`) are no such pattern: UTF-8."""
    if start in UTF32_BOMS:
        return "utf-32"
    if start[:2] in UTF16_BOMS:
        return "utf-16"
    if len(start) == 4 and all(b == 0 for b in start[1::2]) and all(start[0::2]):
        return "utf-16-le"
    if len(start) == 4 and all(b == 0 for b in start[0::2]) and all(start[1::2]):
        return "utf-16-be"
    return None


# What ends a batch line: LF, CRLF or a bare CR (a classic Mac file). U+2028, U+0085 and
# the other breaks str.splitlines knows end none: they are characters of the question.
_LINE_END = re.compile(r"[\r\n]")
LINE_ENDS = ("\n", "\r")


class BatchLines:
    """The lines of a batch's input (`qabot ask --json -`), each ended by LF, CRLF or a
    bare CR. stdin on POSIX splits at LF alone, so a file whose lines end in CR was one
    line, one reply. Python's universal newlines would split it, but hold a CR back until
    the next character tells whether an LF follows: a writer waiting for each reply would
    wait for good. Here a CR ends its line at once (its reply goes out), and an LF right
    after it ends nothing. A text stream over bytes is read by what has arrived (`read1`),
    through its own encoding and error handler; any other (StringIO) by its `readline`."""

    CHUNK = 65_536

    def __init__(self, stream) -> None:
        self._text = ""
        self._after_cr = False
        buffer = getattr(stream, "buffer", None)
        if isinstance(stream, io.TextIOWrapper) and hasattr(buffer, "read1"):
            decoder = codecs.getincrementaldecoder(stream.encoding)(stream.errors)

            def more() -> str:
                data = buffer.read1(self.CHUNK)
                return decoder.decode(data, final=not data)

            self._more = more
        else:
            self._more = lambda: stream.readline(self.CHUNK)

    def readline(self, limit: int) -> str:
        """The next line with its end (CR or LF), at most `limit` characters of it; ''
        at the end of the input."""
        while True:
            if self._after_cr and self._text:  # an LF right after a CR: the same line end
                self._after_cr = False
                self._text = self._text.removeprefix("\n")
            end = _LINE_END.search(self._text, 0, limit)
            if end is not None or len(self._text) >= limit:
                cut = end.end() if end is not None else limit
                line, self._text = self._text[:cut], self._text[cut:]
                self._after_cr = line.endswith("\r")
                return line
            more = self._more()
            if not more:
                line, self._text = self._text, ""
                return line
            self._text += more


def read_line_within(stream, limit: int, ends: tuple[str, ...] = ("\n",)) -> str:
    """`stream.readline()`, at most `limit` characters of it: the rest of a longer line is
    read and dropped piece by piece, so that a stdin without line breaks (`< /dev/zero`, a
    binary file piped by mistake) is never held whole. What is kept is still longer than
    any question, and refused as one. A byte-order mark opening the line (a file saved by
    Notepad, Windows PowerShell's `Out-File`) is no part of it: a batch's first turn,
    `{"conversation": …}`, was asked as a question of its own."""
    line = stream.readline(limit)
    if len(line) >= limit and not line.endswith(ends):
        rest = line
        while rest and not rest.endswith(ends):
            rest = stream.readline(limit)
    return line[1:] if line.startswith(BOM) and len(line) > 1 else line


def run_console(bot, stdin=None, stdout=None) -> int:
    """Read questions until EOF, /quit or Ctrl-C; `/stat [topic]` works as in chat, and the
    admin commands that make sense locally (`/kb status`, `/kb reload`: whoever runs the
    console has the files anyway). The session is one conversation: "Quelle?" or "und
    RAISe+?" lean on the last answer."""
    from bot.conversation import Conversations

    stdin = stdin or sys.stdin or io.StringIO()  # None: started without a stdin at all
    interactive = stdin is sys.stdin and stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    stdout = stdout or sys.stdout
    conversations = Conversations(bot, ttl_s=bot.settings.conversation_ttl_s)
    session = uuid.uuid4().hex
    limit = line_limit(bot.settings.max_question_chars)
    source = None

    def read_line() -> str:
        """The next line ('' at the end); with readline's editing when at a terminal."""
        if interactive:
            try:
                return input(PROMPT) + "\n"
            except EOFError:
                return ""
        stdout.write(PROMPT)
        stdout.flush()
        # Looked at once the banner and the prompt are out: a program that waits for the
        # prompt before it writes (expect, a test) would wait for ever on a peek before.
        nonlocal source
        source = source or decoded_input(stdin)
        return read_line_within(source, limit)

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
        # A command is read as a question is: a no-break space pasted into "/stat HPC", a
        # zero-width space or a NUL (Ctrl-Space) in "/quit" made it no command.
        command = clean(line)
        if command == "/ask" or command.startswith("/ask "):  # as in chat
            line = command = command[4:].strip()
        if not line:
            stdout.write(msg("console_empty", lang, local=WORDS) + "\n")
            continue
        if command in ("/quit", "/exit"):
            return 0
        if _COMMAND.match(command):
            stdout.write(_command(bot, command, lang) + "\n\n")
            continue
        answer = conversations.ask(session, line, platform="console")
        stdout.write(render_answer(answer) + "\n\n")


def _command(bot, line: str, lang: str) -> str:
    """What a console command writes: /stat, /kb status, /kb reload, /help, or what the
    console has when it is none of them."""
    name, _, rest = line.partition(" ")
    rest = " ".join(rest.split())
    if name == "/stat":
        return render_stats(bot.stat(rest or None))
    if name == "/kb" and rest == "status":
        return render_status(bot.status())
    if name == "/kb" and rest == "reload":
        return bot.reload("console /kb reload").summary()
    if name == "/help":
        return msg("console_help", lang, local=WORDS)
    if name == "/kb" and not rest:  # "/kb is not a console command. Here: /kb status, …"
        return msg("console_kb_usage", lang, local=WORDS)
    # the command as typed: "/kb unanswered", not "/kb", is what the console does not have
    typed = echo.shown(f"{name} {rest}".strip() if name == "/kb" else name)
    return msg("console_unknown", lang, local=WORDS, command=typed)
