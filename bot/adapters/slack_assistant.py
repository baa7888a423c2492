"""Slack's AI-app surface (the assistant side panel) through bolt's `AsyncAssistant`.

A new assistant thread gets a greeting and up to four suggested prompts drawn from
the key facts, in the user's language where Slack tells it (users.info locale);
a message in the thread is answered like a DM, with a status while qabot looks
it up, and each assistant thread is one conversation (`D…:thread_ts`, as any DM
thread). Workspaces without the feature never start assistant threads; their DM
threads take the same path, and the status call failing there changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.middleware.assistant.async_assistant import AsyncAssistant
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render import slack as render
from bot.service import QABot

if TYPE_CHECKING:
    from bot.adapters.slack_handlers import SlackListeners

log = logging.getLogger("qabot.slack")

Body = dict[str, Any]
MAX_PROMPTS = 4  # what Slack shows


def suggested_prompts(bot: QABot, lang: str) -> list[dict[str, str]]:
    """Up to four key facts as prompts, each one a question qabot answers (blocking).
    Checked with `resolve`: these are no questions anyone asked, so they are not counted."""
    prompts = []
    for row in bot.stat(None, lang=lang).rows:
        question = f"{row.label}?"
        if bot.resolve(question).answered:
            prompts.append({"title": row.label, "message": question})
        if len(prompts) == MAX_PROMPTS:
            break
    return prompts


async def best_effort(call: Awaitable[object], what: str, refused: int = logging.WARNING) -> None:
    """Await a Web API call whose failure changes nothing else: Slack's refusal logged in
    one line at `refused`; Slack out of reach after the client's retries (connection
    dropped, timed out) in one WARNING line; never a traceback. It raised before: a status
    call that could not reach Slack lost the answer it was set for, and prompts that failed
    were an ERROR traceback after a greeting that was posted."""
    try:
        await call
    except SlackApiError as e:
        error = " ".join(str(e.response.get("error")).split())[:60]
        log.log(refused, "slack: no assistant %s (%s)", what, error)
    except (aiohttp.ClientError, OSError) as e:  # TimeoutError is an OSError
        log.warning("slack: no assistant %s (%s)", what, type(e).__name__)


async def set_status(client: AsyncWebClient, channel: str, thread_ts: str, status: str) -> None:
    """A status under the thread ("qabot is looking it up…") until the next post, or ""
    to take it away when nothing is posted; best effort."""
    call = client.assistant_threads_setStatus(
        channel_id=channel, thread_ts=thread_ts, status=status
    )
    # Refused where the feature is off or it is no assistant thread: nothing to report.
    await best_effort(call, "status", refused=logging.DEBUG)


class AssistantListeners:
    """The assistant's listeners; answering goes through the Slack listeners' one path."""

    def __init__(self, listeners: SlackListeners) -> None:
        self.listeners = listeners
        self.bot = listeners.bot
        self.default_lang = listeners.settings.default_lang

    def assistant(self) -> AsyncAssistant:
        """The bolt middleware to register with `app.assistant(...)`."""
        assistant = AsyncAssistant()
        assistant.thread_started(self.on_thread_started)
        assistant.thread_context_changed(self.on_context_changed)
        assistant.user_message(self.on_user_message)
        return assistant

    async def on_thread_started(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """A user opened a new assistant thread: greet them, with suggested prompts (once,
        however often Slack delivers the event)."""
        thread = event.get("assistant_thread") or {}
        greeting = self._greet(context.client, thread)
        self.listeners.spawn_once(body, greeting, "assistant greeting")

    async def _greet(self, client: AsyncWebClient, thread: Body) -> None:
        channel, thread_ts = thread.get("channel_id") or "", thread.get("thread_ts")
        user = thread.get("user_id")
        # A greeting is a post, as an answer is: it spends the user's tokens, and over them
        # none is posted (each new thread of the panel was a post and a look-up of the key
        # figures, however many a script opened).
        limited = await self.listeners.core(self.bot.over_limit, "", "slack", user, channel)
        if limited is not None:
            return
        lang = await self._language(client, user)
        greeting = render.render_notice("assistant_greeting", lang)
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **greeting)
        prompts = await self.listeners.core(suggested_prompts, self.bot, lang)
        if prompts:  # the greeting stands without them
            call = client.assistant_threads_setSuggestedPrompts(
                channel_id=channel,
                thread_ts=thread_ts,
                prompts=prompts,
                title=render.word("assistant_prompts", lang),
            )
            await best_effort(call, "prompts")

    async def _language(self, client: AsyncWebClient, user: str | None) -> str:
        """'de' or 'en' from the user's Slack locale; the default when Slack does not say."""
        try:
            info = await client.users_info(user=user or "", include_locale=True)
        except SlackApiError:
            return self.default_lang
        except (aiohttp.ClientError, OSError) as e:  # out of reach: the greeting still goes
            log.warning("slack: users.info unanswered (%s)", type(e).__name__)
            return self.default_lang
        found = info.get("user")
        if not isinstance(found, dict):  # Slack documents an object: an unknown user
            log.warning("slack: users.info gave no user object (%s)", type(found).__name__)
            return self.default_lang
        locale = str(found.get("locale") or "")
        return locale[:2] if locale[:2] in ("de", "en") else self.default_lang

    async def on_context_changed(self) -> None:
        """The user moved to another channel: qabot answers from one article wherever they
        are, so there is nothing to keep (and bolt's default store would need more scopes)."""

    async def on_user_message(self, event: Body, context: AsyncBoltContext) -> None:
        """A message in an assistant thread (or any DM thread): answered as a DM, with a status."""
        self.listeners.answer_dm(event, context, status=True)
