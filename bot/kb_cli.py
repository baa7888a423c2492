"""`qabot kb …`: validate (with lint), status, unanswered, add-question, ingest.

Kept apart from bot.cli so that `qabot ask` imports none of it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.errors import KnowledgeError, printable
from bot.jsonlines import json_line
from bot.render.echo import add_question_command
from bot.service import QABot
from bot.settings import Settings

EXIT_OK, EXIT_INVALID, EXIT_BROKEN = 0, 1, 2


def validate(root: Path, settings: Settings, *, strict: bool = False) -> int:
    """Errors (schema, citations) → exit 1; lint warnings are printed, exit 1 only if strict."""
    from bot.knowledge import load_knowledge
    from bot.lint import lint

    try:
        kb = load_knowledge(root, settings.knowledge)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem)
        return EXIT_INVALID
    findings = lint(Path(root), kb, settings)
    for finding in findings:
        print(finding)
    print(
        f"{root}: ok — {len(kb.intents)} intents, {len(kb.facts)} facts, "
        f"{kb.variant_count} question variants, hash {kb.content_hash}"
        + (f"; {len(findings)} warning(s)" if findings else "")
    )
    return EXIT_INVALID if strict and findings else EXIT_OK


def status(bot: QABot, args: argparse.Namespace) -> int:
    from bot.render.plain import render_status

    print(render_status(bot.status()))
    return EXIT_OK


def unanswered(bot: QABot, args: argparse.Namespace) -> int:
    from bot.unanswered import LogUnavailable

    try:
        groups = bot.triage(limit=args.limit)
    except LogUnavailable as exc:
        print(f"qabot: {printable(exc)}", file=sys.stderr)  # it names the configured path
        return EXIT_BROKEN
    if args.json:
        for group in groups:
            print(json_line(group.to_json()))
        return EXIT_OK
    if not groups:
        off = "" if bot.settings.unanswered.enabled else " (logging is off: [unanswered] enabled)"
        print(f"nothing unanswered in {printable(bot.unanswered.where)}{off}")
        return EXIT_OK
    for n, g in enumerate(groups, start=1):
        proposal = f"{g.intent} ({g.score:.2f})" if g.intent else "no close intent"
        print(f"{n:>2}. ×{g.count}  {g.question!r}  [{g.lang}] → {proposal}")
        if g.down_votes:
            given = ", ".join(g.voted_down) or "-"
            print(f"      voted down ×{g.down_votes} on the answer {given}")
        for other in g.questions[1:4]:
            print(f"      also: {other!r}")
        if g.intent:
            kb = bot.settings.pasted_knowledge_dir()
            print("      " + add_question_command(g.intent, g.question, g.lang, kb))
    return EXIT_OK


def add_question(settings: Settings, args: argparse.Namespace) -> int:
    """Edit the YAML file; a running bot's watcher picks the change up. The knowledge is
    not loaded here (seconds on a large base): the edit checks what it changes."""
    from bot.kb_edit import add_question as add
    from bot.kb_edit import guess_language

    root = settings.knowledge_dir
    if not Path(root).is_dir():
        print(f"{root}: knowledge directory not found", file=sys.stderr)
        return EXIT_BROKEN
    lang = args.lang or guess_language(
        root, args.intent, args.phrase, settings.default_lang, settings.knowledge
    )
    result = add(
        root, args.intent, args.phrase, lang, settings.knowledge, settings.max_question_chars
    )
    print(result.message)
    return EXIT_OK if result.ok else EXIT_INVALID


def ingest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ingest import IngestError, ingest

    try:
        result = ingest(
            settings.knowledge_dir,
            args.article,
            args.id,
            title=args.title,
            lang=args.lang,
            limits=settings.knowledge,
        )
    except IngestError as exc:
        print(f"qabot kb ingest: {exc}")
        return EXIT_INVALID
    print(f"source {args.id}: {result.source_file} (registered in sources.yaml)")
    print(f"draft: {result.draft} — {len(result.statements)} statements with figures or bodies")
    print("Complete the draft, move its entries to knowledge/qa/, then `qabot kb validate`.")
    return EXIT_OK


COMMANDS = {
    "status": status,
    "unanswered": unanswered,
}
