"""Editing knowledge files in place, keeping comments, quotes and layout.

A new question variant is appended to the file's text as one line (or one
item of a flow list), found with the positions of the C YAML parser: no
round trip of the whole file, which costs seconds on a large one. The new text
is written to a hidden draft next to the file and checked on its own (syntax,
schema, citations, ids and variants within it) while the other files are only
searched for the phrase; a valid draft replaces the file in one atomic rename,
so the watcher of a running bot never sees a half-made or invalid edit.
Larger edits (ingest) are made on a copy of the directory and validated in full.
Edits of one directory are made one at a time (`edit_lock`), by any process.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML

from bot.errors import KnowledgeError
from bot.knowledge import (
    INTENTS_DIR,
    check_intents_file,
    data_within,
    files_named,
    load_knowledge,
    read_text_within,
)
from bot.language import detect, side_vocabulary
from bot.render.echo import shown
from bot.settings import KnowledgeLimits

_LOADER = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
_ITEM_PREFIX = re.compile(r"\s*-\s+$")  # the "    - " before a block list item


@dataclass(frozen=True)
class EditResult:
    """Outcome of an edit: ok, whether the file changed, which file, and what to tell the admin.

    `reload_errors`: why the reload of a running bot after the edit failed (another file
    of the directory is broken; the bot answers from the knowledge it had), else empty."""

    ok: bool
    changed: bool
    message: str
    path: Path | None = None
    errors: tuple[str, ...] = ()
    reload_errors: tuple[str, ...] = ()


def round_trip_yaml() -> YAML:
    """A ruamel YAML that writes back what it read: quotes, comments, flow style, long lines."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def find_intent(root: Path, intent_id: str) -> tuple[Path, Any, Any] | None:
    """(file, loaded document, intent node) of `intent_id`, searching qa/*.yaml."""
    yaml = round_trip_yaml()
    for path in _intent_files(root):
        text = path.read_text(encoding="utf-8")
        if intent_id not in text:
            continue
        doc = yaml.load(text)
        for node in (doc or {}).get("intents") or ():
            if node.get("id") == intent_id:
                return path, doc, node
    return None


def validated_replace(
    root: Path, path: Path, text: str, limits: KnowledgeLimits | None = None
) -> list[str]:
    """Write `text` to `path` if the knowledge directory stays valid; else its errors.

    The directory is loaded in full (under `limits`), in place, with `path` read as `text` (a copy
    elsewhere would lose a source `file:` given relative and outside it, `../…`);
    only then is the live file replaced atomically.
    """
    try:
        load_knowledge(root, limits, replacing={root / path.relative_to(root): text})
    except KnowledgeError as exc:
        return [str(p) for p in exc.problems]
    write_atomic(path, text)
    return []


@contextlib.contextmanager
def edit_lock(root: Path) -> Iterator[None]:
    """Hold the knowledge directory `root` for one edit, against every other thread and
    process that edits it (two attach clicks, a Slack and a Discord admin, the CLI beside
    the bot). An edit reads a file, changes it and renames the result over it: two at once
    lost one of them (the last rename won), or put one question under two intents, which
    left the directory invalid. The lock is flock(2) on the directory itself: nothing is
    created, and it ends with the process that holds it."""
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` by `text` in one rename: a reader sees the old or the new file, whole."""
    target, draft = _draft_of(path, text)
    try:
        os.replace(draft, target)
    except BaseException:
        draft.unlink(missing_ok=True)
        raise


def _draft_of(path: Path, text: str) -> tuple[Path, Path]:
    """(the file `path` stands for, a hidden draft beside it holding `text`).

    Through a symlink the file it points to is the one replaced (the link stays), and
    the draft has that file's mode, or a new file's (mkstemp's 0600 would lock out a
    bot that reads the knowledge as another user).
    """
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, Path(tmp)


def _umask() -> int:
    """This process's umask, read without changing it (os.umask would, for all threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def add_question(
    root: Path,
    intent_id: str,
    phrase: str,
    lang: str,
    limits: KnowledgeLimits | None = None,
    max_chars: int | None = None,
) -> EditResult:
    """Append `phrase` to the `lang` variants of `intent_id`, keeping the file's layout.

    Refused (and nothing written) when the intent is unknown, or the result
    would be invalid (checked under `limits`, the configured `[knowledge]`), e.g. the
    phrase already stands under another intent, or it is longer than `max_chars` (the
    configured `max_question_chars`: a variant nobody can ask, only bulk in the file).
    """
    root = Path(root)
    phrase = shown(phrase, limit=None)  # one line, no control, zero-width or bidi characters
    if lang not in ("de", "en"):
        return EditResult(False, False, f"unknown language {lang!r} (de or en)")
    if not phrase:
        return EditResult(False, False, "empty question")
    if max_chars is not None and len(phrase) > max_chars:
        size = f"{len(phrase):,} characters; max_question_chars is {max_chars:,}"
        return EditResult(False, False, f"question too long ({size})")
    try:
        with edit_lock(root):
            return _add_question(root, intent_id, phrase, lang, limits)
    except OSError as exc:  # the directory gone (removed, a mount lost) while the bot runs
        problem = f"{root.name}:0: cannot edit: {exc.strerror or exc}"
        return EditResult(False, False, f"refused: {problem}", errors=(problem,))


def _add_question(
    root: Path, intent_id: str, phrase: str, lang: str, limits: KnowledgeLimits | None
) -> EditResult:
    found = _variants_node(root, intent_id, lang, limits)
    if found is None:
        return EditResult(False, False, f"unknown intent {intent_id!r}")
    path, text, variants = found
    if variants is None:
        return EditResult(False, False, f"{intent_id} has no list of {lang} questions", path)
    if any(_same(item.value, phrase) for item in variants.value):
        return EditResult(True, False, f"{intent_id} already has {phrase!r}", path)
    new_text = _appended(text, variants, phrase)
    if new_text is None:
        return EditResult(False, False, f"cannot place a question in {path}", path)
    errors = _owned_elsewhere(root, path, phrase, limits) or _checked_replace(
        root, path, new_text, limits
    )
    if errors:
        return EditResult(False, False, "refused: " + "; ".join(errors), path, tuple(errors))
    return EditResult(True, True, f"added {phrase!r} to {intent_id} ({lang}) in {path}", path)


def _same(variant: Any, phrase: str) -> bool:
    """Whether two variants are one for the loader (case and spacing aside)."""
    return " ".join(str(variant).casefold().split()) == phrase.casefold()


def _intent_files(root: Path) -> list[Path]:
    """The intents files, regular files only: the loader refuses any other unread (a FIFO
    would block the edit, and with it every later one, for ever)."""
    return [p for p in files_named(root / INTENTS_DIR) if p.is_file()]


def _text(path: Path, limits: KnowledgeLimits | None) -> str | None:
    """The text of an intents file as the loader reads it; None when the loader refuses it
    unread (not UTF-8, over `max_file_bytes`, gone): that file is the loader's to report."""
    try:
        return read_text_within(path, limits or KnowledgeLimits())
    except ValueError:
        return None


def _data(text: str, path: Path, root: Path, limits: KnowledgeLimits | None) -> Any:
    """The data of an intents file as the loader parses it; None when the loader refuses it
    before its schema (syntax, a value YAML cannot construct, aliases over `max_file_bytes`,
    which a walk of the data would write out): that file is the loader's to report."""
    try:
        return data_within(text, _rel(path, root), limits or KnowledgeLimits())
    except ValueError:
        return None


def _mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else empty: a file of another shape than the loader
    accepts is the loader's to report, not a reason for an edit elsewhere to fail."""
    return value if isinstance(value, dict) else {}


def _listed(value: Any) -> list[Any]:
    """`value` when it is a list, else empty (as `_mapping`)."""
    return value if isinstance(value, list) else []


def _intents(doc: Any) -> list[dict[str, Any]]:
    """The intents of a loaded intents file, each a mapping (empty where it is none)."""
    return [_mapping(intent) for intent in _listed(_mapping(doc).get("intents"))]


def _questions(intent: dict[str, Any], lang: str) -> list[str]:
    """The `lang` question variants of a loaded intent, as text."""
    return [str(q) for q in _listed(_mapping(intent.get("questions")).get(lang))]


def _variants_node(
    root: Path, intent_id: str, lang: str, limits: KnowledgeLimits | None
) -> tuple[Path, str, Any] | None:
    """(file, its text, the YAML node of the `lang` questions of `intent_id` or None)."""
    for path in _intent_files(root):
        text = _text(path, limits)
        if text is None or intent_id not in text:
            continue
        try:
            doc = pyyaml.compose(text, Loader=_LOADER)
        except pyyaml.YAMLError:
            continue  # a broken file: the loader reports it
        intents = _get(doc, "intents")
        for node in intents.value if isinstance(intents, pyyaml.SequenceNode) else ():
            ident = _get(node, "id")
            if isinstance(ident, pyyaml.ScalarNode) and ident.value == intent_id:
                variants = _get(_get(node, "questions"), lang)
                return path, text, variants if isinstance(variants, pyyaml.SequenceNode) else None
    return None


def _get(node: Any, key: str) -> Any:
    """The value node under `key` of a mapping node, else None."""
    if not isinstance(node, pyyaml.MappingNode):
        return None
    return next((v for k, v in node.value if k.value == key), None)


def _appended(text: str, variants: Any, phrase: str) -> str | None:
    """`text` with `phrase` as the last item of the list node `variants` (None: no place)."""
    lines = text.splitlines(keepends=True)
    if variants.flow_style or not variants.value:  # [a, b]: before the closing bracket
        at = _offset(lines, variants.end_mark) - 1
        if text[at : at + 1] != "]":
            return None
        scalar = _scalar(phrase, flow=True)
        last = variants.value[-1] if variants.value else None
        comma = None if last is None else _trailing_comma(text, _offset(lines, last.end_mark), at)
        if comma is not None:  # [a, b,]: after the trailing comma
            return _after_trailing_comma(text, lines, last, comma, scalar)
        item = (", " if variants.value else "") + scalar
        return text[:at] + item + text[at:]
    first, last = variants.value[0], variants.value[-1]
    prefix = lines[first.start_mark.line][: first.start_mark.column]
    if not _ITEM_PREFIX.fullmatch(prefix):
        prefix = " " * (first.start_mark.column - 2) + "- "
    after = last.end_mark.line + (1 if last.end_mark.column > 0 else 0)
    # The file's own line ending: a file saved on Windows (CRLF) got one LF line among
    # its CRLF ones (mixed endings: editors and git diffs flag the whole file).
    eol = "\r\n" if lines[first.start_mark.line].endswith("\r\n") else "\n"
    if after > 0 and not lines[after - 1].endswith("\n"):
        lines[after - 1] += eol
    lines.insert(after, prefix + _scalar(phrase, flow=False) + eol)
    return "".join(lines)


def _offset(lines: list[str], mark: Any) -> int:
    """The place in the text of the YAML parser's `mark` (line and column)."""
    return sum(len(line) for line in lines[: mark.line]) + mark.column


def _trailing_comma(text: str, start: int, end: int) -> int | None:
    """The place just after a comma between a flow list's last item (ending at `start`) and
    its bracket (at `end`), or None. Only blanks, line breaks and comments stand there: a
    `#` begins a comment up to the line's end (`"b",  # last` has a trailing comma too;
    the comment hid it, and ", x" before the bracket made `b,, x`, refused)."""
    in_comment = False
    for at in range(start, end):
        char = text[at]
        if char in "\r\n":
            in_comment = False
        elif char == "#":
            in_comment = True
        elif char == "," and not in_comment:
            return at + 1
    return None


def _after_trailing_comma(text: str, lines: list[str], last: Any, comma: int, scalar: str) -> str:
    """`text` with `scalar` after the trailing comma at `comma` of a flow list (`[a, b,]`,
    valid YAML): ", x" before the bracket made `b,, x`, a syntax error, and the edit was
    refused as if the file were broken. A list with an item a line keeps that layout, and
    a comment after the comma stays on its item's line."""
    line = lines[last.start_mark.line]
    indent = line[: last.start_mark.column]
    if not indent.strip():  # the last item starts its line: the new one a line of its own
        eol = "\r\n" if line.endswith("\r\n") else "\n"
        end = text.find("\n", comma)
        rest = text[comma:end].strip() if end >= 0 else "]"
        if not rest or rest.startswith("#"):  # after the comma's line (and its comment)
            return text[: end + 1] + indent + scalar + "," + eol + text[end + 1 :]
        return text[:comma] + eol + indent + scalar + "," + text[comma:]
    return text[:comma] + " " + scalar + "," + text[comma:]


def _scalar(phrase: str, *, flow: bool) -> str:
    """`phrase` as a YAML scalar: plain when it reads back as itself, else double-quoted."""
    probe = f"[{phrase}]" if flow else f"- {phrase}"
    try:  # a phrase YAML cannot read, or takes for a value it cannot make ("2023-13-01")
        if data_within(probe, Path("<phrase>"), KnowledgeLimits()) == [phrase]:
            return phrase
    except ValueError:
        pass
    return json.dumps(phrase, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _owned_elsewhere(
    root: Path, path: Path, phrase: str, limits: KnowledgeLimits | None
) -> list[str]:
    """The intent of another file that has `phrase` already, as the loader would report it.

    A file is parsed only when its text holds the phrase's longest word (or escapes)."""
    words = re.findall(r"\w+", phrase.casefold())
    probe = max(words, key=len) if words else phrase.casefold()
    for other in _intent_files(root):
        if other == path:
            continue
        text = _text(other, limits)
        if text is None or (probe not in text.casefold() and "\\" not in text):
            continue
        for intent in _intents(_data(text, other, root, limits)):
            if any(_same(q, phrase) for lang in ("de", "en") for q in _questions(intent, lang)):
                owner = f"{intent.get('id')} ({_rel(other, root)})"
                return [f"{_rel(path, root)}:0: variant {phrase!r} also under {owner}"]
    return []


def _rel(path: Path, root: Path) -> Path:
    """`path` as the loader names it: from the knowledge directory's parent."""
    return path.relative_to(root.parent) if path.is_relative_to(root.parent) else path


def guess_language(
    root: Path, intent_id: str, phrase: str, default: str, limits: KnowledgeLimits
) -> str:
    """The language of `phrase`, judged with the words of its intent's file (function words,
    words only one language's side uses): the whole knowledge need not be loaded."""
    found = _variants_node(Path(root), intent_id, "de", limits)
    texts: dict[str, list[str]] = {"de": [], "en": []}
    # A file the loader refuses (a tag, its aliases) guesses nothing: the edit's check reports it.
    doc = _data(found[1], found[0], root, limits) if found is not None else None
    for intent in _intents(doc):
        for lang in texts:
            texts[lang] += _questions(intent, lang)
            texts[lang].append(str(_mapping(intent.get("answer")).get(lang) or ""))
    return detect(phrase, default=default, vocabulary=side_vocabulary(texts))[0]


def _checked_replace(
    root: Path, path: Path, text: str, limits: KnowledgeLimits | None
) -> list[str]:
    """Write `text` to a hidden draft beside `path`, check that file on its own, and rename
    it over `path` if it is valid; else remove it and return its problems."""
    try:
        target, draft = _draft_of(path, text)
    except OSError as exc:  # a read-only directory, a full disk: nothing was written
        return [f"{_rel(path, root)}:0: cannot write: {exc.strerror or exc}"]
    try:
        problems = check_intents_file(root, draft, limits)
        if problems:
            return [str(p).replace(draft.name, path.name) for p in problems]
        os.replace(draft, target)
        return []
    finally:
        draft.unlink(missing_ok=True)
