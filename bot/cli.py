"""The `qabot` command line: ask, chat, stat, kb, and the platform adapters.

Wiring happens here, explicitly: settings → knowledge store → QABot → the
chosen front end. Adapters are imported only by the commands that run them,
so `qabot ask` starts without slack-bolt or discord.py.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.entry import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.settings import Settings

DESCRIPTION = (
    "Questions and answers about one news article (Hong Kong as an AI hub), in English or "
    "German; every answer quotes the sentence it comes from. Try it with `qabot chat`, ask "
    "once with `qabot ask`, or serve it in Slack and Discord."
)

EXIT_OK, EXIT_INVALID, EXIT_BROKEN = 0, 1, 2
EXIT_NO_MATCH = 1  # `qabot stat TOPIC` found no statistic: as grep finding nothing
# The commands that serve until stopped: a SIGHUP reloads them (the others it ends, as a
# closed terminal should).
_SERVING = ("slack", "discord", "run")
# The codec error handler that writes what stdout's encoding lacks as `\\uXXXX`.
_ESCAPE = "qabot-json-escapes"


def _common_options(default: object) -> argparse.ArgumentParser:
    """`--kb` and `--config`, accepted before and after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--kb", type=_path, default=default, help="knowledge directory (default: knowledge/)"
    )
    common.add_argument(
        "--config", type=_path, default=default, help="settings file (default: config/qabot.toml)"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    # A subparser writes its defaults over what the main parser parsed, so the
    # subcommands' copies default to SUPPRESS: `qabot --kb DIR ask …` keeps DIR.
    common = _common_options(argparse.SUPPRESS)
    ap = argparse.ArgumentParser(
        prog="qabot", description=DESCRIPTION, parents=[_common_options(None)]
    )
    sub = ap.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", parents=[common], help="answer one question (or '-' for batch)")
    ask.add_argument("question", nargs="+", help="the question, or '-' to read lines from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    sub.add_parser("chat", parents=[common], help="interactive console")
    stat = sub.add_parser(
        "stat",
        parents=[common],
        help="key statistics, or one topic",
        epilog="exit status: 0 shown, 1 no statistic matches TOPIC (the known topics listed)",
    )
    stat.add_argument("topic", nargs="*")
    stat.add_argument("--lang", choices=["de", "en"])
    kb = sub.add_parser("kb", parents=[common], help="knowledge tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    validate = kb_sub.add_parser("validate", parents=[common], help="check a knowledge directory")
    validate.add_argument("dir", nargs="?", type=_path)
    validate.add_argument("--strict", action="store_true", help="lint warnings fail too (exit 1)")
    kb_sub.add_parser("status", parents=[common], help="hash and counts of the knowledge")
    unanswered = kb_sub.add_parser(
        "unanswered", parents=[common], help="what people asked that the bot could not answer"
    )
    unanswered.add_argument(
        "--limit", type=_positive, default=20, help="groups to show (default 20)"
    )
    unanswered.add_argument("--json", action="store_true", help="one JSON object per group")
    add = kb_sub.add_parser("add-question", parents=[common], help="add a question variant")
    add.add_argument("intent", help="the intent id, e.g. hkpc.recruiting")
    add.add_argument("phrase", type=_utf8, help="the question, as people ask it")
    add.add_argument("--lang", choices=["de", "en"], help="default: detected")
    ingest = kb_sub.add_parser("ingest", parents=[common], help="add a source and draft it")
    ingest.add_argument("article", type=Path, help="the article as a UTF-8 text file")
    ingest.add_argument("--id", required=True, help="source id, e.g. scmp_2024_05")
    ingest.add_argument("--title", type=_title, help="default: the first line of the article")
    ingest.add_argument("--lang", choices=["de", "en"], help="default: detected")
    slack = sub.add_parser("slack", parents=[common], help="run the Slack bot")
    slack.add_argument("--port", type=_port, help="default: [slack] port")
    discord = sub.add_parser("discord", parents=[common], help="run the Discord bot")
    discord.add_argument("--invite-url", action="store_true", help="print the invite URL")
    sub.add_parser("run", parents=[common], help="every platform that has credentials")
    return ap


def _path(text: str) -> Path:
    """A path that names something: "" would be Path("."), wherever qabot happens to run
    (a script's unset "$KB"), as an empty path in the config is refused."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path would be the working directory")
    return Path(text)


def _positive(text: str) -> int:
    """A whole number above zero (argparse names the option when this raises)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return int(text)


def _port(text: str) -> int:
    """A TCP port, 1 to 65535 (argparse names the option when this raises)."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1 to 65535)")
    return int(text)


def _utf8(text: str) -> str:
    """Words to write into the knowledge, as UTF-8 (argparse names the option when this
    raises). A byte that is none (a Latin-1 terminal's ü, 0xfc) reads from argv as a lone
    surrogate, which the edit dropped with the invisible characters: 'Bürofirmen' was
    filed as 'Brofirmen'."""
    bad = next((c for c in text if "\udc80" <= c <= "\udcff"), None)
    if bad is not None:
        byte = f"0x{ord(bad) - 0xDC00:02x}"
        raise argparse.ArgumentTypeError(f"not UTF-8 (byte {byte}); set the terminal to UTF-8")
    return text


def _title(text: str) -> str:
    """A title with something to read in it (argparse names the option when this raises):
    an empty one was taken for none, blanks or hidden characters alone for a title."""
    from bot.render.echo import shown

    if not shown(_utf8(text), limit=None):
        raise argparse.ArgumentTypeError("a title needs words (leave it out for the first line)")
    return text


def _settings(args: argparse.Namespace) -> Settings:
    from bot.settings import Settings

    overrides = {"knowledge_dir": args.kb} if args.kb else {}
    return Settings.load(args.config, **overrides)


def main(argv: list[str] | None = None) -> int:
    """Run one command; Ctrl-C, a reader that leaves (`| head`), output that cannot be
    written (a full disk), a terminal that is not UTF-8 and broken language data (as the
    resolver's modules are imported) end it without a traceback."""
    from bot.errors import LanguageDataError

    _escape_what_the_terminal_cannot_show()
    try:
        try:
            return _main(argv)
        except LanguageDataError as exc:
            print(f"qabot: {exc}", file=sys.stderr)
            return EXIT_BROKEN
        finally:  # also after argparse's --help, which leaves by SystemExit
            if sys.stdout is not None:
                sys.stdout.flush()  # here, not at exit, where a failure is only a traceback
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _drop_output()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # e.g. [Errno 28] No space left on device
        _drop_output()
        print(f"qabot: {exc}", file=sys.stderr)
        return EXIT_INVALID


def _escape_what_the_terminal_cannot_show() -> None:
    """Characters the encoding of stdout or stderr lacks (ß, „, → on an ASCII or Latin-1
    terminal) are written as JSON's escapes (`\\u00df`): the text stays readable, and a
    JSON line (an answer, a log line) stays JSON that reads back the same; stderr's own
    `\\xdf` is no JSON escape. A byte stdin's encoding lacks reads as Python reads one in
    UTF-8 (surrogateescape): the question gets qabot's "invalid characters" reply."""
    codecs.register_error(_ESCAPE, _json_escapes)
    streams = ((sys.stdout, _ESCAPE), (sys.stderr, _ESCAPE), (sys.stdin, "surrogateescape"))
    for stream, errors in streams:
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=errors)


def _json_escapes(error: UnicodeError) -> tuple[str, int]:
    """The characters `error` could not encode as `\\uXXXX` (UTF-16 units, as JSON has it)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start : error.end].encode("utf-16-be", "surrogatepass")
    codes = (int.from_bytes(units[i : i + 2], "big") for i in range(0, len(units), 2))
    return "".join(f"\\u{code:04x}" for code in codes), error.end


def _drop_output() -> None:
    """Point stdout at /dev/null: Python flushes it once more at exit, and what could not be
    written would fail again there ("Exception ignored … BrokenPipeError")."""
    if sys.stdout is not None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command in _SERVING:
        from bot.held_sighup import HeldSighup

        HeldSighup.install()  # before the knowledge loads: a SIGHUP meanwhile is a reload
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = _settings(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"qabot: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    _setup_logging(settings)
    validating_a_dir = args.command == "kb" and args.kb_command == "validate" and args.dir
    lost = None if validating_a_dir else _knowledge_left_behind(settings)
    if lost is not None:
        print(lost, file=sys.stderr)
        return EXIT_BROKEN
    if args.command == "kb" and args.kb_command == "validate":
        from bot.kb_cli import validate

        if args.dir and args.kb and args.dir.resolve() != args.kb.resolve():
            print(
                f"qabot kb validate: two knowledge directories ({args.dir} and --kb {args.kb}); "
                "name one",
                file=sys.stderr,
            )
            return EXIT_BROKEN
        return validate(args.dir or settings.knowledge_dir, settings, strict=args.strict)
    if args.command == "kb" and args.kb_command == "ingest":
        from bot.kb_cli import ingest

        return ingest(settings, args)
    if args.command == "kb" and args.kb_command == "add-question":
        from bot.kb_cli import add_question

        return add_question(settings, args)
    from bot.errors import KnowledgeError
    from bot.service import QABot

    try:
        bot = QABot.from_settings(settings)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BROKEN
    return _COMMANDS[args.command](bot, args)


def _knowledge_left_behind(settings: Settings) -> str | None:
    """What to do when the default knowledge/ is not beside the package: a `pip install .`
    (not `-e`) copies the code alone, and every command said only
    "…/site-packages/knowledge:0: knowledge directory not found"."""
    from bot.settings import DEFAULT_KNOWLEDGE

    if settings.knowledge_dir != DEFAULT_KNOWLEDGE or DEFAULT_KNOWLEDGE.exists():
        return None
    return (
        f"qabot: no knowledge directory at {DEFAULT_KNOWLEDGE}: qabot runs from its source "
        "tree, and `pip install .` copies only the code; install it from a clone with "
        "`pip install -e .`, or name the directory with --kb DIR (or QABOT_KNOWLEDGE_DIR)"
    )


def _setup_logging(settings: Settings) -> None:
    """Plain or JSON log lines (`log_json`), with every configured secret masked."""
    from bot.logs import setup_logging

    tokens = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.discord_token,
    )
    setup_logging(
        json_lines=settings.log_json,
        secrets=[t.get_secret_value() for t in tokens if t is not None],
    )


def _ask(bot, args: argparse.Namespace) -> int:
    from bot.jsonlines import json_line
    from bot.render.plain import render_answer

    if args.question == ["-"]:
        from bot.console import LINE_ENDS, BatchLines, decoded_input, line_limit, read_line_within
        from bot.conversation import Conversations

        conversations = Conversations(bot, ttl_s=bot.settings.conversation_ttl_s)
        # This run's ids are its own, as the console's session is: with Redis configured, a
        # batch's "c1" went on from the last run's "c1" (or another user's at the same time),
        # so a first turn "Quelle?" got the source of an answer this run never gave.
        run = os.urandom(16).hex()
        limit = line_limit(bot.settings.max_question_chars)
        # None: started without a stdin. A line ends at LF, CRLF (Windows) or CR (classic Mac).
        stdin = BatchLines(decoded_input(sys.stdin or io.StringIO()))
        while line := read_line_within(stdin, limit, LINE_ENDS):
            line = line.removesuffix("\n").removesuffix("\r")
            turn = _conversation_turn(line)
            if turn is None:
                answer, extra = bot.ask(line, platform="cli"), {}
            elif turn is _BAD_ID:
                answer, extra = _bad_id(bot, line), {}
            else:
                answer = conversations.ask(f"{run}:{turn[0]}", turn[1], platform="cli")
                extra = {"conversation": turn[0]}
            out = (
                json_line({**answer.to_json(), **extra})
                if args.json
                else (render_answer(answer) + "\n")
            )
            print(out, flush=True)
        return EXIT_OK
    answer = bot.ask(" ".join(args.question), platform="cli")
    print(json_line(answer.to_json()) if args.json else render_answer(answer))
    return EXIT_OK


# A conversation id is a string or a whole number of at most 20 digits (64 bits: a Discord
# snowflake, a database key). A line with an integer of over 4,300 digits, past Python's
# int-string limit, failed json.loads and was asked as a question of its own.
ID_DIGITS = 20
_BAD_ID = ("", "")  # a turn whose id is neither: one reply that says so


class _LongNumber(str):
    """A JSON integer of more than ID_DIGITS digits, kept as its text: no id, and never
    converted (Python refuses an int of over 4,300 digits)."""


def _integer(text: str) -> int | str:
    return int(text) if len(text.lstrip("-")) <= ID_DIGITS else _LongNumber(text)


def _conversation_turn(line: str) -> tuple[str, str] | None:
    """`{"conversation": ID, "text": QUESTION}` as (ID, QUESTION); `_BAD_ID` when the ID is
    no string nor a whole number of at most ID_DIGITS digits; any other line is None."""
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line, parse_int=_integer)
    except (ValueError, RecursionError):  # RecursionError: deeply nested brackets
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    if "conversation" not in data:
        return None
    conv = data["conversation"]
    if isinstance(conv, _LongNumber | bool) or not isinstance(conv, str | int):
        return _BAD_ID
    return str(conv), data["text"]


def _bad_id(bot, line: str) -> Answer:
    """The reply to a turn whose id is no id: said on that line, the batch goes on."""
    from bot.answer import Answer
    from bot.messages import msg

    lang = bot.settings.default_lang
    return Answer(
        line[:200], False, lang, msg("bad_conversation_id", lang, digits=ID_DIGITS), "refused"
    )


def _chat(bot, args: argparse.Namespace) -> int:
    from bot.console import run_console

    return run_console(bot)


def _stat(bot, args: argparse.Namespace) -> int:
    from bot.messages import msg
    from bot.render.plain import render_stats

    reply = bot.stat(" ".join(args.topic) or None, lang=args.lang)
    print(render_stats(reply))
    if reply.matched:
        return EXIT_OK
    print(msg("stat_topics", reply.lang, topics=", ".join(reply.topics)))
    return EXIT_NO_MATCH


def _kb(bot, args: argparse.Namespace) -> int:
    from bot import kb_cli

    return kb_cli.COMMANDS[args.kb_command](bot, args)


def _slack(bot, args: argparse.Namespace) -> int:
    from bot.runner import run_all

    return run_all(bot, only=["slack"], slack_port=args.port)


def _discord(bot, args: argparse.Namespace) -> int:
    if args.invite_url:
        from bot.adapters import discord as discord_adapter

        return discord_adapter.print_invite_url(bot.settings)
    from bot.runner import run_all

    return run_all(bot, only=["discord"])


def _run(bot, args: argparse.Namespace) -> int:
    from bot.runner import run_all

    return run_all(bot)


_COMMANDS = {
    "ask": _ask,
    "chat": _chat,
    "stat": _stat,
    "kb": _kb,
    "slack": _slack,
    "discord": _discord,
    "run": _run,
}


if __name__ == "__main__":
    sys.exit(main())
