"""Loading the knowledge directory: YAML files → validated, cross-checked KnowledgeBase.

Every problem is reported as `file:line: message` (KnowledgeFileError), all of
them at once in a KnowledgeError; a quote that does not stand verbatim in its
source paragraph is refused.
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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

if TYPE_CHECKING:
    from bot.index_cache import IndexCache

SOURCES_FILE = "sources.yaml"
FACTS_FILE = "facts.yaml"
CONCEPTS_FILE = "concepts.yaml"
INTENTS_DIR = "qa"
# Both YAML libraries' constructors raise bare errors, without a position, for malformed
# typed scalars ("2023-13-01", "!!bool yesno", "!!int 0x") and for very deep nesting.
_CONSTRUCTOR_ERRORS = (ValueError, TypeError, LookupError, AttributeError, RecursionError)


class _Unreadable(Exception):
    """A file the loader will not parse; the message says why."""


class _OverTotal(Exception):
    """The knowledge files together exceed the limit: the whole load stops at this problem."""

    def __init__(self, problem: KnowledgeFileError) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _ReadBudget:
    """What one load may read: each file and all of them together, checked before parsing,
    so that an oversized or special file costs neither time nor memory."""

    def __init__(self, root: Path, limits: KnowledgeLimits) -> None:
        self.root = root
        self.limits = limits
        self.total = 0

    def read(self, path: Path) -> str:
        """The UTF-8 text of `path`; raises _Unreadable, or _OverTotal."""
        return _decoded(self.read_bytes(path))

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of `path`; raises _Unreadable, or _OverTotal."""
        max_file = self.limits.max_file_bytes
        data = b""
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise _Unreadable("not a regular file")  # a FIFO or device would block
            if info.st_size <= max_file:
                with path.open("rb") as f:
                    data = f.read(max_file + 1)  # never more, even if the file grew meanwhile
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise _Unreadable(f"cannot read: {exc}") from exc
        if info.st_size > max_file or len(data) > max_file:
            size = max(info.st_size, len(data))
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


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"cannot read: {exc}") from exc


@dataclass(frozen=True)
class SourceText:
    """A source document split into paragraphs: §N is the N-th non-empty line."""

    meta: Source
    paragraphs: tuple[str, ...]

    def paragraph(self, locator: str) -> str | None:
        n = int(locator.lstrip("§"))
        return self.paragraphs[n - 1] if 1 <= n <= len(self.paragraphs) else None

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


def _yaml() -> YAML:
    return YAML(typ="rt")


def _fast_load(text: str) -> Any:
    """PyYAML's C loader: several times faster than round-trip, but without line numbers."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _node_line(raw: Any) -> int:
    lc = getattr(raw, "lc", None)
    return lc.line + 1 if lc is not None else 0


def _line_of(node: Any, loc: tuple[int | str, ...]) -> int:
    """Best 1-based line for a pydantic error location inside a ruamel node."""
    line = 1
    for key in loc:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None and isinstance(key, int) and isinstance(node, list):
                line = lc.item(key)[0] + 1
            elif lc is not None and isinstance(node, dict) and key in node:
                line = lc.key(key)[0] + 1
            else:
                break
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _parse(
    path: Path,
    model: type[BaseModel],
    root: Path,
    budget: _ReadBudget,
    precise: bool = True,
    data: bytes | None = None,
) -> tuple[Any, Any]:
    """(validated model, raw ruamel node) of one file (or of `data`, its bytes as read);
    raises KnowledgeError."""
    rel = _rel(path, root)
    try:
        text = budget.read(path) if data is None else _decoded(data)
    except _Unreadable as exc:
        raise KnowledgeError([KnowledgeFileError(rel, 0, str(exc))]) from None
    if not precise:
        try:
            return model.model_validate(_fast_load(text)), None
        except (yaml.YAMLError, *_CONSTRUCTOR_ERRORS):  # ValidationError is a ValueError
            pass  # parse again below, with line numbers for the report
    try:
        raw = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        detail = f"YAML syntax: {exc.problem or exc.context}"
        raise KnowledgeError([KnowledgeFileError(rel, line, detail)]) from exc
    except YAMLError as exc:
        raise KnowledgeError([KnowledgeFileError(rel, 0, f"YAML: {exc}")]) from exc
    except _CONSTRUCTOR_ERRORS as exc:
        detail = f"YAML value: {type(exc).__name__}: {exc}"
        raise KnowledgeError([KnowledgeFileError(rel, 0, detail)]) from exc
    try:
        return model.model_validate(raw), raw
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            # A key may hold any character: shown escaped, so one problem stays one line.
            where = ".".join(str(p).encode("unicode_escape").decode() for p in err["loc"])
            where = where or "file"
            problems.append(
                KnowledgeFileError(rel, _line_of(raw, err["loc"]), f"{where}: {err['msg']}")
            )
        raise KnowledgeError(problems) from exc


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
    for n, src in enumerate(model.sources):
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
    root: Path, limits: KnowledgeLimits | None = None, cache: IndexCache | None = None
) -> KnowledgeBase:
    """Load and cross-check a knowledge directory; raises KnowledgeError listing the problems
    (at most `limits.max_errors`, each one line).

    The fast pass reads YAML without positions; only when it finds a problem
    is the directory read again, slowly, to name each problem's line. Files over
    the size limits are refused before either pass parses them. With a `cache`,
    an intents file already compiled with the same content is not parsed again
    (the cross-checks over all files always run).
    """
    root, limits = Path(root), limits or KnowledgeLimits()
    try:
        return _load(root, _ReadBudget(root, limits), precise=False, cache=cache)
    except Exception:  # KnowledgeError or a defect: the precise pass reports it, with lines
        pass
    try:
        return _load(root, _ReadBudget(root, limits), precise=True)
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
        raise KnowledgeError([KnowledgeFileError(_rel(path, root), 0, str(exc))]) from None
    key = cache.key(data)
    model = cache.model(key)  # validated before in this process: shared with the snapshot
    if model is not None:
        return model, None, key
    loaded = cache.data(key)
    if loaded is None:
        try:
            loaded = _fast_load(data.decode("utf-8"))
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
    intent_files = sorted((root / INTENTS_DIR).glob("*.yaml"))
    if not intent_files:
        problems.append(KnowledgeFileError(root / INTENTS_DIR, 0, "no intent files (*.yaml)"))
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
        if not path.is_file():
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
            raws = raw["facts"] if raw is not None else [None] * len(model.facts)
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
        content_hash=_hash_files(root, files),
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
        model, raw = _parse(path, IntentsFile, root, budget, precise=False)
        problems = _cross_check(root, sources, _with_file(model, path, raw), None)
        if problems and raw is None:  # again, slowly, to name each problem's line
            model, raw = _parse(path, IntentsFile, root, budget, precise=True)
            problems = _cross_check(root, sources, _with_file(model, path, raw), None)
    except KnowledgeError as exc:
        return list(exc.problems)
    return problems


def _with_file(model: IntentsFile, path: Path, raw: Any) -> list[tuple[Intent, Path, Any]]:
    raws = raw["intents"] if raw is not None else [None] * len(model.intents)
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


def _hash_files(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _check_concepts(concepts: list[Concept], raw: Any, rel: Path) -> list[KnowledgeFileError]:
    """A term may stand in one concept only: else which meaning it has is arbitrary."""
    from bot.text import stem, tokens

    problems = []
    owner: dict[str, str] = {}
    for n, concept in enumerate(concepts):
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
