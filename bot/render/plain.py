"""Plain-text rendering of answers and statistics: the console and Slack's fallback text."""

from __future__ import annotations

from bot.answer import Answer, Citation, KBStatus, StatReply
from bot.messages import msg
from bot.render import echo


def citation_line(n: int, cite: Citation, lang: str) -> str:
    """`[1] article §9: "…" (as of 2023-11)`."""
    as_of = f" ({msg('as_of', lang)} {cite.as_of})" if cite.as_of else ""
    return f"[{n}] {cite.source} {cite.locator}: “{cite.quote}”{as_of}"


def render_answer(answer: Answer) -> str:
    lines = [answer.text]
    for n, cite in enumerate(answer.citations, start=1):
        lines.append(citation_line(n, cite, answer.lang))
    return "\n".join(lines)


def render_stats(reply: StatReply) -> str:
    lang = reply.lang
    if not reply.matched:
        topic = echo.echoed(reply.topic or "")  # a terminal obeys escape sequences
        return msg("stat_unknown", lang, topic=topic, choices=", ".join(reply.suggestions))
    if reply.topic is None:
        width = max(len(r.label) for r in reply.rows)
        lines = [msg("stat_title", lang)]
        for row in reply.rows:
            as_of = f"  ({msg('as_of', lang)} {row.as_of})" if row.as_of else ""
            lines.append(f"  {row.label:<{width}}  {row.value}{as_of}")
        return "\n".join(lines)
    blocks = []
    for row in reply.rows:
        blocks.append(f"{row.label}: {row.value}\n{citation_line(1, row.citation, lang)}")
    return "\n\n".join(blocks)


def render_status(status: KBStatus) -> str:
    """What is loaded, the last reload and the last failed one (`qabot kb status`)."""
    lines = [
        f"hash {status.content_hash} · {status.intents} intents · {status.facts} facts · "
        f"{status.variants} variants · loaded {status.loaded_at}"
    ]
    if (r := status.last_reload) is not None:
        lines.append(f"last reload ({r.trigger}, {r.at}): {r.summary()}")
    if (e := status.last_error) is not None:
        lines.append(f"last error ({e.at}):\n" + "\n".join(e.errors))
    return "\n".join(lines)


def suggestions_listed(answer: Answer) -> bool:
    """Whether the answer's text already lists its "did you mean" questions (the core's
    abstention does): a renderer adds buttons, not the list a second time."""
    return bool(answer.suggestions) and all(s.question in answer.text for s in answer.suggestions)
