"""A core that holds one question until the test lets it go: for tests of what may happen
meanwhile (Slack and Discord)."""

from __future__ import annotations

import threading

from bot.answer import Answer
from bot.service import QABot


class StallingBot(QABot):
    """Resolves a question starting with "slow:" only once `go_on` is set (the rest at once);
    `stalled` is set when one is waiting."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.stalled, self.go_on = threading.Event(), threading.Event()

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        if text.startswith("slow:"):
            self.stalled.set()
            self.go_on.wait(timeout=30)
            text = text.removeprefix("slow:")
        return super().resolve(text, lang)
