"""Hostile text through the real bolt app: what a user typed is shown back as plain words,
and `/kb reload` answers whatever breaks."""

from __future__ import annotations

import re
from pathlib import Path

from bot.kb_edit import EditResult
from bot.render.slack import render_edit
from bot.service import QABot
from bot.settings import Settings
from tests.slack.harness import ADMIN, SlackHarness, StartSlack

# Masked link, spoiler, bold, italic, strike, code, broadcast, zero-width, RTL override, NUL.
HOSTILE = (
    "[x](https://evil.example) ||s|| **b** *b* _i_ ~s~ `c` <!channel> @here "
    "z\u200bw\u202eRTL\x00NUL"
)
INVISIBLE = "\u200b\u202e\x00"


def one_response(api: object) -> bool:
    return len(api.responses()) >= 1  # type: ignore[attr-defined]


def admin_bot(kb: Path, tmp_path: Path) -> QABot:
    return QABot.from_settings(
        Settings(
            knowledge_dir=kb,
            default_lang="en",
            admins={"slack_user_ids": [ADMIN]},
            unanswered={"path": tmp_path / "unanswered.jsonl"},
        )
    )


def assert_plain_words(echo: str) -> None:
    """No Slack markup can act in `echo`: no formatting mark, link, broadcast or hidden text."""
    assert not set(echo) & set("*_~`<>" + INVISIBLE), echo
    assert "@channel" not in echo and "@here" not in echo
    assert "x](https://evil.example)" in echo  # the words themselves are all still there


async def test_stat_shows_an_unknown_topic_as_plain_words(slack: SlackHarness) -> None:
    await slack.command("/stat", HOSTILE)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert resp["response_type"] == "in_channel"
    for text in (resp["blocks"][0]["text"]["text"], resp["text"]):
        (echo,) = re.findall(r"“(.*)”", text)
        assert_plain_words(echo)


def test_an_attach_reply_shows_the_question_as_plain_words() -> None:
    # The reply to an attach click names the question; with safe() alone its mrkdwn marks
    # rendered in the admin's reply. No test sent one.
    result = EditResult(True, True, f"added {HOSTILE!r} to hkpc.recruiting (en)")
    payload = render_edit(result)
    for text in (payload["blocks"][0]["text"]["text"], payload["text"]):
        (echo,) = re.findall(r"added '(.*)' to", text)
        assert_plain_words(echo)


async def test_kb_unanswered_shows_questions_as_plain_words(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    bot = admin_bot(kb_copy, tmp_path)
    bot.ask(HOSTILE, platform="slack")
    slack = await start_slack(bot=bot)
    await slack.command("/kb", "unanswered", user=ADMIN)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    (group,) = [b for b in resp["blocks"] if b["type"] == "section"]
    for text in (group["text"]["text"], resp["text"].splitlines()[1]):
        (echo,) = re.findall(r"“(.*)”", text)
        assert_plain_words(echo)


async def test_kb_reload_answers_when_the_loader_chokes(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    slack = await start_slack(bot=admin_bot(kb_copy, tmp_path))
    path = kb_copy / "qa" / "sensetime.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('locator: "§4"', f'locator: "§{"9" * 5000}"', 1), "utf-8")
    await slack.command("/kb", "reload", user=ADMIN)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert "Reload failed" in resp["text"]
    assert "knowledge/qa/sensetime.yaml:31: " in resp["text"]


async def test_kb_errors_cannot_close_their_code_block(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    slack = await start_slack(bot=admin_bot(kb_copy, tmp_path))
    (kb_copy / "qa" / "x```<!channel>*b*.yaml").write_text("a: [", "utf-8")
    await slack.command("/kb", "reload", user=ADMIN)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    body = resp["blocks"][0]["text"]["text"]
    assert body.count("```") == 2 and body.endswith("```")
    assert "<!channel>" not in body and "x\u02cb\u02cb\u02cb&lt;!channel&gt;*b*.yaml:" in body


async def test_kb_status_shows_file_names_in_code_blocks(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    bot = admin_bot(kb_copy, tmp_path)
    (kb_copy / "qa" / "*bold* ~s~ _i_.yaml").write_text("a: [", "utf-8")
    assert not bot.reload("test").ok
    slack = await start_slack(bot=bot)
    await slack.command("/kb", "status", user=ADMIN)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    text = resp["blocks"][0]["text"]["text"]
    outside = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    assert "*bold* ~s~ _i_.yaml" in text and "*bold*" not in outside
