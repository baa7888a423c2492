"""The knowledge store: the current snapshot, swapped whole on a successful reload."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.answer import ReloadResult
from bot.errors import KnowledgeError, KnowledgeFileError
from bot.knowledge import load_knowledge
from bot.settings import Settings
from bot.snapshot import Snapshot

log = logging.getLogger(__name__)


class KnowledgeStore:
    """Holds the live snapshot; readers take `current` once per question."""

    def __init__(self, root: Path, settings: Settings, snapshot: Snapshot) -> None:
        self.root = root
        self.settings = settings
        self._current = snapshot
        self._lock = threading.Lock()
        # (last reload, last failed reload), replaced in one assignment so that a
        # reader on another thread never sees a failure newer than the last reload.
        self._reloads: tuple[ReloadResult | None, ReloadResult | None] = (None, None)

    @classmethod
    def open(cls, root: Path, settings: Settings) -> KnowledgeStore:
        """Load `root`; raises KnowledgeError listing file:line problems."""
        kb = load_knowledge(Path(root), settings.knowledge)
        return cls(Path(root), settings, Snapshot(kb, settings))

    @property
    def current(self) -> Snapshot:
        return self._current

    @property
    def reloads(self) -> tuple[ReloadResult | None, ReloadResult | None]:
        """The last reload and the last failed one (the same result after a failure)."""
        return self._reloads

    def reload(self, trigger: str = "manual") -> ReloadResult:
        """Build a new snapshot off to the side; swap it in only when all of it is valid.

        Reloads are serialised; readers are never blocked: they keep the snapshot
        they took, and the swap is one attribute assignment. Every failure is a
        result with `file:line` errors, never an exception: a watcher or a chat
        command that asked gets its answer and carries on.
        """
        with self._lock:
            start = time.perf_counter()
            at = datetime.now(UTC).isoformat(timespec="seconds")
            old = self._current
            try:
                new = Snapshot(load_knowledge(self.root, self.settings.knowledge), self.settings)
            except Exception as exc:
                result = ReloadResult(
                    False,
                    at,
                    time.perf_counter() - start,
                    old.kb.content_hash,
                    tuple(str(p) for p in self._problems(exc)),
                    trigger=trigger,
                )
                self._reloads = (result, result)
                log.error("knowledge reload (%s) failed: %s", trigger, "; ".join(result.errors))
            else:
                self._current = new
                result = _diff(old, new, at, time.perf_counter() - start, trigger)
                self._reloads = (result, self._reloads[1])
                log.info("knowledge (%s) %s", trigger, result.summary().replace("\n", "; "))
            return result

    def _problems(self, exc: Exception) -> list[KnowledgeFileError]:
        """What a failed reload reports: the loader's problems, or the unexpected error."""
        if isinstance(exc, KnowledgeError):
            return exc.problems
        log.error("knowledge reload: unexpected error", exc_info=exc)
        max_chars = self.settings.knowledge.max_error_chars
        return KnowledgeError.unexpected(self.root, exc, max_chars).problems


def _diff(old: Snapshot, new: Snapshot, at: str, seconds: float, trigger: str) -> ReloadResult:
    def items(snap: Snapshot) -> dict[str, object]:
        out: dict[str, object] = {f"intent:{i.id}": i for i in snap.kb.intents}
        out.update({f"fact:{f.id}": f for f in snap.kb.facts})
        return out

    before, after = items(old), items(new)
    return ReloadResult(
        ok=True,
        at=at,
        seconds=seconds,
        content_hash=new.kb.content_hash,
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(k for k in before.keys() & after.keys() if before[k] != after[k])),
        unchanged=old.kb.content_hash == new.kb.content_hash,
        trigger=trigger,
    )
