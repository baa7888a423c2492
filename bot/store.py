"""The knowledge store: the current snapshot, swapped whole on a successful reload."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import stat
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.answer import ReloadResult
from bot.errors import KnowledgeError, KnowledgeFileError
from bot.index_cache import IndexCache
from bot.knowledge import CONCEPTS_FILE, content_hash_now, listed, load_knowledge
from bot.settings import Settings
from bot.snapshot import Snapshot

log = logging.getLogger(__name__)


class KnowledgeStore:
    """Holds the live snapshot; readers take `current` once per question."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        snapshot: Snapshot,
        signature: Signature = (),
        cache: IndexCache | None = None,
    ) -> None:
        self.root = root
        self.settings = settings
        self._current = snapshot
        self._signature = signature  # of the files the current snapshot was loaded from
        self._cache = cache or IndexCache(None)
        self._lock = threading.Lock()
        # (last reload, last failed reload), replaced in one assignment so that a
        # reader on another thread never sees a failure newer than the last reload.
        self._reloads: tuple[ReloadResult | None, ReloadResult | None] = (None, None)
        # Files of the live snapshot a watcher reload found gone, and since when (monotonic);
        # the watcher reloads again at `held_until` if a reload is waiting for them.
        self._gone: dict[Path, float] = {}
        self.held_until: float | None = None

    @classmethod
    def open(cls, root: Path, settings: Settings) -> KnowledgeStore:
        """Load `root`; raises KnowledgeError listing file:line problems."""
        cache = IndexCache(settings.index_cache_dir)
        signature = files_signature(Path(root))
        with _collector_paused():
            snapshot = _compile(Path(root), settings, cache)
        return cls(Path(root), settings, snapshot, signature, cache)

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
        command that asked gets its answer and carries on. The watcher's reload is
        skipped when no file changed since the last load (the bot's own edit has
        reloaded already).
        """
        with self._lock:
            start = time.perf_counter()
            at = datetime.now(UTC).isoformat(timespec="seconds")
            old = self._current
            signature = files_signature(self.root)  # before reading: a later save shows
            if trigger == "watch" and self._held(old):
                seconds = time.perf_counter() - start
                return ReloadResult(
                    True, at, seconds, old.kb.content_hash, unchanged=True, trigger=trigger
                )
            if trigger == "watch" and signature == self._signature and not self._rewritten(old):
                log.debug("knowledge (%s): no file changed since the last load", trigger)
                seconds = time.perf_counter() - start
                return ReloadResult(
                    True, at, seconds, old.kb.content_hash, unchanged=True, trigger=trigger
                )
            try:
                with _collector_paused():
                    new = _compile(self.root, self.settings, self._cache)
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
                self._current, self._signature = new, signature
                self._gone, self.held_until = {}, None
                result = _diff(old, new, at, time.perf_counter() - start, trigger)
                self._reloads = (result, self._reloads[1])
                log.info("knowledge (%s) %s", trigger, result.summary().replace("\n", "; "))
                if old.kb.concepts and not new.kb.concepts:  # valid, but answers change
                    log.warning(
                        "knowledge (%s): no synonym table any more (%s has no concepts); "
                        "questions match only the words of the variants",
                        *(trigger, CONCEPTS_FILE),
                    )
                if sys.getrefcount(old) == _ONLY_HERE:  # no question in flight reads it
                    old.resolver.release()
            return result

    def _held(self, snapshot: Snapshot) -> bool:
        """Whether a watcher reload waits: a file `snapshot` was read from is gone, for less
        than `missing_grace_ms` yet. An editor that saves by renaming (`mv f f.bak; …;
        mv f.bak f`), slower than the watcher's debounce, left a valid directory without
        that file, and it was loaded: the bot lost those answers until the file came back.
        Waiting, the whole reload waits (the snapshot is swapped whole); the log says so
        once per file. The file back, the reload goes on as usual; still gone at the end,
        it is loaded without it (a manual reload or SIGHUP does so at once)."""
        now = time.monotonic()
        # os.path.exists: False where the file cannot be looked at either (`chmod 000 qa`),
        # where Path.exists raises; the load after the grace period says why.
        gone = [p for p in snapshot.kb.files if not os.path.exists(p)]
        back = [p for p in self._gone if p not in gone and self.held_until is not None]
        if back:
            log.info("knowledge (watch): %s back; nothing dropped", _listed(self.root, back))
        new = [p for p in gone if p not in self._gone]
        self._gone = {p: self._gone.get(p, now) for p in gone}
        until = max(self._gone.values(), default=now) + self.settings.admin.missing_grace_ms / 1000
        if not gone or now >= until:
            self.held_until = None
            return False
        if new:
            log.warning(
                "knowledge (watch): %s gone; its knowledge is kept for %g s in case it comes "
                "back (a save by renaming), then dropped",
                *(_listed(self.root, new), self.settings.admin.missing_grace_ms / 1000),
            )
        self.held_until = until
        return True

    def _rewritten(self, snapshot: Snapshot) -> bool:
        """Whether a file `snapshot` was loaded from has other bytes now. Asked only when the
        watcher saw a change and the signature is the same: a rewrite in place of the same
        size whose time was restored (`touch -r`), or made within one tick of a coarse-time
        file system, is seen by the watcher and by nothing cheaper. It reads the knowledge
        files once (each within `max_file_bytes`) and parses nothing: a small part of a
        load, paid once per batch of the watcher's changes that left the signature alone
        (the event of the bot's own edit, loaded already, is one)."""
        now = content_hash_now(self.root, snapshot.kb, self.settings.knowledge)
        return now != snapshot.kb.content_hash

    def changed_since_load(self) -> bool:
        """Whether the knowledge files differ from those the live snapshot was loaded from:
        their signature, else their bytes (`_rewritten`). Nothing is loaded. The polling
        watcher asks this every `poll_check_ms`: its poller compares only file times, so
        an edit whose time was restored brings it no event."""
        with self._lock:
            if files_signature(self.root) != self._signature:
                return True
            return self._rewritten(self._current)

    def _problems(self, exc: Exception) -> list[KnowledgeFileError]:
        """What a failed reload reports: the loader's problems, or the unexpected error."""
        if isinstance(exc, KnowledgeError):
            return exc.problems
        log.error("knowledge reload: unexpected error", exc_info=exc)
        max_chars = self.settings.knowledge.max_error_chars
        return KnowledgeError.unexpected(self.root, exc, max_chars).problems


Signature = tuple[tuple[str, int, int, int, int], ...]  # (path, mtime ns, size, inode, device)
_ONLY_HERE = 2  # references to a replaced snapshot when only `reload` holds it (and the call)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a snapshot is built, and everything alive then
    (the new snapshot too) frozen out of its view: a full collection walks every object it
    tracks with the GIL held, over a second at 100,000 variants, and would stop the event
    loop. A replaced snapshot holds no reference cycle, so it is freed all the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _compile(root: Path, settings: Settings, cache: IndexCache) -> Snapshot:
    """A snapshot of `root`, compiling only the intents files `cache` does not know."""
    kb = load_knowledge(root, settings.knowledge, cache)
    snapshot = Snapshot(kb, settings, indexes=cache.intent_indexes(kb))
    cache.keep_only(kb)
    return snapshot


def files_signature(root: Path) -> Signature:
    """(path, mtime in ns, size, inode, device) of every file of the knowledge directory
    (hidden files and drafts aside): cheap to take, and any save changes it (an in-place
    rewrite of the same size that also restores the time, `touch -r`, aside: the watcher's
    reload compares the files' bytes then, see `KnowledgeStore._rewritten`). Never raises:
    a directory that cannot be listed (removed meanwhile, an I/O error) is left out, and the
    loader reports what it needs of it. Walked with a list, not recursively, and without
    entering drafts/ or hidden directories (a `.git`): `Path.rglob` recursed per level (a
    tree 1,000 deep was a RecursionError out of every start-up and reload, the watcher's
    too) and raised on a directory removed while it walked.

    A link directly in the directory to a directory (`qa -> /srv/kb/qa`, or a mounted
    volume's `qa -> ..data/qa`) counts with the files directly in it, as the loader reads
    them through it; the OS watch follows it too. Left out, a save there was seen by the
    watcher and its reload then skipped as "no file changed": never loaded. Not walked
    deeper (a link to / would be the whole file system)."""
    root = Path(root)
    out = []
    pending: list[tuple[Path, bool]] = [(root, True)]  # (folder, whether to enter folders)
    while pending:
        directory, enter = pending.pop()
        for entry in listed(directory):
            if entry.name.startswith(".") or (directory == root and entry.name == "drafts"):
                continue
            path = directory / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if enter:
                        pending.append((path, True))
                    continue
                st = path.stat()  # a symlink's target: as the loader reads it
            except OSError:  # removed meanwhile, a dangling link
                continue
            if stat.S_ISREG(st.st_mode):
                # The file's identity too: a link switched to another file, or a file renamed
                # over the old one, with the same size and time (fixed times: a Nix store,
                # `cp -p`, `rsync -a`) is a change; by size and time alone it was skipped.
                file = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)
                out.append((str(path.relative_to(root)), *file))
            elif stat.S_ISDIR(st.st_mode) and directory == root:  # a link to a directory
                pending.append((path, False))
    return tuple(sorted(out))


def _listed(root: Path, paths: list[Path]) -> str:
    """Files for one log line: the first few, relative to `root`, and how many more."""
    names = [os.path.relpath(p, root) for p in sorted(paths)]
    more = len(names) - 5
    return ", ".join(names[:5]) + (f" … and {more:,} more" if more > 0 else "")


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
