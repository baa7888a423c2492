"""The unanswered log (what is logged, rotation, never breaking answers) and its triage."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import stat
import string
from pathlib import Path

import pytest

from bot.cli import main
from bot.conversation import Conversations
from bot.service import QABot
from bot.settings import UnansweredSettings
from bot.state import MemoryState
from bot.triage import group_questions
from bot.unanswered import UnansweredLog, read_records
from tests.admin.conftest import admin_settings
from tests.conftest import KNOWLEDGE
from tests.core.test_console_exits import console
from tests.pasted import run_pasted

UNKNOWN = [
    "Who chairs the HKPC?",
    "who chairs the HKPC",
    "Who chairs HKPC?",
    "Who chairs the HKPC ?",
]
RENT = ["How expensive is office rent in Hong Kong?", "how expensive is office rent in hong kong"]


def records(path: Path) -> list[dict]:
    return list(read_records([path])) if path.exists() else []


def cli_bot(monkeypatch: pytest.MonkeyPatch, kb: Path, log_path: Path) -> QABot:
    """A bot over `kb` logging to `log_path`, the log `qabot kb unanswered` reads too."""
    monkeypatch.setenv("QABOT_UNANSWERED__PATH", str(log_path))
    return QABot.from_settings(admin_settings(kb, log_path))


@pytest.fixture
def bot(log_path: Path) -> QABot:
    return QABot.from_settings(admin_settings(KNOWLEDGE, log_path))


def test_abstentions_and_unsure_answers_are_logged_confident_ones_not(log_path: Path) -> None:
    unanswered = {"path": log_path, "low_confidence": 0.8}
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path, unanswered=unanswered))
    bot.ask("Who is the CFO of SenseTime?", platform="slack", user="U1", channel="C1")
    unknown = bot.ask("Who chairs the HKPC?", platform="slack", user="U1", channel="C1")
    assert unknown.kind == "abstain"
    bot.ask("Who chairs the HKPC?", platform="cli")  # qabot ask / eval: not logged by default
    bot.ask("Was bedeuten die 44 %?", platform="discord")  # answered, but unsure
    (abstain, unsure) = records(log_path)
    assert abstain["kind"] == "abstain" and abstain["platform"] == "slack"
    best_guess = unknown.suggestions[0].intent if unknown.suggestions else None
    assert abstain["question"] == "Who chairs the HKPC?" and abstain["guess"] == best_guess
    assert "user" not in abstain and "channel" not in abstain and abstain["time"]
    assert unsure["kind"] == "low_confidence" and unsure["guess"] == "computing.hpc_support"
    assert unsure["score"] < bot.settings.unanswered.low_confidence


def test_low_confidence_is_the_configured_threshold(log_path: Path) -> None:
    # An answer between the default 0.6 and the configured threshold: logged under it, not
    # over it (the setting ignored for 0.6 passed: the unsure answers tested were below both).
    question = "Was ist mit KI?"
    sure = QABot.from_settings(admin_settings(KNOWLEDGE, log_path)).ask(question, platform="cli")
    assert sure.answered and 0.61 < sure.confidence < 0.99, sure.confidence
    for threshold, logged in ((sure.confidence + 0.005, True), (sure.confidence - 0.005, False)):
        log_path.unlink(missing_ok=True)
        unanswered = {"path": log_path, "low_confidence": threshold}
        bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path, unanswered=unanswered))
        bot.ask(question, platform="slack")
        assert [r["kind"] for r in records(log_path)] == (["low_confidence"] if logged else [])


def test_a_source_request_answered_from_the_conversation_is_not_logged(log_path: Path) -> None:
    """ "Quelle?" gets the paragraphs just cited: nothing unsure for an admin to triage (it
    was logged as an unsure answer of score 0, for every source asked)."""
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path))
    talk = Conversations(bot, ttl_s=60)
    talk.ask("t1", "Wann wurde SenseTime gegründet?", platform="slack", user="U1")
    source = talk.ask("t1", "Quelle?", platform="slack", user="U1")
    assert source.answered and source.citations
    assert records(log_path) == []


def test_what_the_console_could_not_answer_is_logged_as_the_console(log_path: Path) -> None:
    # README: qabot chat's abstentions are logged ("console" is among the default
    # platforms), qabot ask's are not; with the console's questions counted as "cli", every
    # test passed and qabot chat logged nothing.
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path))
    console(bot, "Who chairs the HKPC?\n/quit\n")
    (record,) = records(log_path)
    assert record["platform"] == "console" and record["question"] == "Who chairs the HKPC?"


def test_user_ids_only_when_config_allows(log_path: Path) -> None:
    unanswered = {"path": log_path, "log_user_ids": True}
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path, unanswered=unanswered))
    bot.ask("Who chairs the HKPC?", platform="slack", user="U1", channel="C9")
    (rec,) = records(log_path)
    assert rec["user"] == "U1" and rec["channel"] == "C9"


def test_feedback_lands_in_the_log(bot: QABot, log_path: Path) -> None:
    bot.feedback("click", intent="hkpc.recruiting", platform="slack", lang="en", user="U7")
    bot.feedback("down", intent="hkpc.study", platform="discord", question="Who chairs the HKPC?")
    click, down = records(log_path)
    assert click["kind"] == "click" and click["guess"] == "hkpc.recruiting"
    assert down["kind"] == "down" and down["question"] == "Who chairs the HKPC?"


def test_feedback_from_a_platform_left_out_is_not_logged(log_path: Path) -> None:
    # `platforms` says which front ends are logged: one left out (its users' questions kept
    # out of the log) still had each 👍/👎 and click write the question it was on.
    unanswered = {"path": log_path, "platforms": ["console", "discord"]}
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path, unanswered=unanswered))
    bot.feedback("down", intent="hkpc.study", platform="slack", question="Who chairs it?")
    bot.feedback("click", intent="hkpc.study", platform="slack", question="Who chairs it?")
    bot.feedback("up", intent="hkpc.study", platform="discord", question="Who runs HKPC?")
    assert [(r["kind"], r["platform"]) for r in records(log_path)] == [("up", "discord")]


def test_a_question_declined_as_narrower_than_the_article_is_logged(log_path: Path) -> None:
    # "How many SMEs use AI?": the article gives the share of all firms, not of SMEs; the
    # decline (kind "narrowed", with what the article gives) is an abstention the knowledge
    # may need to cover. Logged as "abstain" only, every test passed.
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path))
    answer = bot.ask("How many SMEs use AI?", platform="slack", user="U1", channel="C1")
    assert answer.kind == "narrowed" and not answer.answered
    (record,) = records(log_path)
    assert record["kind"] == "abstain" and record["question"] == "How many SMEs use AI?"


def test_smalltalk_is_not_logged_however_unsure(log_path: Path) -> None:
    unanswered = {"path": log_path, "low_confidence": 0.9}
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path, unanswered=unanswered))
    answer = bot.ask("hi there friend", platform="slack", user="U1", channel="C1")
    assert answer.kind == "smalltalk" and answer.confidence < 0.9
    assert records(log_path) == []


def test_feedback_on_a_longer_question_is_logged_cut_and_read_back(
    bot: QABot, log_path: Path
) -> None:
    # A click's question comes from a button's value (Slack allows 2,000 characters): written
    # whole, a record over the 500 characters triage reads was never read back.
    question = "Wie viele Firmen nutzen KI " + "und so weiter " * 60 + "?"
    bot.feedback("click", intent="hkpc.ai_use", platform="slack", question=question, lang="de")
    (record,) = records(log_path)
    assert record["question"] == question[:500]


def test_the_log_rotates_by_size(tmp_path: Path) -> None:
    cfg = UnansweredSettings(path=tmp_path / "u.jsonl", max_bytes=400, backups=2)
    log = UnansweredLog(cfg)
    for n in range(30):
        assert log.write({"kind": "abstain", "question": f"question number {n}"})
    files = log.files()
    assert [p.name for p in files] == ["u.jsonl.2", "u.jsonl.1", "u.jsonl"]
    assert all(p.stat().st_size <= 400 for p in files)
    numbers = [int(r["question"].split()[-1]) for r in read_records(files)]
    assert numbers == sorted(numbers) and numbers[-1] == 29


def test_the_log_file_is_opened_once_for_many_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A follow-up declined as a near miss writes a record: each record made the directory,
    opened the file and closed it again (about 40 µs of a follow-up's cost)."""
    import bot.unanswered

    opened: list[Path] = []
    append_private = bot.unanswered._append_private
    monkeypatch.setattr(
        bot.unanswered, "_append_private", lambda p: opened.append(p) or append_private(p)
    )
    log = UnansweredLog(UnansweredSettings(path=tmp_path / "var" / "u.jsonl"))
    for n in range(5):
        assert log.write({"kind": "abstain", "question": f"question number {n}"})
    assert opened == [tmp_path / "var" / "u.jsonl"]
    assert [r["question"] for r in records(tmp_path / "var" / "u.jsonl")] == [
        f"question number {n}" for n in range(5)
    ]


def test_a_log_file_moved_or_deleted_is_written_anew_at_its_path(tmp_path: Path) -> None:
    """The file held open is written only while it is the one at the log's path: moved
    away (rotated by another process, by its admin) or deleted, with its directory too, the
    next record goes to a new file there, as before."""
    path = tmp_path / "var" / "u.jsonl"
    log = UnansweredLog(UnansweredSettings(path=path))
    assert log.write({"kind": "abstain", "question": "first"})
    path.rename(tmp_path / "moved.jsonl")
    assert log.write({"kind": "abstain", "question": "second"})
    assert [r["question"] for r in records(path)] == ["second"]
    assert [r["question"] for r in records(tmp_path / "moved.jsonl")] == ["first"]
    path.unlink()
    path.parent.rmdir()
    assert log.write({"kind": "abstain", "question": "third"})
    assert [r["question"] for r in records(path)] == ["third"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_is_created_readable_by_its_owner_alone(tmp_path: Path) -> None:
    """It holds what people asked (and who, with `log_user_ids`): created with the umask's
    0644 it was readable by every local user."""
    umask = os.umask(0o022)
    try:
        path = tmp_path / "u.jsonl"
        log = UnansweredLog(UnansweredSettings(path=path, max_bytes=400, backups=1))
        assert log.write({"kind": "abstain", "question": "Who chairs the HKPC?"})
        assert mode(path) == 0o600
        for n in range(30):  # rotated: the new file is made the same way
            assert log.write({"kind": "abstain", "question": f"question number {n}"})
        assert mode(path) == mode(path.with_name("u.jsonl.1")) == 0o600
        path.chmod(0o640)  # a file that exists keeps the mode it has (set by its admin)
        assert log.write({"kind": "abstain", "question": "Who chairs the HKPC?"})
        assert mode(path) == 0o640
    finally:
        os.umask(umask)


def test_a_log_this_user_cannot_read_is_an_error_not_nothing_unanswered(
    log_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`qabot kb unanswered` as another user than the bot's: it said "nothing unanswered"."""
    bot = cli_bot(monkeypatch, KNOWLEDGE, log_path)
    bot.ask("Who chairs the HKPC?", platform="slack")
    real_read = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self == log_path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    assert bot.unanswered_groups() is None
    assert main(["kb", "unanswered"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"qabot: {log_path} cannot be read now (Permission denied)" in err


@pytest.mark.parametrize("name", ["u\x00.jsonl", "a-directory"], ids=["a NUL", "a directory"])
def test_a_log_path_that_cannot_be_read_is_an_error_not_nothing_unanswered(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # pathlib's is_file() is False for either: "nothing unanswered in …", exit 0 (the writer
    # meanwhile logs "not writable" for each record). The environment cannot hold a NUL.
    monkeypatch.delenv("QABOT_UNANSWERED__PATH")
    (tmp_path / "a-directory").mkdir()
    config = tmp_path / "qabot.toml"
    config.write_text(f"[unanswered]\npath = {json.dumps(str(tmp_path / name))}\n")
    assert main(["--config", str(config), "kb", "unanswered"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "cannot be read now" in err


def test_a_log_path_that_is_no_regular_file_is_refused_not_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FIFO at the log's path: opening it to append waited until something read it (a
    reader that went away: for ever), holding the log's lock, so every core thread that
    logged a decline waited too and the bot stopped answering; `qabot kb unanswered` waited
    on it as well, and read /dev/zero until memory ran out. Only a regular file is a log
    (it is rotated by renaming): anything else is "not writable", and answers go on, or
    "cannot be read now". Here a reader holds the FIFO open, so the code before wrote into
    it (and read /dev/null as nothing unanswered) instead of waiting."""
    fifo = tmp_path / "u.jsonl"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        log = UnansweredLog(UnansweredSettings(path=fifo))
        assert not log.write({"kind": "abstain", "question": "Who chairs the HKPC?"})
        assert os.read(reader, 100) == b""
    finally:
        os.close(reader)
    monkeypatch.setenv("QABOT_UNANSWERED__PATH", os.devnull)
    assert main(["kb", "unanswered"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and f"qabot: {os.devnull} cannot be read now (not a regular file)" in err


def test_cli_kb_unanswered_prints_the_log_path_printably(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The configured path was printed as it is: an ESC in it acted on the terminal.
    odd = tmp_path / "\x1b[31mred" / "u.jsonl"
    monkeypatch.setenv("QABOT_UNANSWERED__PATH", str(odd))
    assert main(["kb", "unanswered"]) == 0  # nothing logged yet
    out = capsys.readouterr().out
    assert "\x1b" not in out and "nothing unanswered in " in out and "?[31mred/u.jsonl" in out
    odd.mkdir(parents=True)  # a directory where the log should be: it cannot be read
    assert main(["kb", "unanswered"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "?[31mred/u.jsonl cannot be read now" in err


def test_with_no_backups_no_rotated_copy_is_kept(tmp_path: Path) -> None:
    cfg = UnansweredSettings(path=tmp_path / "u.jsonl", max_bytes=400, backups=0)
    log = UnansweredLog(cfg)
    for n in range(30):
        assert log.write({"kind": "abstain", "question": f"question number {n}"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["u.jsonl"]


def test_a_disabled_log_keeps_nothing(log_path: Path) -> None:
    unanswered = {"path": log_path, "enabled": False}
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path, unanswered=unanswered))
    assert bot.ask("Who chairs the HKPC?", platform="slack").kind == "abstain"
    bot.feedback("down", intent="hkpc.study", platform="discord", question="Who chairs it?")
    assert not log_path.exists()


def test_an_unwritable_log_costs_one_error_and_answers_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, blocker / "u.jsonl"))
    with caplog.at_level(logging.ERROR, logger="bot.unanswered"):
        answers = [bot.ask("Who chairs the HKPC?", platform="slack") for _ in range(3)]
    assert all(a.kind == "abstain" for a in answers)
    errors = [r for r in caplog.records if r.name == "bot.unanswered"]
    assert len(errors) == 1 and "not writable" in errors[0].getMessage()


def test_grouping_by_similarity_and_frequency() -> None:
    recs = [{"question": q} for q in [*UNKNOWN, *RENT, "What is the weather like?"]]
    groups = group_questions(recs)
    assert [len(g) for g in groups] == [4, 2, 1]
    assert {r["question"] for r in groups[0]} == set(UNKNOWN)


def test_triage_proposes_the_closest_intent_and_drops_what_is_answered_now(
    bot: QABot, log_path: Path
) -> None:
    for q in [*UNKNOWN, *RENT, "Who is the CFO of SenseTime?"]:
        bot.unanswered.write({"kind": "abstain", "question": q, "lang": "en"})
    groups = bot.unanswered_groups()
    assert [g.count for g in groups] == [4, 2]  # the CFO question is answered now: left out
    first = groups[0]
    assert first.question in UNKNOWN and first.lang == "en"
    # the proposal is the resolver's closest article intent, with its (too low) score
    answer = bot.ask(first.question)
    assert bot.store.current.intents[first.intent].kind == "article"
    assert 0 < first.score < bot.settings.unanswered.low_confidence
    if answer.suggestions:
        assert first.intent == answer.suggestions[0].intent
    assert groups[1].question in RENT


def test_what_people_clicked_beats_the_resolver_guess(bot: QABot) -> None:
    for q in UNKNOWN[:2]:
        bot.unanswered.write({"kind": "abstain", "question": q, "lang": "en"})
    bot.unanswered.write({"kind": "click", "question": UNKNOWN[0], "guess": "hkpc.recruiting"})
    (group,) = bot.unanswered_groups()
    assert group.intent == "hkpc.recruiting" and group.score == 1.0 and group.clicks == 1


def test_a_click_on_an_answer_then_voted_down_is_not_proposed(bot: QABot) -> None:
    # README: a down-voted group "is never proposed that intent again". What people clicked
    # comes first (above); a click on the intent whose answer then got the 👎 was proposed
    # with the vote filter dropped there, and every test passed.
    bot.unanswered.write({"kind": "abstain", "question": UNKNOWN[0], "lang": "en"})
    bot.unanswered.write({"kind": "click", "question": UNKNOWN[0], "guess": "hkpc.recruiting"})
    bot.feedback("down", intent="hkpc.recruiting", platform="slack", question=UNKNOWN[0], lang="en")
    (group,) = bot.unanswered_groups()
    assert group.voted_down == ("hkpc.recruiting",) and group.clicks == 1
    assert group.intent != "hkpc.recruiting"


def test_the_shared_log_keeps_the_newest_records_it_may(log_path: Path) -> None:
    # The shared (Redis) log is one capped list: STREAM_MAX_LINES newest records. With the
    # cap passed as a billion, every test passed: the list would grow for as long as the
    # bot runs (anyone can add a record, within the rate limit).
    from bot import unanswered

    shared = MemoryState()
    shared.remote = True  # as Redis is: the records go to the shared list
    log = UnansweredLog(UnansweredSettings(path=str(log_path)), shared)
    for n in range(unanswered.STREAM_MAX_LINES + 3):
        log.write({"kind": "abstain", "question": f"q{n}", "lang": "en"})
    kept = [r["question"] for r in log.records()]
    assert len(kept) == unanswered.STREAM_MAX_LINES and kept[-1] == f"q{n}"
    assert unanswered.STREAM_MAX_LINES <= 20_000  # README: "the newest 20,000"
    assert not log_path.exists()


VOTED = "Who is the chief financial officer of SenseTime?"  # answered with confidence


def vote_down(bot: QABot, question: str, intent: str | None) -> None:
    """A 👎 on the answer `intent` gave to `question`, as `QABot.feedback` logs it."""
    bot.feedback("down", intent=intent, platform="slack", question=question, lang="en")


def test_a_down_vote_on_a_confident_answer_is_listed_first_until_answered_otherwise(
    kb_bot: QABot,
) -> None:
    """A 👎 on an answer the knowledge gives with confidence was left out as 'answered now':
    a confident wrong answer never reached an admin."""
    bot = kb_bot  # the knowledge is edited: a copy
    given = bot.ask(VOTED).intent
    assert given is not None
    for q in UNKNOWN:
        bot.unanswered.write({"kind": "abstain", "question": q, "lang": "en"})
    vote_down(bot, VOTED, given)
    # a 👎 on an answer the knowledge no longer gives to that question: dealt with
    vote_down(bot, "When was SenseTime founded?", "hkpc.recruiting")
    voted, unknown = bot.unanswered_groups()
    assert voted.question == VOTED and voted.count == 1  # before the larger group
    assert voted.down_votes == 1 and voted.voted_down == (given,)
    assert voted.intent is not None and voted.intent != given  # not the answer voted down
    assert voted.to_json()["down_votes"] == 1 and voted.to_json()["voted_down"] == [given]
    assert unknown.count == 4 and unknown.down_votes == 0 and unknown.voted_down == ()
    # attached to another intent, the question is answered otherwise: off the list
    assert bot.add_question(voted.intent, VOTED, "en").changed
    assert [g.question for g in bot.unanswered_groups()] == [unknown.question]


def test_cli_kb_unanswered(
    kb_copy: Path,
    log_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = cli_bot(monkeypatch, kb_copy, log_path)
    for q in UNKNOWN:
        bot.ask(q, platform="discord")
    assert main(["kb", "unanswered", "--kb", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    assert main(["kb", "unanswered", "--json", "--kb", str(kb_copy)]) == 0
    (group,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    intent = group["proposed_intent"]
    assert group["count"] == 4 and intent
    assert "×4" in out and f"→ {intent}" in out
    assert f"qabot kb add-question --kb {kb_copy} --lang en -- {intent}" in out
    # attach it; the group disappears
    assert main(["kb", "add-question", intent, group["question"], "--kb", str(kb_copy)]) == 0
    capsys.readouterr()
    assert main(["kb", "unanswered", "--json", "--kb", str(kb_copy)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_kb_unanswered_says_when_logging_is_off(
    kb_copy: Path,
    log_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QABOT_UNANSWERED__PATH", str(log_path))
    monkeypatch.setenv("QABOT_UNANSWERED__ENABLED", "false")
    assert main(["kb", "unanswered", "--kb", str(kb_copy)]) == 0
    assert "logging is off" in capsys.readouterr().out


def test_cli_kb_unanswered_marks_down_votes_with_the_answer_given(
    log_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = cli_bot(monkeypatch, KNOWLEDGE, log_path)
    vote_down(bot, VOTED, "sensetime.wang_zheng")
    assert main(["kb", "unanswered"]) == 0
    first, marked, *_ = capsys.readouterr().out.splitlines()
    assert repr(VOTED) in first
    assert marked.strip() == "voted down ×1 on the answer sensetime.wang_zheng"


def test_cli_kb_unanswered_prints_a_command_safe_to_paste(
    kb_copy: Path,
    log_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An asker's `$(…)` must stay text when an admin pastes the proposed command."""
    trap = "How many pizza firms \"$(touch X)\" `touch Y` '$HOME' love Hong Kong?\x1b[2J"
    cli_bot(monkeypatch, kb_copy, log_path).ask(trap, platform="discord")
    assert main(["kb", "unanswered", "--kb", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # nothing that steers the admin's terminal
    (line,) = [x.strip() for x in out.splitlines() if x.strip().startswith("qabot kb add-question")]
    (intent,) = re.findall(r" -- (\S+) ", line)
    question = trap.removesuffix("\x1b[2J") + "[2J"  # the escape character is dropped
    words = ["kb", "add-question", "--kb", str(kb_copy), "--lang", "en", "--", intent, question]
    assert run_pasted(line, tmp_path) == words
    assert not (tmp_path / "X").exists() and not (tmp_path / "Y").exists()


def test_the_other_questions_of_a_group_cannot_steer_the_terminal(
    log_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first question of a group was shown escaped, the others ("also: …") raw: an
    # escape sequence in one of them acted on the admin's terminal (a title, a cleared
    # screen), and no test looked at those lines.
    bot = cli_bot(monkeypatch, KNOWLEDGE, log_path)
    for question in ("How many pizza firms love Hong Kong?", "How many pizza firms love HK?"):
        bot.ask(question + "\x1b]0;owned\x07\x1b[2J", platform="discord")
    assert main(["kb", "unanswered"]) == 0
    out = capsys.readouterr().out
    assert "also:" in out
    assert "\x1b" not in out and "\x07" not in out


def test_triage_asks_again_only_what_it_may_show(
    bot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log of 20,000 records must not cost an answer per distinct question: the groups are
    formed first, and only those that can still be among the shown ones are asked again."""
    snap = bot.store.current
    asked: list[str] = []
    real = snap.answer

    def counted(question: str, lang: str | None = None):
        asked.append(question)
        return real(question, lang)

    monkeypatch.setattr(snap, "answer", counted)
    recs = [{"question": q} for q in UNKNOWN * 5 + RENT * 3]
    rng = random.Random(3)  # thirty questions asked once each, none like another
    recs += [{"question": "".join(rng.choices(string.ascii_lowercase, k=14))} for _ in range(30)]
    from bot.triage import group_log

    groups = group_log(snap, recs, low_confidence=0.5, limit=2)
    assert [g.count for g in groups] == [20, 6]
    assert len(asked) < len({r["question"] for r in recs}) // 2, asked


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85"])
def test_a_question_with_a_unicode_line_break_is_kept_whole(log_path: Path, brk: str) -> None:
    # json.dumps leaves these raw, and the reader splits lines as str.splitlines does:
    # the record was cut in two and dropped from triage.
    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log_path))
    bot.ask(f"Who chairs{brk}the HKPC?", platform="slack", user="U1", channel="C1")
    assert [r["question"] for r in records(log_path)] == [f"Who chairs{brk}the HKPC?"]


@pytest.mark.parametrize("asked", ["-5%", "-17%"])  # figures the article does not give
def test_the_pasted_command_adds_a_question_that_looks_like_an_option(
    kb_copy: Path,
    log_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    asked: str,
) -> None:
    # The question came after the intent as a bare word: argparse took "-5%…" for an
    # option (the paste failed, exit 2) and "--help" for help (nothing added, exit 0).
    cli_bot(monkeypatch, kb_copy, log_path).ask(asked, platform="discord")
    assert main(["kb", "unanswered", "--kb", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    (line,) = [x.strip() for x in out.splitlines() if x.strip().startswith("qabot kb add-question")]
    # The command names the knowledge it was proposed for (pasted without, it edited the
    # project's knowledge/, not the directory triage looked at).
    pasted = run_pasted(line, tmp_path)
    assert pasted[2:4] == ["--kb", str(kb_copy)]
    assert main(pasted) == 0
    assert asked in capsys.readouterr().out
    assert asked in "".join(p.read_text() for p in (kb_copy / "qa").glob("*.yaml"))


def test_a_line_cut_inside_a_character_costs_only_that_line(bot: QABot, log_path: Path) -> None:
    # A write cut short (a full disk, a crash) can end inside a UTF-8 sequence: the whole
    # file was "cannot read" and every record in it gone from triage.
    for question in UNKNOWN:
        bot.ask(question, platform="slack")
    with log_path.open("ab") as log:
        log.write('{"kind": "abstain", "question": "Caf\u00e9'.encode()[:-1] + b"\n")
    assert [r["question"] for r in records(log_path)] == UNKNOWN


@pytest.mark.parametrize(
    "line",
    ['{"question": ' + "[" * 100_000, '{"question": "x", "n": ' + "1" * 5_000 + "}"],
    ids=["nested", "a number past int()'s digits"],
)
def test_a_line_json_cannot_read_costs_only_that_line(
    bot: QABot, log_path: Path, line: str
) -> None:
    # A line nested deeper than the JSON parser goes, or with a number of more digits than
    # int() reads (a corrupted file, a foreign writer of the shared log), raised
    # RecursionError / ValueError past the reader: `kb unanswered` printed a traceback and
    # triage was gone until the line rotated out.
    bot.ask(UNKNOWN[0], platform="slack")
    with log_path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")
    bot.ask(UNKNOWN[1], platform="slack")
    assert [r["question"] for r in records(log_path)] == UNKNOWN[:2]


@pytest.mark.parametrize("half", ["\\ud83d", "\\udcff"], ids=["a high half", "a low half"])
def test_a_logged_question_with_half_an_emoji_costs_only_that_record(
    bot: QABot, log_path: Path, half: str
) -> None:
    # qabot never logs such a question (it refuses to read one), but another writer of the
    # log (the shared Redis stream) may: JSON's escape of half an emoji reads as a lone
    # surrogate, which triage could not encode for a group's key (UnicodeEncodeError):
    # `kb unanswered` printed a traceback, /kb unanswered failed, until it rotated out.
    bot.ask(UNKNOWN[0], platform="slack")
    with log_path.open("a", encoding="utf-8") as log:
        log.write('{"kind": "abstain", "lang": "en", "question": "Who runs ' + half + '?"}\n')
    bot.ask(UNKNOWN[1], platform="slack")
    groups = bot.triage()
    assert groups and all(g.question in UNKNOWN for g in groups)
    assert [r["question"] for r in records(log_path)] == UNKNOWN[:2]


def test_a_logged_question_longer_than_qabot_logs_is_no_record(bot: QABot, log_path: Path) -> None:
    # qabot logs a question's first 500 characters; another writer of the log (the shared
    # Redis stream) could put any length there, and triage asked it again whole: one record
    # of a megabyte (one word) kept `kb unanswered` (and a core thread, for /kb unanswered)
    # busy for three minutes, and the listing printed it whole. Such a record is no record.
    bot.ask(UNKNOWN[0], platform="slack")
    long = ("Who chairs the zoo board " * 30)[:501]
    record = {"kind": "abstain", "platform": "slack", "question": long, "lang": "en"}
    with log_path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
        log.write(json.dumps({**record, "question": long[:500]}) + "\n")
    bot.ask("Who is the zoo's keeper?" + "?" * 600, platform="slack")  # logged: 500 of it
    assert [len(r["question"]) for r in records(log_path)] == [len(UNKNOWN[0]), 500, 500]
    assert all(len(g.question) <= 500 for g in bot.triage())
    assert long not in [q for g in bot.triage() for q in g.questions]


def test_a_logged_language_that_is_no_language_of_ours_reaches_no_listing(
    bot: QABot, log_path: Path
) -> None:
    # Only qabot writes "de" or "en" there; another writer of the log (the shared Redis
    # stream) could put anything, and a group's language is shown raw in Slack's listing
    # (`[en]`) and pasted as `--lang`. The filter dropped, every test passed.
    record = {"kind": "abstain", "platform": "slack", "question": "Who runs the zoo?"}
    hostile = "<!channel> *x* $(touch y)"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text(json.dumps({**record, "lang": hostile}) + "\n", encoding="utf-8")
    (group,) = bot.triage()
    assert group.lang in ("de", "en")


@pytest.mark.parametrize(
    "guess",
    [[1], {"a": 1}, 5, True, "x` [link](https://evil.example) `y"],
    ids=["a list", "an object", "a number", "true", "no intent id"],
)
@pytest.mark.parametrize("kind", ["abstain", "click", "down"])
def test_a_logged_guess_that_is_no_intent_id_is_no_guess(
    bot: QABot, log_path: Path, kind: str, guess: object
) -> None:
    # Only qabot writes a guess there, an intent's id; another writer of the log (the shared
    # stream) could put anything: a list or a number was a TypeError / AttributeError in
    # triage (`kb unanswered` a traceback, `/kb unanswered` no reply), and text was shown
    # as an intent, raw in a code span it can close (Discord's and Slack's listings).
    record = {"kind": kind, "platform": "slack", "question": "Who runs the zoo?", "lang": "en"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text(json.dumps({**record, "guess": guess}) + "\n", encoding="utf-8")
    (group,) = bot.triage()
    assert group.intent in (None, *bot.store.current.intents)
    assert not group.voted_down


@pytest.mark.parametrize("odd", ["\u2028", "\x85"], ids=["U+2028", "NEL"])
def test_kb_unanswered_json_prints_each_group_on_one_line(
    kb_copy: Path,
    log_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    odd: str,
) -> None:
    # README: `kb unanswered --json` escapes Unicode line breaks as the other JSON lines
    # qabot writes do. Printed with json.dumps instead, every test passed, and a reader
    # that splits lines as str.splitlines does cut the group in two. Two groups: each one
    # line, read back whole.
    cli_bot(monkeypatch, kb_copy, log_path)
    questions = [f"Who runs{odd}the zoo?", "When does the ferry to Lamma leave?"]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text(
        "".join(
            json.dumps({"kind": "abstain", "platform": "slack", "lang": "en", "question": q}) + "\n"
            for q in questions
        ),
        encoding="utf-8",
    )
    assert main(["kb", "unanswered", "--json", "--kb", str(kb_copy)]) == 0
    out = capsys.readouterr().out
    groups = [json.loads(line) for line in out.splitlines()]
    assert sorted(g["question"] for g in groups) == sorted(questions)


def test_grouping_a_log_of_gibberish_costs_comparisons_in_proportion_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Questions that share no word with any other (gibberish, which anyone can send, a
    # record at a time within the rate limit) were each compared with every group before:
    # pairs grow with the square of the log, 1,000 records of 500 characters took 30 s,
    # the 20,000 the shared log keeps hours, for `kb unanswered` and for /kb unanswered.
    import bot.triage as triage

    rng = random.Random(7)
    compared = 0
    ratio = triage.fuzz.token_set_ratio

    def counted(a: str, b: str) -> float:
        nonlocal compared
        compared += 1
        return ratio(a, b)

    monkeypatch.setattr(triage.fuzz, "token_set_ratio", counted)

    def pairs(n: int) -> int:
        nonlocal compared
        compared = 0
        letters = string.ascii_lowercase
        words = ("".join(rng.choices(letters, k=8)) for _ in range(3 * n))
        group_questions(
            [{"question": f"{next(words)} {next(words)} {next(words)}"} for _ in range(n)]
        )
        return compared

    small, large = pairs(400), pairs(800)
    assert large <= 2.5 * small, (small, large)


def test_a_record_holding_a_lone_surrogate_is_written_not_lost(tmp_path: Path) -> None:
    # Half an emoji sent as a JSON escape (a button's value, a feedback record's question)
    # is a lone surrogate, which no UTF-8 encoder takes: unescaped, the record's write
    # failed ("unanswered log … not writable"), and the record was lost.
    log = UnansweredLog(UnansweredSettings(path=tmp_path / "u.jsonl"))
    assert log.write({"kind": "click", "question": "hpc \ud83d?", "guess": "computing.hpc"})
    (record,) = [json.loads(line) for line in (tmp_path / "u.jsonl").read_bytes().splitlines()]
    assert record["question"] == "hpc \ud83d?"
