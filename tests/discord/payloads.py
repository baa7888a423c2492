"""Discord JSON payloads for the fake: ids, users, the guild, messages, interactions, limits."""

from __future__ import annotations

from typing import Any

TOKEN = "NzAwMDAwMDAwMDAwMDAwMDAw.fake.not-a-real-token"  # base64("700000000000000000")
BOT_ID = 700000000000000000
APP_ID = BOT_ID
GUILD_ID = 800000000000000001
CHANNEL_ID = 800000000000000002
DM_CHANNEL_ID = 800000000000000003
THREAD_ID = 800000000000000004  # a public thread under the guild channel
USER_ID = 900000000000000001
ADMIN_ID = 900000000000000002
OTHER_BOT_ID = 900000000000000003
ADMIN_ROLE_ID = 800000000000000009
BOT_ROLE_ID = 800000000000000010  # the role Discord gives the bot itself (managed)


def user(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


def member(uid: int, name: str, *, roles: tuple[int, ...] = (), perms: int = 0) -> dict[str, Any]:
    return {
        "user": user(uid, name),
        "roles": [str(r) for r in roles],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "permissions": str(perms),
    }


def guild_payload() -> dict[str, Any]:
    everyone = {"id": str(GUILD_ID), "name": "@everyone", "permissions": str((1 << 11) | (1 << 10))}
    admin_role = {"id": str(ADMIN_ROLE_ID), "name": "kb-admins", "permissions": "0"}
    bot_role = {"id": str(BOT_ROLE_ID), "name": "qabot", "permissions": "0"}
    for role in (everyone, admin_role, bot_role):
        role.update(position=0, color=0, hoist=False, managed=False, mentionable=False, flags=0)
    bot_role.update(managed=True, tags={"bot_id": str(BOT_ID)})
    return {
        "id": str(GUILD_ID),
        "name": "Test Guild",
        "icon": None,
        "owner_id": str(ADMIN_ID),
        "roles": [everyone, admin_role, bot_role],
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": [
            {
                "id": str(CHANNEL_ID),
                "type": 0,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            }
        ],
        "members": [{**member(BOT_ID, "qabot"), "user": user(BOT_ID, "qabot", bot=True)}],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "voice_states": [],
        "presences": [],
        "threads": [thread_payload()],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "preferred_locale": "de",
        "nsfw_level": 0,
        "afk_timeout": 300,
    }


def thread_payload(thread_id: int = THREAD_ID) -> dict[str, Any]:
    """A public thread in the guild channel, as GUILD_CREATE lists it (or THREAD_CREATE
    sends it: a thread started on a message has that message's id)."""
    return {
        "id": str(thread_id),
        "guild_id": str(GUILD_ID),
        "parent_id": str(CHANNEL_ID),
        "owner_id": str(USER_ID),
        "name": "a thread",
        "type": 11,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2024-06-01T12:00:00+00:00",
            "locked": False,
        },
    }


def assert_within_limits(body: dict[str, Any]) -> None:
    """Discord's message and embed limits, checked on a recorded payload."""
    assert len(body.get("content") or "") <= 2000
    embeds = body.get("embeds") or []
    assert len(embeds) <= 10
    total = 0
    for embed in embeds:
        assert len(embed.get("title", "")) <= 256
        assert len(embed.get("description", "")) <= 4096
        assert len(embed.get("footer", {}).get("text", "")) <= 2048
        assert len(embed.get("fields", [])) <= 25
        for f in embed.get("fields", []):
            assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        total += len(embed.get("footer", {}).get("text", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    assert total <= 6000


def message_create(
    mid: int,
    content: str,
    *,
    author: int,
    bot: bool,
    dm: bool,
    mentions: tuple[int, ...],
    mention_everyone: bool,
    reply_to: int | None = None,
    channel: int | None = None,
    forward_of: int | None = None,
    role_mentions: tuple[int, ...] = (),
    webhook_id: int | None = None,
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload from a user (or bot) in the guild channel (or `channel`, the
    thread), or a DM; with `reply_to`, a reply to that message; with `forward_of`, that
    message forwarded (no content of its own, the message as a snapshot); with
    `webhook_id`, posted by that webhook (its author is the webhook, no user)."""
    channel_id = str(DM_CHANNEL_ID if dm else channel or CHANNEL_ID)
    data: dict[str, Any] = {
        "id": str(mid),
        "channel_id": channel_id,
        "author": user(author, f"user{author % 1000}", bot=bot),
        "content": content,
        "timestamp": "2024-06-01T12:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": [user(u, f"user{u % 1000}", bot=u == BOT_ID) for u in mentions],
        "mention_roles": [str(r) for r in role_mentions],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
    }
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if reply_to is not None:
        data["type"] = 19
        data["message_reference"] = {"message_id": str(reply_to), "channel_id": channel_id}
    if forward_of is not None:  # Discord's type 1 reference: a forward, not a reply
        reference = {"type": 1, "message_id": str(forward_of), "channel_id": str(CHANNEL_ID)}
        data["message_reference"] = reference
        snapshot = {k: data[k] for k in ("type", "content", "embeds", "attachments", "flags")}
        snapshot.update(timestamp=data["timestamp"], edited_timestamp=None, mentions=[])
        data["message_snapshots"] = [{"message": {**snapshot, "mention_roles": []}}]
    if not dm:
        data["guild_id"] = str(GUILD_ID)
        data["member"] = {k: v for k, v in member(author, "m").items() if k != "user"}
    return data


def interaction_create(
    iid: int,
    token: str,
    command: dict[str, Any],
    *,
    kind: int,
    member_data: dict[str, Any],
    locale: str,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload in the guild channel (2 = command, 4 = autocomplete)."""
    return {
        "id": str(iid),
        "application_id": str(APP_ID),
        "type": kind,
        "data": command,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "general"},
        "member": member_data,
        "token": token,
        "version": 1,
        "locale": locale,
        "guild_locale": "de",
        "app_permissions": str((1 << 11) | (1 << 14)),
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 8 * 1024 * 1024,
    }


def message_out(mid: int, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The message object REST returns for a message the bot posted."""
    return {
        "id": str(mid),
        "channel_id": channel_id,
        "author": user(BOT_ID, "qabot", bot=True),
        "content": body.get("content") or "",
        "embeds": body.get("embeds") or [],
        "timestamp": "2024-06-01T12:00:01+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "pinned": False,
        "type": 19 if body.get("message_reference") else 0,
        "flags": body.get("flags", 0),
    }


def command_out(cid: int, body: dict[str, Any], guild_id: str | None) -> dict[str, Any]:
    """An application command as REST returns it after a bulk overwrite."""
    out = {
        "id": str(cid),
        "application_id": str(APP_ID),
        "version": "1",
        "type": 1,
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        **body,
    }
    if guild_id:
        out["guild_id"] = guild_id
    return out
