"""The conversation layer under the chat adapters: when to speak, in which conversation,
and which posted message carried which answer.

An adapter translates a platform event into an `Incoming` (who asks, the words, the
conversation id it derives from platform facts, whether qabot was addressed) and
calls `ChatService`; after posting it reports what it posted with `sent`. The
policy lives here once: never answer a bot (nor count its 👍/👎); answer what is
addressed to qabot (a mention, a DM, a reply to one of its answers); answer an
unaddressed message only in a conversation qabot has spoken in, only where the
config allows follow-ups without a mention, and never one that mentions other
people. What qabot spoke in and which message carried which answer (for 👍/👎)
are kept in the shared state, so a restart or another replica still knows.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass

from bot.answer import Answer
from bot.asker import Asker, ChatPlatform
from bot.conversation import Conversations
from bot.service import QABot, Vote
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_KEPT_QUESTION = 500
# An answer-memory entry larger than qabot writes (a question ≤ MAX_KEPT_QUESTION, an intent
# id or a few joined, a language code, a conversation id) is another writer's: no entry.
MAX_POSTED = 8 * 1024  # characters of its JSON
MAX_POSTED_FIELD = 1024  # characters of its intent, language or conversation
# An asker over the rate limit is told so once in this long; their other messages meanwhile
# get silence (a notice each would be a post each: a flood would spend the bot's posting).
NOTICE_EVERY_S = 60.0
# Platforms where a message replies to one message (Discord): a reply to one of qabot's
# answers follows up on that answer, not on the conversation's last (a chain that went on).
# Each answer posted there keeps the context it was given in, as long as a context is kept.
REPLY_PLATFORMS: frozenset[ChatPlatform] = frozenset({"discord"})


@dataclass(frozen=True)
class Incoming:
    """A chat message, translated into what the conversation layer needs to know.

    Attributes:
        asker: Who wrote it.
        conversation: The adapter's id for its conversation (thread, reply chain, DM).
        text: The words, with qabot's own mention removed.
        channel: Where it was written (rate limits, the unanswered log).
        from_bot: Written by a bot, qabot itself included.
        addressed: A mention of qabot, a DM, or a reply to one of qabot's answers.
        to_others: It mentions people (or groups), and not qabot: it is for them.
        reply_to: The message of qabot's it replies to (Discord), by the ref `sent` was told:
            read in the context that answer was given in, not the conversation's last.
    """

    asker: Asker
    conversation: str
    text: str
    channel: str | None = None
    from_bot: bool = False
    addressed: bool = False
    to_others: bool = False
    reply_to: str | None = None


@dataclass(frozen=True)
class Posted:
    """What one of qabot's posted messages answered, and in which conversation."""

    conversation: str
    intent: str | None
    question: str
    lang: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Posted | None:
        """The entry stored as `raw`; None for one we cannot read or larger than any qabot
        writes (its intent was logged whole at each 👍, its conversation became a key)."""
        if len(raw) > MAX_POSTED:
            return None
        try:
            data = json.loads(raw)
            intent = data["intent"]
            posted = cls(
                str(data["conversation"]),
                None if intent is None else str(intent),
                str(data["question"]),
                str(data["lang"]),
            )
        except (ValueError, KeyError, TypeError, RecursionError):
            return None  # an entry we cannot read is no entry
        fields = (posted.conversation, posted.intent or "", posted.lang)
        if len(posted.question) > MAX_KEPT_QUESTION or max(map(len, fields)) > MAX_POSTED_FIELD:
            return None
        return posted


class Turns:
    """One conversation's turns one after another, in the order they reach it.

    Adapters answer on several threads; a follow-up must not overtake the answer it
    follows up on ("Quelle?" read before the question's context was kept). An adapter
    holds `async with turns.of(conversation):` around answering and posting one message.
    A conversation's lock lives while a turn holds or awaits it.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def of(self, conversation: str) -> asyncio.Lock:
        lock = self._locks.get(conversation)
        if lock is None:
            lock = self._locks[conversation] = asyncio.Lock()
        return lock


class ChatService:
    """One conversation layer for every chat adapter. Its calls are synchronous and may
    reach Redis: adapters call them off the event loop, a conversation's turns in order
    (`turns`)."""

    def __init__(self, bot: QABot, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings
        self.ttl_s = settings.conversation_ttl_s
        self.conversations = Conversations(bot, ttl_s=self.ttl_s)
        self.turns = Turns()

    def wants(self, message: Incoming) -> bool:
        """Whether qabot answers `message` at all (see the module docstring)."""
        if message.from_bot:
            return False
        if message.addressed:
            return True
        if message.to_others or not message.text.strip():
            return False
        if not self._follows_up(message.asker.platform):
            return False
        joined = self._joined_key(message.asker.platform, message.conversation)
        return self._read(joined) is not None

    def answer(self, message: Incoming, admitted: Callable[[], object] | None = None) -> Answer:
        """The reply to `message` in its conversation; never raises for any text.
        `admitted`: called once the message is within the rate limit (QABot.handle)."""
        return self.conversations.ask(
            message.conversation,
            message.text,
            platform=message.asker.platform,
            user=message.asker.user,
            channel=message.channel,
            admitted=admitted,
            after=self._context_key(message.asker.platform, message.reply_to)
            if message.reply_to
            else None,
        )

    def worth_posting(self, message: Incoming, answer: Answer) -> bool:
        """Whether to post `answer` to `message`: anything but a rate-limit notice the asker
        was given, or one posted in the message's channel, less than `NOTICE_EVERY_S` ago.
        (Told once a minute per asker only, each asker in a busy channel got a notice of
        their own: the channel's limit bounded its answers, not qabot's posts there.)"""
        if answer.kind != "rate_limited":
            return True
        platform = message.asker.platform
        channel = f"told:{platform}:channel:{message.channel}" if message.channel else None
        if channel is not None and self._read(channel) is not None:
            return False
        if not self.bot.state.claim(f"told:{platform}:{message.asker.user}", NOTICE_EVERY_S):
            return False
        if channel is not None:
            self._write(channel, "1", NOTICE_EVERY_S)
        return True

    def sent(
        self, platform: ChatPlatform, conversation: str, message_ref: str, answer: Answer | None
    ) -> None:
        """qabot posted `message_ref` in `conversation`: it has joined that conversation, and
        the message carried `answer` (None: help or a notice, no answer to vote on)."""
        self._write(self._joined_key(platform, conversation), "1", self.ttl_s)
        if answer is not None:
            question = answer.question[:MAX_KEPT_QUESTION]
            posted = Posted(conversation, answer.intent, question, answer.lang)
            key = f"answer:{platform}:{message_ref}"
            self._write(key, posted.to_json(), self.settings.answer_memory_ttl_s)
            if platform in REPLY_PLATFORMS:  # a reply to it is read in this context
                kept = self._read(Conversations.key(platform, conversation))
                if kept is not None:
                    self._write(self._context_key(platform, message_ref), kept, self.ttl_s)

    def posted(self, platform: ChatPlatform, message_ref: str) -> Posted | None:
        """What qabot's message `message_ref` answered, or None when it is not one of them."""
        raw = self._read(f"answer:{platform}:{message_ref}")
        return Posted.from_json(raw) if raw else None

    def vote(self, vote: Vote, asker: Asker, message_ref: str, *, from_bot: bool = False) -> bool:
        """👍/👎 by `asker` on qabot's message `message_ref`: logged for triage. False when
        a bot cast it, the message carried no answer of qabot's, or `asker` cast this vote
        on it before (taking a reaction off and putting it on again is no second vote)."""
        posted = None if from_bot else self.posted(asker.platform, message_ref)
        if posted is None:
            return False
        cast = f"vote:{asker.platform}:{asker.user}:{message_ref}:{vote}"
        if not self.bot.state.claim(cast, self.settings.answer_memory_ttl_s):
            return False
        self.bot.feedback(
            vote,
            intent=posted.intent,
            platform=asker.platform,
            question=posted.question,
            lang=posted.lang,
            user=asker.user,
        )
        return True

    def _follows_up(self, platform: ChatPlatform) -> bool:
        """Whether unaddressed messages in a conversation qabot joined are answered."""
        return not (platform == "slack" and self.settings.slack.require_mention)

    @staticmethod
    def _joined_key(platform: ChatPlatform, conversation: str) -> str:
        return f"joined:{platform}:{conversation}"

    @staticmethod
    def _context_key(platform: ChatPlatform, message_ref: str) -> str:
        """Where the context an answer (`message_ref`) was given in is kept."""
        return f"context:{platform}:{message_ref}"

    def _read(self, key: str) -> str | None:
        try:
            return self.bot.state.get(key)
        except Exception:
            log.exception("shared state unavailable; %s unknown", key.split(":", 1)[0])
            return None

    def _write(self, key: str, value: str, ttl_s: float) -> None:
        try:
            self.bot.state.put(key, value, ttl_s)
        except Exception:
            log.exception("shared state unavailable; %s not kept", key.split(":", 1)[0])
