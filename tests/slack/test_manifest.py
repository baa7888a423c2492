"""The app manifest asks for what the adapter handles, and no more."""

from __future__ import annotations

from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT


def test_manifest_matches_the_adapter() -> None:
    manifest = YAML(typ="safe").load(PROJECT_ROOT / "config" / "slack-manifest.yaml")
    assert manifest["display_information"]["name"] == "qabot"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",
        "assistant:write",  # the assistant panel: prompts, status
        "channels:history",  # message.channels: follow-ups in threads qabot answered in
        "chat:write",
        "commands",
        "groups:history",  # message.groups: the same in private channels
        "im:history",
        "reactions:read",
        "users:read",  # users.info locale: the assistant's greeting language
    }
    events = manifest["settings"]["event_subscriptions"]
    assert set(events["bot_events"]) == {
        "app_mention",
        "assistant_thread_started",
        "assistant_thread_context_changed",
        "message.channels",
        "message.groups",
        "message.im",
        "reaction_added",
    }
    assert manifest["features"]["assistant_view"]["assistant_description"]
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/stat", "/ask", "/kb"}
    assert all(c["usage_hint"] for c in commands.values())
    urls = {events["request_url"], manifest["settings"]["interactivity"]["request_url"]}
    urls |= {c["url"] for c in commands.values()}
    assert urls == {"https://example.com/slack/events"}
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is False
