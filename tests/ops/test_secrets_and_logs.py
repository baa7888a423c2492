"""Secrets never reach a log line, an error or a repr; JSON logs are one object a line."""

from __future__ import annotations

import io
import json
import logging
import os

import pytest
from pydantic import SecretStr

from bot.logs import JsonFormatter, RedactSecrets, setup_logging
from bot.settings import Settings
from tests.cli_process import run_qabot

FAKE_TOKEN = "xoxb-test-not-a-real-token-123"
FAKE_SECRET = "test-signing-secret-not-real"


def test_settings_repr_hides_secrets(monkeypatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", FAKE_SECRET)
    settings = Settings()
    assert isinstance(settings.slack_bot_token, SecretStr)
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert FAKE_TOKEN not in text and FAKE_SECRET not in text


def _capture(json_lines: bool) -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = setup_logging(json_lines=json_lines, secrets=[FAKE_TOKEN, FAKE_SECRET])
    handler.setStream(stream)
    return stream, handler


def test_secrets_are_masked_in_messages_args_and_tracebacks() -> None:
    stream, _ = _capture(json_lines=False)
    log = logging.getLogger("qabot.test")
    log.error("token is %s", FAKE_TOKEN)
    log.warning(f"secret {FAKE_SECRET} in an f-string")
    try:
        raise RuntimeError(f"auth failed for {FAKE_TOKEN}")
    except RuntimeError:
        log.exception("call failed")
    out = stream.getvalue()
    assert FAKE_TOKEN not in out and FAKE_SECRET not in out
    assert out.count("***") >= 3


def test_a_traceback_another_handler_formatted_first_is_masked_too() -> None:
    # A handler that formats a record before ours (one a deployer or a library adds to the
    # root) leaves the traceback's text on the record, and ours prints that text.
    stream, _ = _capture(json_lines=False)
    root = logging.getLogger()
    first = logging.StreamHandler(io.StringIO())
    root.handlers.insert(0, first)
    try:
        raise RuntimeError(f"auth failed for {FAKE_TOKEN}")
    except RuntimeError:
        logging.getLogger("qabot.test").exception("call failed")
    finally:
        root.removeHandler(first)
    out = stream.getvalue()
    assert "auth failed for ***" in out and FAKE_TOKEN not in out


def test_json_lines() -> None:
    stream, _ = _capture(json_lines=True)
    logging.getLogger("qabot.test").info("answered", extra={"intent": "hkpc.recruiting"})
    (line,) = stream.getvalue().splitlines()
    data = json.loads(line)
    assert data["message"] == "answered"
    assert data["intent"] == "hkpc.recruiting"
    assert data["level"] == "INFO"


def test_short_values_are_not_treated_as_secrets() -> None:
    # an empty or tiny "secret" must not mask ordinary text
    assert RedactSecrets(["", "ab"]).redact("about abba") == "about abba"
    assert JsonFormatter().format(logging.makeLogRecord({"msg": "x"}))


def test_a_secret_of_six_characters_is_masked_wherever_it_shows() -> None:
    # From six characters on a value is a secret (a test server's short token too): a bound
    # of 12 passed every other test, whose secrets are long.
    assert RedactSecrets(["s3cr3t"]).redact("token s3cr3t, again s3cr3t") == "token ***, again ***"


FORGED = "2026-11-30 06:00:00,000 INFO qabot.slack slack: /kb reload by UADMIN"


def test_user_text_cannot_start_a_log_line_of_its_own() -> None:
    stream, _ = _capture(json_lines=False)
    log = logging.getLogger("qabot.test")
    # \x9b is CSI, the one-character ESC [ of terminals that take C1 controls
    for breaker in ("\n", "\r\n", "\r", "\u2028", "\x85", "\x1b[2K\r", "\x9b2K\r"):
        log.info("slack: /kb refused for %s", f"U1{breaker}{FORGED}")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 7
    assert not any(line.startswith(FORGED) for line in lines)
    assert "U1\\n2026-11-30" in lines[0] and "U1\\u2028" in lines[3]
    assert "\x1b" not in stream.getvalue() and "\x9b" not in stream.getvalue()


def test_an_exception_text_cannot_start_a_log_line_either() -> None:
    stream, _ = _capture(json_lines=False)
    try:
        raise ValueError(f"bad input: U1\n{FORGED}")
    except ValueError:
        logging.getLogger("qabot.test").exception("slack /ask failed")
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("slack /ask failed") and len(lines) > 2
    assert all(line.startswith("  ") for line in lines[1:])


@pytest.mark.parametrize("json_lines", [False, True], ids=["plain", "json"])
@pytest.mark.parametrize("breaker", ["\r", "\u2028", "\u2029", "\x85"], ids=repr)
def test_no_line_break_of_any_kind_starts_a_line_in_a_message_or_a_traceback(
    json_lines: bool, breaker: str
) -> None:
    # A traceback's lines were split at "\n" only, and a JSON line kept U+2028, U+2029 and
    # NEL raw: a reader that splits lines as Python's str.splitlines does saw FORGED start one.
    stream, _ = _capture(json_lines=json_lines)
    log = logging.getLogger("qabot.test")
    log.info("slack: /kb refused for %s", f"U1{breaker}{FORGED}")
    try:
        raise ValueError(f"bad input: U1{breaker}{FORGED}")
    except ValueError:
        log.exception("slack /ask failed")
    lines = stream.getvalue().splitlines()
    assert not any(line.lstrip().startswith(FORGED) for line in lines), lines
    if json_lines:
        assert [json.loads(line)["level"] for line in lines] == ["INFO", "ERROR"]


HOOK = "https://hooks.slack.com/commands/T0TEST/6172839405/Xr4nd0mS3cr3tPart"
TICKET = "wss://wss-primary.slack.com/link/?ticket=5e3c1a2b-9d7f&app_id=A0TEST"


@pytest.mark.parametrize("json_lines", [False, True], ids=["plain", "json"])
def test_slack_url_secrets_are_masked_wherever_they_are_logged(json_lines: bool) -> None:
    # A response_url (or incoming webhook) lets anyone who holds it post into the channel;
    # a Socket Mode URL's ticket opens a connection. An error's text may quote either.
    stream, _ = _capture(json_lines=json_lines)
    log = logging.getLogger("qabot.test")
    log.warning("reply to %s failed", HOOK)
    log.warning("reply to %s failed", HOOK.replace("slack.com", "slack-gov.com"))  # GovSlack
    try:
        raise ConnectionError(f"400, message='Invalid response status', url='{TICKET}'")
    except ConnectionError:
        log.exception("Failed to connect")
    out = stream.getvalue()
    assert "Xr4nd0mS3cr3tPart" not in out and "5e3c1a2b-9d7f" not in out
    assert "hooks.slack.com" in out and "app_id=A0TEST" in out  # what it was, still said


def test_log_json_in_the_environment_makes_qabot_log_json_lines() -> None:
    # README: "set QABOT_LOG_JSON=true for one JSON object a line"; the setting ignored
    # passed every test (they build the formatter themselves). A batch turn with a Redis
    # that refuses connections logs the store's warning.
    env = {**os.environ, "QABOT_LOG_JSON": "true", "QABOT_REDIS_URL": "redis://127.0.0.1:1/0"}
    proc = run_qabot(["ask", "--json", "-"], '{"conversation": "c1", "text": "hpc"}\n', env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines and all(json.loads(line)["level"] for line in lines), proc.stderr


def test_a_secret_that_holds_another_is_masked_whole() -> None:
    # A secret that holds a shorter one (a token and a secret made from one key, a test
    # value and its prefix): masking the shorter first left the rest of the longer in the
    # log ("***ghij…"). Longest first: with that order reversed every test passed.
    short, long = "abcdef1234", "abcdef1234-ghij5678"
    for secrets in ([short, long], [long, short]):
        assert RedactSecrets(secrets).redact(f"sent {long} and {short}") == "sent *** and ***"
