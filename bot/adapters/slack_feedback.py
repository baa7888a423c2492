"""👍/👎 on qabot's Slack answers: the vote a `reaction_added` event casts.

The event names only the message (channel and ts); which answer that message
carried is the conversation layer's memory (`bot.chat`). A reaction that is not
a thumb, or by a bot, is no vote.
"""

from __future__ import annotations

from typing import Any, Literal

# Slack's reaction names (without colons) and the vote each one is.
VOTES: dict[str, Literal["up", "down"]] = {
    "+1": "up",
    "thumbsup": "up",
    "-1": "down",
    "thumbsdown": "down",
}


def vote_of(event: dict[str, Any], bot_user_id: str | None) -> Literal["up", "down"] | None:
    """The vote a `reaction_added` event casts, or None (not a thumb, not a message, a bot)."""
    item = event.get("item")
    if not isinstance(item, dict) or item.get("type") != "message":
        return None
    if event.get("bot_id") or not event.get("user") or event.get("user") == bot_user_id:
        return None
    reaction = event.get("reaction")
    if not isinstance(reaction, str):
        return None
    # A skin tone arrives as "+1::skin-tone-3".
    return VOTES.get(reaction.split("::", 1)[0])
