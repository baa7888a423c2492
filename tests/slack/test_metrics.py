"""GET /metrics: Prometheus text with questions by outcome, latency, reloads, errors."""

from __future__ import annotations

import re
from typing import get_args

from bot.answer import AnswerKind
from bot.settings import PROJECT_ROOT
from tests.slack.harness import SlackHarness


async def _metrics(slack: SlackHarness) -> str:
    async with slack.session.get(f"{slack.url}/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        return await resp.text()


async def test_metrics_count_questions_by_outcome_and_reloads(slack: SlackHarness) -> None:
    await slack.event(slack.mention_event("Wann wurde SenseTime gegründet?"))
    await slack.event(slack.mention_event("What is the best pizza in Naples?"))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2)
    await slack.settled()
    text = await _metrics(slack)
    assert 'qabot_questions_total{outcome="intent",platform="slack"} 1.0' in text
    assert 'qabot_questions_total{outcome="abstain",platform="slack"} 1.0' in text
    assert "qabot_answer_seconds_count 2.0" in text
    assert "qabot_reloads_total" in text or "# HELP qabot_reloads" in text


def test_the_readme_names_every_outcome_the_metrics_count() -> None:
    # The outcome label is the answer's kind; the README's list left out "narrowed".
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"\(outcome = ([^)]*)\)", readme)
    assert listed is not None
    assert set(re.split(r",\s*", listed.group(1))) == set(get_args(AnswerKind))
