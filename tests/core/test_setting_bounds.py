"""Every numeric setting has an upper bound as well as a lower one, and the README's table
of them agrees with the settings model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from bot.bounds import Within
from bot.settings import PROJECT_ROOT, Settings


def _leaves(annotation: Any) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """(base type, Annotated metadata) of every type an annotation holds (lists, unions)."""
    metadata = getattr(annotation, "__metadata__", None)
    if metadata is not None:
        yield annotation.__origin__, metadata
    elif get_args(annotation):
        for arg in get_args(annotation):
            yield from _leaves(arg)
    else:
        yield annotation, ()


def numeric_settings(model: type[BaseModel] = Settings, prefix: str = "") -> Iterator[Any]:
    """(dotted key, default, Within or None) of every setting that holds numbers."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from numeric_settings(annotation, f"{prefix}{name}.")
            continue
        leaves = [m for t, m in _leaves(annotation) if t in (int, float)]
        if leaves:
            bounds = [x for m in leaves for x in (*m, *field.metadata) if isinstance(x, Within)]
            default = field.get_default(call_default_factory=True)
            yield f"{prefix}{name}", default, (bounds[0] if bounds else None)


SETTINGS = list(numeric_settings())


def test_every_numeric_setting_has_an_upper_bound() -> None:
    """A timeout of 1e300 (or a burst, a size, a count) was taken: as endless in effect as
    `inf`, which no setting takes."""
    assert len(SETTINGS) > 25
    assert [key for key, _, bounds in SETTINGS if bounds is None] == []


@pytest.mark.parametrize(("key", "bounds"), [(k, b) for k, _, b in SETTINGS if b is not None])
def test_a_number_over_its_bound_is_refused_naming_the_setting_and_range(
    key: str, bounds: Within, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1e300 for a timeout was taken; now the error names the setting and its whole range
    (a list of ids: each id's)."""
    value = str(2**64 if bounds.high >= 2**63 else int(bounds.high) + 1)
    shown = key
    if key.endswith(("_ids", "manage_server")):  # a list of ids
        value, shown = f"[{value}]", f"{key}.0"
    if key.startswith("discord.shard"):
        monkeypatch.setenv("QABOT_DISCORD__SHARDED", "true")
    monkeypatch.setenv("QABOT_" + key.upper().replace(".", "__"), value)
    with pytest.raises(ValueError) as info:
        Settings.load(None)
    assert f"{shown}: Value error, must be {bounds}" in str(info.value)
    # the range, never the value given (looked for after the config file's path: a clone's
    # path with the digit in it, /work/wt/redteam32, failed three params)
    said = str(info.value).split(" or the environment: ", 1)[-1]
    assert value.strip("[]") not in said


@pytest.mark.parametrize("key", [k for k, _, b in SETTINGS if b is not None])
@pytest.mark.parametrize("boolean", ["true", "false"])
def test_a_boolean_in_a_config_file_is_no_number(
    key: str, boolean: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`max_question_chars = true` in a config file was read as 1 (every question "too
    long"), `backups = false` as 0: pydantic takes a boolean for a number."""
    section, _, name = key.rpartition(".")
    value = f"[{boolean}]" if key.endswith(("_ids", "manage_server")) else boolean
    lines = [f"[{section}]"] if section else []
    if key.startswith("discord.shard"):
        lines.append("sharded = true")
    config = tmp_path / "own.toml"
    config.write_text("\n".join([*lines, f"{name} = {value}", ""]), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(key) + ".*not true or false"):
        Settings.load(config)


@pytest.mark.parametrize("key", ["slack.api_timeout_s", "redis_timeout_s", "admin.watch_step_ms"])
def test_a_finite_endless_value_is_refused(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_" + key.upper().replace(".", "__"), "1e300")
    with pytest.raises(ValueError, match=re.escape(key)):
        Settings.load(None)


def test_the_readmes_table_of_numeric_settings_agrees_with_the_model() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \| ([^|]+) \| ([^|]+) \|$", readme, re.M)
    table = {key: (default.strip(), allowed.strip()) for key, default, allowed in rows}
    expected = {key: (_default(d), str(b)) for key, d, b in SETTINGS}
    assert table == expected


def _default(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, list):
        return "[]"
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


# Given only by the environment (the secrets, and the base URLs that go with them) or on the
# command line (`--kb`, which the config file's commented `knowledge_dir` names).
NOT_IN_THE_FILE = {
    *("slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_api_url"),
    *("discord_token", "discord_api_base", "discord_gateway_url"),
}


def _all_settings(
    model: type[BaseModel] = Settings, section: str = ""
) -> Iterator[tuple[str, str]]:
    """(section, key) of every setting; "" is the file's top level."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _all_settings(annotation, name)
        elif name not in NOT_IN_THE_FILE:
            yield section, name


def test_every_setting_has_a_line_in_its_section_of_the_shipped_config() -> None:
    # README: "All in config/qabot.toml ([rate_limit])" — the file had no [rate_limit] at
    # all, nor Slack's api_timeout_s / api_retries or Discord's shard keys: a newcomer
    # looking there for the limits found nothing to change. A key may be commented out.
    text = (PROJECT_ROOT / "config" / "qabot.toml").read_text(encoding="utf-8")
    sections = {"": ""}
    current = ""
    for line in text.splitlines():
        if header := re.fullmatch(r"\[([a-z_]+)\]", line.strip()):
            current = header.group(1)
            sections[current] = ""
        else:
            sections[current] += line + "\n"
    missing = [
        f"[{section}] {key}" if section else key
        for section, key in _all_settings()
        if not re.search(rf"^#? ?{key} = ", sections.get(section, ""), re.M)
    ]
    assert missing == []
