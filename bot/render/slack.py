"""Slack renderer: Answer / StatReply → Block Kit payload (plain dicts, no SDK import).

Every string that reaches Slack passes through `safe()`: `&`, `<`, `>` are
escaped (so no `<!channel>`, `<@U…>` or link markup can survive) and the
plain-text broadcasts `@channel`, `@here`, `@everyone` get a zero-width joiner.
Block Kit limits are respected by clipping, never by letting Slack reject.
"""

from __future__ import annotations

import re
from typing import Any

from bot.answer import Answer, Citation, StatReply, StatRow

Payload = dict[str, Any]

# Block Kit limits (https://docs.slack.dev/reference/block-kit/).
SECTION_MAX = 3000
CONTEXT_ELEMENTS_MAX = 10
BLOCKS_MAX = 50
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
HEADER_MAX = 150
TEXT_MAX = 3900  # top-level fallback text; Slack advises staying under 4,000

SUGGEST_ACTION_PREFIX = "qabot_suggest_"
SUGGESTIONS_MAX = 5

ZWJ = "\u200d"
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "did_you_mean": "Did you mean…",
        "as_of": "as of",
        "source": "Source",
        "stat_title": "Key statistics",
        "stat_none": "I have no statistic on “{topic}”.",
        "stat_closest": "Closest topics: {topics}",
        "stat_hint": "`/stat TOPIC` shows one statistic with the sentence it comes from.",
        "kb_refused": "Sorry, only qabot admins can use `/kb`.",
        "kb_usage": "Usage: `/kb status` or `/kb reload` (admins only).",
        "kb_status": "*Knowledge base* `{hash}`\n"
        "{intents} questions ({variants} phrasings), {facts} statistics, loaded {loaded_at}.",
        "kb_reloaded": "Reloaded: `{old}` → `{new}`.",
        "kb_unchanged": "Reloaded: nothing changed (`{hash}`).",
        "kb_failed": "Reload refused, the running knowledge stays (`{hash}`):",
        "kb_last_reload": "Last reload: {when} ({outcome}).",
        "help": "*qabot* answers questions about the article “Hongkongs Aufstieg: KI-Hotspot "
        "löst internationales Investoreninteresse aus!”, and cites the sentence each answer "
        "comes from.\n"
        "• Mention me in a channel, e.g. `@qabot How many companies struggle to hire AI "
        "talent?`; I answer in the thread.\n"
        "• Or send me a direct message.\n"
        "• `/ask QUESTION`: ask from any channel.\n"
        "• `/stat`: the key statistics; `/stat TOPIC`: one statistic with its source.\n"
        "Slash commands do not work inside threads (a Slack limitation): in a thread, "
        "mention me instead.",
    },
    "de": {
        "did_you_mean": "Meinten Sie…",
        "as_of": "Stand",
        "source": "Quelle",
        "stat_title": "Kennzahlen",
        "stat_none": "Zu „{topic}“ habe ich keine Kennzahl.",
        "stat_closest": "Nächste Themen: {topics}",
        "stat_hint": "`/stat THEMA` zeigt eine Kennzahl mit dem Satz, aus dem sie stammt.",
        "kb_refused": "Entschuldigung, `/kb` dürfen nur qabot-Admins verwenden.",
        "kb_usage": "Verwendung: `/kb status` oder `/kb reload` (nur Admins).",
        "kb_status": "*Wissensbasis* `{hash}`\n"
        "{intents} Fragen ({variants} Formulierungen), {facts} Kennzahlen, geladen {loaded_at}.",
        "kb_reloaded": "Neu geladen: `{old}` → `{new}`.",
        "kb_unchanged": "Neu geladen: keine Änderung (`{hash}`).",
        "kb_failed": "Neuladen abgelehnt, das laufende Wissen bleibt (`{hash}`):",
        "kb_last_reload": "Letztes Neuladen: {when} ({outcome}).",
        "help": "*qabot* beantwortet Fragen zum Artikel „Hongkongs Aufstieg: KI-Hotspot löst "
        "internationales Investoreninteresse aus!“ und zitiert den Satz, aus dem jede "
        "Antwort stammt.\n"
        "• Erwähnen Sie mich in einem Kanal, z. B. `@qabot Wie viele Unternehmen finden "
        "keine KI-Fachkräfte?`; ich antworte im Thread.\n"
        "• Oder schreiben Sie mir eine Direktnachricht.\n"
        "• `/ask FRAGE`: fragen Sie aus jedem Kanal.\n"
        "• `/stat`: die Kennzahlen; `/stat THEMA`: eine Kennzahl mit Quelle.\n"
        "Slash-Befehle funktionieren in Threads nicht (eine Grenze von Slack): "
        "erwähnen Sie mich dort stattdessen.",
    },
}


def words(lang: str) -> dict[str, str]:
    """The user-facing words in `lang` (English when unknown)."""
    return WORDS.get(lang, WORDS["en"])


# ---------------------------------------------------------------- text safety


def escape(text: str) -> str:
    """Slack's three control characters as entities: `&`, `<`, `>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise(text: str) -> str:
    """Break `@channel`, `@here`, `@everyone` with a zero-width joiner so they cannot ping."""
    return _BROADCAST.sub(lambda m: "@" + ZWJ + m.group(1), text)


def safe(text: str) -> str:
    """Text fit to send: escaped and neutralised."""
    return neutralise(escape(text))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in `…` when cut; never splits an `&…;` entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _mrkdwn(text: str, limit: int = SECTION_MAX) -> dict[str, str]:
    return {"type": "mrkdwn", "text": clip(text, limit) or " "}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(texts: list[str]) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(t) for t in texts[:CONTEXT_ELEMENTS_MAX]]}


def _payload(text: str, blocks: list[dict[str, Any]]) -> Payload:
    return {"text": clip(text, TEXT_MAX) or " ", "blocks": blocks[:BLOCKS_MAX]}


def notice(text: str) -> Payload:
    """A one-section message from trusted mrkdwn (our own words), made safe anyway."""
    return _payload(neutralise(text), [_section(neutralise(text))])


# ---------------------------------------------------------------- citations


def _locator(citation: Citation) -> str:
    loc = citation.locator
    return loc if loc.startswith("§") or not loc.isdigit() else f"§{loc}"


def _citation_mrkdwn(n: int, citation: Citation, lang: str) -> str:
    title = citation.source_title or citation.source
    parts = [f"*[{n}]* {safe(title)}", _locator(citation), f"_“{safe(citation.quote)}”_"]
    if citation.as_of:
        parts.append(f"{words(lang)['as_of']} {safe(citation.as_of)}")
    return " · ".join(parts)


def _citation_plain(n: int, citation: Citation, lang: str) -> str:
    title = citation.source_title or citation.source
    line = f"[{n}] {safe(title)} {_locator(citation)}: “{safe(citation.quote)}”"
    if citation.as_of:
        line += f" ({words(lang)['as_of']} {safe(citation.as_of)})"
    return line


# ---------------------------------------------------------------- answers


def suggestion_value(intent: str, lang: str) -> str:
    """The button value of a suggestion: `intent|lang`."""
    return f"{intent}|{lang}"


def parse_suggestion_value(value: str) -> tuple[str, str]:
    """(intent, lang) from a button value; lang defaults to English."""
    intent, _, lang = value.partition("|")
    return intent, lang or "en"


def render_answer(answer: Answer) -> Payload:
    """Answer section, citation context, then "did you mean" buttons."""
    body = safe(answer.text)
    blocks: list[dict[str, Any]] = [_section(body)]
    plain = [body]
    if answer.citations:
        cites = list(enumerate(answer.citations[:CONTEXT_ELEMENTS_MAX], start=1))
        blocks.append(_context([_citation_mrkdwn(n, c, answer.lang) for n, c in cites]))
        plain += [_citation_plain(n, c, answer.lang) for n, c in cites]
    suggestions = [s for s in answer.suggestions if s.intent][:SUGGESTIONS_MAX]
    if suggestions:
        blocks.append(_section(words(answer.lang)["did_you_mean"]))
        blocks.append({"type": "actions", "elements": _buttons(suggestions, answer.lang)})
        plain.append(words(answer.lang)["did_you_mean"])
        plain += [f"• {safe(s.question)}" for s in suggestions]
    return _payload("\n".join(plain), blocks)


def _buttons(suggestions: list[Any], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "button",
            "action_id": f"{SUGGEST_ACTION_PREFIX}{n}",
            "text": {"type": "plain_text", "text": clip(safe(s.question), BUTTON_TEXT_MAX)},
            "value": clip(suggestion_value(s.intent, lang), BUTTON_VALUE_MAX),
        }
        for n, s in enumerate(suggestions)
    ]


# ---------------------------------------------------------------- statistics


def _stat_value(row: StatRow, lang: str) -> str:
    value = safe(row.value)
    if row.as_of:
        value += f" ({words(lang)['as_of']} {safe(row.as_of)})"
    return value


def render_stat(reply: StatReply) -> Payload:
    """The table (no topic), the matching statistics with citations, or the closest topics."""
    w = words(reply.lang)
    if not reply.rows:
        return _render_stat_miss(reply)
    if reply.topic is None:
        return _render_stat_table(reply)
    blocks: list[dict[str, Any]] = []
    plain: list[str] = []
    for n, row in enumerate(reply.rows[: (BLOCKS_MAX - 1) // 2], start=1):
        line = f"*{safe(row.label)}*: {_stat_value(row, reply.lang)}"
        blocks += [_section(line), _context([_citation_mrkdwn(n, row.citation, reply.lang)])]
        plain += [f"{safe(row.label)}: {_stat_value(row, reply.lang)}"]
        plain += [_citation_plain(n, row.citation, reply.lang)]
    blocks.append(_context([w["stat_hint"]]))
    return _payload("\n".join(plain), blocks)


def _render_stat_table(reply: StatReply) -> Payload:
    w = words(reply.lang)
    lines = [
        f"• *{safe(r.label)}*: {_stat_value(r, reply.lang)} · {_locator(r.citation)}"
        for r in reply.rows
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": w["stat_title"]}}
    ]
    chunk: list[str] = []
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > SECTION_MAX:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    titles = sorted({safe(r.citation.source_title or r.citation.source) for r in reply.rows})
    blocks = blocks[: BLOCKS_MAX - 1]
    blocks.append(_context([f"{w['source']}: {'; '.join(titles)}", w["stat_hint"]]))
    plain = [w["stat_title"]] + [
        f"• {safe(r.label)}: {_stat_value(r, reply.lang)}" for r in reply.rows
    ]
    return _payload("\n".join(plain), blocks)


def _render_stat_miss(reply: StatReply) -> Payload:
    w = words(reply.lang)
    text = w["stat_none"].format(topic=safe(reply.topic or ""))
    if reply.suggestions:
        topics = ", ".join(f"`{safe(t)}`" for t in reply.suggestions[:10])
        text += "\n" + w["stat_closest"].format(topics=topics)
    blocks = [_section(text), _context([w["stat_hint"]])]
    return _payload(text.replace("`", ""), blocks)


# ---------------------------------------------------------------- help, refusals


def render_help(lang: str) -> Payload:
    """What qabot does and how to use it here."""
    return notice(words(lang)["help"])


def render_refusal(lang: str) -> Payload:
    """The /kb refusal for anyone who is not an admin."""
    return notice(words(lang)["kb_refused"])


def render_kb_usage(lang: str) -> Payload:
    """How to call /kb."""
    return notice(words(lang)["kb_usage"])
