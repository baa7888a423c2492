"""The compiled knowledge, cached per intents file by its content.

A start-up or a reload then parses, validates and analyses only the intents
files that changed: each file's validated model and its intents' parts of the
index (bot/resolver.py `IntentIndex`) are kept, keyed by the SHA-256 of the
file's bytes, in memory and, when `index_cache_dir` is set, on disk (one pickle
per file content and version of the code, written atomically; the directory
may be deleted at any time). An index part also depends on the concepts, the facts and the code that
computed it: when any of those differ, the part is computed again. The files
are pickles, read back as code is: keep the directory as private as the code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge import KnowledgeBase
from bot.models import IntentsFile
from bot.resolver import IntentIndex, IntentIndexer, index_intents

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
# On disk: the files of the knowledge in use, and the most recently used others while they
# are at most this many and take no more room than those (each edit of a large intents
# file leaves a compiled copy of all of it: 100,000 variants compile to ~23 MB).
KEEP_FILES = 1000
# The names of the files it writes (`_path`): only these are ever trimmed. The directory is
# configurable, and any other `*.pickle` in it (index_cache_dir = "~/.cache", "/tmp") is
# not ours to delete.
_OWN_NAME = re.compile(r"[0-9a-f]{64}-[0-9a-f]{16}\.pickle")


@dataclass
class _FilePart:
    """One intents file's content, compiled: its data as parsed (plain lists and dicts, which
    unpickle fast; validating them is fast too) and, when known, its index parts."""

    data: Any
    built_with: str = ""  # the concepts, facts and code the index parts were computed with
    indexes: list[IntentIndex] | None = None


class IndexCache:
    """Compiled intents files by content; shared by the loads of one knowledge store."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = Path(directory) if directory else None
        self._parts: dict[str, _FilePart] = {}
        # validated models, in memory only: a reload shares those of unchanged files with
        # the snapshot that serves (less to validate, less to free when it is replaced)
        self._models: dict[str, IntentsFile] = {}
        self._unsaved: set[str] = set()
        self._code = CODE
        self._warned = False  # an unwritable directory is reported once

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def data(self, key: str) -> Any:
        """The parsed data of the file content `key`, if it was compiled before (else None)."""
        part = self._parts.get(key) or self._read(key)
        return part.data if part else None

    def model(self, key: str) -> IntentsFile | None:
        return self._models.get(key)

    def keep_model(self, key: str, model: IntentsFile) -> None:
        self._models[key] = model

    def remember(self, key: str, data: Any) -> None:
        self._parts[key] = _FilePart(data)
        self._unsaved.add(key)

    def intent_indexes(self, kb: KnowledgeBase) -> list[IntentIndex] | None:
        """The index parts of `kb.intents`, from the cache where it has them; None when `kb`
        does not say which file each intent comes from."""
        if not kb.intent_files:
            return None
        built_with = self._built_with(kb)
        out: list[IntentIndex] = []
        indexer: IntentIndexer | None = None  # made once, at the first file not cached
        for key, count in kb.intent_files:
            part = self._parts.get(key)
            if part is None or part.built_with != built_with or part.indexes is None:
                start = len(out)
                indexer = indexer or IntentIndexer(kb)
                indexes = index_intents(kb, range(start, start + count), indexer)
                if part is not None:
                    part.built_with, part.indexes = built_with, indexes
                    self._unsaved.add(key)
            else:
                indexes = part.indexes
            out += indexes
        return out

    def keep_only(self, kb: KnowledgeBase) -> None:
        """Forget (in memory) the files `kb` no longer has, and save the new ones to disk."""
        used = {key for key, _ in kb.intent_files}
        self._parts = {k: v for k, v in self._parts.items() if k in used}
        self._models = {k: v for k, v in self._models.items() if k in used}
        for key in sorted(self._unsaved & used):
            self._write(key, self._parts[key])
        self._unsaved.clear()
        self._trim({self._path(key) for key in used})

    def _built_with(self, kb: KnowledgeBase) -> str:
        digest = hashlib.sha256(self._code.encode())
        for item in (*kb.concepts, *kb.facts):
            digest.update(item.model_dump_json().encode())
        return digest.hexdigest()

    def _path(self, key: str) -> Path | None:
        # the code in the name: a file of other code (other layout) is never read
        return self.directory / f"{key}-{self._code[:16]}.pickle" if self.directory else None

    def _read(self, key: str) -> _FilePart | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            part = pickle.loads(path.read_bytes())
            os.utime(path)  # recently used: kept by _trim
        except Exception as exc:  # a stale or broken cache file: compile again
            log.debug("index cache %s unreadable (%s); compiling again", path, exc)
            return None
        if not isinstance(part, _FilePart):
            return None
        self._parts[key] = part
        return part

    def _write(self, key: str, part: _FilePart) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:  # a full disk: no draft left behind (never trimmed)
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # a read-only disk costs speed, never an answer
            if not self._warned:
                log.warning("index cache not writable (%s); starting slower next time", exc)
            self._warned = True

    def _trim(self, in_use: set[Path | None]) -> None:
        """Remove the files of the cache beyond what `KEEP_FILES` keeps."""
        if self.directory is None or not self.directory.is_dir():
            return
        ours = (p for p in self.directory.glob("*.pickle") if _OWN_NAME.fullmatch(p.name))
        files = [(path, *_mtime_and_size(path)) for path in ours]
        room = sum(size for path, _, size in files if path in in_use)
        others = sorted((f for f in files if f[0] not in in_use), key=lambda f: f[1], reverse=True)
        for n, (path, _, size) in enumerate(others):
            room -= size
            if n >= KEEP_FILES or room < 0:
                path.unlink(missing_ok=True)


def _mtime_and_size(path: Path) -> tuple[float, int]:
    try:
        info = path.stat()
    except OSError:
        return 0.0, 0
    return info.st_mtime, info.st_size


def _code_hash() -> str:
    """The code and language data an index part is computed with."""
    digest = hashlib.sha256()
    for path in sorted((*PACKAGE.glob("*.py"), *PACKAGE.glob("data/*"))):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# The code this process runs, hashed once as it is imported: files changed on disk later (a
# deploy beside a running bot, an edit during a test run) are not the code that compiles.
CODE = _code_hash()
