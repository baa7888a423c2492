"""User text shown back: any string in, plain words out on Slack and Discord, code its content
cannot close, and a shell command that runs exactly its words."""

from __future__ import annotations

import re
import shlex

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.answer import StatReply
from bot.cli import main
from bot.render import discord, echo, plain, slack

PROPS = settings(max_examples=300, deadline=None)
pieces = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from("*_~`|>#-[]()<!@:\\&\"'$ \n\t\x00\u200b\u200d\u202e\u2066\ufeff"),
    # Broadcasts in any case: a case-sensitive neutraliser passed with lower case alone.
    st.sampled_from(["@here", "@channel", "@everyone", "@HERE", "@Channel", "@EveryOne"]),
    st.sampled_from(["https://x.example", "<!here>"]),
)
hostile = st.lists(pieces, max_size=100).map("".join)
HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def no_broadcast(text: str) -> bool:
    return not re.search(r"@(here|channel|everyone)", text, re.IGNORECASE)


@PROPS
@given(hostile)
def test_shown_is_one_visible_bounded_line(text: str) -> None:
    line = echo.shown(text)
    assert not HIDDEN.search(line) and "\n" not in line and len(line) <= echo.ECHO_MAX
    assert line == line.strip()


def test_a_long_echo_is_cut_to_its_bound() -> None:
    # The property above rarely draws a text over the bound: without the cut it passed.
    # "word " * 1000 has a blank at the bound, which the cut's rstrip takes away: a cut one
    # character too late (`line[:limit]`) passed with it alone, so one word without blanks too.
    for text in ("word " * 1000, "x" * 1000):
        line = echo.shown(text)
        assert len(line) == echo.ECHO_MAX and line.endswith("…"), text[:5]


def test_each_platforms_echo_is_cut_to_the_bound() -> None:
    # README: "one bounded line (200 characters of a topic or question)"; the renderers'
    # literal() without its bound passed every test (a /stat topic echoed whole).
    for literal in (slack.literal, discord.literal):
        line = literal("word " * 1000)
        assert len(line) == echo.ECHO_MAX and line.endswith("…"), literal.__module__


@PROPS
@given(hostile)
def test_slack_literal_has_no_markup_left(text: str) -> None:
    out = slack.literal(text)
    assert not set(out) & set("*_~`<>") and not HIDDEN.search(out)
    assert no_broadcast(out)
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0  # every & is an entity


@PROPS
@given(hostile)
def test_discord_literal_has_no_active_markdown(text: str) -> None:
    out = discord.literal(text)
    assert not set(re.sub(r"\\.", "", out)) & set("*_~`|>#-[]()<\\")
    assert no_broadcast(out) and not HIDDEN.search(out)


@PROPS
@given(hostile)
@example("`a")
@example("a`")
def test_code_cannot_be_closed_by_its_content(text: str) -> None:
    block = slack.code(text)
    assert block.startswith("```") and block.endswith("```") and block.count("`") == 6
    block = discord.code_block(text)
    assert block.startswith("```\n") and block.endswith("\n```") and "``" not in block[3:-3]
    span = discord.code_span(text)
    fence = "``" if "`" in span[1:-1] else "`"
    inner = span[len(fence) : -len(fence)]
    assert span.startswith(fence) and span.endswith(fence) and "``" not in inner
    # A fence is a whole run of backticks: one next to it makes a longer run ("```a``"),
    # which the closing fence does not match, and the span is no span (without the
    # padding blank every test passed: hypothesis rarely starts a text with a backtick).
    assert not inner.startswith("`") and not inner.endswith("`")


@PROPS
@given(st.lists(hostile, min_size=1, max_size=4))
def test_a_command_runs_exactly_its_words(words: list[str]) -> None:
    assert shlex.split(echo.command(*words)) == [echo.shown(w, limit=None) for w in words]


@PROPS
@given(hostile)
def test_the_terminal_shows_an_unknown_topic_as_one_line_without_hidden_characters(
    text: str,
) -> None:
    # `qabot stat $'\e[2J…'` and `/stat` in `qabot chat` printed the topic raw: an escape
    # sequence acted on the terminal, a line break started a line of its own.
    reply = StatReply(topic=text, lang="en", rows=(), suggestions=("AI Subsidy Scheme",))
    out = plain.render_stats(reply)
    assert not HIDDEN.search(out) and "\n" not in out
    assert echo.shown(text) in out


def test_a_lone_surrogate_is_dropped_from_an_echo() -> None:
    # A byte of argv that is no UTF-8 (`qabot stat $'\xff'`) reaches Python as a lone
    # surrogate; echoed, it could not be written as UTF-8 (print would raise).
    reply = StatReply(topic="Rekrut\udcff", lang="en", rows=(), suggestions=())
    for shown in (echo.shown("Rekrut\udcff"), plain.render_stats(reply)):
        assert "Rekrut" in shown
        shown.encode("utf-8")  # raises on a lone surrogate


def test_an_echo_of_nothing_but_hidden_characters_shows_them_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `qabot stat $'\xff\xfe'` (bytes that are no UTF-8), `/stat` of a zero-width space or a
    # NUL: the echo was “”, which said nothing of what was typed.
    cases = {"\udcff\udcfe": r"\udcff\udcfe", "\u200b": r"\u200b", "\x00 \x07": r"\x00 \x07"}
    for topic, escaped in cases.items():
        reply = StatReply(topic=topic, lang="en", rows=(), suggestions=())
        assert f"“{escaped}”" in plain.render_stats(reply)
        assert f"“{escaped}”" in slack.render_stat(reply)["text"]
        ((embed,),) = [r.embeds for r in discord.stat_replies(reply)]
        assert f"“{discord.literal(topic)}”" in embed["description"]
        assert escaped in embed["description"].replace("\\\\", "\\")
    assert main(["stat", "\udcff\udcfe"]) == 1
    assert r"“\udcff\udcfe”" in capsys.readouterr().out
    assert echo.echoed(" \n ") == "" and echo.echoed("KI\u200b") == "KI"


@pytest.mark.parametrize(
    ("topic", "echo_"),
    [
        ("\x1b[1mxyzzy\x1b[0m", "xyzzy"),
        ("xyzzy\x1b]0;pwned\x07", "xyzzy"),
        ("\x9b2Jxyzzy", "xyzzy"),
    ],
    ids=["bold", "window title", "C1 CSI"],
)
def test_a_topic_with_a_terminal_sequence_is_echoed_as_a_question_is_read(
    qabot, topic: str, echo_: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `/stat \e[2J` (clear screen) echoed "no statistic on “[2J”" in Slack, Discord and
    # `qabot stat`: the echo dropped the ESC but kept the rest of the sequence, which a
    # question's reading drops whole (README: control characters are dropped).
    reply = qabot.stat(topic)
    assert not reply.matched and reply.topic == echo_
    assert f"“{echo_}”" in slack.render_stat(reply)["text"]
    ((embed,),) = [r.embeds for r in discord.stat_replies(reply)]
    assert f"“{echo_}”" in embed["description"]
    assert main(["stat", topic]) == 1 and f"“{echo_}”" in capsys.readouterr().out


def test_a_topic_of_a_terminal_sequence_alone_is_no_topic(
    qabot, capsys: pytest.CaptureFixture[str]
) -> None:
    # A sequence and nothing else ("\e[2J") is nothing typed, as in `qabot chat`: the table.
    assert qabot.stat("\x1b[2J").topic is None and qabot.stat("\x1b[2J").matched
    assert main(["stat", "\x1b[2J"]) == 0 and "[2J" not in capsys.readouterr().out
