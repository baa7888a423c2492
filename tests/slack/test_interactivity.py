""" "Did you mean" buttons: rendered as buttons, a click answers where it was made and is logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.ratelimit import RateLimitSettings
from bot.service import QABot
from bot.settings import Settings
from tests.slack.bots import SuggestingBot
from tests.slack.fake_slack_api import FakeSlackApi
from tests.slack.harness import SlackHarness, StartSlack


def one_post(api: FakeSlackApi) -> bool:
    return len(api.posts()) >= 1


async def test_suggestions_become_buttons_and_a_click_answers_in_the_thread(
    start_slack: StartSlack, slack_bot: QABot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="qabot.feedback")
    slack = await start_slack(bot=SuggestingBot(slack_bot.settings, slack_bot.store))
    mention = slack.mention_event("talent shortage cloud")
    await slack.event(mention)
    await slack.api.wait_for(one_post)
    (post,) = slack.api.posts()
    (actions,) = [b for b in post["blocks"] if b["type"] == "actions"]
    buttons = actions["elements"]
    assert [b["action_id"] for b in buttons] == ["qabot_suggest_0", "qabot_suggest_1"]
    assert buttons[0]["value"] == "hkpc.recruiting|en|talent shortage cloud"
    assert "How many companies have difficulties recruiting?" in post["text"]

    reply = await slack.click(buttons[0]["value"], channel="C1", thread_ts=mention["ts"], user="U7")
    assert reply.status == 200
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2)
    answer = slack.api.posts()[1]
    assert answer["channel"] == "C1" and answer["thread_ts"] == mention["ts"]
    assert "49" in answer["text"]
    assert answer["blocks"][1]["type"] == "context"
    clicks = [r for r in caplog.records if r.name == "qabot.feedback"]
    assert len(clicks) == 1
    assert "hkpc.recruiting" in clicks[0].getMessage()
    assert "U7" not in clicks[0].getMessage()  # [unanswered] log_user_ids is off


# A public channel qabot is not in, and a private one (Slack says channel_not_found).
@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
async def test_a_click_where_the_bot_cannot_post_answers_through_response_url(
    start_slack: StartSlack, error: str
) -> None:
    slack = await start_slack()
    slack.api.fail_next("chat.postMessage", status=200, error=error)
    await slack.click("hkpc.recruiting|de", channel="C5")
    await slack.api.wait_for(lambda api: len(api.responses()) >= 1)
    (resp,) = slack.api.responses()
    assert resp["replace_original"] is False
    assert "49" in resp["text"]
    assert not slack.api.posts()


async def test_a_click_in_a_message_only_the_asker_sees_is_answered_to_them_alone(
    start_slack: StartSlack,
) -> None:
    # An answer only its asker sees (`[slack] ask_ephemeral`) keeps its "did you mean"
    # buttons; the click's answer stays with them, not posted in the channel. Answering
    # every click in the channel passed every test.
    slack = await start_slack()
    payload = slack.click_payload("hkpc.recruiting|en", channel="C5")
    payload["container"]["is_ephemeral"] = True
    await slack.post_payload(payload)
    await slack.api.wait_for(lambda api: len(api.responses()) >= 1)
    (resp,) = slack.api.responses()
    assert resp["response_type"] == "ephemeral" and "49" in resp["text"]
    assert not slack.api.posts()


async def test_a_click_on_an_unknown_intent_still_gets_a_polite_reply(
    start_slack: StartSlack,
) -> None:
    slack = await start_slack()
    await slack.click("no.such.intent|en")
    await slack.api.wait_for(one_post)
    assert slack.api.posts()[0]["text"]


async def test_clicks_spend_the_clickers_tokens_like_questions(
    start_slack: StartSlack, slack_bot: QABot
) -> None:
    # Each click posted an answer in the channel, without a rate limit: 25 clicks, 25 posts.
    limits = {"enabled": True, "user_burst": 2, "user_per_s": 0.001}
    settings = slack_bot.settings.model_copy(update={"rate_limit": RateLimitSettings(**limits)})
    slack = await start_slack(bot=QABot(settings, slack_bot.store))
    for _ in range(5):
        assert (await slack.click("hkpc.recruiting|en", user="U7")).status == 200
    await slack.settled()
    assert len(slack.api.posts()) == 2  # the burst
    notices = slack.api.responses()  # the rest: told so, only the clicker sees it
    assert len(notices) == 3
    assert all(n["response_type"] == "ephemeral" and "49" not in n["text"] for n in notices)


@pytest.fixture(params=[False, True], ids=["ids off", "ids on"])
def log_user_ids(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.fixture
async def slack_ids(start_slack: StartSlack, tmp_path: Path, log_user_ids: bool) -> SlackHarness:
    """The Slack app with `[unanswered] log_user_ids` as the test's parameter says."""
    unanswered = {"path": tmp_path / "u.jsonl", "log_user_ids": log_user_ids}
    return await start_slack(bot=QABot.from_settings(Settings(unanswered=unanswered)))


async def test_feedback_logs_user_ids_only_when_configured(
    slack_ids: SlackHarness, caplog: pytest.LogCaptureFixture, log_user_ids: bool
) -> None:
    slack = slack_ids
    with caplog.at_level(logging.INFO, logger="qabot.feedback"):
        await slack.click("hkpc.recruiting|en", user="U7SECRET")
        await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    (record,) = [r for r in caplog.records if r.name == "qabot.feedback"]
    assert "hkpc.recruiting" in record.getMessage()
    assert ("U7SECRET" in record.getMessage()) is log_user_ids


async def test_a_refused_kb_logs_the_user_id_only_when_configured(
    slack_ids: SlackHarness, caplog: pytest.LogCaptureFixture, log_user_ids: bool
) -> None:
    # Anyone may type /kb: the refusal logged every such user's id at INFO, whatever the setting.
    with caplog.at_level(logging.INFO, logger="qabot.slack"):
        reply = await slack_ids.command("/kb", "reload", user="U7SECRET")
    assert reply.status == 200
    (record,) = [r for r in caplog.records if "/kb refused" in r.getMessage()]
    assert ("U7SECRET" in record.getMessage()) is log_user_ids
