"""Loading the knowledge directory: YAML files → validated, cross-checked KnowledgeBase.

Every problem is reported as `file:line: message` (KnowledgeFileError), all of
them at once in a KnowledgeError; a quote that does not stand verbatim in its
source paragraph is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.errors import KnowledgeError, KnowledgeFileError
from bot.models import (
    Citation,
    Concept,
    ConceptsFile,
    Fact,
    FactsFile,
    Intent,
    IntentsFile,
    Source,
    SourcesFile,
)
from bot.settings import KnowledgeLimits
from bot.yaml_keys import StrictLoader
from bot.yaml_keys import key_shown as _key_shown

if TYPE_CHECKING:
    from bot.index_cache import IndexCache

SOURCES_FILE = "sources.yaml"
FACTS_FILE = "facts.yaml"
CONCEPTS_FILE = "concepts.yaml"
INTENTS_DIR = "qa"
# Both YAML libraries' constructors raise bare errors, without a position, for malformed
# typed scalars ("2023-13-01", "!!bool yesno", "!!int 0x") and for very deep nesting.
_CONSTRUCTOR_ERRORS = (ValueError, TypeError, LookupError, AttributeError, RecursionError)


def files_named(directory: Path, suffix: str = ".yaml") -> list[Path]:
    """The files of `directory` ending in `suffix`, hidden ones aside: a dot-file there is
    an editor's or the OS's (Emacs's lock `.#hkpc.yaml`, a Mac's `._hkpc.yaml`), never
    knowledge, as the watcher and the reload signature have it."""
    return sorted(p for p in directory.glob("*" + suffix) if not p.name.startswith("."))


def listed(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of `folder`; none where it cannot be listed (removed meanwhile, no
    permission, an I/O error): a walk goes on, and the loader reports what it needs."""
    try:
        with os.scandir(folder) as scan:
            return list(scan)
    except OSError:
        return []


# How deep the folders under qa/ are walked for saved files the loader will not read: no
# intents file lies in a folder at all, so a tree deeper than this is named, not walked on.
NESTED_DEPTH = 32


def _nested_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """(YAML files in the subdirectories of `directory`, the folders directly under it whose
    tree goes deeper than NESTED_DEPTH levels), hidden ones aside: saved there, never read
    (the loader reads `directory` itself), though the watcher sees them. Walked with a list,
    not recursively (`glob("*/**/*")` recursed per level: a tree 1,000 deep was a bare
    "cannot load: RecursionError" naming no folder); a folder it cannot list is left out.
    A link directly in `directory` is followed, deeper ones are not (as glob did)."""
    found: list[Path] = []
    too_deep: list[Path] = []
    pending: list[tuple[Path, int, Path | None]] = [(directory, 0, None)]
    while pending:
        folder, depth, top = pending.pop()
        for entry in listed(folder):
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=depth == 0)
            except OSError:
                is_dir = False
            if is_dir:
                if depth + 1 < NESTED_DEPTH:
                    pending.append((path, depth + 1, top or path))
                elif top not in too_deep:
                    too_deep.append(top or path)
            elif depth > 0 and Path(entry.name).suffix in (".yaml", ".yml"):
                found.append(path)
    return sorted(found), sorted(too_deep)


def _no_intents(qa: Path) -> str:
    """Why `qa` gave no intents file: none there, or it cannot be listed (`chmod 000 qa`,
    a file at its name; glob keeps quiet about that)."""
    try:
        with os.scandir(qa):
            pass
    except OSError as exc:
        return f"cannot list the intents folder: {exc.strerror or exc}"
    return "no intent files (*.yaml)"


def _miscased(root: Path) -> list[Path]:
    """Knowledge files saved under another case of their name (`qa/x.YAML`, a tool's
    default; `Concepts.yaml`): never read, and the rest loaded without them, `kb validate`
    said ok. On a file system that ignores case, such a name is the file itself: read."""
    names = {n.lower() for n in (FACTS_FILE, CONCEPTS_FILE, SOURCES_FILE)}
    names |= {n.removesuffix(".yaml") + ".yml" for n in names}
    found = []
    for entry in listed(root):
        lower = entry.name.lower()
        if lower in names and entry.name != lower and not _same_file(root / entry.name, lower):
            found.append(root / entry.name)
    for entry in listed(root / INTENTS_DIR):
        suffix = Path(entry.name).suffix  # .yml is said apart
        miscased = suffix.lower() in (".yaml", ".yml") and suffix not in (".yaml", ".yml")
        if miscased and not entry.name.startswith("."):
            found.append(root / INTENTS_DIR / entry.name)
    return sorted(found)


def _same_file(path: Path, name: str) -> bool:
    try:
        return os.path.samefile(path, path.with_name(name))
    except OSError:
        return False


class _Unreadable(Exception):
    """A file the loader will not parse; the message says why, `line` where (0: the file)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class _NeedsLines(Exception):
    """The fast pass met a bad file: stop it, the precise pass reports every problem's line."""


class _OverTotal(Exception):
    """The knowledge files together exceed the limit: the whole load stops at this problem."""

    def __init__(self, problem: KnowledgeFileError) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _ReadBudget:
    """What one load may read: each file and all of them together, checked before parsing,
    so that an oversized or special file costs neither time nor memory. A file in
    `replacing` is read as the bytes given there (an edit checked before it is written)."""

    def __init__(
        self, root: Path, limits: KnowledgeLimits, replacing: Mapping[Path, bytes] | None = None
    ) -> None:
        self.root = root
        self.limits = limits
        self.replacing = replacing or {}
        self.total = 0
        self.loaded: dict[Path, bytes] = {}  # what was read of each file: the content hashed

    def read(self, path: Path) -> str:
        """The UTF-8 text of `path`; raises _Unreadable, or _OverTotal."""
        return _decoded(self.read_bytes(path))

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of `path`; raises _Unreadable, or _OverTotal."""
        max_file = self.limits.max_file_bytes
        data = self.replacing.get(path)
        if data is None:
            size, data = _read_at_most(path, max_file)
            self.loaded[path] = data
        else:
            size = len(data)
        if size > max_file:
            raise _Unreadable(
                f"{size:,} bytes, over the limit of {max_file:,} bytes per file "
                "([knowledge] max_file_bytes); split it or raise the limit"
            )
        self.total += len(data)
        if self.total > self.limits.max_total_bytes:
            detail = (
                f"with this file the knowledge files come to more than "
                f"{self.limits.max_total_bytes:,} bytes, the limit for all of them "
                "([knowledge] max_total_bytes)"
            )
            raise _OverTotal(KnowledgeFileError(_rel(path, self.root), 0, detail))
        return data


def read_text_within(path: Path, limits: KnowledgeLimits) -> str:
    """The text of `path` as the loader would read it as one of its files: a regular file
    (a FIFO or device is not opened), within `max_file_bytes`, UTF-8; raises ValueError
    saying why not."""
    try:
        return _decoded(_ReadBudget(path.parent, limits).read_bytes(path))
    except (_Unreadable, _OverTotal) as exc:
        raise ValueError(str(exc)) from None


def data_within(text: str, rel: Path, limits: KnowledgeLimits) -> Any:
    """The data of the knowledge file `rel` whose text is `text`, parsed as the loader parses
    it; raises ValueError where the loader refuses it before its schema: YAML it does not
    read, a value YAML cannot construct, aliases that write out over `max_file_bytes`."""
    try:
        return _unamplified(_fast_load(text), text, rel, limits.max_file_bytes)
    except KnowledgeError as exc:
        raise ValueError(exc.problems[0].detail) from None
    except (yaml.YAMLError, *_CONSTRUCTOR_ERRORS) as exc:
        raise ValueError(str(exc)) from None


def _read_at_most(path: Path, max_bytes: int) -> tuple[int, bytes]:
    """(size, bytes) of the regular file `path`, its bytes left unread when it is over
    `max_bytes`; raises _Unreadable."""
    data = b""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("not a regular file")  # a FIFO or device would block
        if info.st_size <= max_bytes:
            with path.open("rb") as f:
                data = f.read(max_bytes + 1)  # never more, even if the file grew meanwhile
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise _Unreadable(f"cannot read: {exc}") from exc
    return max(info.st_size, len(data)), data


def _decoded(data: bytes) -> str:
    """`data` as UTF-8; raises _Unreadable at the line of the first byte that is not (a file
    saved as Latin-1 or cp1252 by an editor), not at a byte offset to count."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]  # valid UTF-8
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        detail = f"not UTF-8 at line {line}, column {column} (byte {data[exc.start]:#04x})"
        raise _Unreadable(f"cannot read: {detail}; save the file as UTF-8", line) from exc


def paragraph_number(locator: str) -> int | None:
    """N of a locator "§N" (at most six ASCII digits, as the knowledge files write them);
    None for any other string (a stored context of another version's, a corrupted one)."""
    digits = locator.removeprefix("§")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 6):
        return None
    return int(digits)


@dataclass(frozen=True)
class SourceText:
    """A source document split into paragraphs: §N is the N-th non-empty line."""

    meta: Source
    paragraphs: tuple[str, ...]

    def paragraph(self, locator: str) -> str | None:
        """The paragraph at `locator` ("§N"); None for one that names none (a context of
        another version's: int() would raise past the reader)."""
        n = paragraph_number(locator)
        return self.paragraphs[n - 1] if n is not None and 1 <= n <= len(self.paragraphs) else None

    def find(self, quote: str) -> str | None:
        """The locator of the paragraph that holds `quote`, if any."""
        for n, para in enumerate(self.paragraphs, start=1):
            if quote in para:
                return f"§{n}"
        return None


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the resolver and the answers need, validated and cross-checked."""

    sources: dict[str, SourceText]
    intents: tuple[Intent, ...]
    facts: tuple[Fact, ...]
    concepts: tuple[Concept, ...]
    content_hash: str
    files: tuple[Path, ...] = field(default=())
    # (content key, number of intents) of each intents file, in the order of `intents`,
    # when it was loaded through an IndexCache
    intent_files: tuple[tuple[str, int], ...] = field(default=())

    @property
    def variant_count(self) -> int:
        return sum(len(i.questions.de) + len(i.questions.en) for i in self.intents)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)


_C_LOADER = StrictLoader


def _fast_load(text: str) -> Any:
    """PyYAML's C loader, without keeping the nodes: what a good file costs."""
    return yaml.load(text, Loader=_C_LOADER)


# An anchor (`&name`): without one a file has no alias, and nothing to measure. In flow
# style an anchor may follow a quoted key's colon or a `?` with no space (`{"k":&a …}`, `{?&a k}`).
_ANCHOR = re.compile(r"(?:^|[\s\[{,:?])&[^\s\[\]{},]")


def _unamplified(data: Any, text: str, rel: Path, max_bytes: int) -> Any:
    """`data`, unless its aliases make it more than `max_bytes` when written out: a small
    file of `*alias` references would otherwise be megabytes of variants to check and index.
    Each shared part is measured once, so this costs no more than the data's size."""
    if not _ANCHOR.search(text):
        return data
    sizes: dict[int, int] = {}

    def size(value: Any) -> int:
        if isinstance(value, str):
            return len(value)
        if not isinstance(value, list | dict):
            return 1
        if id(value) not in sizes:
            sizes[id(value)] = 0  # a part that contains itself adds nothing more
            parts = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            sizes[id(value)] = 1 + sum(size(part) for part in parts)
        return sizes[id(value)]

    try:
        written_out = size(data)
    except RecursionError:  # nested deeper than any knowledge file needs
        detail = "nested too deep to measure what its aliases hold"
    else:
        if written_out <= max_bytes:
            return data
        detail = (
            f"with its aliases written out, this file holds {written_out:,} characters, over "
            f"the limit of {max_bytes:,} bytes per file ([knowledge] max_file_bytes)"
        )
    raise KnowledgeError([KnowledgeFileError(rel, 0, detail)])


def _compose(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of one YAML document from the same C parser: every node keeps the
    line it starts on, so finding a problem's line costs no more than a fast load."""
    loader = _C_LOADER(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _step(node: Any, key: int | str) -> tuple[int, Any] | None:
    """(1-based line, value node) of `key` inside `node`: a mapping key's own line, a list
    item's line; None where `node` has no such key (or is None: a fast load's)."""
    if isinstance(node, yaml.MappingNode):
        for k, v in reversed(node.value):  # of duplicate keys, the last is the one loaded
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return k.start_mark.line + 1, v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        item = node.value[key]
        return item.start_mark.line + 1, item
    return None


def _node_line(node: Any) -> int:
    return node.start_mark.line + 1 if isinstance(node, yaml.Node) else 0


def _line_of(node: Any, loc: tuple[int | str, ...]) -> int:
    """Best 1-based line for a pydantic error location inside a node tree."""
    line = 1
    for key in loc:
        found = _step(node, key)
        if found is None:
            break
        line, node = found
    return line


def _items(node: Any, key: str, count: int) -> list[Any]:
    """The `count` item nodes of the list under `key`; all None where they are not known."""
    found = _step(node, key)
    items = found[1].value if found and isinstance(found[1], yaml.SequenceNode) else []
    return items if len(items) == count else [None] * count


def _parse(
    path: Path,
    model: type[BaseModel],
    root: Path,
    budget: _ReadBudget,
    precise: bool = True,
    data: bytes | None = None,
) -> tuple[Any, Any]:
    """(validated model, its node tree or None after a fast load) of one file (or of
    `data`, its bytes as read); raises KnowledgeError."""
    rel = _rel(path, root)
    try:
        text = budget.read(path) if data is None else _decoded(data)
    except _Unreadable as exc:
        raise KnowledgeError([KnowledgeFileError(rel, exc.line, str(exc))]) from None
    if not precise:
        try:
            data = _unamplified(_fast_load(text), text, rel, budget.limits.max_file_bytes)
            return model.model_validate(data), None
        except (yaml.YAMLError, *_CONSTRUCTOR_ERRORS) as exc:  # ValidationError: a ValueError
            raise _NeedsLines from exc
    try:
        data, raw = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # At the end of a file without a final line break the C parser counts one line more.
        line = min(mark.line + 1, text.count("\n") + 1) if mark else 0
        detail = f"YAML syntax: {exc.problem or exc.context}"
        raise KnowledgeError([KnowledgeFileError(rel, line, detail)]) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC)
        line = text.count("\n", 0, exc.position) + 1
        detail = f"YAML: character U+{exc.character:04X} is not allowed"
        raise KnowledgeError([KnowledgeFileError(rel, line, detail)]) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError([KnowledgeFileError(rel, 0, f"YAML: {exc}")]) from exc
    except _CONSTRUCTOR_ERRORS as exc:
        detail = f"YAML value: {type(exc).__name__}: {exc}"
        raise KnowledgeError([KnowledgeFileError(rel, 0, detail)]) from exc
    data = _unamplified(data, text, rel, budget.limits.max_file_bytes)
    try:
        return model.model_validate(data), raw
    except ValidationError as exc:
        raise KnowledgeError(_schema_problems(exc, rel, raw, budget.limits.max_errors)) from exc


def _schema_problems(
    exc: ValidationError, rel: Path, raw: Any, shown: int
) -> list[KnowledgeFileError]:
    """One problem per schema error; only the first `shown` are located and worded (no more
    can be reported), the rest are counted, so a file of a million mistakes is refused fast."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    problems = []
    for err in errors[:shown]:
        where = ".".join(_key_shown(p) for p in err["loc"]) or "file"
        problems.append(
            KnowledgeFileError(rel, _line_of(raw, err["loc"]), f"{where}: {err['msg']}")
        )
    unlisted = KnowledgeFileError(rel, 0, "schema problem not listed (over [knowledge] max_errors)")
    return problems + [unlisted] * (len(errors) - len(problems))


def _check_citation(
    cite: Citation, sources: dict[str, SourceText], rel: Path, raw: Any, at: tuple[int | str, ...]
) -> KnowledgeFileError | None:
    """A problem of one citation, reported at the line of the field at fault."""

    def line(field: str) -> int:
        return _line_of(raw, (*at, field))

    src = sources.get(cite.source)
    if src is None:
        return KnowledgeFileError(rel, line("source"), f"unknown source {cite.source!r}")
    para = src.paragraph(cite.locator)
    if para is None:
        detail = f"{cite.source} has no paragraph {cite.locator}"
        return KnowledgeFileError(rel, line("locator"), detail)
    if cite.quote in para:
        return None
    elsewhere = src.find(cite.quote)
    if elsewhere:
        detail = f"quote stands in {elsewhere}, not {cite.locator}: {cite.quote[:60]!r}"
        return KnowledgeFileError(rel, line("quote"), detail)
    detail = f"quote not verbatim in {cite.source} {cite.locator}: {cite.quote[:60]!r}"
    return KnowledgeFileError(rel, line("quote"), detail)


def _load_sources(root: Path, budget: _ReadBudget) -> tuple[dict[str, SourceText], list[Path]]:
    path = root / SOURCES_FILE
    model, raw = _parse(path, SourcesFile, root, budget)
    sources: dict[str, SourceText] = {}
    problems = []
    seen: set[str] = set()
    for n, src in enumerate(model.sources):
        if src.id in seen:  # the second would replace the first: every citation misread
            line = _line_of(raw, ("sources", n, "id"))
            detail = f"duplicate source id {src.id!r}"
            problems.append(KnowledgeFileError(_rel(path, root), line, detail))
            continue
        seen.add(src.id)
        file = root / src.file
        try:
            text = budget.read(file)
        except _Unreadable as exc:
            line = _line_of(raw, ("sources", n, "file"))
            problems.append(KnowledgeFileError(_rel(path, root), line, f"source {src.id}: {exc}"))
            continue
        paragraphs = tuple(line.strip() for line in text.splitlines() if line.strip())
        sources[src.id] = SourceText(src, paragraphs)
    if problems:
        raise KnowledgeError(problems)
    return sources, [path, *(root / s.file for s in model.sources)]


def load_knowledge(
    root: Path,
    limits: KnowledgeLimits | None = None,
    cache: IndexCache | None = None,
    *,
    replacing: Mapping[Path, str] | None = None,
) -> KnowledgeBase:
    """Load and cross-check a knowledge directory; raises KnowledgeError listing the problems
    (at most `limits.max_errors`, each one line). A file named in `replacing` (as `root /
    its path`) is read as the text given there: an edit checked in place, before it is
    written, so that relative paths mean what they will mean (the content hash is still
    that of the files as they are).

    The fast pass reads YAML without positions and stops at the first problem;
    then the directory is read again with the same C parser, keeping its nodes,
    to name each problem's line. Files over the size limits are refused before
    either pass parses them. With a `cache`, an intents file already compiled
    with the same content is not parsed again (the cross-checks over all files
    always run).
    """
    root, limits = Path(root), limits or KnowledgeLimits()
    replaced = {path: text.encode() for path, text in (replacing or {}).items()}
    try:
        return _load(root, _ReadBudget(root, limits, replaced), precise=False, cache=cache)
    except Exception:  # KnowledgeError or a defect: the precise pass reports it, with lines
        pass
    try:
        return _load(root, _ReadBudget(root, limits, replaced), precise=True)
    except KnowledgeError as exc:
        raise exc.bounded(limits.max_errors, limits.max_error_chars) from None
    except _OverTotal as exc:
        raise KnowledgeError([exc.problem]) from None
    except Exception as exc:  # a defect must become neither a traceback nor a dead watcher
        raise KnowledgeError.unexpected(root, exc, limits.max_error_chars) from exc


def _parse_intents(
    path: Path, root: Path, budget: _ReadBudget, precise: bool, cache: IndexCache | None
) -> tuple[IntentsFile, Any, str]:
    """(model, raw node, content key) of one intents file, from `cache` when it has it."""
    if cache is None or precise:
        model, raw = _parse(path, IntentsFile, root, budget, precise)
        return model, raw, ""
    try:
        data = budget.read_bytes(path)
    except _Unreadable as exc:
        raise KnowledgeError([KnowledgeFileError(_rel(path, root), exc.line, str(exc))]) from None
    key = cache.key(data)
    model = cache.model(key)  # validated before in this process: shared with the snapshot
    if model is not None:
        return model, None, key
    loaded = cache.data(key)
    if loaded is None:
        try:
            text = data.decode("utf-8")
            loaded = _unamplified(
                _fast_load(text), text, _rel(path, root), budget.limits.max_file_bytes
            )
            model = IntentsFile.model_validate(loaded)
        except (UnicodeDecodeError, yaml.YAMLError, *_CONSTRUCTOR_ERRORS):
            model, _ = _parse(path, IntentsFile, root, budget, True, data=data)  # reports it
        else:
            cache.remember(key, loaded)
    else:  # plain data, unpickled fast; validating it is fast too
        model = IntentsFile.model_validate(loaded)
    cache.keep_model(key, model)
    return model, None, key


def _load(
    root: Path, budget: _ReadBudget, precise: bool, cache: IndexCache | None = None
) -> KnowledgeBase:
    if not root.is_dir():
        raise KnowledgeError([KnowledgeFileError(root, 0, "knowledge directory not found")])
    problems: list[KnowledgeFileError] = []
    try:
        sources, files = _load_sources(root, budget)
    except KnowledgeError as exc:
        raise KnowledgeError(exc.problems) from None

    intents: list[tuple[Intent, Path, Any]] = []
    compiled: list[tuple[str, int]] = []  # (content key, number of intents) of each file
    intent_files = files_named(root / INTENTS_DIR)
    if not intent_files:
        problems.append(KnowledgeFileError(root / INTENTS_DIR, 0, _no_intents(root / INTENTS_DIR)))
    named = (root / name.removesuffix(".yaml") for name in (FACTS_FILE, CONCEPTS_FILE))
    strays = [*files_named(root / INTENTS_DIR, ".yml"), *(p.with_suffix(".yml") for p in named)]
    for stray in sorted(p for p in strays if p.exists()):  # saved, and never read: say so
        detail = "not read: knowledge files end in .yaml; rename it"
        problems.append(KnowledgeFileError(_rel(stray, root), 0, detail))
    for path in _miscased(root):
        detail = "not read: knowledge files are named in lower case; rename it"
        problems.append(KnowledgeFileError(_rel(path, root), 0, detail))
    nested, too_deep = _nested_files(root / INTENTS_DIR)
    for path in nested:
        detail = "not read: intents files lie directly in qa/; move it"
        problems.append(KnowledgeFileError(_rel(path, root), 0, detail))
    for folder in too_deep:
        detail = (
            f"not read: folders nested more than {NESTED_DEPTH} levels deep under qa/ "
            "(intents files lie directly in qa/); remove this folder"
        )
        problems.append(KnowledgeFileError(_rel(folder, root), 0, detail))
    for path in intent_files:
        try:
            model, raw, key = _parse_intents(path, root, budget, precise, cache)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            continue
        intents.extend(_with_file(model, path, raw))
        compiled.append((key, len(model.intents)))
    facts: list[tuple[Fact, Any]] | None = []
    concepts: tuple[Concept, ...] = ()
    for name, model_cls in ((FACTS_FILE, FactsFile), (CONCEPTS_FILE, ConceptsFile)):
        path = root / name
        # Absent: facts.yaml is missing, concepts.yaml optional. Anything else at the name (a
        # directory, a link to nothing, a FIFO) is read and refused for what it is: it was
        # skipped as absent, and a knowledge that lost its synonym table so was "ok".
        if not path.exists() and not path.is_symlink():
            if name == FACTS_FILE:
                problems.append(KnowledgeFileError(path, 0, "file missing"))
            continue
        try:
            model, raw = _parse(path, model_cls, root, budget, precise)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            if name == FACTS_FILE:
                facts = None  # unparsable: don't also report every link to it
            continue
        if name == FACTS_FILE:
            raws = _items(raw, "facts", len(model.facts))
            facts = list(zip(model.facts, raws, strict=True))
        else:
            concepts = tuple(model.concepts)
            problems.extend(_check_concepts(model.concepts, raw, _rel(path, root)))
    files.extend(p for _, p, _ in intents)
    problems.extend(_cross_check(root, sources, intents, facts))
    if problems or facts is None:
        raise KnowledgeError(problems)
    files = sorted({*files, root / FACTS_FILE, root / CONCEPTS_FILE})
    return KnowledgeBase(
        sources=sources,
        intents=tuple(i for i, _, _ in intents),
        facts=tuple(f for f, _ in facts),
        concepts=concepts,
        content_hash=_hash_files(root, files, budget),
        files=tuple(p for p in files if p.is_file()),
        intent_files=tuple(compiled) if all(key for key, _ in compiled) else (),
    )


def check_intents_file(
    root: Path, path: Path, limits: KnowledgeLimits | None = None
) -> list[KnowledgeFileError]:
    """The problems of one intents file on its own: syntax, schema, citations, and ids and
    variants within it. An edit of one file checks this instead of loading everything;
    `path` may be a draft outside `root` (its problems then name the draft)."""
    root = Path(root)
    budget = _ReadBudget(root, limits or KnowledgeLimits())
    try:
        sources, _ = _load_sources(root, budget)
        for precise in (False, True):  # fast; after a problem, slowly, to name its line
            try:
                model, raw = _parse(path, IntentsFile, root, budget, precise)
            except _NeedsLines:  # a syntax or schema problem the fast pass cannot place
                continue
            problems = _cross_check(root, sources, _with_file(model, path, raw), None)
            if not problems:
                break
    except KnowledgeError as exc:
        return list(exc.problems)
    return problems


def _with_file(model: IntentsFile, path: Path, raw: Any) -> list[tuple[Intent, Path, Any]]:
    raws = _items(raw, "intents", len(model.intents))
    return list(zip(model.intents, [path] * len(raws), raws, strict=True))


def _rel(path: Path, root: Path) -> Path:
    return path.relative_to(root.parent) if path.is_relative_to(root.parent) else path


def _cross_check(
    root: Path,
    sources: dict[str, SourceText],
    intents: list[tuple[Intent, Path, Any]],
    facts: list[tuple[Fact, Any]] | None,
) -> list[KnowledgeFileError]:
    """Citations verbatim, ids unique, facts linked, each variant under one intent."""
    problems: list[KnowledgeFileError] = []
    fact_path = _rel(root / FACTS_FILE, root)
    fact_ids: set[str] = set()
    for fact, raw in facts or ():
        line = _node_line(raw)
        if fact.id in fact_ids:
            problems.append(KnowledgeFileError(fact_path, line, f"duplicate fact id {fact.id!r}"))
        fact_ids.add(fact.id)
        if err := _check_citation(fact.cite, sources, fact_path, raw, ("cite",)):
            problems.append(err)
    seen_ids: set[str] = set()
    seen_variants: dict[str, str] = {}  # folded variant → "intent (file:line)
    rels: dict[Path, Path] = {}
    for intent, path, raw in intents:
        rel, line = rels.get(path) or rels.setdefault(path, _rel(path, root)), _node_line(raw)
        owner = f"{intent.id} ({rel}:{line})"
        if intent.id in seen_ids:
            problems.append(KnowledgeFileError(rel, line, f"duplicate intent id {intent.id!r}"))
        seen_ids.add(intent.id)
        if intent.kind != "smalltalk" and not intent.cite:
            problems.append(KnowledgeFileError(rel, line, f"{intent.id}: no citation"))
        for n, cite in enumerate(intent.cite):
            if err := _check_citation(cite, sources, rel, raw, ("cite", n)):
                problems.append(err)
        for fid in intent.facts:
            if facts is not None and fid not in fact_ids:
                flines = _line_of(raw, ("facts",))
                problems.append(KnowledgeFileError(rel, flines, f"unknown fact {fid!r}"))
        for lang in ("de", "en"):
            for n, q in enumerate(getattr(intent.questions, lang)):
                key = " ".join(q.casefold().split())
                other = seen_variants.setdefault(key, owner)
                if other != owner:
                    qline = _line_of(raw, ("questions", lang, n))
                    problems.append(
                        KnowledgeFileError(rel, qline, f"variant {q!r} also under {other}")
                    )
    return problems


def content_hash_now(root: Path, kb: KnowledgeBase, limits: KnowledgeLimits) -> str:
    """`kb.content_hash` taken again of the files `kb` was loaded from, as they are now (each
    read within `max_file_bytes`; nothing parsed): it differs when one of them was rewritten
    since, even keeping its size, time and inode (`touch -r`, a coarse-time file system)."""
    return _hash_files(Path(root), list(kb.files), _ReadBudget(Path(root), limits))


def _hash_files(root: Path, files: list[Path], budget: _ReadBudget) -> str:
    """The hash of the files' bytes as the load read them (not read again: a file renamed
    away or swapped meanwhile was an unexpected error, or a read with no cap); a file given
    in `replacing` is hashed as it is on disk, read within the cap."""
    digest = hashlib.sha256()
    for path in files:
        data = budget.loaded.get(path)
        if data is None:
            try:
                data = _read_at_most(path, budget.limits.max_file_bytes)[1]
            except _Unreadable:  # not a regular file, or not there
                continue
        # relpath: a source may lie outside the directory (an absolute path, ../…)
        digest.update(os.path.relpath(path, root).encode())
        digest.update(data)
    return digest.hexdigest()[:12]


def _check_concepts(concepts: list[Concept], raw: Any, rel: Path) -> list[KnowledgeFileError]:
    """A term may stand in one concept only: else which meaning it has is arbitrary."""
    from bot.text import stem, tokens

    problems = []
    owner: dict[str, str] = {}
    ids: set[str] = set()
    for n, concept in enumerate(concepts):
        if concept.id in ids:  # its terms and kind would be merged with the first's, silently
            line = _line_of(raw, ("concepts", n, "id"))
            problems.append(KnowledgeFileError(rel, line, f"duplicate concept id {concept.id!r}"))
        ids.add(concept.id)
        for k, term in enumerate(concept.terms):
            key = " ".join(stem(t) for t in tokens(term))
            if not key:
                line = _line_of(raw, ("concepts", n, "terms", k))
                problems.append(KnowledgeFileError(rel, line, f"term {term!r} has no word"))
                continue
            other = owner.setdefault(key, concept.id)
            if other != concept.id:
                line = _line_of(raw, ("concepts", n, "terms", k))
                problems.append(
                    KnowledgeFileError(rel, line, f"term {term!r} of {concept.id} also in {other}")
                )
    return problems
