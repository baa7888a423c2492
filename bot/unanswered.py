"""The unanswered-question log: abstentions, low-confidence answers and feedback, as JSON lines.

Writing never breaks answering: an unwritable log costs one logged error (until
a write succeeds again) and the answer goes out as usual. The file is rotated by
size (`unanswered.jsonl` → `.1` → `.2` …), like logging's RotatingFileHandler.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import stat
import threading
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.jsonlines import json_line
from bot.settings import UnansweredSettings
from bot.state import SharedState

log = logging.getLogger(__name__)

# What a record is about: the bot abstained, answered unsure, a suggestion was
# clicked, or someone voted on an answer.
KINDS = ("abstain", "low_confidence", "click", "up", "down")


STREAM = "unanswered"
STREAM_MAX_LINES = 20_000  # the shared (Redis) log keeps this many newest records
MAX_QUESTION = 500  # characters of a question a record keeps (its first 500)
# An intent's id, as the knowledge's schema has it (bot/models.py).
_INTENT_ID = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class LogUnavailable(Exception):
    """The shared unanswered log cannot be read now."""


class _OpenFile:
    """A log file held open for appending, with its identity (device, inode): a record is
    one write, not the directory made, the file opened and closed again (about 40 µs each,
    and a follow-up declined as a near miss writes one)."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.identity: tuple[int, int] | None = None

    def holds(self, found: os.stat_result | None) -> bool:
        """Whether the file open is the one `found` at the log's path (not rotated, moved
        or deleted since: by this log, another process on it, or its admin)."""
        return found is not None and self.identity == (found.st_dev, found.st_ino)

    def open(self, path: Path) -> int:
        self.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = _append_private(path)
        opened = os.fstat(self.fd)
        self.identity = (opened.st_dev, opened.st_ino)
        return self.fd

    def close(self) -> None:
        if self.fd is not None:
            fd, self.fd, self.identity = self.fd, None, None
            os.close(fd)


class UnansweredLog:
    """Appends records to a JSONL file, rotated past max_bytes; thread-safe.

    With a remote shared state (Redis, several replicas) the records go to one
    capped list there instead, so triage sees what every replica logged.
    """

    def __init__(self, cfg: UnansweredSettings, state: SharedState | None = None) -> None:
        self.cfg = cfg
        self.path = Path(cfg.path)
        self.state = state if state is not None and state.remote else None
        self._lock = threading.Lock()
        self._failing = False
        self._file = _OpenFile()
        weakref.finalize(self, self._file.close)  # a log let go closes its file

    @property
    def where(self) -> str:
        """Where the records are kept, for an admin to read."""
        return "the shared unanswered log" if self.state is not None else str(self.path)

    def records(self) -> Iterator[dict[str, Any]]:
        """Every well-formed record, oldest first, from wherever this log writes; raises
        LogUnavailable when the shared log cannot be read (Redis down), which an empty
        log would misreport as nothing unanswered."""
        if self.state is None:
            yield from read_records(self.files())
            return
        try:
            lines = self.state.lines(STREAM)
        except Exception as exc:
            raise LogUnavailable(
                f"{self.where} cannot be read now (shared state unavailable)"
            ) from exc
        yield from _parse_lines(lines)

    def write(self, record: dict[str, Any]) -> bool:
        """Append one record (a time stamp is added); False when it could not be written."""
        if not self.cfg.enabled:
            return False
        record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **record}
        if not self.cfg.log_user_ids:
            record.pop("user", None)
            record.pop("channel", None)
        line = json_line(record) + "\n"
        with self._lock:
            try:
                if self.state is not None:
                    self.state.append(STREAM, line.rstrip("\n"), STREAM_MAX_LINES)
                else:
                    self._append(line.encode("utf-8"))
            except Exception as exc:  # OSError, or the shared store being unreachable
                self._file.close()  # the next record opens the file afresh
                if not self._failing:
                    log.error("unanswered log %s not writable (%s); answers go on", self.path, exc)
                self._failing = True
                return False
            self._failing = False
            return True

    def _append(self, data: bytes) -> None:
        """`data` at the end of the log file, rotated first when it would grow past
        `max_bytes`; the file held open while it is the one at the log's path."""
        try:
            found: os.stat_result | None = self.path.stat()
        except FileNotFoundError:
            found = None
        if found is not None and found.st_size + len(data) > self.cfg.max_bytes:
            self._file.close()
            self._rotate()
            found = None
        fd = self._file.fd if self._file.holds(found) else None
        if fd is None:
            fd = self._file.open(self.path)
        while data:
            data = data[os.write(fd, data) :]

    def _rotate(self) -> None:
        if self.cfg.backups <= 0:
            self.path.unlink()
            return
        for n in range(self.cfg.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))

    def files(self) -> list[Path]:
        """The log and its backups that are there, oldest first: one that cannot be read
        (a directory, a path with a NUL) is listed, for reading it to say why."""
        name = self.path.name
        backups = [self.path.with_name(f"{name}.{n}") for n in range(self.cfg.backups, 0, -1)]
        return [p for p in [*backups, self.path] if not _missing(p)]


def _missing(path: Path) -> bool:
    """True when nothing is at `path` (pathlib's `exists` is False for a path it cannot
    even ask about, too: that would read as nothing unanswered)."""
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except (OSError, ValueError):  # there, or not to be asked about: reading it says why
        pass
    return False


def _append_private(path: Path) -> int:
    """A descriptor appending to `path`; a new file is made readable by its owner alone
    (what people asked, and who with `log_user_ids`), one that exists keeps its mode.
    Only a regular file is a log (it is rotated by renaming): a FIFO there blocked the
    open until something read it, and every answer with it (the log's lock held, every
    core thread waiting behind it), so it is opened without waiting and refused."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o600)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fd


def _read_regular(path: Path) -> str:
    """The text of the log file `path`; OSError when it is no regular file (a FIFO would
    block the reader for ever, a device such as /dev/zero never end)."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return path.read_text(encoding="utf-8", errors="replace")


def read_records(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """Every well-formed record of `paths`, in order; broken lines are skipped. A file that
    cannot be read raises LogUnavailable: triage of part of the log (or of none of it, as
    another user than the bot's) would say too little is unanswered."""
    for path in paths:
        try:
            # A write cut short may end inside a character: that line is then no JSON
            # and skipped, the others are read.
            lines = _read_regular(path).splitlines()
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the configured path
            why = getattr(exc, "strerror", None) or exc
            raise LogUnavailable(f"{path} cannot be read now ({why})") from exc
        yield from _parse_lines(lines)


def _parse_lines(lines: list[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        try:
            record = json.loads(line)
        # A line cut short (JSONDecodeError is a ValueError), a number of more digits than
        # int() reads (ValueError), one nested too deep (RecursionError): that line only.
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and _readable(record.get("question")):
            yield _guess_checked(record)


def _readable(question: object) -> bool:
    """Whether `question` is text qabot could have logged: a string of at most
    MAX_QUESTION characters without a lone surrogate (JSON's escape of half an emoji, from
    another writer of the shared log), which no UTF-8 encoder takes: triage keys, asks
    again and prints the questions (a megabyte one cost minutes of a core thread)."""
    return (
        isinstance(question, str)
        and len(question) <= MAX_QUESTION
        and not _LONE_SURROGATE.search(question)
    )


def _guess_checked(record: dict[str, Any]) -> dict[str, Any]:
    """`record` with its guess only when it is an intent's id, as qabot writes it: another
    writer of the log (the shared stream) could put anything there, which triage would
    group by and propose, and the listings show as an intent, in a code span."""
    guess = record.get("guess")
    if guess is None or (isinstance(guess, str) and _INTENT_ID.fullmatch(guess)):
        return record
    return {**record, "guess": None}
