"""Editing knowledge files in place: round-trip YAML that keeps comments, quotes and layout.

An edit is made on a copy of the knowledge directory first and validated there
in full; only a valid result replaces the live file (one atomic rename), so the
watcher of a running bot never sees a half-made or invalid edit.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.errors import KnowledgeError
from bot.knowledge import INTENTS_DIR, load_knowledge
from bot.render.echo import shown


@dataclass(frozen=True)
class EditResult:
    """Outcome of an edit: ok, whether the file changed, which file, and what to tell the admin."""

    ok: bool
    changed: bool
    message: str
    path: Path | None = None
    errors: tuple[str, ...] = ()


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
    for path in sorted((root / INTENTS_DIR).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if intent_id not in text:
            continue
        doc = yaml.load(text)
        for node in (doc or {}).get("intents") or ():
            if node.get("id") == intent_id:
                return path, doc, node
    return None


def validated_replace(root: Path, path: Path, text: str) -> list[str]:
    """Write `text` to `path` if the knowledge directory stays valid; else its errors.

    The directory is copied aside, the file replaced in the copy and the copy
    loaded in full; only then is the live file replaced atomically.
    """
    with tempfile.TemporaryDirectory(prefix="qabot-edit-") as tmp:
        shadow = Path(tmp) / root.name
        shutil.copytree(root, shadow, ignore=shutil.ignore_patterns("drafts", ".*"))
        (shadow / path.relative_to(root)).write_text(text, encoding="utf-8")
        try:
            load_knowledge(shadow)
        except KnowledgeError as exc:
            return [str(p).replace(str(shadow), str(root)) for p in exc.problems]
    write_atomic(path, text)
    return []


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` by `text` in one rename: a reader sees the old or the new file, whole."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_question(root: Path, intent_id: str, phrase: str, lang: str) -> EditResult:
    """Append `phrase` to the `lang` variants of `intent_id`, keeping the file's layout.

    Refused (and nothing written) when the intent is unknown, or the result
    would be invalid, e.g. the phrase already stands under another intent.
    """
    root = Path(root)
    phrase = shown(phrase, limit=None)  # one line, no control, zero-width or bidi characters
    if lang not in ("de", "en"):
        return EditResult(False, False, f"unknown language {lang!r} (de or en)")
    if not phrase:
        return EditResult(False, False, "empty question")
    found = find_intent(root, intent_id)
    if found is None:
        return EditResult(False, False, f"unknown intent {intent_id!r}")
    path, doc, node = found
    variants = node["questions"][lang]
    if any(" ".join(str(v).casefold().split()) == phrase.casefold() for v in variants):
        return EditResult(True, False, f"{intent_id} already has {phrase!r}", path)
    variants.append(phrase)
    errors = validated_replace(root, path, dump(round_trip_yaml(), doc))
    if errors:
        return EditResult(False, False, "refused: " + "; ".join(errors), path, tuple(errors))
    return EditResult(True, True, f"added {phrase!r} to {intent_id} ({lang}) in {path}", path)
