"""Slack renderer: Answer / StatReply → Block Kit payload (plain dicts, no SDK import).

Every string that reaches Slack passes through `safe()`: `&`, `<`, `>` are
escaped (so no `<!channel>`, `<@U…>` or link markup can survive) and the
plain-text broadcasts `@channel`, `@here`, `@everyone` get a zero-width joiner.
What a user typed goes through `literal()` as well (mrkdwn has no escape
character, so its marks become look-alikes), and text inside a code block
through `code()`, which it cannot close. Block Kit limits are respected by
clipping, never by letting Slack reject.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.answer import Answer, Citation, StatReply, StatRow, Suggestion
from bot.messages import msg
from bot.render import echo, plain

if TYPE_CHECKING:
    from bot.answer import Group, KBStatus, ReloadResult
    from bot.kb_edit import EditResult

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
ATTACH_ACTION_PREFIX = "qabot_attach_"
SUGGESTIONS_MAX = 5

# mrkdwn's marks (bold, italic, strike, code) and the look-alikes user text shows instead.
_MARKS = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})

# Words only the Slack adapter uses; everything shared comes from bot.messages.
WORDS: dict[str, dict[str, str]] = {
    "help_slack": {
        "en": "Mention me in a channel (`@qabot your question`) and I answer in the thread; "
        "there, ask on without mentioning me (“source?”). Or send me a direct message. "
        "Slash commands don't work inside threads.",
        "de": "Erwähne mich in einem Kanal (`@qabot deine Frage`), dann antworte ich im Thread; "
        "dort geht es ohne Erwähnung weiter („Quelle?“). Oder schick mir eine Direktnachricht. "
        "Slash-Befehle funktionieren nicht in Threads.",
    },
    "assistant_greeting": {
        "en": "Hi! Ask me about the article on Hong Kong as an AI hub, in English or German. "
        "Every answer cites the sentence it comes from; ask on with “source?” or “more”.",
        "de": "Hallo! Frag mich zum Artikel über Hongkong als KI-Standort, auf Deutsch oder "
        "Englisch. Jede Antwort belege ich mit dem Satz aus dem Artikel; frag weiter mit "
        "„Quelle?“ oder „mehr dazu“.",
    },
    "assistant_prompts": {"en": "Key figures of the article", "de": "Die wichtigsten Zahlen"},
    "assistant_status": {"en": "is looking it up in the article…", "de": "sucht im Artikel…"},
    "stat_hint": {
        "en": "`/stat TOPIC` shows one statistic with the sentence it comes from.",
        "de": "`/stat THEMA` zeigt eine Zahl mit dem Satz, aus dem sie stammt.",
    },
    "kb_usage": {
        "en": "Usage: `/kb status`, `/kb reload` or `/kb unanswered` (admins only).",
        "de": "Verwendung: `/kb status`, `/kb reload` oder `/kb unanswered` (nur Admins).",
    },
    "kb_attach": {"en": "Attach to {intent}", "de": "An {intent} anhängen"},
    "kb_last_error": {"en": "Last error", "de": "Letzter Fehler"},
    "kb_counts": {
        "en": "{intents} intents ({variants} question variants), {facts} facts; loaded {at}.",
        "de": "{intents} Intents ({variants} Fragevarianten), {facts} Fakten; geladen {at}.",
    },
    "kb_last_reload": {"en": "Last reload", "de": "Letztes Neuladen"},
}


def word(key: str, lang: str | None, **values: object) -> str:
    """A user-facing phrase in `lang`: this platform's own words first, then bot.messages."""
    return msg(key, lang or "en", local=WORDS, **values)


# ---------------------------------------------------------------- text safety


def escape(text: str) -> str:
    """Slack's three control characters as entities: `&`, `<`, `>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe(text: str) -> str:
    """Text fit to send: escaped and neutralised."""
    return echo.neutralise(escape(text))


def literal(text: str, limit: int | None = echo.ECHO_MAX) -> str:
    """What a user typed, as words only: echoed (one line, nothing hidden), made safe, and
    mrkdwn's marks `*`, `_`, `~`, `` ` `` replaced by look-alikes."""
    return safe(echo.echoed(text, limit).translate(_MARKS))


def code(text: str, limit: int = SECTION_MAX // 2) -> str:
    """A code block of `text` that its content cannot close: made safe, backticks as
    look-alikes, hidden characters out (lines kept); at most `limit` characters, fences
    included."""
    lines = (echo.shown(line, limit=None) for line in text.splitlines())
    inner = safe("\n".join(lines)).replace("`", "\u02cb")
    return f"```{clip(inner, limit - 6)}```"


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
    return _payload(echo.neutralise(text), [_section(echo.neutralise(text))])


# ---------------------------------------------------------------- citations


def _citation_mrkdwn(n: int, citation: Citation, lang: str) -> str:
    title = citation.source_title or citation.source
    parts = [f"*[{n}]* {safe(title)}", safe(citation.locator), f"_“{safe(citation.quote)}”_"]
    if citation.as_of:
        parts.append(f"{word('as_of', lang)} {safe(citation.as_of)}")
    return " · ".join(parts)


# ---------------------------------------------------------------- answers


def suggestion_value(intent: str, lang: str, question: str = "") -> str:
    """The button value of a suggestion: `intent|lang|question`, the question it was
    offered for (its first 500 characters, as the unanswered log keeps them): a click is
    logged with it, so that triage counts it for that question."""
    return f"{intent}|{lang}|{question[:500]}"


def parse_suggestion_value(value: str) -> tuple[str, str, str]:
    """(intent, lang, question) from a button value; lang defaults to English, the
    question to "" (a button posted before it was in the value)."""
    intent, _, rest = value.partition("|")
    lang, _, question = rest.partition("|")
    return intent, lang or "en", question


def render_answer(answer: Answer) -> Payload:
    """Answer section, citation context, then "did you mean" buttons; `text` = plain form."""
    blocks: list[dict[str, Any]] = [_section(safe(answer.text))]
    fallback = [plain.render_answer(answer)]
    if answer.citations:
        cites = list(enumerate(answer.citations[:CONTEXT_ELEMENTS_MAX], start=1))
        blocks.append(_context([_citation_mrkdwn(n, c, answer.lang) for n, c in cites]))
    suggestions = [s for s in answer.suggestions if s.intent][:SUGGESTIONS_MAX]
    if suggestions:
        if not plain.suggestions_listed(answer):  # the core's text may list them: not twice
            blocks.append(_section(word("abstain_suggest", answer.lang)))
            fallback.append(word("abstain_suggest", answer.lang))
            fallback += [f"• {s.question}" for s in suggestions]
        buttons = _buttons(suggestions, answer.lang, answer.question)
        blocks.append({"type": "actions", "elements": buttons})
    return _payload(safe("\n".join(fallback)), blocks)


def _buttons(suggestions: list[Suggestion], lang: str, question: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "button",
            "action_id": f"{SUGGEST_ACTION_PREFIX}{n}",
            "text": {"type": "plain_text", "text": clip(safe(s.question), BUTTON_TEXT_MAX)},
            "value": clip(suggestion_value(s.intent, lang, question), BUTTON_VALUE_MAX),
        }
        for n, s in enumerate(suggestions)
    ]


# ---------------------------------------------------------------- statistics


def _stat_value(row: StatRow, lang: str) -> str:
    value = safe(row.value)
    if row.as_of:
        value += f" ({word('as_of', lang)} {safe(row.as_of)})"
    return value


def render_stat(reply: StatReply) -> Payload:
    """The table (no topic), the matching statistics with citations, or the closest topics."""
    if not reply.rows:
        miss = _stat_miss(reply)
        return _payload(miss, [_section(miss), _context([word("stat_hint", reply.lang)])])
    fallback = safe(plain.render_stats(reply))
    if reply.topic is None:
        return _payload(fallback, _stat_table(reply))
    blocks: list[dict[str, Any]] = []
    for n, row in enumerate(reply.rows[: (BLOCKS_MAX - 1) // 2], start=1):
        line = f"*{safe(row.label)}*: {_stat_value(row, reply.lang)}"
        blocks += [_section(line), _context([_citation_mrkdwn(n, row.citation, reply.lang)])]
    blocks.append(_context([word("stat_hint", reply.lang)]))
    return _payload(fallback, blocks)


def _stat_table(reply: StatReply) -> list[dict[str, Any]]:
    lang = reply.lang
    title = clip(word("stat_title", lang), HEADER_MAX)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title}}
    ]
    chunk: list[str] = []
    for row in reply.rows:
        line = f"• *{safe(row.label)}*: {_stat_value(row, lang)} · {safe(row.citation.locator)}"
        if chunk and len("\n".join([*chunk, line])) > SECTION_MAX:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    titles = sorted({safe(r.citation.source_title or r.citation.source) for r in reply.rows})
    footer = _context([f"{word('source', lang)}: {'; '.join(titles)}", word("stat_hint", lang)])
    return [*blocks[: BLOCKS_MAX - 1], footer]


def _stat_miss(reply: StatReply) -> str:
    topics = ", ".join(f"`{safe(t)}`" for t in reply.suggestions[:10]) or "–"
    return word("stat_unknown", reply.lang, topic=literal(reply.topic or ""), choices=topics)


# ---------------------------------------------------------------- help, refusals, /kb


def render_notice(key: str, lang: str) -> Payload:
    """One of our own sentences (help, refusal, usage, error) as a one-section message."""
    return notice(word(key, lang))


def render_help(lang: str) -> Payload:
    """What qabot does and how to use it in Slack."""
    return notice(f"{word('help', lang)}\n{word('help_slack', lang)}")


def render_kb_status(status: KBStatus, lang: str) -> Payload:
    """`/kb status`: content hash, counts, load time and the last reload."""
    counts = word(
        "kb_counts",
        lang,
        intents=status.intents,
        variants=status.variants,
        facts=status.facts,
        at=safe(status.loaded_at),
    )
    lines = [f"*{word('kb_status', lang)}* `{safe(status.content_hash)}`", counts]
    if status.last_reload is not None:
        r = status.last_reload
        head = f"{word('kb_last_reload', lang)} ({safe(r.trigger)}, {safe(r.at)})"
        lines.append(f"{head}:\n{code(r.summary())}")
    if status.last_error is not None:
        head = f"{word('kb_last_error', lang)} ({safe(status.last_error.at)})"
        errors = "\n".join(status.last_error.errors)
        lines.append(f"{head}:\n{code(errors)}")
    return notice("\n".join(lines))


def attach_value(group: Group) -> str:
    """The button value of an unanswered group: what `add-question` needs, as JSON."""
    value = json.dumps({"i": group.intent, "l": group.lang, "q": group.question})
    return value if len(value) <= BUTTON_VALUE_MAX else ""


def parse_attach_value(value: str) -> tuple[str, str, str] | None:
    """(intent, lang, question) from an attach button, None when malformed."""
    try:
        data = json.loads(value)
        return str(data["i"]), str(data["l"]), str(data["q"])
    except (ValueError, KeyError, TypeError):
        return None


def render_unanswered(groups: list[Group] | None, lang: str, *, logging: bool = True) -> Payload:
    """`/kb unanswered`: the top groups, each with a button to attach it to its proposed
    intent (None: the log cannot be read now; `logging` off: nothing is logged at all)."""
    if groups is None:
        return notice(word("kb_unanswered_unavailable", lang))
    if not groups:
        return notice(word("kb_unanswered_none" if logging else "kb_unanswered_off", lang))
    title = word("kb_unanswered", lang)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(title, HEADER_MAX)}}
    ]
    lines = [title]
    shown = groups[: BLOCKS_MAX - 2]  # the header, a block a group, the line of the rest
    for n, g in enumerate(shown):
        proposal = f"`{safe(g.intent)}` ({g.score:.2f})" if g.intent else "–"
        text = f"×{g.count} “{literal(g.question)}” [{g.lang}] → {proposal}"
        if g.down_votes:
            intents = ", ".join(f"`{safe(i)}`" for i in g.voted_down) or "–"
            text += "\n" + word("kb_voted_down", lang, count=g.down_votes, intents=intents)
        block: dict[str, Any] = {"type": "section", "text": _mrkdwn(text)}
        value = attach_value(g) if g.intent else ""
        if value:
            label = clip(safe(word("kb_attach", lang, intent=g.intent)), BUTTON_TEXT_MAX)
            block["accessory"] = {
                "type": "button",
                "action_id": f"{ATTACH_ACTION_PREFIX}{n}",
                "text": {"type": "plain_text", "text": label},
                "value": value,
            }
        blocks.append(block)
        lines.append(text)
    if len(groups) > len(shown):  # `admin.unanswered_groups` may be 1,000: say what is left out
        rest = word("kb_unanswered_more", lang, count=len(groups) - len(shown), total=len(groups))
        blocks.append(_context([rest]))
        lines.append(rest)
    return _payload("\n".join(lines), blocks)


def render_reload(result: ReloadResult, lang: str) -> Payload:
    """`/kb reload`: the outcome, with the file:line errors when it failed."""
    title = word("kb_reloaded" if result.ok else "kb_reload_failed", lang)
    body = code(result.summary(), SECTION_MAX - len(title) - 16)
    return notice(f"*{title}*\n{body}")


def render_edit(result: EditResult) -> Payload:
    """The outcome of an attach click; it names the question, so that is shown as words."""
    return notice(literal(result.message, limit=SECTION_MAX // 2))
