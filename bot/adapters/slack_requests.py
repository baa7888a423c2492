"""What a request must be before bolt sees it: signed by Slack and recent (over HTTP), and
of the shape Slack documents (over HTTP and Socket Mode alike: `dispatch`).

The signature is checked first, on the raw bytes, so that nothing parses a request
Slack did not send. (bolt parses the body before its own check, and logs refused
bodies in full.) The reasons returned here are short fixed phrases or type names,
never text from the request, so that a refusal logs one bounded line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.render.slack import BUTTON_VALUE_MAX

log = logging.getLogger("qabot.slack")

MAX_SKEW_S = 5 * 60  # Slack's rule: a timestamp further off than this is a replay
# Slack sends seconds since the epoch as plain ASCII digits; `int()` would also take
# " 17", "1_000" or Arabic-Indic digits, and raises on "1e9", so parse nothing else.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
MAX_PROBLEM = 120  # characters of a parser's complaint that a refusal logs
MALFORMED = 400  # the status of a request refused for its shape
# What building bolt's request (decoding, parsing) raises on a body of another shape.
_PARSE_ERRORS = (UnicodeDecodeError, LookupError, ValueError, TypeError, AttributeError)


class SignatureCheck:
    """Slack's v0 request signature over the exact bytes received, with the replay window."""

    def __init__(self, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = signing_secret.encode()
        self._clock = clock

    def refusal(self, body: bytes, timestamp: str | None, signature: str | None) -> str | None:
        """Why this request is not Slack's (a short phrase), or None when it is."""
        if not timestamp or not signature:
            return "no signature"
        if not _TIMESTAMP.fullmatch(timestamp):
            return "timestamp not an integer"
        if abs(self._clock() - int(timestamp)) > MAX_SKEW_S:
            return "stale timestamp"
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = b"v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest().encode()
        # aiohttp decodes header bytes with surrogateescape: this restores them exactly.
        if not hmac.compare_digest(expected, signature.encode("utf-8", "surrogateescape")):
            return "bad signature"
        return None


def bolt_request(text: str, query: str, headers: Mapping[str, str]) -> AsyncBoltRequest:
    """bolt's request for a body Slack signed, its form fields read as Slack means them.

    bolt takes a form body that merely contains the word "payload" (a slash command's
    text, a channel or user name) for an interactivity payload, finds no `payload` field
    and reads an empty body: the command would be lost (404). A form is a payload only
    when it has that field.
    """
    request = AsyncBoltRequest(body=text, query=query, headers=headers)  # type: ignore[arg-type]
    if not request.body and "payload" in text:
        form = dict(parse_qsl(text, keep_blank_values=True))
        if form and "payload" not in form:
            request.body = form
            request.context = build_async_context(AsyncBoltContext({}), form)
    return request


async def dispatch(app: AsyncApp, make_request: Callable[[], AsyncBoltRequest]) -> BoltResponse:
    """bolt's response to a request Slack sent, by either transport, once its body has the
    shape Slack documents; else (or when bolt chokes on it) 400 and one log line.

    `make_request` builds bolt's request (parsing the body), so what parsing raises is
    caught here too.
    """
    try:
        request = make_request()
        problem = malformed(request.body)
    except _PARSE_ERRORS as e:
        problem = f"{type(e).__name__}: {e}"[:MAX_PROBLEM]
    except RecursionError:  # JSON nested deeper than the parser can go
        problem = "nested too deep"
    if problem is None:
        try:
            response = await app.async_dispatch(request)
        except Exception as e:  # bolt's own error path failed on an odd body
            problem = type(e).__name__
            log.warning("slack: bolt failed on a request", exc_info=True)
        else:
            if response.status == 404:
                log.warning("slack: a request no listener handles was answered 404")
            return response
    log.warning("slack: malformed request refused (%s)", problem)
    body = json.dumps({"error": "malformed request"})
    return BoltResponse(status=MALFORMED, body=body, headers={"content-type": "application/json"})


def socket_mode_request(payload: dict[str, Any], headers: Mapping[str, str]) -> AsyncBoltRequest:
    """bolt's request for a Socket Mode envelope's payload (an object: the adapter refuses
    any other before slack_sdk reads it)."""
    return AsyncBoltRequest(mode="socket_mode", body=payload, headers=dict(headers))  # type: ignore[arg-type]


# The JSON types Slack documents for the fields bolt and our listeners read. bolt
# reads its context from the parsed body and trusts these types: "[1]", "event": 5
# or "channel": [] would otherwise be a 500.
_OPTIONAL = (dict, str, type(None))
_TOP_LEVEL: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("type", "token", "team_id", "api_app_id", "event_id"), (str,)),
    **dict.fromkeys(("command", "text", "user_id", "channel_id", "response_url"), (str,)),
    # the ids bolt matches listeners against
    **dict.fromkeys(("callback_id", "action_id", "block_id"), (str,)),
    **dict.fromkeys(("event", "container", "message", "view", "workflow_step"), (dict,)),
    **dict.fromkeys(("enterprise", "team", "channel"), _OPTIONAL),
    "user": (dict, str),
    "authorizations": (list,),
    "actions": (list,),
}
_VIEW = dict.fromkeys(("type", "callback_id"), (str,))
# Where bolt takes the context's ids from (the Web API calls carry them).
_AUTHORIZATION = dict.fromkeys(("team_id", "user_id", "enterprise_id"), (str, type(None)))
MAX_EVENT_ID = 100  # Slack's are a dozen characters; the id is a shared-state key
# A button click (`block_actions`): who clicked, where, and which button.
_BLOCK_ACTIONS = dict.fromkeys(("user", "channel"), (dict,))
_CONTAINER = dict.fromkeys(("channel_id", "message_ts", "thread_ts"), (str,)) | {
    "is_ephemeral": (bool,)
}
_ID = {"id": (str,)}
_THREAD = {"thread_ts": (str,)}
_ACTION = dict.fromkeys(("action_id", "block_id", "value"), (str,))
_EVENT = {"type": (str,)}
# A message or mention; `message` and `previous_message` are an edit's or deletion's
# message, which bolt's assistant middleware reads.
_MESSAGE_EVENT = (
    dict.fromkeys(
        ("type", "user", "text", "ts", "thread_ts", "event_ts", "channel", "channel_type"), (str,)
    )
    | dict.fromkeys(("subtype", "bot_id", "team", "user_team"), (str, type(None)))
    | dict.fromkeys(("message", "previous_message"), (dict, type(None)))
)
# The AI-app panel's events: bolt's Assistant reads where to greet from `assistant_thread`.
_ASSISTANT_EVENTS = ("assistant_thread_started", "assistant_thread_context_changed")
_ASSISTANT_THREAD = dict.fromkeys(("user_id", "channel_id", "thread_ts"), (str,)) | {
    "context": (dict,)
}


def malformed(body: object) -> str | None:
    """Why a parsed request body does not have Slack's shape, or None if it does."""
    if not isinstance(body, dict):
        return f"a {type(body).__name__}, not an object"
    problem = _wrong_types(body, _TOP_LEVEL, "")
    problem = problem or _wrong_types(body.get("view") or {}, _VIEW, "view.")
    if problem is None and any(not isinstance(a, dict) for a in body.get("authorizations", [])):
        problem = "authorizations: not a list of objects"
    for n, authorization in enumerate(body.get("authorizations", [])):
        problem = problem or _wrong_types(authorization, _AUTHORIZATION, f"authorizations[{n}].")
    if problem is None and len(body.get("event_id", "")) > MAX_EVENT_ID:
        problem = "event_id: too long"
    if problem is None and any(not isinstance(a, dict) for a in body.get("actions", [])):
        problem = "actions: not a list of objects"
    url = body.get("response_url")
    if problem is None and url is None and "command" in body:
        problem = "response_url: missing"  # a slash command is answered there
    if problem is None and url is not None and not url.startswith(("https://", "http://")):
        problem = "response_url: not a URL"
    if problem is None and body.get("type") == "block_actions":
        problem = _block_actions_problem(body)
    problem = problem or _workflow_step_problem(body)
    event = body.get("event")
    if problem is None and event is not None:  # what bolt matches a listener by
        problem = _wrong_types(event, _EVENT, "event.")
    if problem is None and event is not None and event.get("type") in ("app_mention", "message"):
        problem = _wrong_types(event, _MESSAGE_EVENT, "event.")
        if problem is None and event.get("assistant_thread") is not None:
            problem = _assistant_thread_types(event["assistant_thread"])
    if problem is None and event is not None and event.get("type") in _ASSISTANT_EVENTS:
        problem = _assistant_thread_problem(event)
    return problem


def _workflow_step_problem(body: dict[str, Any]) -> str | None:
    """What bolt reads of a step from apps (a feature Slack retired) for every listener it
    calls: `workflow_step` of an edit or a save, and a submitted view's `type`. Missing,
    it was a KeyError: a WARNING with a traceback for a body Slack signed."""
    kind, view = body.get("type"), body.get("view") or {}
    if kind == "view_submission" and "callback_id" in view and "type" not in view:
        return "view.type: missing"
    edit = kind == "workflow_step_edit" and "callback_id" in body
    save = kind == "view_submission" and view.get("type") == "workflow_step"
    if (edit or save) and "workflow_step" not in body:
        return "workflow_step: missing"
    return None


def _assistant_thread_problem(event: dict[str, Any]) -> str | None:
    thread = event.get("assistant_thread")
    if not isinstance(thread, dict):
        return f"event.assistant_thread: {type(thread).__name__}"
    for key in ("channel_id", "thread_ts"):
        if key not in thread:
            return f"event.assistant_thread.{key}: missing"
    return _assistant_thread_types(thread)


def _assistant_thread_types(thread: object) -> str | None:
    """An `assistant_thread` of Slack's types: bolt's assistant middleware reads one on a
    message in a DM thread too (`"assistant_thread": "x"` there was a 500 and an ERROR
    traceback, bolt calling .get on it)."""
    if not isinstance(thread, dict):
        return f"event.assistant_thread: {type(thread).__name__}"
    return _wrong_types(thread, _ASSISTANT_THREAD, "event.assistant_thread.")


def _block_actions_problem(body: dict[str, Any]) -> str | None:
    problem = _wrong_types(body, _BLOCK_ACTIONS, "")
    for key in ("user", "channel"):
        problem = problem or _wrong_types(body.get(key) or {}, _ID, f"{key}.")
    problem = problem or _wrong_types(body.get("message") or {}, _THREAD, "message.")
    problem = problem or _wrong_types(body.get("container") or {}, _CONTAINER, "container.")
    if problem is None and not body.get("actions"):
        problem = "actions: none"
    on_a_message = (body.get("container") or {}).get("type") == "message"
    if problem is None and on_a_message and "response_url" not in body:
        problem = "response_url: missing"  # a click on a message has one; replies use it
    for n, action in enumerate(body.get("actions", [])):
        if problem is None and "action_id" not in action:
            problem = f"actions[{n}].action_id: missing"
        problem = problem or _wrong_types(action, _ACTION, f"actions[{n}].")
        if problem is None and len(action.get("value", "")) > BUTTON_VALUE_MAX:  # Slack's limit
            problem = f"actions[{n}].value: too long"
    return problem


def _wrong_types(obj: dict[str, object], types: dict[str, tuple[type, ...]], at: str) -> str | None:
    for key, allowed in types.items():
        if key in obj and not isinstance(obj[key], allowed):
            return f"{at}{key}: {type(obj[key]).__name__}"
    return None
