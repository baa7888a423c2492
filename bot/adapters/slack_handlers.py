"""Slack listeners: event, command or click in → one core call → Block Kit out.

Every listener acknowledges at once and hands the work (core call and Web API
call) to a tracked background task, so Slack never waits on us and a retried
delivery is recognised before any work starts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_dedupe import SeenStore, StateSeenStore
from bot.adapters.slack_feedback import PostedAnswers, feedback_of
from bot.adapters.slack_text import question_text
from bot.answer import Answer
from bot.render import slack as render
from bot.service import QABot
from bot.settings import Settings

log = logging.getLogger("qabot.slack")

T = TypeVar("T")
Body = dict[str, Any]

# `message` subtypes that carry a person's new words; edits, deletions, joins... do not.
ANSWERED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
SUGGEST_ACTION = re.compile(rf"^{render.SUGGEST_ACTION_PREFIX}\d+$")
ATTACH_ACTION = re.compile(rf"^{render.ATTACH_ACTION_PREFIX}\d+$")
KB_COMMANDS = ("reload", "status", "unanswered")
_POST_FALLBACK_ERRORS = frozenset({"not_in_channel", "channel_not_found"})


def is_ignored_event(event: Body) -> bool:
    """Events no one should answer: other bots, and messages that are not new words."""
    if event.get("bot_id") or event.get("subtype") == "bot_message":
        return True
    return event.get("type") == "message" and event.get("subtype") not in ANSWERED_SUBTYPES


class SlackListeners:
    """The bolt listeners of qabot, with the tasks they start and the core thread they use."""

    def __init__(self, bot: QABot, settings: Settings, seen: SeenStore | None = None) -> None:
        self.bot = bot
        self.settings = settings
        self.seen: SeenStore = seen if seen is not None else StateSeenStore(bot.state)
        self.lang = settings.default_lang
        self.visibility = "ephemeral" if settings.slack.ask_ephemeral else "in_channel"
        # One core thread: the event loop keeps acking while the core matches,
        # and the core is never entered from two threads at once.
        self._core = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qabot-core")
        self._tasks: set[asyncio.Task[None]] = set()
        self.posted = PostedAnswers()  # the answers we posted, for 👍/👎 on them

    def register(self, app: AsyncApp) -> None:
        """Wire every listener into `app`, explicitly, in one place."""
        app.middleware(self.filter_events)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.event("reaction_added")(self.on_reaction)
        app.command("/ask")(self.on_ask)
        app.command("/stat")(self.on_stat)
        app.command("/kb")(self.on_kb)
        app.action(SUGGEST_ACTION)(self.on_suggestion)
        app.action(ATTACH_ACTION)(self.on_attach)
        app.error(self.on_error)

    # ------------------------------------------------------------ lifecycle

    @property
    def in_flight(self) -> int:
        """Replies started and not finished yet."""
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, None], what: str) -> None:
        """Run `coro` after the ack; failures are logged, never raised into bolt."""
        task = asyncio.create_task(self._guard(coro, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, coro: Awaitable[None], what: str) -> None:
        try:
            await coro
        except Exception:
            log.exception("slack %s failed", what)
            self.bot.metrics.error("slack")

    async def drain(self, timeout: float = 5.0) -> None:
        """Let in-flight replies finish (up to `timeout`), then cancel the rest."""
        pending = set(self._tasks)
        if pending:
            _, late = await asyncio.wait(pending, timeout=timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._core.shutdown(wait=False, cancel_futures=True)

    async def core(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call the (synchronous) core on its own thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._core, functools.partial(fn, *args, **kwargs))

    # ------------------------------------------------------------ policy

    async def filter_events(
        self,
        body: Body,
        request: AsyncBoltRequest,
        response: BoltResponse,
        next_: Callable[[], Awaitable[None]],
    ) -> BoltResponse:
        """Drop bot and edit events, and a delivery of an event_id seen before."""
        if body.get("type") == "event_callback":
            if is_ignored_event(body.get("event") or {}):
                return BoltResponse(status=200, body="")
            event_id = body.get("event_id")
            if event_id and not await self.seen.claim(f"event:{event_id}"):
                retry = request.headers.get("x-slack-retry-num", ["?"])[0]
                log.info("slack: event %s delivered again (retry %s); ignored", event_id, retry)
                return BoltResponse(status=200, body="")
        await next_()
        return response

    async def on_error(self, error: Exception, body: Body) -> None:
        """Any exception in a listener: logged, and the app carries on."""
        log.error(
            "slack listener failed on a %s request",
            body.get("type") or body.get("command") or "?",
            exc_info=error,
        )

    # ------------------------------------------------------------ messages

    async def on_mention(self, event: Body, context: AsyncBoltContext) -> None:
        """`@qabot …` in a channel: reply in the thread (root of it, or a new one)."""
        channel = event.get("channel", "")
        if channel.startswith("D"):
            return  # a direct message: the message.im listener answers it
        thread_ts = event.get("thread_ts") or event.get("ts")
        await self._answer_message(event, context, thread_ts=thread_ts, what="app_mention")

    async def on_message(self, event: Body, context: AsyncBoltContext) -> None:
        """A direct message: reply in the conversation (in its thread if it has one)."""
        if event.get("channel_type") != "im":
            return
        await self._answer_message(event, context, thread_ts=event.get("thread_ts"), what="dm")

    async def _answer_message(
        self, event: Body, context: AsyncBoltContext, *, thread_ts: str | None, what: str
    ) -> None:
        channel = event.get("channel", "")
        if event.get("user") == context.bot_user_id:
            return
        # app_mention and message.im can both carry one message: answer it once.
        if not await self.seen.claim(f"message:{channel}:{event.get('ts')}"):
            return
        question = question_text(event.get("text") or "", context.bot_user_id)
        client = context.client
        self.spawn(self._post(client, channel, thread_ts, question, event.get("user")), what)

    async def _post(
        self,
        client: AsyncWebClient,
        channel: str,
        thread_ts: str | None,
        question: str,
        user: str | None,
    ) -> None:
        payload, answer = await self._reply(question, user=user, channel=channel)
        response = await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **payload)
        self.posted.remember(response, answer)

    async def _reply(
        self, question: str, *, user: str | None, channel: str | None
    ) -> tuple[render.Payload, Answer | None]:
        if not question:
            return render.render_help(self.lang), None
        try:
            answer = await self.core(
                self.bot.ask, question, platform="slack", user=user, channel=channel
            )
        except Exception:
            log.exception("slack: the core failed on a question")
            return render.render_notice("error", self.lang), None
        return render.render_answer(answer), answer

    async def on_reaction(self, event: Body, context: AsyncBoltContext) -> None:
        """👍/👎 on one of our answers: logged for triage; any other reaction is ignored."""
        args = feedback_of(event, context.bot_user_id, self.posted)
        if args is not None:
            self.spawn(self.core(self.bot.feedback, args.pop("vote"), **args), "reaction")

    # ------------------------------------------------------------ slash commands

    async def on_ask(self, ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        """`/ask QUESTION`: the answer, in the channel (or ephemeral, by config)."""
        await ack()
        question = question_text(command.get("text") or "")
        self.spawn(self._ask(question, command, respond), "/ask")

    async def _ask(self, question: str, command: Body, respond: AsyncRespond) -> None:
        payload, _ = await self._reply(
            question, user=command.get("user_id"), channel=command.get("channel_id")
        )
        visibility = self.visibility if question else "ephemeral"
        await respond(response_type=visibility, **payload)

    async def on_stat(self, ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        """`/stat [TOPIC]`: the table, one statistic with its citation, or the closest topics."""
        await ack()
        topic = question_text(command.get("text") or "") or None
        self.spawn(self._stat(topic, respond), "/stat")

    async def _stat(self, topic: str | None, respond: AsyncRespond) -> None:
        reply = await self.core(self.bot.stat, topic)
        await respond(response_type=self.visibility, **render.render_stat(reply))

    async def on_kb(self, ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        """`/kb reload|status|unanswered`, for admins; everyone else gets an ephemeral refusal."""
        user = command.get("user_id") or ""
        if not self.bot.is_admin("slack", user):
            log.info("slack: /kb refused for %s", user)
            await ack(response_type="ephemeral", **render.render_notice("not_admin", self.lang))
            return
        sub = (command.get("text") or "").strip().lower()
        if sub not in KB_COMMANDS:
            await ack(response_type="ephemeral", **render.render_notice("kb_usage", self.lang))
            return
        await ack()
        log.info("slack: /kb %s by %s", sub, user)
        self.spawn(self._kb(sub, respond), f"/kb {sub}")

    async def _kb(self, sub: str, respond: AsyncRespond) -> None:
        if sub == "reload":
            # Off the core thread: answers keep flowing while the new knowledge loads.
            result = await self.bot.areload("slack /kb reload")
            payload = render.render_reload(result, self.lang)
        elif sub == "unanswered":
            groups = await asyncio.to_thread(self.bot.unanswered_groups)
            payload = render.render_unanswered(groups, self.lang)
        else:
            payload = render.render_kb_status(await self.core(self.bot.status), self.lang)
        await respond(response_type="ephemeral", **payload)

    # ------------------------------------------------------------ interactivity

    async def on_suggestion(
        self, ack: AsyncAck, body: Body, action: Body, context: AsyncBoltContext
    ) -> None:
        """A "did you mean" button: answer that question where the button was; log it."""
        await ack()
        intent, lang = render.parse_suggestion_value(action.get("value") or "")
        user = (body.get("user") or {}).get("id")
        self.spawn(self._answer_click(body, intent, lang, context, user), "suggestion")

    async def _answer_click(
        self, body: Body, intent: str, lang: str, context: AsyncBoltContext, user: str | None
    ) -> None:
        await self.core(
            self.bot.feedback, "click", intent=intent, platform="slack", lang=lang, user=user
        )
        answer = await self.core(self.bot.answer_intent, intent, lang)
        payload = render.render_answer(answer)
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        ephemeral = bool(container.get("is_ephemeral"))
        if channel and not ephemeral:
            try:
                response = await context.client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **payload
                )
                self.posted.remember(response, answer)
                return
            except SlackApiError as e:
                if e.response.get("error") not in _POST_FALLBACK_ERRORS:
                    raise
        # Ephemeral origin, or a channel the bot is not in: answer through response_url.
        await context.respond(
            response_type="ephemeral" if ephemeral else "in_channel",
            replace_original=False,
            thread_ts=thread_ts,
            **payload,
        )

    async def on_attach(
        self, ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond
    ) -> None:
        """An "attach" button of `/kb unanswered`: add the question to the intent (admins)."""
        user = (body.get("user") or {}).get("id") or ""
        if not self.bot.is_admin("slack", user):
            await ack()
            await respond(
                response_type="ephemeral",
                replace_original=False,
                **render.render_notice("not_admin", self.lang),
            )
            return
        await ack()
        parsed = render.parse_attach_value(action.get("value") or "")
        if parsed is None:
            return
        intent, lang, question = parsed
        log.info("slack: %s attaches a question to %s", user, intent)
        self.spawn(self._attach(intent, lang, question, respond), "attach")

    async def _attach(self, intent: str, lang: str, question: str, respond: AsyncRespond) -> None:
        result = await asyncio.to_thread(self.bot.add_question, intent, question, lang)
        payload = render.render_edit(result)
        await respond(response_type="ephemeral", replace_original=False, **payload)
