"""Discord message components: the attach buttons of `/kb unanswered`.

A button's custom_id carries the group's short key (`qabot_attach:<key>`), so it
stays well under Discord's 100 characters however long the question is. The
button is a `DynamicItem`: a click is dispatched by its custom_id alone, also
after a restart; what the key stands for is the business of `on_click`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.render.discord import ATTACH_PREFIX, ATTACH_TEMPLATE, BUTTONS_PER_ROW, Button

OnClick = Callable[[discord.Interaction, str], Awaitable[None]]


def attach_item_class(on_click: OnClick) -> type[discord.ui.DynamicItem[discord.ui.Button]]:
    """A DynamicItem class for attach buttons whose click calls `on_click(interaction, key)`."""

    class AttachButton(discord.ui.DynamicItem[discord.ui.Button], template=ATTACH_TEMPLATE):
        def __init__(self, key: str, label: str | None = None, row: int | None = None) -> None:
            button: discord.ui.Button = discord.ui.Button(
                label=label,
                custom_id=ATTACH_PREFIX + key,
                style=discord.ButtonStyle.primary,
                row=row,
            )
            super().__init__(button)
            self.key = key

        @classmethod
        async def from_custom_id(
            cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
        ) -> AttachButton:
            return cls(match["key"], getattr(item, "label", None))

        async def callback(self, interaction: discord.Interaction) -> None:
            await on_click(interaction, self.key)

    return AttachButton


def buttons_view(
    item_class: type[discord.ui.DynamicItem[discord.ui.Button]], buttons: Sequence[Button]
) -> discord.ui.View:
    """A view with one attach button per entry, five to a row (the renderer caps them at 25)."""
    view = discord.ui.View(timeout=None)
    for i, button in enumerate(buttons):
        key = button.custom_id.removeprefix(ATTACH_PREFIX)
        view.add_item(item_class(key, button.label, i // BUTTONS_PER_ROW))  # type: ignore[call-arg]
    return view
