"""The error hierarchy of qabot: knowledge problems carry a file and a line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Control characters and lone surrogates (an undecodable file name): never printed raw.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(name: object) -> str:
    """A file name as a problem or warning line prints it: control characters and lone
    surrogates as "?" (an ESC in a name would act on the terminal)."""
    return _CONTROL.sub("?", str(name))


class QabotError(Exception):
    """Base class of every error qabot raises on purpose."""


class LanguageDataError(QabotError, ValueError):
    """bot/data/language.yaml cannot be used (unreadable, a YAML syntax error, a key twice
    in one mapping, a key or value its schema does not allow): one line, `file:line:
    message`, as a knowledge file's problem is worded. Raised as bot.lexicon is imported;
    the command line reports it as that line (exit 2), not as a traceback."""


@dataclass
class KnowledgeFileError(QabotError):
    """One problem in one knowledge file, located by line (1-based; 0 = whole file)."""

    path: Path | str
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.detail}"

    def clipped(self, max_chars: int) -> KnowledgeFileError:
        """This problem as one line of at most `max_chars` (control characters escaped)."""
        head = len(str(self)) - len(self.detail)
        detail = _CONTROL.sub(lambda m: repr(m.group())[1:-1], self.detail)
        if head + len(detail) > max_chars:
            detail = detail[: max(max_chars - head - 1, 0)] + "…"
        return KnowledgeFileError(printable(self.path), self.line, detail)


class KnowledgeError(QabotError):
    """The knowledge directory is unusable; holds every file error found."""

    def __init__(self, problems: list[KnowledgeFileError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def unexpected(cls, where: Path | str, exc: BaseException, max_chars: int) -> KnowledgeError:
        """A defect met while loading `where`, as one bounded problem instead of a traceback."""
        problem = KnowledgeFileError(where, 0, f"cannot load: {type(exc).__name__}: {exc}")
        return cls([problem]).bounded(1, max_chars)

    def bounded(self, max_problems: int, max_chars: int) -> KnowledgeError:
        """The first `max_problems`, each clipped to one line of `max_chars`, then how many
        more there are: what a log line, `kb validate` or a chat reply can carry."""
        shown = [p.clipped(max_chars) for p in self.problems[:max_problems]]
        if rest := self.problems[max_problems:]:
            more = KnowledgeFileError(rest[0].path, 0, f"… and {len(rest):,} more problems")
            shown.append(more.clipped(max_chars))
        return KnowledgeError(shown)
