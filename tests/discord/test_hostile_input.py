"""Hostile text through discord.py and the fake gateway: what a user typed is shown back as
plain words, and a command built from it is safe to paste and cannot break its code span."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from bot.answer import Group
from bot.kb_edit import EditResult
from bot.render.discord import attach_button, attach_replies
from bot.render.echo import shown
from bot.service import QABot
from bot.settings import Settings
from tests.discord.fake_discord import ADMIN_ID, FakeDiscord
from tests.discord.harness import ADMINS, make_settings, serving
from tests.pasted import run_pasted

# Masked link, spoiler, bold, strike, code, heading, quote, mention, zero-width, RTL, NUL.
HOSTILE = (
    "[x](https://evil.example) [y](https://evil.example) ||s|| **b** __u__ ~~s~~ `c` "
    "# h > q <@123456789012345678> @everyone z\u200bw\u202eRTL\x00NUL"
)
# What an asker may type so that an admin who pastes the command runs it.
PASTE_TRAP = 'How many pizza firms "$(touch X)" ``` `touch Y` *love* [x](https://evil.example)?'
MARKDOWN = set("*_~|`[]()<>#")


def assert_plain_words(echo: str, start: str) -> None:
    """Nothing in `echo` acts as Markdown, a mention or hidden text on Discord; it reads as
    words that begin with `start`."""
    unescaped = re.sub(r"\\.", "", echo)  # a backslash makes the next character plain
    assert not set(unescaped) & MARKDOWN, echo
    assert not set(echo) & set("\u200b\u202e\x00")
    assert "@everyone" not in echo
    assert re.sub(r"\\(.)", r"\1", echo).startswith(start)


def code_spans(markdown: str) -> list[str]:
    """The inline code spans of `markdown`, as Discord reads them (a fence of n backticks
    closes at the next run of exactly n)."""
    return [m.group(2) for m in re.finditer(r"(`+)(.+?)(?<!`)\1(?!`)", markdown)]


def seeded_bot(kb: Path, log: Path, question: str) -> QABot:
    bot = QABot.from_settings(Settings(knowledge_dir=kb, admins=ADMINS, unanswered={"path": log}))
    bot.ask(question, platform="discord")
    return bot


async def test_stat_shows_an_unknown_topic_as_plain_words(
    live: tuple[FakeDiscord, object],
) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("stat", [{"name": "topic", "type": 3, "value": HOSTILE}])
    (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    (embed,) = call.json["data"]["embeds"]
    (echo,) = re.findall(r"“(.*)”", embed["description"])
    assert_plain_words(echo, "[x](https://evil.example) [y](https://evil.example) ||s|| **b**")


async def test_kb_unanswered_command_is_safe_to_paste_and_stays_in_its_code_span(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", PASTE_TRAP)
    (group,) = bot.unanswered_groups()
    async with serving(bot, make_settings(fake, tmp_path)):
        iid, _ = await fake.interaction(
            "kb", [{"name": "action", "type": 3, "value": "unanswered"}], who=ADMIN_ID
        )
        (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    (field,) = call.json["data"]["embeds"][0]["fields"]
    count, _, echo = field["name"].partition(" ")
    assert count == "×1"
    assert_plain_words(echo, 'How many pizza firms "$(touch X)" ``` `touch Y` *love*')
    pasted = code_spans(field["value"])[-1].strip()
    # Two backticks in a row would close the span: a zero-width space stands between them.
    question = PASTE_TRAP.replace("```", "`\u200b`\u200b`")
    kb = ["--kb", str(kb_copy)]  # not the project's knowledge: the command names it
    words = ["qabot", "kb", "add-question", *kb, "--lang", "en", "--", group.intent, question]
    assert shlex.split(pasted) == words
    assert run_pasted(pasted, tmp_path) == words[1:]
    assert not (tmp_path / "X").exists() and not (tmp_path / "Y").exists()


async def test_kb_unanswered_shows_a_command_whole_or_not_at_all(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    # Each ' is five characters quoted ('"'"'): the command outgrows a field's 1,024, and a
    # cut there took the span's closing backtick with it, so the rest read as Markdown.
    question = "How many pizza firms [x](https://evil.example) ||s|| " + "'" * 200 + "?"
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", question)
    (group,) = bot.unanswered_groups()
    assert group.intent
    async with serving(bot, make_settings(fake, tmp_path)):
        iid, _ = await fake.interaction(
            "kb", [{"name": "action", "type": 3, "value": "unanswered"}], who=ADMIN_ID
        )
        (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    (field,) = call.json["data"]["embeds"][0]["fields"]
    value = field["value"]
    outside = re.sub(r"(`+)(.+?)(?<!`)\1(?!`)", "", value)  # the text outside code spans
    assert "`" not in outside and "evil.example" not in outside, value
    commands = [s for s in code_spans(value) if "add-question" in s]
    assert all(shlex.split(s.strip())[-1] == question for s in commands), commands


async def test_kb_reload_errors_cannot_close_their_code_block(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = QABot.from_settings(Settings(knowledge_dir=kb_copy, admins=ADMINS))
    (kb_copy / "qa" / "x```[y](https:evil.example).yaml").write_text("a: [", "utf-8")
    async with serving(bot, make_settings(fake, tmp_path)):
        _, token = await fake.interaction(
            "kb", [{"name": "action", "type": 3, "value": "reload"}], who=ADMIN_ID
        )
        (call,) = await fake.wait_call("POST", rf"/webhooks/\d+/{re.escape(token)}")
    text = call.json["embeds"][0]["description"]
    assert text.startswith("```\n") and text.endswith("\n```") and text.count("```") == 2
    assert "x`\u200b`\u200b`[y](https:evil.example).yaml:" in text


def test_attach_replies_show_the_question_as_plain_words() -> None:
    result = EditResult(True, True, f"added {HOSTILE!r} to hkpc.recruiting")
    (reply,) = attach_replies(result, "hkpc.recruiting", HOSTILE, "en", "en")
    (echo,) = re.findall(r"“(.*)”", reply.content or "")
    assert_plain_words(echo, "[x](https://evil.example) [y](https://evil.example) ||s||")


def test_a_refused_attach_shows_the_question_in_its_reason_as_plain_words() -> None:
    # The reason names the question ("variant '…' also under …"); shown as it came, the
    # asker's masked link would be a link in the admin's reply. No test sent one.
    phrase = shown(HOSTILE, limit=None)
    result = EditResult(False, False, f"refused: qa/x.yaml:0: variant {phrase!r} also under y.z")
    (reply,) = attach_replies(result, "hkpc.recruiting", HOSTILE, "en", "en")
    (echo,) = re.findall(r"variant '(.*)' also", reply.content or "")
    assert_plain_words(echo, "[x](https://evil.example) [y](https://evil.example) ||s||")


def test_an_attach_button_shows_the_question_without_hidden_characters() -> None:
    # A button label is plain text, but an RLO in it turns the "→ intent" after it around,
    # and a line break has no place there. No test sent one.
    question = "Who chairs\nthe z\u200bw\u202eRTL\x00 HKPC?"
    group = Group("k", question, "en", 1, (question,), "hkpc.recruiting", 0.5)
    label = attach_button(group, "en").label
    assert not set(label) & set("\u200b\u202e\x00\n"), label
    assert "Who chairs the zwRTL HKPC?" in label and label.endswith("→ hkpc.recruiting")


async def test_kb_status_shows_file_names_in_code_blocks(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = QABot.from_settings(Settings(knowledge_dir=kb_copy, admins=ADMINS))
    (kb_copy / "qa" / "[y](https:evil.example) ||s||.yaml").write_text("a: [", "utf-8")
    assert not bot.reload("test").ok
    async with serving(bot, make_settings(fake, tmp_path)):
        iid, _ = await fake.interaction(
            "kb", [{"name": "action", "type": 3, "value": "status"}], who=ADMIN_ID
        )
        (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    fields = call.json["data"]["embeds"][0]["fields"]
    shown = [f["value"] for f in fields if "[y](https:evil.example) ||s||.yaml" in f["value"]]
    assert len(shown) == 2  # the last reload and the last error
    assert all(v.startswith("```\n") and v.endswith("\n```") for v in shown)
