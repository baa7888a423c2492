"""👍/👎 on qabot's Slack answers: the vote a `reaction_added` event casts.

The event names only the message (channel and ts); which answer that message
carried is the conversation layer's memory (`bot.chat`). A reaction that is not
a thumb is no vote.
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


def vote_of(event: dict[str, Any]) -> Literal["up", "down"] | None:
    """The vote a `reaction_added` event casts, or None (not a thumb, not on a message, no
    user); whether a bot cast it is the conversation layer's call (`from_bot`)."""
    item = event.get("item")
    if not isinstance(item, dict) or item.get("type") != "message" or not event.get("user"):
        return None
    reaction = event.get("reaction")
    if not isinstance(reaction, str):
        return None
    # A skin tone arrives as "+1::skin-tone-3".
    return VOTES.get(reaction.split("::", 1)[0])
