"""Logging set-up: plain or JSON lines, and a filter that masks every configured secret.

The filter sits on the root handler, so a token that reaches any log record —
in a message, an argument or a traceback — is printed as `***`; so are the secrets
Slack puts in URLs (a response_url's or webhook's path, a Socket Mode ticket). A message is one
line whatever it quotes: line breaks and other control characters in it are
escaped, so text from a user cannot forge a log line of its own.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.jsonlines import json_line

MASK = "***"
# Line breaks (\n, \r, NEL, U+2028/9) and the other C0/C1 controls (ESC moves a terminal's cursor).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# Slack URLs that are capabilities: the path of a response_url or incoming webhook (anyone
# holding it may post into the channel), and the ticket of a Socket Mode connection.
_SLACK_URL_SECRET = re.compile(
    r"(?P<keep>hooks\.slack(?:-gov)?\.com/)[^\s'\"<>]+|(?P<param>[?&]ticket=)[^&\s'\"<>]+"
)


def one_line(text: str) -> str:
    """`text` with its line breaks and control characters escaped (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class RedactSecrets(logging.Filter):
    """Replace each secret's value, and Slack's URL secrets, with *** in the formatted
    message and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _SLACK_URL_SECRET.sub(lambda m: (m["keep"] or m["param"]) + MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when set; exc_info stays for whatever else reads it.
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = self.redact(text)
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger message`, the message on one line; the lines of a traceback
    follow indented, so that not even an exception's text can start a line of its own."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return one_line(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        head, *rest = super().format(record).split("\n")
        return "\n".join([head, *(f"  {one_line(line)}" for line in rest)])


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and any `extra` fields."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in self._STANDARD})
        if record.exc_text:
            data["exception"] = record.exc_text
        elif record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json_line(data, default=str)


def setup_logging(*, json_lines: bool, secrets: Iterable[str] = (), level: int = logging.INFO):
    """Configure the root logger once: stderr, plain or JSON, secrets masked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecrets(secrets))
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return handler
