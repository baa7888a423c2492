"""Slash commands /stat, /ask and /kb: acked at once, answered through response_url."""

from __future__ import annotations

import logging
import socket

import pytest

from tests.slack.fake_slack_api import FakeSlackApi
from tests.slack.harness import ADMIN, SlackHarness, StartSlack


def one_response(api: FakeSlackApi) -> bool:
    return len(api.responses()) >= 1


async def test_stat_without_topic_shows_the_table(slack: SlackHarness) -> None:
    reply = await slack.command("/stat")
    assert reply.status == 200 and reply.body == ""
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert resp["response_type"] == "in_channel"
    assert resp["blocks"][0]["type"] == "header"
    table = resp["blocks"][1]["text"]["text"]
    assert "49 %" in table and "HK$10 billion" in table
    assert table.count("•") >= 10
    assert not slack.api.posts()


async def test_stat_with_a_topic_cites_its_sentence(slack: SlackHarness) -> None:
    await slack.command("/stat", "recruiting")
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert "49 %" in resp["blocks"][0]["text"]["text"]
    citation = resp["blocks"][1]["elements"][0]["text"]
    assert "§9" in citation and "Schwierigkeiten bei der Einstellung" in citation
    assert "49 %" in resp["text"]


async def test_stat_with_an_unknown_topic_names_the_closest(slack: SlackHarness) -> None:
    await slack.command("/stat", "zebrafish")
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert "zebrafish" in resp["text"]
    assert "`" in resp["blocks"][0]["text"]["text"]  # the closest topics, as code


async def test_ask_answers_in_the_channel(slack: SlackHarness) -> None:
    await slack.command("/ask", "When was SenseTime founded?")
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert resp["response_type"] == "in_channel"
    assert "2014" in resp["text"]
    assert resp["blocks"][1]["type"] == "context"


async def test_a_command_holding_the_word_payload_is_answered(slack: SlackHarness) -> None:
    # bolt reads a form body that merely contains "payload" (in the text, a channel or
    # user name) as an interactivity payload, finds none and dispatches an empty body:
    # the command got 404 and no answer.
    reply = await slack.command("/ask", "How big is the RAISe+ payload?")
    assert reply.status == 200
    await slack.api.wait_for(one_response)
    assert "HK$10" in slack.api.responses()[0]["text"]
    assert (await slack.command("/stat", "payload")).status == 200
    await slack.api.wait_for(lambda api: len(api.responses()) == 2)
    assert "payload" in slack.api.responses()[1]["text"]  # the closest topics for it


async def test_ask_and_stat_are_ephemeral_when_configured(start_slack: StartSlack) -> None:
    slack = await start_slack(slack={"ask_ephemeral": True})
    await slack.command("/ask", "When was SenseTime founded?")
    await slack.api.wait_for(one_response)
    assert slack.api.responses()[0]["response_type"] == "ephemeral"
    await slack.command("/stat", "recruiting")  # README: "it applies to /stat too"
    await slack.api.wait_for(lambda api: len(api.responses()) == 2)
    assert slack.api.responses()[1]["response_type"] == "ephemeral"


@pytest.mark.parametrize("blank", ["  ", "\u200b\u200d"], ids=["blanks", "zero-width"])
async def test_ask_without_a_question_gets_the_help_privately(
    slack: SlackHarness, blank: str
) -> None:
    # Blanks are stripped before the core; zero-width characters reached it, and its help
    # went to the whole channel.
    await slack.command("/ask", blank)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert resp["response_type"] == "ephemeral"
    assert "thread" in resp["text"]
    assert "Slash commands don't work inside threads" in resp["text"]


async def test_kb_is_refused_to_everyone_but_admins(slack: SlackHarness) -> None:
    reply = await slack.command("/kb", "reload", user="U1")
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "admin" in body["text"].lower()
    await slack.settled()
    assert not slack.api.responses() and not slack.api.posts()


# A phone's keyboard capitalises the first letter: the word is read in any case, blanks
# aside (lower-casing removed, every test passed).
@pytest.mark.parametrize("typed", ["status", "Status", "  STATUS "])
async def test_kb_status_for_an_admin_shows_hash_and_counts(
    slack: SlackHarness, slack_bot: object, typed: str
) -> None:
    status = slack_bot.status()  # type: ignore[attr-defined]
    await slack.command("/kb", typed, user=ADMIN)
    await slack.api.wait_for(one_response)
    (resp,) = slack.api.responses()
    assert resp["response_type"] == "ephemeral"
    assert status.content_hash in resp["text"]
    assert f"{status.intents} intents" in resp["text"] and f"{status.facts} facts" in resp["text"]


async def test_kb_reload_for_an_admin_reports_the_outcome(slack: SlackHarness) -> None:
    await slack.command("/kb", "reload", user=ADMIN)
    await slack.api.wait_for(one_response, timeout=10)
    (resp,) = slack.api.responses()
    assert "reloaded" in resp["text"].lower()


async def test_kb_without_a_subcommand_shows_usage(slack: SlackHarness) -> None:
    reply = await slack.command("/kb", "", user=ADMIN)
    assert "/kb status" in reply.json()["text"]


async def test_a_reply_that_response_url_refuses_is_logged(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # slack_sdk's webhook client returns an error status instead of raising: an expired
    # or spent response_url (a reply after 30 minutes, or the sixth) lost it without a trace.
    caplog.set_level(logging.WARNING, logger="qabot.slack")
    slack.api.fail_next("response_url", status=404, error="expired_url")
    await slack.command("/ask", "When was SenseTime founded?")
    await slack.api.wait_for(lambda api: api.of("response_url", delivered=False))
    await slack.command("/stat", "recruiting")
    await slack.api.wait_for(one_response)
    (line,) = [r for r in caplog.records if "response_url" in r.getMessage()]
    assert "/ask" in line.getMessage() and "404" in line.getMessage()
    assert "expired_url" in line.getMessage() and line.exc_info is None


async def test_a_response_url_that_cannot_be_reached_is_one_line_and_no_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """A response_url no connection reaches (a DNS failure, a refused connection; only a
    signed request can name one) was an ERROR with a traceback of some 60 lines per reply.
    Now one WARNING per reply that names the failure, not the URL; the reply is dropped
    and the next command is answered."""
    caplog.set_level(logging.INFO)
    with socket.socket() as closed:  # a loopback port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    secret = "T0TEST/1234/SecretPartOfTheUrl"
    url = f"http://127.0.0.1:{port}/commands/{secret}"
    await slack.command("/ask", "When was SenseTime founded?", url=url)

    def reported(_: object) -> bool:
        return any("slack /ask" in r.getMessage() for r in caplog.records if r.levelno > 20)

    await slack.api.wait_for(reported, timeout=30)
    await slack.command("/stat", "recruiting")
    await slack.api.wait_for(one_response)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    (line,) = [r for r in lines if "response_url" in r.getMessage()]
    assert line.getMessage().startswith("slack /ask: response_url unreachable (")
    assert line.getMessage().endswith("; reply lost")
    assert line.exc_info is None and "\n" not in line.getMessage()
    assert not [r for r in lines if r.exc_info or r.levelno >= logging.ERROR]
    assert not [r for r in lines if secret in r.getMessage()]
