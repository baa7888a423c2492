"""Rate limits per user and per channel (token buckets), shared by every platform.

A question spends one token from its user's bucket and one from its
channel's; when either is empty the asker gets the friendly notice instead of
an answer, the matcher does not run, and neither bucket is spent.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict

from bot.bounds import Within
from bot.state import SharedState


class RateLimitSettings(BaseModel):
    """Bucket sizes (burst) and refill rates (sustained questions per second)."""

    # a misspelt key or a number that is no finite one is an error (ConfigSection)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    enabled: bool = True
    # Questions at once (burst) and tokens back a second; 0 per second: a burst only. A
    # question takes a whole token, so a bucket that holds less than one (a burst of 0 or
    # 0.5: "no bursts" meant) lets nothing through, ever: every question got the notice.
    # Switching the limit off is `enabled = false`.
    user_burst: Annotated[float, Within(1, 100_000)] = 10
    user_per_s: Annotated[float, Within(0, 10_000)] = 0.5
    channel_burst: Annotated[float, Within(1, 100_000)] = 60
    channel_per_s: Annotated[float, Within(0, 10_000)] = 5
    # Core threads of an adapter (each one a thread): a few per core.
    max_concurrent: Annotated[int, Within(1, 256)] = 8


class RateLimiter:
    """Token buckets keyed by platform and user / channel, in the shared state."""

    def __init__(self, state: SharedState, settings: RateLimitSettings) -> None:
        self.state = state
        self.settings = settings

    def allow(self, platform: str, user: str | None, channel: str | None) -> bool:
        """True when both the user's and the channel's bucket have a token; one taken from
        each then, none otherwise."""
        cfg = self.settings
        if not cfg.enabled:
            return True
        buckets = []
        if user:
            buckets.append((f"user:{platform}:{user}", cfg.user_burst, cfg.user_per_s))
        if channel:
            buckets.append((f"channel:{platform}:{channel}", cfg.channel_burst, cfg.channel_per_s))
        # both at once: a question the channel's bucket refuses spends none of its asker's
        # (taken one after the other, a busy channel drained a quiet user's bucket)
        return not buckets or self.state.take_tokens(buckets)
