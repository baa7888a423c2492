"""The Slack Web API client: base URL from SLACK_API_URL, a timeout, bounded retries.

429 (up to `[slack] max_retry_after_s` of Retry-After in all), every 5xx, timeouts and
dropped connections are retried with backoff, `[slack] api_retries` times; then
the call fails and the caller logs it. slack_sdk's line for each retry names the
call, never its URL.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import QabotError
from bot.settings import Settings

# The loggers of the Web API client and of the webhook client bolt answers response_urls with.
WEB_API_LOGGER = "slack_sdk.web.async_base_client"
WEBHOOK_LOGGER = "slack_sdk.webhook.async_client"
_RETRY_LINE = re.compile(r"A retry handler found: (\w+) for (\w+) (\S+)")
_WAITED = "rate_limit_waited_s"  # a call's waits for Retry-After so far, in its RetryState


class SlackConfigError(QabotError):
    """Slack cannot start: a token or the signing secret is missing or rejected."""


class _AnyServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Retries every 5xx (slack_sdk's own handler retries only 500 and 503)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


class _CappedRateLimitRetryHandler(AsyncRetryHandler):
    """Waits out a 429's Retry-After while the call's waits come to at most `cap_s` in all;
    a longer one is not taken, so the call fails at once (slack_sdk's own handler would
    sleep as long as Slack says, each time it says it)."""

    def __init__(self, *, max_retry_count: int, cap_s: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.cap_s = cap_s

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and _waited_s(state) + retry_after_s(response.headers) <= self.cap_s
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        wait = retry_after_s(response.headers if response else {})
        state.custom_values = {**(state.custom_values or {}), _WAITED: _waited_s(state) + wait}
        await asyncio.sleep(wait)
        state.increment_current_attempt()


def retry_after_s(headers: Mapping[str, Any]) -> float:
    """The wait a 429 asks for; 1 s when the header is missing or not a number of seconds."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            try:
                seconds = float(text)
            except (TypeError, ValueError):
                return 1.0
            return seconds if 0 <= seconds < float("inf") else 1.0
    return 1.0


def _waited_s(state: RetryState) -> float:
    return float((state.custom_values or {}).get(_WAITED, 0.0))


def retry_line_without_url(record: logging.LogRecord) -> bool:
    """slack_sdk logs every retry at INFO with the call's whole URL: a response_url lets
    anyone who holds it post into the channel for 30 minutes, and SLACK_API_URL may name a
    gateway with a key in its path. The line keeps the handler and the call's name."""
    found = _RETRY_LINE.match(record.getMessage())
    if found is not None:
        handler, verb, url = found.groups()
        call = "response_url" if record.name == WEBHOOK_LOGGER else url.rsplit("/", 1)[-1]
        record.msg, record.args = f"slack: {verb} {call} retried ({handler})", None
        record.exc_info = record.exc_text = None
    return True


def make_client(settings: Settings) -> AsyncWebClient:
    """Web API client: base URL from SLACK_API_URL; 429, 5xx and timeouts retried, bounded
    (a 429 whose wait would take the call's waits over `[slack] max_retry_after_s` is not
    retried)."""
    if settings.slack_bot_token is None:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set (the xoxb- bot token)")
    for name in (WEB_API_LOGGER, WEBHOOK_LOGGER):
        logging.getLogger(name).addFilter(retry_line_without_url)  # once: filters are a set
    retries = settings.slack.api_retries
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.25)
    handlers: list[AsyncRetryHandler] = [
        _CappedRateLimitRetryHandler(
            max_retry_count=retries, cap_s=settings.slack.max_retry_after_s
        ),
        _AnyServerErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
        AsyncConnectionErrorRetryHandler(
            max_retry_count=retries,
            interval_calculator=backoff,
            error_types=[aiohttp.ServerConnectionError, aiohttp.ClientOSError, TimeoutError],
        ),
    ]
    base_url = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else f"{settings.slack_api_url}/"
    )
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url,
        timeout=settings.slack.api_timeout_s,  # type: ignore[arg-type]  # float is fine
        retry_handlers=handlers,
    )
