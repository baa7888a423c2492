"""👍/👎 on qabot's Slack answers: which answer each posted message carried, and the vote.

Slack's `reaction_added` event names only the message (channel and ts), so the
adapter remembers what it posted: the last `MAX_REMEMBERED` messages, each with
the intent, question and language of its answer. A reaction on any other
message, or one that is not a thumb, is ignored.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Literal

from bot.answer import Answer

MAX_REMEMBERED = 10_000

# Slack's reaction names (without colons) and the vote each one is.
VOTES: dict[str, Literal["up", "down"]] = {
    "+1": "up",
    "thumbsup": "up",
    "-1": "down",
    "thumbsdown": "down",
}


class PostedAnswers:
    """A bounded map (channel, ts) → (intent, question, lang) of the answers qabot posted."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self.limit = limit
        self._posted: OrderedDict[tuple[str, str], tuple[str | None, str, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._posted)

    def remember(self, response: Any, answer: Answer | None) -> None:
        """Note the answer carried by a chat.postMessage `response` (a SlackResponse)."""
        if answer is None:
            return
        channel, ts = response.get("channel"), response.get("ts")
        if not isinstance(channel, str) or not isinstance(ts, str):
            return
        self._posted[(channel, ts)] = (answer.intent, answer.question, answer.lang)
        self._posted.move_to_end((channel, ts))
        while len(self._posted) > self.limit:
            self._posted.popitem(last=False)

    def lookup(self, channel: str, ts: str) -> tuple[str | None, str, str] | None:
        return self._posted.get((channel, ts))


def feedback_of(
    event: dict[str, Any], bot_user_id: str | None, posted: PostedAnswers
) -> dict[str, Any] | None:
    """`QABot.feedback` arguments for a `reaction_added` event, or None to ignore it."""
    vote = vote_of(event, bot_user_id)
    item = event.get("item")
    if vote is None or not isinstance(item, dict):
        return None
    answer = posted.lookup(str(item.get("channel")), str(item.get("ts")))
    if answer is None:
        return None
    intent, question, lang = answer
    return {
        "vote": vote,
        "intent": intent,
        "platform": "slack",
        "question": question,
        "lang": lang,
        "user": event.get("user"),
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
