"""Slack listeners: event, command or click in → one core call → Block Kit out.

Every listener acknowledges at once and hands the work (core call and Web API
call) to a tracked background task, so Slack never waits on us. Nothing before
the ack touches the shared state: a retried delivery is recognised in the
background task, before any work starts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import FINISH_S, finish
from bot.adapters.slack_assistant import AssistantListeners, set_status
from bot.adapters.slack_client import retry_after_s
from bot.adapters.slack_dedupe import SeenStore, StateSeenStore
from bot.adapters.slack_feedback import vote_of
from bot.adapters.slack_text import mentions_others, question_text
from bot.answer import Answer
from bot.asker import Asker
from bot.chat import ChatService, Incoming
from bot.messages import is_help
from bot.render import slack as render
from bot.service import QABot, Vote
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
# Refusals that stop every reply, not this one: the bot token no longer works.
_AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
)


# How long a ready answer waits for its assistant thread's status call to be answered.
STATUS_WAIT_S = 1.0


async def _unfinished_after(
    started: list[concurrent.futures.Future[None]], seconds: float
) -> list[concurrent.futures.Future[None]]:
    """Wait up to `seconds` for the calls `started`; those still running then."""
    if not started:
        return []
    waiting = [asyncio.wrap_future(f) for f in started]
    await asyncio.wait(waiting, timeout=seconds)
    return [f for f, w in zip(started, waiting, strict=True) if not w.done()]


class ResponseUrlError(Exception):
    """A response_url that refused a reply (expired after 30 minutes, spent, 429, 5xx)."""


async def reply_via(respond: AsyncRespond, **payload: Any) -> None:
    """`respond(**payload)`, raising ResponseUrlError when the response_url refuses it:
    slack_sdk's webhook client returns the error status instead of raising, so a lost
    reply left no trace. One it cannot reach (a DNS failure, a refused connection, its
    30 s timeout) raised aiohttp's error, logged as an ERROR with a traceback of some 60
    lines per reply: now a ResponseUrlError too, naming the kind of failure and never the
    URL (its path lets anyone post into the channel)."""
    try:
        response = await respond(**payload)
    except (aiohttp.ClientError, OSError) as exc:  # TimeoutError is an OSError
        reason = getattr(exc, "strerror", None)
        why = " ".join(f"{type(exc).__name__}: {reason}".split()) if reason else type(exc).__name__
        raise ResponseUrlError(f"response_url unreachable ({why[:100]})") from None
    if response.status_code >= 300:
        error = " ".join(str(response.body).split())[:60]  # Slack's short error word
        raise ResponseUrlError(f"response_url answered {response.status_code} ({error})")


def _refusal_word(error: SlackApiError) -> str | None:
    """Slack's word when it answered 200 with `ok: false` and one (`restricted_action`); None
    for anything else (5xx, a body that is no JSON: logged with their cause)."""
    data = error.response.data
    if error.response.status_code != 200 or not isinstance(data, dict) or data.get("ok"):
        return None
    word = data.get("error")
    return " ".join(word.split())[:60] if isinstance(word, str) else None


def _failure(error: SlackApiError) -> str:
    """A failed call's status and, when Slack's body names one, its word, bounded."""
    data = error.response.data
    word = data.get("error") if isinstance(data, dict) else None
    if not isinstance(word, str):
        word = "a body that is no JSON" if not isinstance(data, dict) else "no error named"
    return f"HTTP {error.response.status_code}, " + " ".join(word.split())[:60]


def is_ignored_event(event: Body) -> bool:
    """Messages qabot never acts on: not new words (edits, deletions, joins, bot_message
    posts), or at the top of a channel (a mention there comes as app_mention too)."""
    if event.get("type") != "message":
        return False
    at_top = event.get("channel_type") in ("channel", "group") and not event.get("thread_ts")
    return at_top or event.get("subtype") not in ANSWERED_SUBTYPES


def conversation_of(channel: str, thread_ts: str | None, ts: str | None, *, direct: bool) -> str:
    """A DM is one conversation (each of its threads one more); in a channel, a thread is
    one, rooted at its first message (a message at the top starts its own)."""
    if direct:
        return f"{channel}:{thread_ts}" if thread_ts else channel
    return f"{channel}:{thread_ts or ts}"


def incoming(event: Body, bot_user_id: str | None, *, direct: bool, addressed: bool) -> Incoming:
    """A message event as the conversation layer reads it."""
    channel = event.get("channel", "")
    user = event.get("user") or ""
    text = event.get("text") or ""
    return Incoming(
        Asker("slack", user),
        conversation_of(channel, event.get("thread_ts"), event.get("ts"), direct=direct),
        question_text(text, bot_user_id),
        channel=channel,
        from_bot=bool(event.get("bot_id")) or user == bot_user_id,
        addressed=addressed,
        to_others=mentions_others(text, bot_user_id),
    )


class SlackListeners:
    """The bolt listeners of qabot, with the tasks they start and the core threads they use."""

    def __init__(self, bot: QABot, settings: Settings, seen: SeenStore | None = None) -> None:
        self.bot = bot
        self.settings = settings
        dedupe_ttl_s = settings.slack.dedupe_ttl_s
        self.seen: SeenStore = (
            seen if seen is not None else StateSeenStore(bot.state, ttl_s=dedupe_ttl_s)
        )
        self.chat = ChatService(bot, settings)
        self.lang = settings.default_lang
        self.visibility = "ephemeral" if settings.slack.ask_ephemeral else "in_channel"
        # Core threads: the event loop keeps acking while the core matches. As many as
        # may match at once (QABot bounds that too): a message waiting on a slow shared
        # store holds its own thread, not every other message's answer.
        self._core = ThreadPoolExecutor(
            max_workers=settings.rate_limit.max_concurrent, thread_name_prefix="qabot-core"
        )
        self._tasks: set[asyncio.Task[None]] = set()

    def register(self, app: AsyncApp) -> None:
        """Wire every listener into `app`, explicitly, in one place."""
        app.middleware(self.filter_events)
        app.assistant(AssistantListeners(self).assistant())  # DM threads, the side panel
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
        except Exception as e:
            if isinstance(e, ResponseUrlError):
                log.warning("slack %s: %s; reply lost", what, e)
            elif isinstance(e, SlackApiError) and e.response.status_code == 429:
                # Slack asked for a longer wait than we hold a reply for: one line, no trace.
                wait = retry_after_s(e.response.headers)
                log.warning("slack %s: rate-limited, Retry-After %gs; reply dropped", what, wait)
            elif isinstance(e, SlackApiError) and (error := _refusal_word(e)) is not None:
                # Slack answered and refused (`ok: false`: restricted_action where only admins
                # post, is_archived, …): one line naming its word, as Discord's 403 is. It was an
                # ERROR traceback per reply, quoting the call's URL (SLACK_API_URL's base).
                level = logging.ERROR if error in _AUTH_ERRORS else logging.WARNING
                log.log(level, "slack %s: the Web API refused it (%s); reply lost", what, error)
            elif isinstance(e, SlackApiError):
                # Slack's side failed after the client's retries (a 5xx, a body that is no
                # JSON): one line naming its status and word, as a refusal is. It was an ERROR
                # with a traceback quoting the call's URL (SLACK_API_URL's base).
                log.error("slack %s: the Web API failed (%s); reply lost", what, _failure(e))
            elif isinstance(e, aiohttp.ClientError | OSError):  # TimeoutError is an OSError
                log.error("slack %s: Slack out of reach (%s); reply lost", what, type(e).__name__)
            else:
                log.exception("slack %s failed", what)
            self.bot.metrics.error("slack")

    async def drain(self, timeout: float = FINISH_S) -> None:
        """Let in-flight replies finish (up to `timeout`), then cancel the rest."""
        await finish(set(self._tasks), timeout)
        self._core.shutdown(wait=False, cancel_futures=True)

    async def core(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call the (synchronous) core on one of its threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._core, functools.partial(fn, *args, **kwargs))

    # ------------------------------------------------------------ policy

    async def filter_events(
        self, body: Body, response: BoltResponse, next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse:
        """Drop bot and edit events (a delivery seen before is dropped after the ack)."""
        if body.get("type") == "event_callback" and is_ignored_event(body.get("event") or {}):
            return BoltResponse(status=200, body="")
        await next_()
        return response

    def spawn_once(
        self, body: Body, coro: Coroutine[Any, Any, None], what: str, *keys: str
    ) -> None:
        """`spawn` an event's work, to run unless its event_id (or one of `keys`) was seen.

        The claims are made in the background task, so a slow shared store never
        delays the ack (Slack retries an event it does not see acked in 3 s).
        """
        event_id = body.get("event_id")
        keys = (f"event:{event_id}", *keys) if event_id else keys
        self.spawn(self._unless_seen(coro, keys), what)

    async def _unless_seen(self, coro: Coroutine[Any, Any, None], keys: tuple[str, ...]) -> None:
        with contextlib.closing(coro):  # never left un-awaited, whatever happens here
            for key in keys:
                if not await self.seen.claim(key):
                    if key.startswith("event:"):
                        log.info("slack: %s delivered again; ignored", key)
                    return
            await coro

    async def on_error(self, error: Exception, body: Body) -> None:
        """Any exception in a listener: logged, and the app carries on."""
        log.error(
            "slack listener failed on a %s request",
            body.get("type") or body.get("command") or "?",
            exc_info=error,
        )

    # ------------------------------------------------------------ messages

    async def on_mention(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """`@qabot …` in a channel: reply in the thread (root of it, or a new one)."""
        if event.get("channel", "").startswith("D"):
            return  # a direct message: the message.im listener answers it
        message = incoming(event, context.bot_user_id, direct=False, addressed=True)
        thread_ts = event.get("thread_ts") or event.get("ts")
        self._answer_message(body, message, event, context, thread_ts=thread_ts, what="app_mention")

    async def on_message(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """A DM (reply in it, or in its thread), or a message in a channel or private
        channel: a follow-up when it is in a thread qabot answered in."""
        kind = event.get("channel_type")
        if kind == "im":
            self.answer_dm(event, context, body=body)
        elif kind in ("channel", "group"):  # in a thread (filter_events drops the rest)
            # A mention in it is answered by on_mention, addressed (the claim keeps it to one).
            message = incoming(event, context.bot_user_id, direct=False, addressed=False)
            thread_ts = event.get("thread_ts")
            self._answer_message(
                body, message, event, context, thread_ts=thread_ts, what="follow-up"
            )

    def answer_dm(
        self,
        event: Body,
        context: AsyncBoltContext,
        *,
        status: bool = False,
        body: Body | None = None,
    ) -> None:
        """A direct message: the reply in the DM, or in its thread (an assistant thread
        too, then with a status while answering)."""
        message = incoming(event, context.bot_user_id, direct=True, addressed=True)
        thread_ts = event.get("thread_ts")
        what = "assistant" if status else "dm"
        self._answer_message(
            body or {}, message, event, context, thread_ts=thread_ts, what=what, status=status
        )

    def _answer_message(
        self,
        body: Body,
        message: Incoming,
        event: Body,
        context: AsyncBoltContext,
        *,
        thread_ts: str | None,
        what: str,
        status: bool = False,
    ) -> None:
        if message.from_bot:
            return  # saves the shared state a read; the conversation layer says no anyway
        if not message.channel:  # Slack always names one; a reply could go nowhere
            log.warning("slack: a %s event without a channel was ignored", what)
            return
        key = f"message:{message.channel}:{event.get('ts')}"
        # The event's id is claimed in the task, after the ack (a slow store never delays it).
        self.spawn_once(body, self._post(context.client, message, key, thread_ts, status), what)

    async def _post(
        self,
        client: AsyncWebClient,
        message: Incoming,
        key: str,
        thread_ts: str | None,
        status: bool = False,
    ) -> None:
        async with self.chat.turns.of(message.conversation):  # in order (bot.chat.Turns)
            if not await self.core(self.chat.wants, message):
                return
            # app_mention and message.* can both carry one message: answer it once.
            if not await self.seen.claim(key):
                return
            channel = message.channel or ""
            # An assistant thread shows "looking it up…" while the answer is made, set once
            # the message is within the rate limit: one over it costs no Web API call but
            # the notice (once a minute), where it was a status set and cleared each.
            statuses: list[concurrent.futures.Future[None]] = []
            admitted = None
            if status and thread_ts and message.text:
                lang = await self.core(self.bot.language, message.text)
                looking = render.word("assistant_status", lang)
                admitted = self._status_when_admitted(client, channel, thread_ts, looking, statuses)
            if message.text:
                ask = functools.partial(self.chat.answer, message, admitted)
                payload, answer = await self._reply(message.text, ask)
            else:  # `@qabot` alone: the help, a post like an answer (it spends a token)
                payload, answer = await self._help_or_notice(message)
            # Set before the post, which takes it away; a status call Slack is slow to answer
            # holds the answer STATUS_WAIT_S at most (it held it for as long as the client
            # retried, some 40 s), and is taken away once it lands.
            late = await _unfinished_after(statuses, STATUS_WAIT_S)
            for started in late:
                clear = self._clear_status_when_set(client, channel, thread_ts, started)
                self.spawn(clear, "assistant status")
            if answer is not None and not await self.core(self.chat.worth_posting, message, answer):
                return  # a notice given less than a minute ago (no status was set for it)
            response = await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **payload
            )
            await self._sent(response, message.conversation, answer)

    @staticmethod
    async def _clear_status_when_set(
        client: AsyncWebClient,
        channel: str,
        thread_ts: str,
        started: concurrent.futures.Future[None],
    ) -> None:
        """Take away a status that landed after the answer it stood for was posted."""
        await asyncio.wrap_future(started)
        await set_status(client, channel, thread_ts, "")

    @staticmethod
    def _status_when_admitted(
        client: AsyncWebClient,
        channel: str,
        thread_ts: str,
        status: str,
        started: list[concurrent.futures.Future[None]],
    ) -> Callable[[], None]:
        """For QABot.handle, called on a core thread once a message is within the rate
        limit: set the assistant thread's `status` on this event loop (into `started`)."""
        loop = asyncio.get_running_loop()

        def admitted() -> None:
            call = set_status(client, channel, thread_ts, status)
            started.append(asyncio.run_coroutine_threadsafe(call, loop))

        return admitted

    async def _help_or_notice(self, message: Incoming) -> tuple[render.Payload, Answer | None]:
        """The help for a message with no question in it, or over the asker's rate limit the
        notice (once a minute, as for questions): a flood of bare mentions was a help posted
        for each, however many."""
        asker = message.asker
        limited = await self.core(
            self.bot.over_limit, "", asker.platform, asker.user, message.channel
        )
        if limited is not None:
            return render.render_answer(limited), limited
        return render.render_help(self.lang), None

    async def _sent(self, response: Any, conversation: str, answer: Answer | None) -> None:
        """Tell the conversation layer what a chat.postMessage `response` posted."""
        channel, ts = response.get("channel"), response.get("ts")
        if isinstance(channel, str) and isinstance(ts, str):
            await self.core(self.chat.sent, "slack", conversation, f"{channel}:{ts}", answer)

    async def _reply(
        self, question: str, ask: Callable[[], Answer]
    ) -> tuple[render.Payload, Answer | None]:
        if not question:
            return render.render_help(self.lang), None
        try:
            answer = await self.core(ask)
        except Exception:
            log.exception("slack: the core failed on a question")
            return render.render_notice("error", self.lang), None
        if is_help(answer):  # zero-width characters only: Slack's own help, as for blanks
            return render.render_help(self.lang), answer
        return render.render_answer(answer), answer

    async def on_reaction(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """👍/👎 on one of our answers: logged for triage; any other reaction is ignored."""
        vote, item = vote_of(event), event.get("item") or {}
        if vote is not None:
            ref = f"{item.get('channel')}:{item.get('ts')}"
            user = str(event.get("user"))
            from_bot = bool(event.get("bot_id")) or user == context.bot_user_id
            self.spawn_once(body, self._vote(vote, Asker("slack", user), ref, from_bot), "reaction")

    async def _vote(self, vote: Vote, asker: Asker, ref: str, from_bot: bool) -> None:
        await self.core(self.chat.vote, vote, asker, ref, from_bot=from_bot)

    # ------------------------------------------------------------ slash commands

    async def on_ask(self, ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        """`/ask QUESTION`: the answer, in the channel (or ephemeral, by config)."""
        await ack()
        question = question_text(command.get("text") or "")
        self.spawn(self._ask(question, command, respond), "/ask")

    async def _ask(self, question: str, command: Body, respond: AsyncRespond) -> None:
        user, channel = command.get("user_id"), command.get("channel_id")
        payload, answer = await self._reply(
            question, lambda: self.bot.ask(question, platform="slack", user=user, channel=channel)
        )
        # The help and a rate-limit notice are for the asker alone, as for a click.
        alone = not question or (answer is not None and answer.kind == "rate_limited")
        alone = alone or (answer is not None and is_help(answer))  # zero-width characters only
        await reply_via(respond, response_type="ephemeral" if alone else self.visibility, **payload)

    async def on_stat(self, ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        """`/stat [TOPIC]`: the table, one statistic with its citation, or the closest topics."""
        await ack()
        topic = question_text(command.get("text") or "") or None
        self.spawn(self._stat(topic, command, respond), "/stat")

    async def _stat(self, topic: str | None, command: Body, respond: AsyncRespond) -> None:
        user, channel = command.get("user_id"), command.get("channel_id")
        reply = await self.core(
            self.bot.chat_stat, topic, platform="slack", user=user, channel=channel
        )
        if isinstance(reply, Answer):  # over the rate limit: told to the asker alone
            await reply_via(respond, response_type="ephemeral", **render.render_answer(reply))
        else:
            await reply_via(respond, response_type=self.visibility, **render.render_stat(reply))

    async def on_kb(self, ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        """`/kb reload|status|unanswered`, for admins; everyone else gets an ephemeral refusal."""
        user = command.get("user_id") or ""
        if not self.bot.is_admin(Asker("slack", user)):
            log.info("slack: /kb refused for %s (not an admin)", self.bot.loggable_user(user))
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
            # Off the core threads: answers keep flowing while the new knowledge loads.
            result = await self.bot.areload("slack /kb reload")
            payload = render.render_reload(result, self.lang)
        elif sub == "unanswered":
            groups = await asyncio.to_thread(self.bot.unanswered_groups)
            logging = self.bot.settings.unanswered.enabled
            payload = render.render_unanswered(groups, self.lang, logging=logging)
        else:
            payload = render.render_kb_status(await self.core(self.bot.status), self.lang)
        await reply_via(respond, response_type="ephemeral", **payload)

    # ------------------------------------------------------------ interactivity

    async def on_suggestion(
        self, ack: AsyncAck, body: Body, action: Body, context: AsyncBoltContext
    ) -> None:
        """A "did you mean" button: answer that question where the button was; log it."""
        await ack()
        intent, lang, question = render.parse_suggestion_value(action.get("value") or "")
        user = (body.get("user") or {}).get("id")
        self.spawn(self._answer_click(body, intent, lang, question, context, user), "suggestion")

    async def _answer_click(
        self,
        body: Body,
        intent: str,
        lang: str,
        question: str,
        context: AsyncBoltContext,
        user: str | None,
    ) -> None:
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        answer = await self.core(
            self.bot.answer_click,
            intent,
            lang,
            question=question,
            platform="slack",
            user=user,
            channel=channel,
        )
        payload = render.render_answer(answer)
        thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        ephemeral = bool(container.get("is_ephemeral")) or answer.kind == "rate_limited"
        if channel and not ephemeral:
            try:
                response = await context.client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **payload
                )
                direct = channel.startswith("D")
                conversation = conversation_of(
                    channel, thread_ts, response.get("ts"), direct=direct
                )
                await self._sent(response, conversation, answer)
                return
            except SlackApiError as e:
                if e.response.get("error") not in _POST_FALLBACK_ERRORS:
                    raise
        # Ephemeral origin, over the rate limit, or a channel the bot is not in: answer
        # through response_url.
        await reply_via(
            context.respond,
            response_type="ephemeral" if ephemeral else "in_channel",
            replace_original=False,
            thread_ts=thread_ts,
            **payload,
        )

    async def on_attach(
        self, ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond
    ) -> None:
        """An "attach" button of `/kb unanswered`: add the question to the intent (admins).
        Anyone else is refused as a click is answered: to the clicker alone, after the ack."""
        await ack()
        user = (body.get("user") or {}).get("id") or ""
        if not self.bot.is_admin(Asker("slack", user)):
            log.info("slack: attach refused for %s (not an admin)", self.bot.loggable_user(user))
            refusal = render.render_notice("not_admin", self.lang)
            self.spawn(self._tell_clicker(respond, refusal), "attach")
            return
        parsed = render.parse_attach_value(action.get("value") or "")
        if parsed is None:
            return
        intent, lang, question = parsed
        log.info("slack: %s attaches a question to %s", user, intent)
        self.spawn(self._attach(intent, lang, question, respond), "attach")

    async def _attach(self, intent: str, lang: str, question: str, respond: AsyncRespond) -> None:
        result = await asyncio.to_thread(self.bot.add_question, intent, question, lang)
        await self._tell_clicker(respond, render.render_edit(result))

    @staticmethod
    async def _tell_clicker(respond: AsyncRespond, payload: render.Payload) -> None:
        """A new message only the clicker sees, the listing they clicked in left as it is."""
        await reply_via(respond, response_type="ephemeral", replace_original=False, **payload)
