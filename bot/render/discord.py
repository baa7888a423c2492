"""Discord renderer: Answer, StatReply and KB status as embed dicts within Discord's limits.

Pure functions, no discord.py import: the adapter turns each dict into a
`discord.Embed` with `Embed.from_dict`. A reply may need several messages
(Discord allows 10 embeds and 6,000 characters per message); every function
returns a list of `DiscordReply`, the first sent as the reply and the rest as
follow-ups. Long text is split at paragraph, line, sentence or word
boundaries, never cut mid-word unless a single word is longer than the limit.
What a user typed is shown through `literal` (plain words), `code_span` or
`code_block` (code its content cannot close).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.answer import Answer, Citation, StatReply, StatRow
from bot.messages import msg
from bot.render import echo, plain

if TYPE_CHECKING:
    from pathlib import Path

    from bot.answer import Group, KBStatus, ReloadResult
    from bot.kb_edit import EditResult

# Discord's documented limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
FIELDS_MAX = 25
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000
CHOICE_MAX = 100  # autocomplete choice name and value
# An answer's text is cut here: long answers still fit (two embeds), while a message that
# repeats a question ("hpc? " × 799: one part each) no longer posts dozens of messages.
ANSWER_TEXT_MAX = 2 * DESCRIPTION_MAX
CHOICES_MAX = 25
# Message components (https://discord.com/developers/docs/components/reference).
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
BUTTONS_PER_ROW = 5
ROWS_MAX = 5
BUTTONS_MAX = BUTTONS_PER_ROW * ROWS_MAX
GROUPS_SHOWN = BUTTONS_MAX  # /kb unanswered: a group a button, in one listing

# The custom_id of an `/kb unanswered` attach button: this prefix and the group's key.
ATTACH_PREFIX = "qabot_attach:"
ATTACH_TEMPLATE = r"qabot_attach:(?P<key>[0-9a-f]{1,40})"

COLOR_ANSWERED = 0x2B8A3E
COLOR_UNSURE = 0x868E96
COLOR_REFUSED = 0xE67700
COLOR_INFO = 0x1971C2

ELLIPSIS = "…"
# The ASCII marks Discord's Markdown acts on (emphasis, spoiler, code, quote, heading, list,
# masked link, mention); a backslash before one shows it as itself.
_MARKDOWN = re.compile(r"([\\*_~`|>#\-\[\]()<])")
ZWSP = "\u200b"
TABLE_QUOTE_MAX = 220  # a quote in the /stat table is trimmed; the single-topic view shows it all

Embed = dict[str, Any]

# Words only the Discord adapter uses; everything shared comes from bot.messages.
WORDS: dict[str, dict[str, str]] = {
    "command_outdated": {
        "en": "This command is out of date: Discord offered a version this bot no longer has. "
        "Reload Discord (Ctrl-R) and try again.",
        "de": "Dieser Befehl ist veraltet: Discord bot eine Version an, die dieser Bot nicht "
        "mehr hat. Lade Discord neu (Strg-R) und versuch es noch einmal.",
    },
    "stat_one": {"en": "Statistic: {label}", "de": "Kennzahl: {label}"},
    "continued": {"en": "(continued)", "de": "(Fortsetzung)"},
    "ask_pointer": {
        "en": "I can't read messages here. Ask me with `/ask question:…`, or see the key "
        "figures with `/stat`.",
        "de": "Ich kann hier keine Nachrichten lesen. Frag mich mit `/ask question:…`, oder "
        "sieh dir die wichtigsten Zahlen mit `/stat` an.",
    },
    "kb_unanswered_hint": {
        "en": "Attach a group to its proposed intent with its button below, or with "
        '`qabot kb add-question INTENT "question"`.',
        "de": "Eine Gruppe mit ihrem Button unten an den vorgeschlagenen Intent anhängen, oder mit "
        '`qabot kb add-question INTENT "Frage"`.',
    },
    "kb_command_too_long": {
        "en": "(the command is too long to show here; `qabot kb unanswered` prints it)",
        "de": "(der Befehl ist zu lang für hier; `qabot kb unanswered` gibt ihn aus)",
    },
    "kb_attach": {"en": "“{question}” → {intent}", "de": "„{question}“ → {intent}"},
    "kb_attached": {
        "en": "Attached “{question}” to `{intent}` ({qlang}); the knowledge is reloaded.",
        "de": "„{question}“ an `{intent}` angehängt ({qlang}); das Wissen ist neu geladen.",
    },
    "kb_attached_not_live": {
        "en": "Attached “{question}” to `{intent}` ({qlang}), but the reload failed, so the bot "
        "answers from the knowledge it had: {reason}",
        "de": "„{question}“ an `{intent}` angehängt ({qlang}), aber das Neuladen ist "
        "fehlgeschlagen; der Bot antwortet mit dem bisherigen Wissen: {reason}",
    },
    "kb_attach_unchanged": {
        "en": "Nothing to do: `{intent}` already has “{question}”.",
        "de": "Nichts zu tun: `{intent}` hat „{question}“ schon.",
    },
    "kb_attach_refused": {
        "en": "Not attached: {reason}",
        "de": "Nicht angehängt: {reason}",
    },
    "kb_attach_gone": {
        "en": "That group is no longer open. Run `/kb action:unanswered` again.",
        "de": "Diese Gruppe ist nicht mehr offen. Führe `/kb action:unanswered` erneut aus.",
    },
}


@dataclass(frozen=True)
class Button:
    """One button: its custom_id (≤ 100) and label (≤ 80); the adapter makes the component."""

    custom_id: str
    label: str


@dataclass(frozen=True)
class DiscordReply:
    """One Discord message: optional plain content (≤ 2,000), up to 10 embeds (≤ 6,000) and
    up to 25 buttons (5 rows of 5)."""

    content: str | None = None
    embeds: tuple[Embed, ...] = field(default=())
    buttons: tuple[Button, ...] = field(default=())


def word(key: str, lang: str | None, **values: object) -> str:
    """A user-facing phrase in `lang`: this platform's own words first, then bot.messages."""
    return msg(key, lang or "en", local=WORDS, **values)


def clip(text: str, limit: int) -> str:
    """`text` trimmed to `limit` characters at a word boundary, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


_BREAKS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])\s+"),
    re.compile(r"\s+"),
)


def literal(text: str, limit: int | None = echo.ECHO_MAX) -> str:
    """What a user typed, as words only: echoed (one line, nothing hidden), every Markdown
    mark escaped, broadcasts broken. (discord.utils.escape_markdown leaves the second of
    two masked links on a line working, so every mark is escaped here.)"""
    return echo.neutralise(_MARKDOWN.sub(r"\\\1", echo.echoed(text, limit)))


def _single_backticks(text: str) -> str:
    """No two backticks in a row (a zero-width space between), so no fence can be closed."""
    return re.sub(r"`(?=`)", "`" + ZWSP, text)


def code_span(text: str) -> str:
    """`text` (one line, nothing hidden) as inline code that its content cannot close."""
    inner = _single_backticks(echo.shown(text, limit=None))
    fence = "``" if "`" in inner else "`"
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def code_block(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """`text` (its lines, nothing hidden) as a code block that its content cannot close,
    at most `limit` characters, fences included."""
    lines = "\n".join(echo.shown(line, limit=None) for line in text.splitlines())
    return f"```\n{clip(_single_backticks(lines), limit - 8)}\n```"


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into chunks of at most `limit` characters at the coarsest natural break."""
    text = text.strip()
    chunks: list[str] = []
    while len(text) > limit:
        head = text[: limit + 1]
        cut = 0
        for pattern in _BREAKS:
            ends = [m for m in pattern.finditer(head) if 0 < m.start() <= limit]
            if ends and ends[-1].start() > limit // 3:
                cut = ends[-1].start()
                break
        if cut == 0:
            cut = limit  # one unbroken run of text: a hard cut is all that is left
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks


def embed_size(embed: Embed) -> int:
    """Characters that count towards Discord's 6,000 per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", ()))


def pack(embeds: Iterable[Embed], *, content: str | None = None) -> list[DiscordReply]:
    """Group embeds into as few messages as the per-message limits allow."""
    replies: list[DiscordReply] = []
    batch: list[Embed] = []
    total = 0
    for embed in embeds:
        size = embed_size(embed)
        if batch and (len(batch) == EMBEDS_PER_MESSAGE or total + size > EMBED_TOTAL_MAX):
            replies.append(DiscordReply(embeds=tuple(batch)))
            batch, total = [], 0
        batch.append(embed)
        total += size
    if batch or not replies:
        replies.append(DiscordReply(embeds=tuple(batch)))
    if content is not None:
        replies[0] = DiscordReply(content=clip(content, CONTENT_MAX), embeds=replies[0].embeds)
    return replies


def build_embeds(
    description: str,
    fields: Sequence[tuple[str, str]],
    *,
    color: int,
    title: str | None = None,
    footer: str | None = None,
    lang: str | None = None,
) -> list[Embed]:
    """Embeds for a description and fields, split over as many embeds as the limits need."""
    embeds: list[Embed] = []
    for i, chunk in enumerate(split_text(description, DESCRIPTION_MAX) or [""]):
        embed: Embed = {"type": "rich", "color": color}
        if title:
            embed["title"] = clip(
                title if i == 0 else f"{title} {word('continued', lang)}", TITLE_MAX
            )
        if chunk:
            embed["description"] = chunk
        embeds.append(embed)
    for name, value in fields:
        item = {"name": clip(name, FIELD_NAME_MAX), "value": clip(value, FIELD_VALUE_MAX)}
        last = embeds[-1]
        held = last.get("fields", [])
        room = EMBED_TOTAL_MAX - embed_size(last)
        if len(held) >= FIELDS_MAX or len(item["name"]) + len(item["value"]) > room:
            last = {"type": "rich", "color": color}
            embeds.append(last)
        last.setdefault("fields", []).append({**item, "inline": False})
    room = EMBED_TOTAL_MAX - embed_size(embeds[-1])
    if footer and room > len(ELLIPSIS):
        embeds[-1]["footer"] = {"text": clip(footer, min(FOOTER_MAX, room))}
    return embeds


def quote_block(quote: str, limit: int) -> str:
    """A quote as a Markdown block quote on one line, trimmed to `limit`."""
    return "> " + clip(" ".join(quote.split()), limit - 2)


def citation_name(index: int | None, citation: Citation, lang: str) -> str:
    """Field name of a citation: `[1] Source §5 · as of November 2023`."""
    parts = [
        f"[{index}] " if index is not None else "",
        word("source", lang),
        " ",
        citation.locator,
    ]
    if citation.as_of:
        parts.append(f" · {word('as_of', lang)} {citation.as_of}")
    return "".join(parts)


def answer_replies(answer: Answer) -> list[DiscordReply]:
    """An answer as embeds: the text, one field per citation, then any suggestions."""
    lang = answer.lang
    fields = [
        (citation_name(i, c, lang), quote_block(c.quote, FIELD_VALUE_MAX))
        for i, c in enumerate(answer.citations, start=1)
    ]
    if answer.suggestions and not plain.suggestions_listed(answer):  # the text may list them
        lines = "\n".join(f"• {s.question}" for s in answer.suggestions)
        fields.append((word("abstain_suggest", lang), lines))
    if answer.answered:
        color = COLOR_ANSWERED
    elif answer.kind in ("refused", "rate_limited"):
        color = COLOR_REFUSED
    else:
        color = COLOR_UNSURE
    footer = answer.citations[0].source_title if answer.citations else None
    return pack(
        build_embeds(
            clip(answer.text, ANSWER_TEXT_MAX),
            fields[:FIELDS_MAX],
            color=color,
            footer=footer,
            lang=lang,
        )
    )


def _row_field(row: StatRow, lang: str, quote_max: int) -> tuple[str, str]:
    meta = row.citation.locator
    as_of = row.as_of or row.citation.as_of
    if as_of:
        meta += f" · {word('as_of', lang)} {as_of}"
    value = f"**{row.value}**\n{quote_block(row.citation.quote, quote_max)}\n{meta}"
    return row.label, value


def stat_replies(reply: StatReply) -> list[DiscordReply]:
    """`/stat`: the table of key statistics, the matching one(s), or close topics."""
    lang = reply.lang
    if not reply.matched:
        topics = ", ".join(f"`/stat {s}`" for s in reply.suggestions) or "–"
        text = word("stat_unknown", lang, topic=literal(reply.topic or ""), choices=topics)
        return pack(build_embeds(text, [], color=COLOR_UNSURE, lang=lang))
    if reply.topic:
        title = word("stat_one", lang, label=reply.rows[0].label)
        quote_max = FIELD_VALUE_MAX
    else:
        title = word("stat_title", lang)
        quote_max = TABLE_QUOTE_MAX
    fields = [_row_field(row, lang, quote_max) for row in reply.rows]
    footer = reply.rows[0].citation.source_title
    embeds = build_embeds("", fields, color=COLOR_INFO, title=title, footer=footer, lang=lang)
    return pack(embeds)


def notice(key: str, lang: str | None) -> DiscordReply:
    """A short plain-text message (refusal, pointer, error) in `lang`."""
    return DiscordReply(content=clip(word(key, lang), CONTENT_MAX))


def status_replies(status: KBStatus, lang: str | None) -> list[DiscordReply]:
    """`/kb status`: what is loaded, since when, and how the last reload went."""
    rows = [
        ("content hash", f"`{status.content_hash}`"),
        ("intents / facts / variants", f"{status.intents} / {status.facts} / {status.variants}"),
        ("loaded at", status.loaded_at),
    ]
    if status.last_reload is not None:
        r = status.last_reload
        summary = code_block(r.summary(), FIELD_VALUE_MAX)
        rows.append((f"last reload ({r.trigger}, {r.at})", summary))
    if status.last_error is not None:
        errors = code_block("\n".join(status.last_error.errors), FIELD_VALUE_MAX)
        rows.append((f"last error ({status.last_error.at})", errors))
    fields = [(name, value or "–") for name, value in rows]
    return pack(build_embeds("", fields, color=COLOR_INFO, title=word("kb_status", lang)))


def reload_replies(result: ReloadResult, lang: str | None) -> list[DiscordReply]:
    """`/kb reload`: the outcome, with the file:line errors when it failed."""
    title = word("kb_reloaded" if result.ok else "kb_reload_failed", lang)
    color = COLOR_INFO if result.ok else COLOR_REFUSED
    text = code_block(result.summary())
    return pack(build_embeds(text, [], color=color, title=title, lang=lang))


def unanswered_replies(
    groups: Sequence[Group] | None,
    lang: str | None,
    kb: Path | None = None,
    *,
    logging: bool = True,
) -> list[DiscordReply]:
    """`/kb unanswered`: the top groups with their proposed intent and the command to attach
    (naming the knowledge directory `kb` when it is not the project's; None: the log
    cannot be read now; `logging` off: nothing is logged at all)."""
    if groups is None:
        return [notice("kb_unanswered_unavailable", lang)]
    if not groups:
        empty = "kb_unanswered_none" if logging else "kb_unanswered_off"
        return pack(build_embeds(word(empty, lang), [], color=COLOR_INFO))
    # As many groups as one message has buttons: `admin.unanswered_groups` may be 1,000,
    # which was 125 follow-up messages, and only the last 25 groups had their button.
    more = len(groups) - GROUPS_SHOWN
    total = len(groups)
    groups = groups[:GROUPS_SHOWN]
    fields = []
    for g in groups:
        proposal = f"→ `{g.intent}` ({g.score:.2f})" if g.intent else "→ –"
        if g.down_votes:
            intents = ", ".join(f"`{i}`" for i in g.voted_down) or "–"
            votes = word("kb_voted_down", lang, count=g.down_votes, intents=intents)
            proposal = f"{votes}\n{proposal}"
        if g.intent:
            # Shown whole or not at all: a cut command is no command, and a cut span's
            # closing backtick is gone, so what the asker typed would read as Markdown.
            command = code_span(echo.add_question_command(g.intent, g.question, g.lang, kb))
            fits = len(proposal) + 1 + len(command) <= FIELD_VALUE_MAX
            proposal += "\n" + (command if fits else word("kb_command_too_long", lang))
        fields.append((f"×{g.count} {literal(g.question)}", proposal))
    title = word("kb_unanswered", lang)
    hint = word("kb_unanswered_hint", lang)
    if more > 0:
        hint += "\n" + word("kb_unanswered_more", lang, count=more, total=total)
    replies = pack(build_embeds(hint, fields, color=COLOR_INFO, title=title, lang=lang))
    buttons = tuple(attach_button(g, lang) for g in groups if g.intent)[:BUTTONS_MAX]
    replies[-1] = replace(replies[-1], buttons=buttons)
    return replies


def attach_button(group: Group, lang: str | None) -> Button:
    """The button that attaches `group`'s question to its proposed intent (custom_id: its key)."""
    intent = group.intent or ""
    room = BUTTON_LABEL_MAX - len(word("kb_attach", lang, question="", intent=intent))
    question = clip(echo.shown(group.question, limit=None), max(room, 12))
    label = clip(word("kb_attach", lang, question=question, intent=intent), BUTTON_LABEL_MAX)
    return Button(custom_id=(ATTACH_PREFIX + group.key)[:CUSTOM_ID_MAX], label=label)


def attach_replies(
    result: EditResult, intent: str, question: str, lang: str, ui_lang: str | None
) -> list[DiscordReply]:
    """The outcome of an attach click: attached (and live, or not: the reload after it
    failed), already there, or refused with the reason."""
    values = {"intent": intent, "question": literal(question, 300), "qlang": lang}
    if result.ok and result.reload_errors:
        reason = literal(result.reload_errors[0], limit=CONTENT_MAX // 2)
        return [notice_text(word("kb_attached_not_live", ui_lang, reason=reason, **values))]
    if result.ok:
        key = "kb_attached" if result.changed else "kb_attach_unchanged"
        return [notice_text(word(key, ui_lang, **values))]
    reason = literal(result.message, limit=CONTENT_MAX // 2)
    return [notice_text(word("kb_attach_refused", ui_lang, reason=reason))]


def notice_text(text: str) -> DiscordReply:
    """`text` as a plain message, trimmed to Discord's 2,000 characters."""
    return DiscordReply(content=clip(text, CONTENT_MAX))


def choices(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Autocomplete (name, value) pairs trimmed to Discord's 25 choices of 100 characters."""
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        if len(out) == CHOICES_MAX:
            break
        out.append((clip(name, CHOICE_MAX), value[:CHOICE_MAX]))
    return out
