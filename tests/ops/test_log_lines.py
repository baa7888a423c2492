"""Through the real Slack app: text from a request cannot forge a log line of qabot's."""

from __future__ import annotations

import io
import logging
import urllib.parse
from pathlib import Path

from bot.logs import setup_logging
from bot.service import QABot
from bot.settings import Settings
from tests.slack.harness import StartSlack

FORGED = "2026-11-30 06:00:00,000 INFO qabot.slack slack: /kb reload by UADMIN"


async def test_a_newline_in_a_request_does_not_forge_a_log_line(
    start_slack: StartSlack, tmp_path: Path
) -> None:
    unanswered = {"path": tmp_path / "u.jsonl", "log_user_ids": True}  # the refusal shows the id
    slack = await start_slack(bot=QABot.from_settings(Settings(unanswered=unanswered)))
    stream = io.StringIO()
    setup_logging(json_lines=False).setStream(stream)
    # signed: a /kb by a user id with a line break (logged as refused)
    await slack.command("/kb", "reload", user=f"U1\n{FORGED}")
    # unsigned: a form body with a line break (refused before it is read)
    form = urllib.parse.urlencode({"user_id": "U2", "text": "x"}) + f"\n{FORGED}"
    await slack.post_raw(form, "application/x-www-form-urlencoded", signature="v0=0")
    await slack.settled()
    logging.getLogger().handlers[0].flush()
    lines = stream.getvalue().splitlines()
    assert any("/kb refused for U1\\n" in line for line in lines), lines
    assert not any(line.startswith(FORGED) for line in lines), lines
