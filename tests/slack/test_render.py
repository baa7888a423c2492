"""The Slack renderer as values: Block Kit shape, limits, and text that cannot ping."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.answer import Answer, Citation, StatReply, StatRow, Suggestion
from bot.render import slack as render

CITE = Citation("article", "§9", "So gaben 49 % der befragten Unternehmen an …", as_of="2023-11")


def answer(text: str = "49 % [1]", **kw: object) -> Answer:
    values: dict = {"question": "q", "answered": True, "lang": "en", "text": text, "kind": "intent"}
    values.update(citations=(CITE,))
    values.update(kw)
    return Answer(**values)


def test_answer_is_a_section_then_a_citation_context() -> None:
    payload = render.render_answer(answer())
    assert [b["type"] for b in payload["blocks"]] == ["section", "context"]
    assert payload["blocks"][0]["text"] == {"type": "mrkdwn", "text": "49 % [1]"}
    cite = payload["blocks"][1]["elements"][0]["text"]
    assert "§9" in cite and "“So gaben 49 %" in cite and "as of 2023-11" in cite
    assert payload["text"].startswith("49 % [1]\n[1] article §9: “So gaben")


def test_limits_hold_for_oversized_content() -> None:
    many = tuple(Citation("article", f"§{i}", "x" * 4000) for i in range(15))
    long_q = "Why " * 40
    suggestions = tuple(Suggestion(f"i{i}", long_q, 0.3) for i in range(9))
    payload = render.render_answer(answer("&" * 5000, citations=many, suggestions=suggestions))
    blocks = payload["blocks"]
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 3000
    assert blocks[0]["text"]["text"].endswith("&amp;…")  # never a cut entity
    assert len(blocks[1]["elements"]) == 10
    assert all(len(e["text"]) <= 3000 for e in blocks[1]["elements"])
    buttons = blocks[-1]["elements"]
    assert len(buttons) == render.SUGGESTIONS_MAX
    assert all(len(b["text"]["text"]) <= 75 for b in buttons)
    # Slack's own advice (under 4,000 characters), not the renderer's constant: measured by
    # TEXT_MAX itself, the check passed with TEXT_MAX at 39,000
    assert len(payload["text"]) < 4000


def test_a_long_stat_table_stays_within_the_block_limit() -> None:
    rows = tuple(
        StatRow(f"f{i}", f"label {i} " + "y" * 200, f"{i} %", "2023-11", CITE) for i in range(300)
    )
    payload = render.render_stat(StatReply(topic=None, lang="en", rows=rows))
    assert len(payload["blocks"]) <= 50
    assert payload["blocks"][0]["type"] == "header"
    assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if b["type"] == "section")


def test_unknown_stat_topic_names_the_closest_topics() -> None:
    payload = render.render_stat(
        StatReply(topic="<!here>", lang="en", rows=(), suggestions=("recruiting", "cloud"))
    )
    text = payload["blocks"][0]["text"]["text"]
    assert "&lt;!here&gt;" in text and "`recruiting`" in text


def test_suggestion_values_round_trip() -> None:
    value = render.suggestion_value("hkpc.recruiting", "de", "Wer | leitet HKPC?")
    assert render.parse_suggestion_value(value) == ("hkpc.recruiting", "de", "Wer | leitet HKPC?")
    assert render.parse_suggestion_value("hkpc.recruiting|de") == ("hkpc.recruiting", "de", "")
    assert render.parse_suggestion_value("x") == ("x", "en", "")


def test_help_mentions_threads_in_both_languages() -> None:
    assert "thread" in render.render_help("en")["text"]
    assert "Thread" in render.render_help("de")["text"]


@given(st.text())
def test_safe_text_can_never_ping_or_carry_markup(text: str) -> None:
    out = render.safe(text)
    assert "<" not in out and ">" not in out
    lowered = out.lower()
    for word in ("@channel", "@here", "@everyone"):
        assert word not in lowered


@given(st.text(max_size=200), st.integers(min_value=2, max_value=100))
def test_clip_respects_the_limit_and_never_splits_an_entity(text: str, limit: int) -> None:
    out = render.clip(render.escape(text), limit)
    assert len(out) <= limit
    tail = out.rsplit("&", 1)
    assert len(tail) == 1 or ";" in tail[1]


@given(st.text(max_size=300))
def test_any_question_renders_to_valid_json(text: str) -> None:
    payload = render.render_answer(answer(text or " "))
    json.dumps(payload)
    assert payload["text"] and all(b["type"] for b in payload["blocks"])


def test_suggestions_the_text_already_lists_are_buttons_only(qabot) -> None:
    answer = qabot.ask("so roughly how many HK firms are already on the AI train?")
    assert answer.suggestions and "• " in answer.text  # the core lists them in its text
    payload = render.render_answer(answer)
    assert [b["type"] for b in payload["blocks"]] == ["section", "actions"]
    assert payload["text"].count(answer.suggestions[0].question) == 1


def test_every_part_of_a_citation_is_made_safe() -> None:
    # The module's promise: every string that reaches Slack passes through `safe()`. A
    # citation's quote (the shipped article's "R&D-Potenzial", or a source ingested with
    # "<" in it) went into the context block unescaped with `safe` dropped there, and every
    # test passed: a `<!channel>` or `<https://…|link>` in a source would act.
    hostile = "R&D <!channel> <https://evil.example|click> @here"
    cite = Citation(hostile, hostile, hostile, as_of=hostile, source_title=hostile)
    payload = render.render_answer(answer(citations=(cite,)))
    (element,) = payload["blocks"][1]["elements"]
    text = element["text"]
    assert "<" not in text and ">" not in text, text
    # title, locator, quote, as of: each escaped, none raw
    assert text.count("R&amp;D") == 4 and "&D" not in text.replace("&amp;D", "")
    assert "@here" not in text and "<" not in payload["text"]
