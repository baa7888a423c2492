"""Which platform credentials are missing, and where an operator gets each one.

Checked once, before any adapter starts (bot/runner.py), so a missing token is one
message naming every missing variable, not one exception per run from inside an
adapter.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings

PLATFORMS = ("slack", "discord")


@dataclass(frozen=True)
class Credential:
    """An environment variable a platform needs, and where to find its value."""

    variable: str
    where: str


SLACK_BOT_TOKEN = Credential(
    "SLACK_BOT_TOKEN",
    "https://api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
)
SLACK_SIGNING_SECRET = Credential(
    "SLACK_SIGNING_SECRET",
    "https://api.slack.com/apps → your app → Basic Information → App Credentials → "
    "Signing Secret (HTTP mode; for Socket Mode set SLACK_APP_TOKEN instead: "
    "Basic Information → App-Level Tokens, scope connections:write, xapp-…)",
)
DISCORD_TOKEN = Credential(
    "DISCORD_TOKEN",
    "https://discord.com/developers/applications → your application → Bot → Reset Token",
)


def missing(settings: Settings, platform: str) -> list[Credential]:
    """The credentials `platform` needs that the environment does not set."""
    if platform == "discord":
        return [] if settings.discord_token else [DISCORD_TOKEN]
    if platform != "slack":
        raise ValueError(f"unknown platform {platform!r}")
    needed = []
    if not settings.slack_bot_token:
        needed.append(SLACK_BOT_TOKEN)
    if not (settings.slack_signing_secret or settings.slack_app_token):
        needed.append(SLACK_SIGNING_SECRET)
    return needed


def platforms_to_run(settings: Settings) -> list[str]:
    """The platforms `qabot run` starts: 'slack' and/or 'discord', each that has any of its
    credentials set. One with some set and others missing is to be reported (`report`),
    not skipped: its operator meant it to run."""
    slack = (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    given = {"slack": slack, "discord": (settings.discord_token,)}
    return [p for p in PLATFORMS if any(given[p])]


def report(settings: Settings, platforms: list[str] | tuple[str, ...]) -> str | None:
    """What to set before `platforms` can start, every missing variable at once; None if nothing.

    Args:
        settings: Where the credentials were looked up (environment, .env).
        platforms: The platforms that are to run.
    """
    lines = [
        f"  {c.variable} ({platform}): {c.where}"
        for platform in platforms
        for c in missing(settings, platform)
    ]
    if not lines:
        return None
    head = "qabot: missing credentials; set these in the environment (or the project's .env):"
    return "\n".join([head, *lines])
