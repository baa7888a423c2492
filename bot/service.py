"""The core facade the CLI and the adapters call: ask, stat, reload, status, admin checks.

Adapters translate platform events into one call here and render what comes
back; everything two adapters would both need lives here, once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from bot.answer import Answer, Group, KBStatus, ReloadResult, StatReply
from bot.asker import Asker
from bot.errors import KnowledgeError
from bot.messages import msg
from bot.metrics import NO_METRICS
from bot.ratelimit import RateLimiter
from bot.settings import Platform, Settings
from bot.state import SharedState, open_state
from bot.store import KnowledgeStore
from bot.unanswered import MAX_QUESTION as MAX_LOGGED_QUESTION
from bot.unanswered import UnansweredLog

if TYPE_CHECKING:
    from bot.kb_edit import EditResult

feedback_log = logging.getLogger("qabot.feedback")

Vote = Literal["click", "up", "down"]

CHAT_PLATFORMS = ("slack", "discord")  # rate-limited: many askers share one bot


class QABot:
    """One bot: a knowledge store and the policies around answering."""

    def __init__(
        self,
        settings: Settings,
        store: KnowledgeStore,
        unanswered: UnansweredLog | None = None,
        state: SharedState | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.state = (
            state
            if state is not None
            else open_state(settings.redis_url, timeout_s=settings.redis_timeout_s)
        )
        self.unanswered = unanswered or UnansweredLog(settings.unanswered, self.state)
        self.limiter = RateLimiter(self.state, settings.rate_limit)
        self.metrics = NO_METRICS
        # Bounds matcher work running at once (adapters call ask from worker threads).
        self._work = threading.BoundedSemaphore(settings.rate_limit.max_concurrent)

    def enable_metrics(self) -> None:
        """Count questions, latency, reloads and errors (Prometheus; for /metrics)."""
        from bot.metrics import Metrics

        if self.metrics is NO_METRICS:
            self.metrics = Metrics()

    @classmethod
    def from_settings(cls, settings: Settings) -> QABot:
        """Load the knowledge named by `settings`; raises KnowledgeError when it is broken."""
        return cls(settings, KnowledgeStore.open(settings.knowledge_dir, settings))

    def ask(
        self,
        text: str,
        *,
        platform: Platform = "cli",
        user: str | None = None,
        channel: str | None = None,
    ) -> Answer:
        """Answer one question; never raises for any input string.

        Abstentions and unsure answers on the platforms `[unanswered] platforms` names go
        to the unanswered log (never failing the answer); the default `cli` (scripts,
        the eval, tests) is not logged unless configured.
        """
        return self.handle(
            text, lambda: self.resolve(text), platform=platform, user=user, channel=channel
        )

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        """The answer to `text` and nothing else: no rate limit, no count, no log. A step
        of a larger message (a follow-up read several ways); `handle` wraps the message."""
        with self._work:
            return self.store.current.answer(text, lang)

    def handle(
        self,
        text: str,
        work: Callable[[], Answer],
        *,
        platform: Platform,
        user: str | None,
        channel: str | None,
        admitted: Callable[[], object] | None = None,
    ) -> Answer:
        """One message asked: the rate limit once, then `work` (which resolves it, once or
        several times), then its answer counted and logged once. `admitted` is called
        once the message is within the rate limit, before `work` (Slack's "looking it up"
        status: a message over the limit costs no Web API call for it)."""
        start = time.perf_counter()
        limited = self.over_limit(text, platform, user, channel)
        if limited is not None:
            self.metrics.answered(platform, limited.kind, time.perf_counter() - start)
            return limited
        if admitted is not None:
            admitted()
        answer = work()
        self.metrics.answered(platform, answer.kind, time.perf_counter() - start)
        self._log_unanswered(answer, text, platform, user, channel)
        return answer

    def over_limit(
        self, text: str, platform: Platform, user: str | None, channel: str | None
    ) -> Answer | None:
        """On a chat platform, spend a token of the asker's and the channel's buckets; the
        rate-limit notice when one is empty, else None (go on). Every post qabot makes for
        an asker spends one: answers, clicks, /stat, and the adapters' own replies in their
        place (Discord's pointer to /ask, Slack's greeting of a new assistant thread)."""
        if platform not in CHAT_PLATFORMS or self.limiter.allow(platform, user, channel):
            return None
        lang = self.store.current.settings.default_lang
        return Answer(text[:200], False, lang, msg("rate_limited", lang), "rate_limited")

    def _log_unanswered(
        self, answer: Answer, text: str, platform: str, user: str | None, channel: str | None
    ) -> None:
        cfg = self.settings.unanswered
        if platform in cfg.platforms:
            unsure = answer.answered and answer.confidence < cfg.low_confidence
            declined = answer.kind in ("abstain", "narrowed")
            if declined or (unsure and answer.kind != "smalltalk"):
                top = answer.suggestions[0].intent if answer.suggestions else None
                guess = answer.intent or top
                self.unanswered.write(
                    {
                        "kind": "abstain" if declined else "low_confidence",
                        "platform": platform,
                        "question": text[:MAX_LOGGED_QUESTION],
                        "lang": answer.lang,
                        "guess": guess,
                        "score": round(answer.confidence, 3),
                        "user": user,
                        "channel": channel,
                    }
                )

    def feedback(
        self,
        vote: Vote,
        *,
        intent: str | None,
        platform: Platform,
        question: str | None = None,
        lang: str | None = None,
        user: str | None = None,
    ) -> None:
        """A click on a suggestion, or 👍/👎 on an answer: logged for triage (the user id
        only with `[unanswered] log_user_ids`, as in the unanswered log), from a platform
        `[unanswered] platforms` names, as questions are: left out, a platform's votes and
        clicks still wrote the questions they were on, which that setting keeps out."""
        feedback_log.info(
            "%s: intent=%s lang=%s user=%s platform=%s",
            *(vote, intent, lang, self.loggable_user(user), platform),
        )
        if platform not in self.settings.unanswered.platforms:
            return
        self.unanswered.write(
            {
                "kind": vote,
                "platform": platform,
                "question": (question or "")[:MAX_LOGGED_QUESTION],
                "lang": lang,
                "guess": intent,
                "user": user,
            }
        )

    def loggable_user(self, user: str | None) -> str:
        """`user` as a log line may show it: the id only with `[unanswered] log_user_ids`."""
        return (user or "-") if self.settings.unanswered.log_user_ids else "-"

    def answer_intent(self, intent_id: str, lang: str) -> Answer:
        """The answer of one known intent (a clicked suggestion); abstains if unknown."""
        return self.store.current.answer_intent(intent_id, lang)

    def answer_click(
        self,
        intent_id: str,
        lang: str,
        *,
        question: str | None = None,
        platform: Platform,
        user: str | None,
        channel: str | None,
    ) -> Answer:
        """A clicked "did you mean" suggestion, offered for `question`: logged as feedback
        (with that question, so triage counts the click for it), then that intent's answer.
        It posts an answer as a question does, so it spends the clicker's tokens as one does
        (over the limit: the rate-limit notice, nothing logged)."""
        limited = self.over_limit(intent_id, platform, user, channel)
        if limited is not None:
            return limited
        self.feedback(
            "click", intent=intent_id, platform=platform, question=question, lang=lang, user=user
        )
        return self.answer_intent(intent_id, lang)

    def stat(self, topic: str | None, *, lang: str | None = None) -> StatReply:
        """All key statistics, or those matching `topic` (fuzzy, German or English)."""
        return self.store.current.stat(topic, lang=lang)

    def chat_stat(
        self,
        topic: str | None,
        *,
        lang: str | None = None,
        platform: Platform,
        user: str | None,
        channel: str | None,
    ) -> StatReply | Answer:
        """/stat in a chat: `stat`, after spending the asker's tokens as a question does (it
        posts a table in the channel as an answer posts a reply); over the limit, the
        rate-limit notice (an Answer of kind "rate_limited")."""
        limited = self.over_limit(topic or "", platform, user, channel)
        return limited if limited is not None else self.stat(topic, lang=lang)

    def topic_choices(self, partial: str, *, limit: int = 25) -> list[tuple[str, str]]:
        """(display name, value) pairs for autocomplete of a /stat topic."""
        return self.store.current.topic_choices(partial, limit=limit)

    def reload(self, trigger: str = "manual") -> ReloadResult:
        """Load the knowledge again off to the side; swap it in only if it is valid."""
        result = self.store.reload(trigger)
        self.metrics.reloaded(result.ok)
        return result

    async def areload(self, trigger: str = "manual") -> ReloadResult:
        """`reload` in a worker thread, so the event loop keeps serving meanwhile."""
        return await asyncio.to_thread(self.reload, trigger)

    def unanswered_groups(self, limit: int | None = None) -> list[Group] | None:
        """`triage`, or None when the log cannot be read now (the chat replies say so)."""
        from bot.unanswered import LogUnavailable

        try:
            return self.triage(limit)
        except LogUnavailable:  # the store's outage is logged by the store, once
            return None

    def triage(self, limit: int | None = None) -> list[Group]:
        """What people asked and did not get a good answer to, grouped, with a proposed
        intent; raises LogUnavailable, saying why, when the log cannot be read (the shared
        state is down, or a file of it is not readable by this user)."""
        from bot.triage import group_log

        return group_log(
            self.store.current,
            list(self.unanswered.records()),
            low_confidence=self.settings.unanswered.low_confidence,
            limit=limit or self.settings.admin.unanswered_groups,
        )

    def add_question(self, intent_id: str, phrase: str, lang: str | None = None) -> EditResult:
        """Add `phrase` to `intent_id` in its YAML file (validated first, refused if invalid),
        then reload; a reload that fails on another file is said in the result, whose edit
        stands (its own file is valid)."""
        from bot.kb_edit import add_question

        lang = lang or self.language(phrase)
        result = add_question(
            self.store.root,
            intent_id,
            phrase,
            lang,
            self.settings.knowledge,
            self.settings.max_question_chars,
        )
        if not (result.ok and result.changed):
            return result
        reload = self.reload(trigger="add-question")
        if reload.ok:
            return result
        errors = reload.errors or ("see /kb status",)
        message = (
            f"{result.message}; the reload failed, so the bot answers from the knowledge it "
            f"had: {errors[0]}"
        )
        return replace(result, message=message, reload_errors=errors)

    def language(self, text: str) -> str:
        """'de' or 'en' for `text`, as the resolver judges it."""
        return self.store.current.language(text)

    def status(self) -> KBStatus:
        snap = self.store.current
        last_reload, last_error = self.store.reloads  # one read: a consistent pair
        return KBStatus(
            content_hash=snap.kb.content_hash,
            intents=len(snap.kb.intents),
            facts=len(snap.kb.facts),
            variants=snap.kb.variant_count,
            loaded_at=snap.loaded_at,
            last_reload=last_reload,
            last_error=last_error,
        )

    def is_admin(self, asker: Asker) -> bool:
        """Whether `asker` may run /kb; checked on every admin call. Only the people and
        roles the config names, plus Discord's Manage Server in the servers it names."""
        admins = self.settings.admins
        if asker.platform == "slack":
            return asker.user in admins.slack_user_ids
        managed = {str(server) for server in admins.discord_manage_server}
        if asker.manages_server and asker.server in managed:
            return True
        named_roles = {str(role) for role in admins.discord_role_ids}
        named = asker.user in {str(user) for user in admins.discord_user_ids}
        return named or any(role in named_roles for role in asker.roles)


__all__ = ["KBStatus", "KnowledgeError", "Platform", "QABot"]
