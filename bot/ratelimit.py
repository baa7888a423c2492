"""Rate limits per user and per channel (token buckets), shared by every platform.

A question spends one token from its user's bucket and one from its
channel's; when either is empty the asker gets the friendly notice instead of
an answer, and the matcher does not run.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.state import SharedState


class RateLimitSettings(BaseModel):
    """Bucket sizes (burst) and refill rates (sustained questions per second)."""

    # a misspelt key or a number that is no finite one is an error (ConfigSection)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    enabled: bool = True
    # Questions at once (burst) and tokens back a second; 0 per second: a burst only.
    user_burst: float = Field(default=10, ge=0)
    user_per_s: float = Field(default=0.5, ge=0)
    channel_burst: float = Field(default=60, ge=0)
    channel_per_s: float = Field(default=5, ge=0)
    max_concurrent: int = Field(default=8, gt=0)


class RateLimiter:
    """Token buckets keyed by platform and user / channel, in the shared state."""

    def __init__(self, state: SharedState, settings: RateLimitSettings) -> None:
        self.state = state
        self.settings = settings

    def allow(self, platform: str, user: str | None, channel: str | None) -> bool:
        """True when both the user's and the channel's bucket have a token."""
        cfg = self.settings
        if not cfg.enabled:
            return True
        if user and not self.state.take_token(
            f"user:{platform}:{user}", cfg.user_burst, cfg.user_per_s
        ):
            return False
        return not channel or self.state.take_token(
            f"channel:{platform}:{channel}", cfg.channel_burst, cfg.channel_per_s
        )
