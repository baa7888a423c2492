"""`--kb DIR` and `--config FILE`: honoured before and after the subcommand, for every command."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from pathlib import Path

import pytest

import bot.settings
from bot.cli import _parser, _settings, main
from bot.settings import DEFAULT_CONFIG, PROJECT_ROOT, Settings
from tests.conftest import CODE_ENV_FILE, KNOWLEDGE

MISSING = Path("/nonexistent/qabot-kb")


def _commands(tmp_path: Path) -> list[list[str]]:
    """One argument list per subcommand (and `kb` subcommand) the parser knows."""
    article = tmp_path / "article.txt"
    article.write_text("Ein Satz mit 41 Prozent.\n", encoding="utf-8")
    arguments = {
        "ask": ["hpc"],
        "add-question": ["hkpc.recruiting", "Who runs the HKPC?"],
        "ingest": [str(article), "--id", "next_article"],
    }
    found = []
    for name, sub in _subparsers(_parser()).items():
        nested = _subparsers(sub)
        for kb_name in nested or [None]:
            path = [name] if kb_name is None else [name, kb_name]
            found.append([*path, *arguments.get(kb_name or name, [])])
    return found


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _positions(command: list[str], option: list[str]) -> dict[str, list[str]]:
    """`option` before the subcommand and after it (after the last subcommand word)."""
    depth = 2 if command[0] == "kb" else 1
    return {
        "before": [*option, *command],
        "after": [*command[:depth], *option, *command[depth:]],
    }


def test_every_command_is_covered(tmp_path: Path) -> None:
    names = {" ".join(c[:2] if c[0] == "kb" else c[:1]) for c in _commands(tmp_path)}
    assert {"ask", "chat", "stat", "slack", "discord", "run", "kb validate", "kb ingest"} <= names


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_missing_knowledge_dir_fails_clearly_in_every_command(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in _commands(tmp_path):
        argv = _positions(command, ["--kb", str(MISSING)])[where]
        assert main(argv) != 0, argv
        captured = capsys.readouterr()
        assert str(MISSING) in captured.out + captured.err, argv
        assert "Traceback" not in captured.err, argv


@pytest.mark.parametrize(
    ("not_a_file", "says"),
    [
        ("a directory", "config file is a directory"),
        ("/dev/null", "config file is not a regular file (a character device)"),
        ("a FIFO", "config file is not a regular file (a FIFO)"),
    ],
)
def test_a_config_path_that_is_no_file_is_an_error_not_the_defaults(
    not_a_file: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The settings' TOML source reads nothing from what is not a regular file: checked for
    # existence only, `--config some/dir` ran every command on the defaults without a word.
    # Then each was "config file not found", of a path that is there. A FIFO is never
    # opened (no writer: the open would wait for good).
    path = {"a directory": tmp_path, "a FIFO": tmp_path / "fifo.toml"}.get(not_a_file)
    path = path or Path(not_a_file)
    if not_a_file == "a FIFO":
        os.mkfifo(path)
    assert main(["--config", str(path), "stat"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"qabot: {says}: {path}", err


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_missing_config_file_fails_clearly_in_every_command(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.toml"
    for command in _commands(tmp_path):
        argv = _positions(command, ["--config", str(missing)])[where]
        assert main(argv) == 2, argv
        assert f"config file not found: {missing}" in capsys.readouterr().err, argv


@pytest.mark.parametrize("where", ["before", "after"])
def test_kb_before_or_after_answers_from_that_directory(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    command = ["kb", "add-question", "hkpc.recruiting", "Who counts the hires?"]
    argv = _positions(command, ["--kb", str(kb)])[where]
    assert main(argv) == 0, capsys.readouterr()
    assert "Who counts the hires?" in (kb / "qa" / "hkpc.yaml").read_text(encoding="utf-8")
    assert "Who counts the hires?" not in (KNOWLEDGE / "qa" / "hkpc.yaml").read_text("utf-8")


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_before_or_after_is_read(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "qabot.toml"
    config.write_text(f'knowledge_dir = "{MISSING}"\n', encoding="utf-8")
    argv = _positions(["ask", "hpc"], ["--config", str(config)])[where]
    assert main(argv) == 2
    assert str(MISSING) in capsys.readouterr().err


def test_a_misspelt_setting_is_an_error_not_a_silent_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `[resolver] accept` (the README's own example of an override) and any typo in a
    # section were ignored without a word: the bot ran on the default.
    config = tmp_path / "qabot.toml"
    config.write_text("[rate_limit]\nuser_per_ss = 1\n", encoding="utf-8")
    assert main(["--config", str(config), "ask", "hpc"]) == 2
    assert "rate_limit.user_per_ss" in capsys.readouterr().err
    monkeypatch.setenv("QABOT_RESOLVER__ACCEPT", "0.5")
    assert main(["ask", "hpc"]) == 2
    assert "resolver.accept" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url",
    [
        "localhost:6379",
        "redis://:pw-not-real@127.0.0.1:notaport/0",
        # redis-py's parser raised on these as the store opened, after the settings held:
        "redis://:pw-not-real@127.0.0.1:1/0?db=abc",
        "redis://:pw-not-real@127.0.0.1:1/0?socket_timeout=abc",
        # ... and took these for database 0 without a word, or SELECTed in vain for ever
        # ("shared state unavailable … value is not an integer or out of range")
        "redis://:pw-not-real@127.0.0.1:1/\u00b2",
        "redis://:pw-not-real@127.0.0.1:1/99999999999999999999",
        "redis://:pw-not-real@127.0.0.1:1/0?db=-1",
        "redis://:pw-not-real@127.0.0.1:1/0?socket_timout=1",
        "redis://:pw-not-real@127.0.0.1:1/0?protocol=9",
        "redis://:pw-not-real@127.0.0.1:1/0?ssl_cert_reqs=required",
    ],
    ids=[
        *("no scheme", "port", "?db=abc", "?socket_timeout=abc", "db ²", "db 10**20", "?db=-1"),
        *("?socket_timout=1", "?protocol=9", "TLS option without TLS"),
    ],
)
def test_a_redis_url_that_is_none_is_named_not_a_traceback(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # redis-py's ValueError escaped from QABot's start: a traceback and exit 1.
    monkeypatch.setenv("QABOT_REDIS_URL", url)
    assert main(["ask", "hpc"]) == 2
    err = capsys.readouterr().err
    assert "redis_url" in err and "redis://" in err  # what it must look like
    assert "pw-not-real" not in err  # a password in it is not repeated


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SLACK_API_URL", "notaurl"),
        ("SLACK_API_URL", "slack.com/api/"),
        ("SLACK_API_URL", "ftp://slack.example/api/"),
        ("SLACK_API_URL", "https://"),
        ("DISCORD_API_BASE", "discord.com/api/v10"),
        ("DISCORD_GATEWAY_URL", "https://gateway.example/"),
    ],
)
def test_a_web_api_url_that_is_none_is_named_at_start(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # SLACK_API_URL=notaurl started the bot anyway: "Web API not reachable yet", and every
    # reply failed. A test server's variable, refused at load as any other setting.
    monkeypatch.setenv(variable, value)
    assert main(["ask", "hpc"]) == 2
    err = capsys.readouterr().err
    assert variable in err and len(err.splitlines()) == 1


def test_a_redis_timeout_of_zero_is_named_not_an_outage(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0 (meant as "no limit") made redis-py's sockets non-blocking: every call failed with
    # "Operation now in progress", and the log said the shared state was unavailable.
    monkeypatch.setenv("QABOT_REDIS_TIMEOUT_S", "0")
    assert main(["ask", "hpc"]) == 2
    assert "redis_timeout_s" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["40001", "99999999999999999999"])
def test_a_question_limit_past_any_chat_message_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # It had no upper bound: a question of megabytes went to the matcher. No Slack message
    # is longer than 40,000 characters (Discord's: 4,000).
    monkeypatch.setenv("QABOT_MAX_QUESTION_CHARS", value)
    assert main(["ask", "hpc"]) == 2
    assert "max_question_chars" in capsys.readouterr().err
    monkeypatch.setenv("QABOT_MAX_QUESTION_CHARS", "40000")
    assert main(["ask", "hpc"]) == 0


def test_the_config_files_own_override_example_is_a_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its header showed QABOT_RESOLVER__ACCEPT=0.6, a setting that no longer exists: exit 2.
    header = DEFAULT_CONFIG.read_text(encoding="utf-8")
    name, value = re.search(r"e\.g\. (QABOT_\w+)=([\w.]+?)\.?$", header, re.MULTILINE).groups()
    monkeypatch.setenv(name, value)
    assert main(["ask", "hpc"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("key", ["knowledge_dir", "index_cache_dir"])
def test_an_empty_path_in_the_config_is_an_error_not_the_working_directory(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Path("") is ".": an empty knowledge_dir (the file said "empty means the project's
    # knowledge/") loaded from wherever qabot ran; an empty index_cache_dir wrote its
    # pickles there.
    config = tmp_path / "qabot.toml"
    config.write_text(f'{key} = ""\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(config), "ask", "hpc"]) == 2
    assert key in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qabot.toml"]


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("option", ["--kb", "--config"])
def test_an_empty_path_option_is_an_error_not_the_working_directory(
    where: str,
    option: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As an empty knowledge_dir in the config: `--kb ""` (a script's unset "$KB") was
    # Path("."), so `kb add-question` edited the knowledge of wherever qabot ran.
    kb = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, kb)
    monkeypatch.chdir(kb)
    before = {p: p.read_bytes() for p in kb.rglob("*.yaml")}
    command = ["kb", "add-question", "hkpc.recruiting", "Who runs the HKPC?"]
    with pytest.raises(SystemExit) as exit_:
        main(_positions(command, [option, ""])[where])
    assert exit_.value.code == 2 and option in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in kb.rglob("*.yaml")}


def test_kb_validate_of_an_empty_path_is_an_error_not_the_working_directory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["kb", "validate", ""])
    assert exit_.value.code == 2 and "dir" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["max_question_char = 10\n", "[slak]\nport = 3001\n"])
def test_a_misspelt_top_level_key_of_the_config_file_is_an_error(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A key a section lacks was an error, but a misspelt top-level key or section name was
    # ignored: `[slak]` left every Slack setting at its default without a word.
    config = tmp_path / "qabot.toml"
    config.write_text(text, encoding="utf-8")
    assert main(["--config", str(config), "ask", "hpc"]) == 2
    assert text.split()[0].strip("[]") in capsys.readouterr().err


@pytest.mark.parametrize(
    "key", ["SLACK_BOT_TOKEN", "slack_signing_secret", "SLACK_APP_TOKEN", "discord_token"]
)
def test_a_secret_in_a_config_file_is_an_error_not_a_token(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # SLACK_BOT_TOKEN = "xoxb-…" in config/qabot.toml (git-tracked) was taken as the token,
    # without a word; the lower-case spelling was ignored, also without a word. Secrets come
    # from the environment only.
    config = tmp_path / "qabot.toml"
    config.write_text(f'{key} = "not-a-real-secret-in-a-file"\n', encoding="utf-8")
    assert main(["--config", str(config), "stat"]) == 2
    err = capsys.readouterr().err
    assert key in err and "environment" in err
    assert "not-a-real-secret-in-a-file" not in err


@pytest.mark.parametrize("variable", ["SLACK_BOT_TOKEN", "DISCORD_TOKEN"])
@pytest.mark.parametrize(
    "char", [" ", "\t", "\x1b", "\u00a0", "\u2028"], ids=["space", "tab", "ESC", "NBSP", "LS"]
)
def test_a_secret_holding_whitespace_or_a_control_character_is_named_exit_2(
    variable: str, char: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # README: a token holding whitespace or a control character (two values pasted as one)
    # stops every command with exit 2 naming the variable. Only a line break was tested (in
    # tests/ops/test_credentials.py): a check of line breaks alone passed every test.
    monkeypatch.setenv(variable, f"xoxb-not{char}real-token")
    assert main(["stat"]) == 2
    err = capsys.readouterr().err
    assert variable.lower() in err.lower() and "real-token" not in err


@pytest.mark.parametrize(
    "url",
    [
        "redis://:hunter2pw@127.0.0.1:1/0",
        "redis://127.0.0.1:1/0?password=hunter2pw",
        "rediss://127.0.0.1:1/0?socket_timeout=1&password=hunter2pw",
        "unix:///run/redis.sock?db=0&password=hunter2pw",
    ],
    ids=["before the host", "a query argument", "after another argument", "unix socket"],
)
def test_a_redis_password_in_a_config_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    # redis_url = "redis://:pw@host/0" in config/qabot.toml (git-tracked) was taken, password
    # and all, without a word; the tokens were refused there, the Redis password was not.
    # redis-py takes a query argument `password=` as the password too (red-team pass 14).
    config = tmp_path / "qabot.toml"
    config.write_text(f'redis_url = "{url}"\n', encoding="utf-8")
    assert main(["--config", str(config), "stat"]) == 2
    err = capsys.readouterr().err
    assert "redis_url" in err and "QABOT_REDIS_URL" in err and "environment" in err
    assert "hunter2pw" not in err


def test_a_redis_url_without_a_password_may_stay_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "qabot.toml"
    config.write_text('redis_url = "redis://127.0.0.1:6379/0"\n', encoding="utf-8")
    assert Settings.load(config).redis_url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("value", ['["slack", "discrod"]', '["Slack"]'])
def test_an_unknown_platform_in_the_unanswered_log_is_named_not_ignored(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A typo left that platform's questions out of the log without a word (triage then
    # showed nothing from it).
    monkeypatch.setenv("QABOT_UNANSWERED__PLATFORMS", value)
    assert main(["ask", "hpc"]) == 2
    assert "unanswered.platforms" in capsys.readouterr().err


@pytest.mark.parametrize("value", ['["@alice"]', '["alice"]', '["u012abcdef"]', '[" U012ABCDEF"]'])
def test_a_slack_admin_that_is_no_member_id_is_named_not_ignored(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A name where the member ID belongs made nobody an admin, without a word: /kb then
    # refused its admin ("not an admin") and nothing said why.
    monkeypatch.setenv("QABOT_ADMINS__SLACK_USER_IDS", value)
    assert main(["ask", "hpc"]) == 2
    assert "admins.slack_user_ids" in capsys.readouterr().err


def test_slack_member_ids_are_admins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_ADMINS__SLACK_USER_IDS", '["U012ABCDEF", "W0123ABC"]')
    settings = _settings(_parser().parse_args(["ask", "hpc"]))
    assert settings.admins.slack_user_ids == ["U012ABCDEF", "W0123ABC"]


def test_the_manage_server_opt_in_names_its_servers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `true` made Manage Server in any server the bot is in an admin of qabot as a whole.
    monkeypatch.setenv("QABOT_ADMINS__DISCORD_MANAGE_SERVER", "true")
    assert main(["ask", "hpc"]) == 2
    err = capsys.readouterr().err
    assert "admins.discord_manage_server" in err and "server ids" in err
    for value, servers in [("false", []), ("[1234, 5678]", [1234, 5678])]:
        monkeypatch.setenv("QABOT_ADMINS__DISCORD_MANAGE_SERVER", value)
        settings = _settings(_parser().parse_args(["ask", "hpc"]))
        assert settings.admins.discord_manage_server == servers
    monkeypatch.setenv("QABOT_ADMINS__DISCORD_MANAGE_SERVER", '["my server"]')
    assert main(["ask", "hpc"]) == 2
    assert "admins.discord_manage_server" in capsys.readouterr().err


def test_the_unanswered_log_is_the_projects_wherever_qabot_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped config named "var/unanswered.jsonl", relative to the working directory:
    # `qabot chat` run elsewhere wrote a var/ there (under systemd's WorkingDirectory=/,
    # /var/unanswered.jsonl), and `qabot kb unanswered` run from the project found nothing.
    monkeypatch.delenv("QABOT_UNANSWERED__PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = _settings(_parser().parse_args(["chat"]))
    assert Path(settings.unanswered.path) == PROJECT_ROOT / "var" / "unanswered.jsonl"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        # every question was "too long (35 characters; at most 0)", exit 0 at start-up
        ("QABOT_MAX_QUESTION_CHARS", "0"),
        # conversations, dedupe and votes silently off (expired at once)
        ("QABOT_CONVERSATION_TTL_S", "-5"),
        ("QABOT_ANSWER_MEMORY_TTL_S", "0"),
        ("QABOT_SLACK__DEDUPE_TTL_S", "-1"),
        # Redis refused every put (int(inf) overflows; 1e300 is no expire time): "unavailable"
        ("QABOT_CONVERSATION_TTL_S", "inf"),
        ("QABOT_SLACK__DEDUPE_TTL_S", "1e300"),
        ("QABOT_RESOLVER__MAX_SUGGESTIONS", "-1"),  # a slice [:-1]
        ("QABOT_RATE_LIMIT__MAX_CONCURRENT", "0"),  # silently 1
        ("QABOT_SLACK__API_RETRIES", "-1"),
        ("QABOT_SLACK__API_TIMEOUT_S", "0"),
        ("QABOT_SLACK__MAX_RETRY_AFTER_S", "-1"),  # every 429 dropped
        ("QABOT_UNANSWERED__MAX_BYTES", "-1"),
        ("QABOT_UNANSWERED__BACKUPS", "-1"),
        ("QABOT_ADMIN__WATCH_STEP_MS", "0"),
        ("QABOT_ADMIN__WATCH_DEBOUNCE_MS", "-1"),
        # endless limits were taken: Redis's socket overflowed (OverflowError, or past 1e10 s
        # silently), so a healthy store was "unavailable" for good; the caps capped nothing
        ("QABOT_REDIS_TIMEOUT_S", "inf"),
        ("QABOT_REDIS_TIMEOUT_S", "1e10"),
        ("QABOT_SLACK__API_TIMEOUT_S", "inf"),
        ("QABOT_SLACK__MAX_RETRY_AFTER_S", "inf"),  # a Retry-After of an hour waited out
        ("QABOT_DISCORD__MAX_RETRY_AFTER_S", "inf"),
        ("QABOT_RATE_LIMIT__USER_BURST", "inf"),
        ("QABOT_UNANSWERED__LOW_CONFIDENCE", "nan"),  # no answer counted unsure
    ],
)
def test_a_number_out_of_its_range_is_named_not_taken(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # README: a value of the wrong form stops every command with exit 2 and names it.
    monkeypatch.setenv(variable, value)
    assert main(["ask", "hpc"]) == 2
    key = variable.removeprefix("QABOT_").lower().replace("__", ".")
    assert key in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["-5", "0"])
def test_a_limit_of_groups_that_is_not_positive_is_refused(
    limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --limit -5 was an IndexError traceback from triage (0 silently became 10); the
    # config's unanswered_groups = -1 did the same to /kb unanswered in chat, no reply.
    with pytest.raises(SystemExit) as exit_:
        main(["kb", "unanswered", "--limit", limit])
    assert exit_.value.code == 2 and "--limit" in capsys.readouterr().err
    config = tmp_path / "qabot.toml"
    config.write_text(f"[admin]\nunanswered_groups = {limit}\n", encoding="utf-8")
    assert main(["--config", str(config), "kb", "unanswered"]) == 2
    assert "admin.unanswered_groups" in capsys.readouterr().err


def test_a_dot_env_in_the_working_directory_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Any directory qabot ran in could set every QABOT_* setting through a .env there:
    # QABOT_INDEX_CACHE_DIR at planted pickles ran their code (`cd` there, `qabot ask`).
    # The session takes every .env away from the tests (tests/conftest.py): this one puts
    # back the code's own choice, or it passed whichever file the code read. (A project .env
    # may set other values; none sets these.)
    (tmp_path / ".env").write_text(
        "QABOT_MAX_QUESTION_CHARS=1234\nQABOT_INDEX_CACHE_DIR=cache\n", encoding="utf-8"
    )
    monkeypatch.setitem(Settings.model_config, "env_file", CODE_ENV_FILE)
    monkeypatch.delenv("QABOT_MAX_QUESTION_CHARS", raising=False)
    monkeypatch.delenv("QABOT_INDEX_CACHE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = _settings(_parser().parse_args(["chat"]))
    assert settings.max_question_chars != 1234
    assert settings.index_cache_dir not in (Path("cache"), tmp_path / "cache")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[resolver]\npassage_accept = "x"\n', "resolver.passage_accept: Input should be"),
        ("this is = not toml [\n", "Expected '=' after a key"),
        # Shards that cannot run. discord.py refused ids without a count at start-up
        # (ClientException); Discord closes the gateway on a shard it does not have (4010).
        ("[discord]\nsharded = true\nshard_ids = [0]\n", "discord.shard_ids"),
        ("[discord]\nsharded = true\nshard_count = 2\nshard_ids = [2]\n", "discord.shard_ids"),
        ("[discord]\nsharded = true\nshard_count = 2\nshard_ids = [-1]\n", "discord.shard_ids"),
        ("[discord]\nsharded = true\nshard_count = 2\nshard_ids = [1, 1]\n", "discord.shard_ids"),
        ("[discord]\nsharded = true\nshard_count = 2\nshard_ids = []\n", "discord.shard_ids"),
        ("[discord]\nsharded = true\nshard_count = 0\n", "discord.shard_count"),
        # ignored without `sharded`: the process ran one unsharded connection
        ("[discord]\nshard_count = 2\nshard_ids = [1]\n", "discord.shard_count: Value error"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_the_file(
    text: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pydantic's report ran over three lines with a link and named no file; a TOML error
    # named neither file nor setting
    config = tmp_path / "qabot.toml"
    config.write_text(text, encoding="utf-8")
    assert main(["--config", str(config), "ask", "hpc"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(config) in err and says in err, err


@pytest.mark.parametrize(
    "data",
    [
        'default_lang = "de"\n'.encode("utf-16"),  # Windows PowerShell 5's `>` and Out-File
        'default_lang = "d\xe9"\n'.encode("latin-1"),
    ],
)
def test_a_config_file_that_is_no_utf8_is_one_line_naming_the_file(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "qabot: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte": which
    # file, and what to do, was left to guess
    config = tmp_path / "qabot.toml"
    config.write_bytes(data)
    assert main(["--config", str(config), "ask", "hpc"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(config) in err and "UTF-8" in err, err


def test_a_config_file_opening_with_a_utf8_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Notepad's "UTF-8 with BOM" (PowerShell's `Out-File -Encoding utf8`): tomllib refused it
    # as "Invalid statement (at line 1, column 1)" on a line that reads right in any editor
    config = tmp_path / "qabot.toml"
    config.write_bytes(b"\xef\xbb\xbfdefault_lang = 'de'\n")
    assert Settings.load(config).default_lang == "de"


@pytest.mark.parametrize(
    "data", ["QABOT_DEFAULT_LANG=de\n".encode("utf-16"), b"QABOT_DEFAULT_LANG=d\xe9\n"]
)
def test_a_dot_env_that_is_no_utf8_is_one_line_naming_the_file(
    data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same for the project's .env (every command reads it): the error named no file
    env = tmp_path / ".env"
    env.write_bytes(data)
    monkeypatch.setitem(Settings.model_config, "env_file", env)
    assert main(["ask", "hpc"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(env) in err and "UTF-8" in err, err


@pytest.mark.parametrize("kind", ["a FIFO", "a directory"])
def test_a_dot_env_that_is_no_regular_file_is_skipped_with_one_line(
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A .env that is a FIFO nobody writes to blocked every command at start-up, `qabot ask`
    # too, without a word (python-dotenv opens it and waits for a writer).
    env = tmp_path / ".env"
    os.mkfifo(env) if kind == "a FIFO" else env.mkdir()
    monkeypatch.setitem(Settings.model_config, "env_file", env)
    assert main(["stat", "hpc"]) == 0
    capsys.readouterr()
    lines = [r.getMessage() for r in caplog.records if str(env) in r.getMessage()]
    assert len(lines) == 1 and "skipped" in lines[0], lines


@pytest.mark.parametrize("argv", [["ask", "hpc"], ["chat"], ["kb", "status"], ["slack"]])
def test_a_default_knowledge_directory_left_behind_by_the_install_says_what_to_do(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `pip install .` (not -e) puts the code in site-packages and leaves knowledge/ behind:
    # every command said "…/site-packages/knowledge:0: knowledge directory not found"
    left_behind = tmp_path / "site-packages" / "knowledge"
    monkeypatch.setattr(bot.settings, "DEFAULT_KNOWLEDGE", left_behind)
    monkeypatch.setenv("QABOT_KNOWLEDGE_DIR", str(left_behind))  # the default, as installed
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(left_behind) in err, err
    assert "pip install -e ." in err and "--kb DIR" in err, err


@pytest.mark.parametrize("kb", ["absolute", "relative"])
def test_an_installed_copy_keeps_its_state_beside_the_knowledge_directory_given(
    kb: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pip install .` (not -e) with --kb: the unanswered log, the index cache's pickles and
    # Discord's command hash went under site-packages (the copy's "project root"), beside
    # the code, where an upgrade wipes them and `kb unanswered` of another venv finds none.
    site = tmp_path / "site-packages"
    monkeypatch.setattr(bot.settings, "DEFAULT_KNOWLEDGE", site / "knowledge")
    for name in ("QABOT_UNANSWERED__PATH", "QABOT_INDEX_CACHE_DIR", "QABOT_KNOWLEDGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("QABOT_DISCORD__COMMAND_HASH_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    given = "qa/knowledge" if kb == "relative" else str(tmp_path / "qa" / "knowledge")
    settings = _settings(_parser().parse_args(["--kb", given, "chat"]))
    home = tmp_path / "qa"
    assert Path(settings.unanswered.path) == home / "var" / "unanswered.jsonl"
    assert settings.index_cache_dir == home / "var" / "index-cache"
    assert Path(settings.discord.command_hash_file) == home / ".qabot-commands.hash"


def test_an_installed_copy_keeps_a_state_path_set_on_purpose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.settings, "DEFAULT_KNOWLEDGE", tmp_path / "site" / "knowledge")
    monkeypatch.setenv("QABOT_UNANSWERED__PATH", str(tmp_path / "log.jsonl"))
    settings = Settings.load(knowledge_dir=tmp_path / "qa" / "knowledge")
    assert Path(settings.unanswered.path) == tmp_path / "log.jsonl"


def test_a_config_of_ones_own_keeps_the_safe_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped config names these values, so the code's defaults, which a `--config`
    # file of one's own that leaves the keys out gets, were held by no test: the server on
    # every interface, user ids in the logs, Manage Server an admin, each passed them all.
    # The rate limits too (README: burst 10, then one every 2 s; a channel's 60, 5 a second):
    # the session turns them off for the tests, and every test of them turns them on itself.
    monkeypatch.delenv("QABOT_RATE_LIMIT__ENABLED", raising=False)
    own = tmp_path / "qabot.toml"
    own.write_text('default_lang = "de"\n', encoding="utf-8")
    settings = Settings.load(own)
    assert (settings.slack.host, settings.slack.metrics_host) == ("127.0.0.1", "127.0.0.1")
    assert settings.unanswered.log_user_ids is False
    admins = settings.admins
    assert not (admins.discord_manage_server or admins.slack_user_ids)
    assert not (admins.discord_user_ids or admins.discord_role_ids)
    limits = settings.rate_limit
    assert limits.enabled is True
    assert (limits.user_burst, limits.user_per_s) == (10, 0.5)
    assert (limits.channel_burst, limits.channel_per_s) == (60, 5)
    # The operations defaults the README gives, which the shipped config names too: each
    # changed in the code (a Retry-After cap of an hour, dedupe for 6 s, …) passed them all.
    assert settings.redis_timeout_s == 0.5 and limits.max_concurrent == 8
    assert settings.slack.dedupe_ttl_s == 600  # seen events: 10 minutes
    assert settings.slack.max_retry_after_s == settings.discord.max_retry_after_s == 30
    assert (settings.conversation_ttl_s, settings.answer_memory_ttl_s) == (1800, 86400)
    assert settings.knowledge.max_file_bytes == 20_000_000


@pytest.mark.parametrize("where", ["before", "after"])
def test_kb_validate_refuses_two_different_directories(
    where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `kb validate DIR` with `--kb OTHER` validated DIR and said "ok" without a word about
    # OTHER, the directory the option named.
    command = ["kb", "validate", str(KNOWLEDGE)]
    args = _positions(command, ["--kb", str(MISSING)])[where]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "two knowledge directories" in err and str(MISSING) in err


def test_kb_validate_takes_the_same_directory_named_twice() -> None:
    assert main(["--kb", str(KNOWLEDGE), "kb", "validate", str(KNOWLEDGE)]) == 0


@pytest.mark.parametrize("port", ["99999", "-1", "0"])
def test_a_port_no_server_can_bind_is_named_before_anything_loads(
    port: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Taken as given, it loaded the knowledge, then Slack stopped on bind ("port must be
    # 0-65535", exit 1); 0 listened on a port the OS picked while the log said ":0".
    with pytest.raises(SystemExit) as exit_:
        main(["slack", "--port", port])
    assert exit_.value.code == 2 and "--port" in capsys.readouterr().err
    for name in ("SLACK__PORT", "SLACK__METRICS_PORT"):
        monkeypatch.setenv(f"QABOT_{name}", port)
        assert main(["stat"]) == 2
        assert name.lower().replace("__", ".") in capsys.readouterr().err
        monkeypatch.delenv(f"QABOT_{name}")


# Each option below, ignored, passed every test: the tests used its default or an input
# whose default outcome is the same.


def test_kb_unanswered_shows_as_many_groups_as_limit_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "unanswered.jsonl"
    questions = ["Who runs the zoo?", "How tall is the Eiffel tower?", "Wer malte die Mona Lisa?"]
    records = (
        json.dumps({"kind": "abstain", "platform": "slack", "question": q, "lang": "en"})
        for q in questions
    )
    log.write_text("\n".join(records) + "\n", encoding="utf-8")
    monkeypatch.setenv("QABOT_UNANSWERED__PATH", str(log))
    shown = {}
    for limit in ("1", "2"):
        assert main(["kb", "unanswered", "--limit", limit]) == 0
        shown[limit] = re.findall(r"^\s*\d+\. ×", capsys.readouterr().out, re.MULTILINE)
    assert (len(shown["1"]), len(shown["2"])) == (1, 2)


@pytest.mark.parametrize(("lang", "title"), [("de", "Die wichtigsten Zahlen"), ("en", "Key")])
def test_stat_answers_in_the_language_lang_names(
    lang: str, title: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stat", "--lang", lang]) == 0
    assert capsys.readouterr().out.startswith(title)


def test_kb_ingest_registers_the_title_and_language_given(
    kb_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Ein Satz mit 41 Prozent.\n", encoding="utf-8")
    argv = ["kb", "ingest", str(article), "--id", "next", "--title", "A Title Of Mine"]
    assert main([*argv, "--lang", "en", "--kb", str(kb_copy)]) == 0
    sources = (kb_copy / "sources.yaml").read_text(encoding="utf-8")
    entry = sources[sources.index("id: next") :]
    assert "title: A Title Of Mine" in entry and "lang: en" in entry  # not its first line, not de


@pytest.mark.parametrize("title", ["", "   ", "\t\n", "\u200b"])
def test_kb_ingest_refuses_a_title_without_words(
    title: str, kb_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # '' silently became the article's first line; whitespace was registered as the title.
    article = tmp_path / "article.txt"
    article.write_text("A sentence with 41 per cent.\n", encoding="utf-8")
    argv = ["kb", "ingest", str(article), "--id", "next", "--title", title, "--kb", str(kb_copy)]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and "--title" in capsys.readouterr().err
    assert "id: next" not in (kb_copy / "sources.yaml").read_text(encoding="utf-8")


def test_kb_add_question_files_the_phrase_under_the_language_given(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    phrase = "Haben Firmen heute Probleme beim Recruiting von Leuten?"  # reads as German
    argv = ["kb", "add-question", "--kb", str(kb_copy), "--lang", "en"]
    assert main([*argv, "hkpc.recruiting", phrase]) == 0
    assert "to hkpc.recruiting (en)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "option", ["phrase", "--title"], ids=["add-question's phrase", "ingest's --title"]
)
def test_a_word_of_the_command_line_that_is_no_utf8_is_refused_not_dropped(
    option: str, kb_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Latin-1 terminal's `ü` is the byte 0xfc, which Python reads from argv as the lone
    surrogate U+DCFC: `kb add-question hkpc.recruiting 'Wie viele Bürofirmen …'` dropped it
    with the other invisible characters and filed 'Wie viele Brofirmen …' ("added …", exit
    0); a --title lost it the same way. `qabot ask` of the same bytes says it cannot read
    them. Refused instead, naming the byte, and nothing written."""
    text = "Wie viele B\udcfcrofirmen suchen Leute?"  # os.fsdecode(b"... B\xfcrofirmen ...")
    article = tmp_path / "article.txt"
    article.write_text("Ein Satz mit 41 Prozent.\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in kb_copy.rglob("*") if p.is_file()}
    if option == "phrase":
        argv = ["kb", "add-question", "--kb", str(kb_copy), "hkpc.recruiting", text]
    else:
        argv = ["kb", "ingest", str(article), "--id", "next", "--title", text, "--kb", str(kb_copy)]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and option in err and "0xfc" in err and "UTF-8" in err
    assert {p: p.read_bytes() for p in kb_copy.rglob("*") if p.is_file()} == before


def test_a_config_value_nested_past_the_parser_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A TOML array nested 100,000 deep raised RecursionError past the settings: a traceback
    # and exit 1, where every other bad config file is one line and exit 2.
    config = tmp_path / "qabot.toml"
    config.write_text("default_lang = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert main(["--config", str(config), "ask", "hpc"]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and "nested" in err and len(err.splitlines()) == 1


def test_an_environment_value_nested_past_the_parser_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same for a setting given as JSON in the environment (or a .env).
    monkeypatch.setenv("QABOT_ADMINS__SLACK_USER_IDS", "[" * 100_000)
    assert main(["ask", "hpc"]) == 2
    err = capsys.readouterr().err
    assert "environment" in err and "nested" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("QABOT_ADMINS__SLACK_USER_IDS", "U0TYPED1"),  # a list written as in a shell
        ("QABOT_ADMINS__DISCORD_USER_IDS", "123,456"),
        ("QABOT_UNANSWERED__PLATFORMS", "cli"),
        ("QABOT_SLACK", '{"port": 3000'),  # a whole table, cut short
    ],
)
def test_a_list_in_the_environment_that_is_no_json_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    # pydantic-settings' line named the field and its own class, not the variable nor the form:
    # `qabot: error parsing value for field "admins" from source "EnvSettingsSource"`.
    monkeypatch.setenv("QABOT_SLACK__HOST", "127.0.0.1")  # a scalar beside it: not named
    monkeypatch.setenv(variable, value)
    assert main(["ask", "hpc"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"environment: {variable}: not JSON" in line and '["U012ABCDEF"]' in line
    assert "SLACK__HOST" not in line and value not in line
