"""QABot subclasses whose resolver misbehaves on purpose, for the Slack tests."""

from __future__ import annotations

from bot.answer import Answer, Suggestion
from bot.service import QABot


class EchoBot(QABot):
    """Echoes the question back, as a careless core might."""

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        return Answer(
            question=text, answered=False, lang="en", text=f"You asked: {text}", kind="abstain"
        )


class SuggestingBot(QABot):
    """Never sure: abstains with two real suggestions."""

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        suggestions = (
            Suggestion("hkpc.recruiting", "How many companies have difficulties recruiting?", 0.4),
            Suggestion("computing.cloud", "How many companies use cloud computing?", 0.35),
        )
        return Answer(
            question=text,
            answered=False,
            lang="en",
            text="Sorry, the article doesn't say.",
            kind="abstain",
            suggestions=suggestions,
        )


class FlakyBot(QABot):
    """Raises on the first question, then answers normally."""

    failures = 1

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("core exploded (on purpose)")
        return super().resolve(text, lang)


class BrokenAdminCheck(QABot):
    """The admin check itself fails: an exception inside a listener's ack phase."""

    def is_admin(self, *args: object, **kwargs: object) -> bool:
        raise RuntimeError("admin check exploded (on purpose)")
