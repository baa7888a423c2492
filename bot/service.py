"""The core facade the CLI and the adapters call: ask, stat, reload, status, admin checks.

Adapters translate platform events into one call here and render what comes
back; everything two adapters would both need lives here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.answer import Answer, StatReply
from bot.errors import KnowledgeError
from bot.settings import Settings
from bot.store import KnowledgeStore, ReloadResult

log = logging.getLogger(__name__)

Platform = Literal["console", "cli", "slack", "discord"]


@dataclass(frozen=True)
class KBStatus:
    """What `/kb status` shows."""

    content_hash: str
    intents: int
    facts: int
    variants: int
    loaded_at: str
    last_reload: ReloadResult | None


class QABot:
    """One bot: a knowledge store and the policies around answering."""

    def __init__(self, settings: Settings, store: KnowledgeStore) -> None:
        self.settings = settings
        self.store = store

    @classmethod
    def from_settings(cls, settings: Settings) -> QABot:
        """Load the knowledge named by `settings`; raises KnowledgeError when it is broken."""
        return cls(settings, KnowledgeStore.open(settings.knowledge_dir, settings))

    def ask(
        self,
        text: str,
        *,
        platform: Platform = "console",
        user: str | None = None,
        channel: str | None = None,
    ) -> Answer:
        """Answer one question; never raises for any input string."""
        return self.store.current.answer(text)

    def answer_intent(self, intent_id: str, lang: str) -> Answer:
        """The answer of one known intent (a clicked suggestion); abstains if unknown."""
        return self.store.current.answer_intent(intent_id, lang)

    def stat(self, topic: str | None, *, lang: str | None = None) -> StatReply:
        """All key statistics, or those matching `topic` (fuzzy, German or English)."""
        return self.store.current.stat(topic, lang=lang)

    def topic_choices(self, partial: str, *, limit: int = 25) -> list[tuple[str, str]]:
        """(display name, value) pairs for autocomplete of a /stat topic."""
        return self.store.current.topic_choices(partial, limit=limit)

    def reload(self) -> ReloadResult:
        """Load the knowledge again off to the side; swap it in only if it is valid."""
        return self.store.reload()

    def status(self) -> KBStatus:
        snap = self.store.current
        return KBStatus(
            content_hash=snap.kb.content_hash,
            intents=len(snap.kb.intents),
            facts=len(snap.kb.facts),
            variants=snap.kb.variant_count,
            loaded_at=snap.loaded_at,
            last_reload=self.store.last_reload,
        )

    def is_admin(
        self,
        platform: Literal["slack", "discord"],
        user_id: str | int,
        role_ids: Iterable[int] = (),
        *,
        has_manage_guild: bool = False,
    ) -> bool:
        """Whether this user may run /kb; checked on every admin call."""
        admins = self.settings.admins
        if platform == "slack":
            return str(user_id) in admins.slack_user_ids
        if has_manage_guild:
            return True
        if int(user_id) in admins.discord_user_ids:
            return True
        return any(int(r) in admins.discord_role_ids for r in role_ids)


__all__ = ["KBStatus", "KnowledgeError", "Platform", "QABot"]
