"""Slack message markup → the plain question the core reads."""

from __future__ import annotations

import re

_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^<>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^<>|]*)?(?:\|([^<>]*))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^<>]*))?>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_SPACE = re.compile(r"\s+")


def mentions_others(text: str, bot_user_id: str | None) -> bool:
    """Whether `text` mentions a person other than the bot, or a user group."""
    people = {m.group(1) for m in _USER.finditer(text)} - {bot_user_id}
    return bool(people) or "<!subteam^" in text


def question_text(text: str, bot_user_id: str | None = None) -> str:
    """Strip the bot's own mention, flatten Slack markup to words, undo Slack's escaping.

    Other mentions become `@U123`, broadcasts `@channel`, channels `#name`, links
    their label; the renderer escapes whatever of it the core echoes back.
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]*)?>", " ", text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: m.group(2) or "@" + m.group(1), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()
