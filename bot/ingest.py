"""`qabot kb ingest`: register a new source and draft its statements with figures for review.

The text is copied to knowledge/sources/ID.txt and named in sources.yaml (a
source with nothing citing it changes no answer). The draft goes to
knowledge/drafts/ID.yaml, which the loader never reads: it is an intents file
whose answers and questions say TODO, one entry per sentence that states a
figure or names a body, each with its verbatim quote and paragraph (§N). An
admin completes the entries and moves them to knowledge/qa/; only then do they
go live (`qabot kb validate` checks the draft's quotes meanwhile).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from bot.errors import KnowledgeError
from bot.figures import figures
from bot.kb_edit import dump, edit_lock, round_trip_yaml, validated_replace, write_atomic
from bot.knowledge import SOURCES_FILE, _rel, data_within, load_knowledge, read_text_within
from bot.language import detect
from bot.lint import DRAFTS_DIR
from bot.render.echo import shown
from bot.settings import KnowledgeLimits

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"„“A-ZÄÖÜ0-9])")
# Named bodies: acronyms (HKPC, HKSTP, CFO) and names like "Hong Kong Productivity Council".
_BODY = re.compile(
    r"\b[A-Z][A-Z0-9+]{2,}s?\b|\b(?:[A-Z][a-z]+ ){2,}(?:Council|Parks?|Authority|Scheme)\b"
)
_ID = re.compile(r"[a-z0-9_]+")  # fullmatch: "$" would also match before a final "\n"
# A source id names a file (sources/<id>.txt) and stands in every citation; a title is
# shown with every citation of the source: longer ones were a file system error or an
# article's whole first paragraph (a text without a title line) in each answer.
MAX_ID_CHARS = 60
MAX_TITLE_CHARS = 200


class IngestError(Exception):
    """The article cannot be ingested (unknown file, id taken, invalid result)."""


@dataclass(frozen=True)
class Statement:
    """One sentence of the source worth a knowledge entry: where it stands and what it states."""

    locator: str
    quote: str
    figures: tuple[str, ...]
    bodies: tuple[str, ...]


@dataclass(frozen=True)
class IngestResult:
    source_file: Path
    draft: Path
    statements: tuple[Statement, ...]


def paragraphs(text: str) -> list[str]:
    """The source's paragraphs as the loader counts them: §N is the N-th non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def statements(text: str) -> list[Statement]:
    """Sentences that state a figure or name a body, each a verbatim slice of its paragraph."""
    out = []
    for n, para in enumerate(paragraphs(text), start=1):
        for sentence in _SENTENCE_END.split(para.lstrip("-–• ")):
            sentence = sentence.strip()
            if len(sentence) < 10 or sentence not in para:
                continue
            figs = tuple(dict.fromkeys(f.text for f in figures(sentence)))
            bodies = tuple(dict.fromkeys(m.group(0) for m in _BODY.finditer(sentence)))
            if figs or bodies:
                out.append(Statement(f"§{n}", sentence, figs, bodies))
    return out


def guess_lang(text: str) -> str:
    """The article's language, by the shared detector (German when it cannot tell)."""
    return detect(text, default="de")[0]


# What YAML allows nowhere in a file (not even quoted): DEL, the C1 controls but NEL, U+FFFE/F,
# lone surrogates. JSON leaves these raw; written as \uXXXX they read back as themselves.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_safe(text: str) -> str:
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _q(text: str) -> str:
    # a JSON string is a YAML double-quoted scalar, once what YAML has no room for is escaped
    return _yaml_safe(json.dumps(text, ensure_ascii=False))


def draft_yaml(source_id: str, items: list[Statement]) -> str:
    """The draft: an intents file to complete, one entry per statement."""
    lines = [
        f"# DRAFT from source {source_id!r}: not live. Complete each entry (questions,",
        "# answers; keep only what people would ask), then move it to knowledge/qa/.",
        "# `qabot kb validate` checks that every quote below stands verbatim in the source.",
        "intents:",
    ]
    for k, st in enumerate(items, start=1):
        notes = [*st.figures, *st.bodies]
        lines += [
            f"  - id: {source_id}.s{k}",
            f"    # {st.locator}; states: {_yaml_safe(', '.join(notes))}",
            "    questions:",
            '      de: ["TODO Frage auf Deutsch"]',
            '      en: ["TODO question in English"]',
            "    answer:",
            f"      de: {_q('TODO ' + st.quote)}",
            '      en: "TODO answer in English"',
            "    cite:",
            f"      - source: {source_id}",
            f'        locator: "{st.locator}"',
            f"        quote: {_q(st.quote)}",
            "",
        ]
    return "\n".join(lines)


def ingest(
    root: Path,
    article: Path,
    source_id: str,
    *,
    title: str | None = None,
    lang: str | None = None,
    limits: KnowledgeLimits | None = None,
) -> IngestResult:
    """Copy `article` in as source `source_id`, register it, write its draft; raises
    IngestError. The article is read, and the result checked, as the loader will with
    `limits` (the configured `[knowledge]`): a regular file, within max_file_bytes."""
    root, limits = Path(root), limits or KnowledgeLimits()
    if len(source_id) > MAX_ID_CHARS:
        raise IngestError(f"id of {len(source_id):,} characters: at most {MAX_ID_CHARS}")
    if not _ID.fullmatch(source_id):
        raise IngestError(f"id {source_id!r}: use lower-case letters, digits and _")
    try:
        # an editor's UTF-8 mark opening the file is no part of the text (nor of its title)
        text = read_text_within(Path(article), limits).removeprefix("\ufeff")
    except ValueError as exc:
        raise IngestError(f"{article}: {exc}") from exc
    try:
        with edit_lock(root):  # sources.yaml is read, changed and replaced
            return _ingest(root, article, source_id, text, title=title, lang=lang, limits=limits)
    except OSError as exc:  # no such directory, or one that cannot be written
        raise IngestError(f"cannot edit {root}: {exc}") from exc


def _unreadable_sources(root: Path, sources_path: Path, limits: KnowledgeLimits) -> str:
    """Why sources.yaml is no list of sources (a half-done edit), as `kb validate` says it:
    the loader's problems with their lines."""
    try:
        load_knowledge(root, limits)
    except KnowledgeError as exc:
        return "refused: " + "; ".join(str(p) for p in exc.problems)
    return f"refused: {sources_path}:0: no list of sources"


def _ingest(
    root: Path,
    article: Path,
    source_id: str,
    text: str,
    *,
    title: str | None,
    lang: str | None,
    limits: KnowledgeLimits,
) -> IngestResult:
    yaml = round_trip_yaml()
    sources_path = root / SOURCES_FILE
    try:
        # read and parsed as the loader does first: a FIFO, a file over the size caps or with
        # aliases that write out over them is the loader's to report, not data to walk
        sources_text = read_text_within(sources_path, limits)
        data_within(sources_text, _rel(sources_path, root), limits)
        doc = yaml.load(sources_text)
    except (ValueError, YAMLError):
        doc = None
    entries = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(isinstance(s, dict) for s in entries):
        raise IngestError(_unreadable_sources(root, sources_path, limits))
    if any(str(s.get("id")) == source_id for s in entries):
        raise IngestError(f"source id {source_id!r} is taken in {sources_path}")
    target = root / "sources" / f"{source_id}.txt"
    draft = root / DRAFTS_DIR / f"{source_id}.yaml"
    for path in (target, draft):
        if path.exists():
            raise IngestError(f"{path} exists already")
    paras = paragraphs(text)
    if not paras:
        raise IngestError(f"{article} is empty")
    entry = CommentedMap()
    entry["id"] = source_id
    entry["file"] = f"sources/{source_id}.txt"
    # one visible line: control, zero-width and bidi characters dropped (a NUL, an ESC)
    entry["title"] = shown(title or paras[0], limit=None)
    if not entry["title"]:
        raise IngestError(f"{article}: its first line has no words for a title: give --title")
    if len(entry["title"]) > MAX_TITLE_CHARS:
        whose = "the title" if title else f"{article}: its first line"
        too_long = f"{whose} is over {MAX_TITLE_CHARS} characters"
        raise IngestError(too_long + ("" if title else ": give --title"))
    entry["lang"] = lang or guess_lang(text)
    doc["sources"].append(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text)
    errors = validated_replace(root, sources_path, dump(yaml, doc), limits)
    if errors:
        target.unlink()
        raise IngestError("; ".join(errors))
    items = statements(text)
    draft.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(draft, draft_yaml(source_id, items))
    return IngestResult(target, draft, tuple(items))
