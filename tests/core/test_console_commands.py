"""`qabot chat`'s own commands: /kb status and /kb reload work locally; any other slash
command is named as one, with the commands the console has, never asked as a question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service import QABot
from bot.settings import Settings
from tests.core.test_console_exits import console

NOT_SAID = ("doesn't say", "steht nicht")  # the abstention, in either language


def test_kb_status_shows_what_is_loaded(qabot: QABot) -> None:
    _, reply, _ = console(qabot, "/kb status\n/quit\n")
    status = qabot.status()
    assert status.content_hash in reply and f"{status.intents} intents" in reply
    assert not any(words in reply for words in NOT_SAID)


def test_kb_reload_loads_an_edited_knowledge_base(kb_copy: Path) -> None:
    bot = QABot.from_settings(Settings(knowledge_dir=kb_copy, default_lang="en"))
    before = bot.status().content_hash
    facts = kb_copy / "facts.yaml"
    value = 'value: {de: "49 %", en: "49 %"}'
    facts.write_text(facts.read_text().replace(value, value.replace("49", "51")))
    _, reply, after, _ = console(bot, "/kb reload\n/stat Rekrutierung\n/quit\n")
    assert "reloaded" in reply and bot.status().content_hash != before
    assert "51 %" in after


def test_a_failed_reload_is_reported_and_the_last_knowledge_kept(kb_copy: Path) -> None:
    bot = QABot.from_settings(Settings(knowledge_dir=kb_copy, default_lang="en"))
    (kb_copy / "facts.yaml").write_text("- id: [broken\n")
    _, reply, after, _ = console(bot, "/kb reload\n/stat Rekrutierung\n/quit\n")
    assert "reload failed" in reply and "facts.yaml:" in reply
    assert "49 %" in after


@pytest.mark.parametrize("line", ["/kb unanswered", "/kb", "/foo bar", "/hilfe", "/stats"])
def test_another_slash_command_is_not_asked_as_a_question(qabot: QABot, line: str) -> None:
    _, reply, _ = console(qabot, f"{line}\n/quit\n")
    assert not any(words in reply for words in NOT_SAID), reply
    assert "Slack" in reply and "Discord" in reply  # where the other commands are
    for command in ("/stat", "/kb status", "/kb reload", "/quit"):
        assert command in reply, (command, reply)


def test_what_a_kb_line_is_echoed_as_is_visible_and_bounded(qabot: QABot) -> None:
    # "/kb …, is not a console command" repeats what was typed after /kb: a terminal's
    # sequences in it (OSC 52 writes the clipboard) acted on the terminal, and a pasted
    # 100,000 characters came back whole. The echo's filter removed, every test passed.
    _, reply, _ = console(qabot, "/kb un\x1b]52;c;ZXZpbA==\x07answered\n/quit\n")
    assert "\x1b" not in reply and "\x07" not in reply and "answered" in reply
    _, reply, _ = console(qabot, "/kb " + "x" * 100_000 + "\n/quit\n")
    assert len(reply) < 1_000


@pytest.mark.parametrize(
    ("line", "said"),
    [("/kb", "/kb needs a word here"), ("/kb unanswered", "/kb unanswered is not a console")],
)
def test_kb_without_a_word_of_its_own_is_not_called_no_console_command(
    qabot: QABot, line: str, said: str
) -> None:
    # "/kb is not a console command. Here: …, /kb status, /kb reload": the reply to
    # "/kb" and "/kb unanswered" denied the very command it then listed.
    _, reply, _ = console(qabot, f"{line}\n/quit\n")
    assert said in reply and "/kb is not" not in reply, reply


@pytest.mark.parametrize(
    "line", ["/r/hongkong says SenseTime was founded when?", "/ When was SenseTime founded?"]
)
def test_a_line_that_merely_starts_with_a_slash_is_asked(qabot: QABot, line: str) -> None:
    # Only what looks like a command ("/kb", "/foo bar") is one; a question that starts with
    # a slash is asked. With every such line taken for a command, every test passed.
    _, reply, _ = console(qabot, f"{line}\n/quit\n")
    assert "2014" in reply and "not a console command" not in reply


def test_help_shows_the_console_help(qabot: QABot) -> None:
    banner, reply, _ = console(qabot, "/help\n/quit\n")
    assert reply.strip() == banner.strip()
    assert "/kb status" in banner and "/kb reload" in banner


def test_ask_works_as_in_chat(qabot: QABot) -> None:
    _, reply, bare, _ = console(qabot, "/ask When was SenseTime founded?\n/ask\n/quit\n")
    assert "2014" in reply
    assert "/stat" in bare and len(bare.strip()) <= 80  # the empty line's hint


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/stat\u00a0HPC", "44 %"),  # a no-break space, as pasted from a page or a chat
        ("\u200b/kb status", "intents"),  # a zero-width space before it
        ("/kb\x00 status", "intents"),  # a NUL (Ctrl-Space in many terminals)
        ("/quit\u200b", None),
    ],
)
def test_a_command_with_an_invisible_character_is_the_command(
    qabot: QABot, line: str, said: str | None
) -> None:
    # Matched on the line as typed: "/stat\u00a0HPC" got "/stat HPC is not a console
    # command. Here: /stat [TOPIC], …", "/kb\x00 status" and "/quit\u200b" were asked as
    # questions ("quit" got an answer on Hong Kong's status) and the console went on.
    parts = console(qabot, f"{line}\n/help\n/quit\n")
    if said is None:
        assert len(parts) == 2, parts  # the banner, then nothing after the first prompt
        return
    reply = parts[1]
    assert said in reply and "not a console command" not in reply, reply
    assert not any(words in reply for words in NOT_SAID), reply
