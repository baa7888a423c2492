"""The error hierarchy of qabot: knowledge problems carry a file and a line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class QabotError(Exception):
    """Base class of every error qabot raises on purpose."""


@dataclass
class KnowledgeFileError(QabotError):
    """One problem in one knowledge file, located by line (1-based; 0 = whole file)."""

    path: Path | str
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.detail}"


class KnowledgeError(QabotError):
    """The knowledge directory is unusable; holds every file error found."""

    def __init__(self, problems: list[KnowledgeFileError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
