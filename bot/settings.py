"""One settings object: config/qabot.toml, then QABOT_* environment, then explicit values.

Secrets (tokens, signing secret) are read from the environment (or the project's
git-ignored .env) only, under their platform names, and held as SecretStr.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import stat
import tomllib
import typing
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from bot.bounds import Within
from bot.ratelimit import RateLimitSettings

log = logging.getLogger("qabot.settings")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "qabot.toml"
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "knowledge"
# What qabot writes by default (the unanswered log, the index cache) and Discord's command
# hash: in the project, or beside the knowledge directory of an installed copy (`_homed`).
DEFAULT_VAR = PROJECT_ROOT / "var"
DEFAULT_COMMAND_HASH = PROJECT_ROOT / ".qabot-commands.hash"
# The secrets, by their environment names: never read from a config file.
SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_TOKEN")
# Where a question comes from: the console, `qabot ask`, or a chat platform.
Platform = Literal["console", "cli", "slack", "discord"]


def _not_empty(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("an empty path would be the working directory; leave the key out")
    return value


# A path setting: "" would be Path("."), wherever qabot happens to run.
SettingPath = Annotated[Path, BeforeValidator(_not_empty)]


def _one_word(secret: SecretStr) -> SecretStr:
    if any(ch.isspace() or not ch.isprintable() for ch in secret.get_secret_value()):
        raise ValueError("holds whitespace or a control character (a line pasted with it?)")
    return secret


# A token or secret as Slack and Discord issue them: one word. A line break in one (two
# lines pasted as one value) is refused by HTTP itself, so the platform never rejects it
# by name; an error here names the variable.
Secret = Annotated[SecretStr, AfterValidator(_one_word)]


# A time qabot keeps something for (a conversation, an event id): above 0 (0 or less kept
# nothing), at most a year (Redis takes a finite expire time, in milliseconds).
KeepSeconds = Annotated[float, Within(0, 365 * 86400, above=True)]
# A Discord id (user, role, server): a snowflake, 64 bits unsigned.
Snowflake = Annotated[int, Within(1, 2**64 - 1)]
# A TCP port a server of ours binds: 0 would be one the OS picks, named nowhere.
Port = Annotated[int, Within(1, 65535)]
# The address a server of ours binds: "" would be every interface (aiohttp's reading), unsaid.
BindHost = Annotated[str, Field(min_length=1)]


class ConfigSection(BaseModel):
    """A `[section]` of config/qabot.toml: a misspelt key in it (or in its QABOT_…__
    variable) is an error at start-up, not a default silently kept; so is a number that is
    no finite one (`inf`, `nan`: an endless timeout or cap would bound nothing)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ResolverSettings(ConfigSection):
    """What to offer when no intent is accepted. Whether one is accepted is the fitted
    decision model's call (bot/policy.py, bot/data/decision.json)."""

    # Scores are from 0 to 1; Slack and Discord show at most 10 buttons of suggestions here.
    suggest: Annotated[float, Within(0, 1)] = 0.30
    passage_accept: Annotated[float, Within(0, 1)] = 0.62
    max_suggestions: Annotated[int, Within(0, 10)] = 3


class AdminSettings(ConfigSection):
    """Who may run /kb. Nobody is admin unless named here (or opted in below)."""

    # Member IDs (U…, W… in Enterprise Grid): a display name here would make nobody an admin.
    slack_user_ids: list[Annotated[str, Field(pattern=r"^[UW][A-Z0-9]+$")]] = Field(
        default_factory=list
    )
    discord_user_ids: list[Snowflake] = Field(default_factory=list)
    discord_role_ids: list[Snowflake] = Field(default_factory=list)
    # Opt-in: the Discord servers (ids) whose members with Manage Server are admins too, of
    # qabot as a whole (every server's questions, the knowledge all are answered from).
    discord_manage_server: list[Snowflake] = Field(default_factory=list)

    @field_validator("discord_manage_server", mode="before")
    @classmethod
    def _servers_not_a_switch(cls, value: object) -> object:
        """`false` (the switch this once was) is no server; `true`, which made a manager of
        any server the bot is in an admin, is refused: name the servers."""
        if value is True:
            raise ValueError(
                "name the server ids whose Manage Server holders are admins, e.g. "
                "[123456789012345678] (true made those of every server the bot is in admins)"
            )
        return [] if value is False else value


class SlackSettings(ConfigSection):
    # The HTTP server's address: loopback for a reverse proxy on this host; 0.0.0.0 in a
    # container (its port published) or to be reached from other hosts.
    host: BindHost = "127.0.0.1"
    port: Port = 3000
    # GET /metrics on an address of its own; unset: beside /slack/events on `port`.
    metrics_host: BindHost = "127.0.0.1"
    metrics_port: Port | None = None
    # true: replies in a thread qabot answered in need a mention too (no follow-ups without).
    require_mention: bool = False
    # How long a delivered event id is remembered: Slack retries up to 3 times, the last
    # about 5 minutes after the first delivery.
    dedupe_ttl_s: KeepSeconds = 600.0
    ask_ephemeral: bool = False
    api_retries: Annotated[int, Within(0, 10)] = 3
    api_timeout_s: Annotated[float, Within(0, 120, above=True)] = 10.0
    # A 429 whose Retry-After would take a reply's waits past this drops it (logged).
    max_retry_after_s: Annotated[float, Within(0, 300)] = 30.0


class DiscordSettings(ConfigSection):
    guild_ids: list[Snowflake] = Field(default_factory=list)
    sharded: bool = False
    # Shards spread over processes: the same count in each, and each its own ids.
    shard_count: Annotated[int, Within(1, 100_000)] | None = None
    shard_ids: list[Annotated[int, Within(0, 99_999)]] | None = Field(default=None, min_length=1)
    message_content_intent: bool = True
    command_hash_file: SettingPath = DEFAULT_COMMAND_HASH
    # A reply Discord's rate limit (429 retry_after) would hold longer is dropped
    # (discord.py's max_ratelimit_timeout; it takes nothing under 30).
    max_retry_after_s: Annotated[float, Within(30, 300)] = 30.0

    @field_validator("shard_count", "shard_ids")
    @classmethod
    def _only_sharded(cls, value: object, info: ValidationInfo) -> object:
        """Without `sharded` these were ignored: the process ran one unsharded connection."""
        if value is not None and not info.data.get("sharded"):
            raise ValueError("needs sharded = true (without it there are no shards)")
        return value

    @field_validator("shard_ids")
    @classmethod
    def _shards_of_the_count(cls, ids: list[int] | None, info: ValidationInfo) -> list[int] | None:
        """Shards Discord has: ids below `shard_count`, each once (else discord.py refused
        them at start-up, or Discord closed the gateway on them)."""
        count = info.data.get("shard_count")
        if ids is not None and count is None:
            raise ValueError("needs shard_count, the same in every process")
        if ids is not None and (len(set(ids)) < len(ids) or not all(0 <= i < count for i in ids)):
            raise ValueError(f"each id once, from 0 to shard_count - 1 ({count - 1})")
        return ids


class UnansweredSettings(ConfigSection):
    """The log of questions the bot could not answer well (JSONL, rotated by size)."""

    enabled: bool = True
    path: SettingPath = DEFAULT_VAR / "unanswered.jsonl"
    # Answers below this confidence are logged too (abstentions always are).
    low_confidence: Annotated[float, Within(0, 1)] = 0.6
    max_bytes: Annotated[int, Within(1, 1_000_000_000)] = 1_000_000
    backups: Annotated[int, Within(0, 100)] = 3  # 0: no rotated copies kept
    # Slack/Discord user and channel ids are kept only when this is true.
    log_user_ids: bool = False
    # `cli` (qabot ask, the eval scripts) is left out by default.
    platforms: list[Platform] = Field(default_factory=lambda: ["console", "slack", "discord"])


class KnowledgeLimits(ConfigSection):
    """Bounds on what the loader reads and reports: checked before any file is parsed.

    The defaults leave room for a knowledge base of 100,000 question variants (6.6 MB
    in one file, benchmarks/bench_resolver.py) three times over.
    """

    max_file_bytes: Annotated[int, Within(1, 1_000_000_000)] = 20_000_000
    max_total_bytes: Annotated[int, Within(1, 1_000_000_000)] = 50_000_000
    # What a broken directory reports (`kb validate`, the log, `/kb reload`).
    max_errors: Annotated[int, Within(1, 10_000)] = 50
    max_error_chars: Annotated[int, Within(80, 10_000)] = 300


class AdminToolSettings(ConfigSection):
    """Live reload and the admin tools."""

    watch: bool = True
    # watchfiles groups the events of one save; it yields after `watch_step_ms` of quiet.
    watch_step_ms: Annotated[int, Within(1, 10_000)] = 50
    watch_debounce_ms: Annotated[int, Within(0, 60_000)] = 1600
    # Polling (no OS watch left): the poller sees a file only by its time, so every this
    # often the files are also checked against the live knowledge (stat, then bytes).
    poll_check_ms: Annotated[int, Within(50, 3_600_000)] = 10_000
    # A file the live knowledge was read from that is gone (renamed away by an editor's
    # save, `mv f f.bak; …; mv f.bak f`) is dropped by the watcher only after this long.
    missing_grace_ms: Annotated[int, Within(0, 3_600_000)] = 30_000
    unanswered_groups: Annotated[int, Within(1, 1_000)] = 10


class Settings(BaseSettings):
    """Everything qabot is configured with; built once in the CLI and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="QABOT_",
        env_nested_delimiter="__",
        # The project's .env (git-ignored), never the working directory's: a .env wherever
        # qabot runs could set any setting (index_cache_dir at planted pickles: their code).
        env_file=PROJECT_ROOT / ".env",
        env_file_encoding="utf-8",  # not the locale's: one file reads the same everywhere
        # `VAR: ${VAR}` in a compose file sets VAR empty when the host has none: unset.
        env_ignore_empty=True,
        # An error names the setting, never repeats its value (a URL may hold a password).
        hide_input_in_errors=True,
        extra="ignore",
        allow_inf_nan=False,  # as in every section (ConfigSection)
        toml_file=DEFAULT_CONFIG,
    )

    default_lang: Literal["de", "en"] = "en"
    knowledge_dir: SettingPath = DEFAULT_KNOWLEDGE
    knowledge: KnowledgeLimits = Field(default_factory=KnowledgeLimits)
    # Compiled intents files by content (bot/index_cache.py): a start-up or reload parses
    # and analyses only the files that changed. Unset: kept in memory only.
    index_cache_dir: SettingPath | None = DEFAULT_VAR / "index-cache"
    # At most a Slack message's length (Discord's is 4,000): longer is no question to match.
    max_question_chars: Annotated[int, Within(1, 40_000)] = 4000
    # The parts of one message answered (its questions, a question's clauses), the rest
    # named in the reply: each part costs the reading of the others.
    max_question_parts: Annotated[int, Within(1, 1000)] = 10
    log_json: bool = False
    # A conversation (thread, reply chain, console session) forgets its context after this.
    conversation_ttl_s: KeepSeconds = 1800.0
    # How long qabot knows which of its messages carried which answer (👍/👎, a reply to an
    # answer without a ping); one entry per answer, so it sizes the shared state.
    answer_memory_ttl_s: KeepSeconds = 86400.0
    # Shared state for several replicas (event dedupe, rate limits, unanswered log);
    # unset: in this process. Env: QABOT_REDIS_URL=redis://host:6379/0
    redis_url: str | None = None
    # Longest wait for one Redis call; a store that fails or is slower is left out for a
    # few seconds (answering goes on without it). Never on the path of a Slack ack.
    # 0 would make its sockets non-blocking; past about 1e10 s they overflow (never connect).
    redis_timeout_s: Annotated[float, Within(0, 300, above=True)] = 0.5
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    resolver: ResolverSettings = Field(default_factory=ResolverSettings)
    admins: AdminSettings = Field(default_factory=AdminSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    unanswered: UnansweredSettings = Field(default_factory=UnansweredSettings)
    admin: AdminToolSettings = Field(default_factory=AdminToolSettings)

    slack_bot_token: Secret | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: Secret | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: Secret | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    discord_token: Secret | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_base: str = Field(
        default="https://discord.com/api/v10", validation_alias="DISCORD_API_BASE"
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", validation_alias="DISCORD_GATEWAY_URL"
    )

    @model_validator(mode="after")
    def _homed(self) -> Settings:
        """An installed copy (`pip install .`, not -e: no knowledge/ beside the code) given
        its knowledge directory (--kb) keeps what it writes by default beside that directory,
        as the project keeps var/ beside knowledge/: `--kb /srv/qa/knowledge` writes
        /srv/qa/var/ and /srv/qa/.qabot-commands.hash. They went under site-packages, where
        an upgrade wipes them. A path set on purpose stays as set."""
        if DEFAULT_KNOWLEDGE.exists() or Path(self.knowledge_dir) == DEFAULT_KNOWLEDGE:
            return self
        home = Path(self.knowledge_dir).resolve().parent
        if self.index_cache_dir == DEFAULT_VAR / "index-cache":
            self.index_cache_dir = home / "var" / "index-cache"
        if self.unanswered.path == DEFAULT_VAR / "unanswered.jsonl":
            self.unanswered.path = home / "var" / "unanswered.jsonl"
        if self.discord.command_hash_file == DEFAULT_COMMAND_HASH:
            self.discord.command_hash_file = home / DEFAULT_COMMAND_HASH.name
        return self

    def pasted_knowledge_dir(self) -> Path | None:
        """The knowledge directory a command for an admin to paste must name (absolute), or
        None when it is the project's own, which every `qabot` finds by default."""
        root = Path(self.knowledge_dir).resolve()
        return None if root == DEFAULT_KNOWLEDGE else root

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: str | None) -> str | None:
        """A URL redis-py can open, checked at start-up (redis-py raised from deep inside)."""
        if url is not None and not _is_redis_url(url):
            raise ValueError("not a Redis URL (redis://[:password@]host[:port][/db], unix://…)")
        return url

    @field_validator("slack_api_url", "discord_api_base", "discord_gateway_url")
    @classmethod
    def _web_url(cls, url: str, info: ValidationInfo) -> str:
        """A URL of its scheme with a host, checked at start-up: any other value started the
        bot, and every call to the platform failed (a test server's variables)."""
        schemes = ("ws", "wss") if info.field_name == "discord_gateway_url" else ("http", "https")
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError for a port that is no number
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in schemes or not parts.hostname:
            raise ValueError(f"no {' or '.join(f'{s}://' for s in schemes)} URL with a host")
        return url

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = _TomlWithoutSecrets(settings_cls)  # a secret in it is refused first
        # The file is ours: a key it has that no setting has is a typo ("[slak]" would leave
        # every Slack setting at its default). The environment is shared with other
        # programs, so an unknown QABOT_ variable there is left alone.
        unknown = sorted(set(toml.toml_data) - set(settings_cls.model_fields))
        if unknown:
            raise ValueError(f"{toml.toml_file_path}: no such setting: {', '.join(unknown)}")
        return (init_settings, env_settings, dotenv_settings, toml)

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: Any) -> Settings:
        """Settings from `config_file` (default config/qabot.toml) plus overrides. A bad
        setting is a ValueError of one line that names where it came from and the key."""
        made: type[Settings] = cls
        if config_file is not None:
            problem = _no_regular_file(config_file)
            if problem is not None:
                raise FileNotFoundError(f"config file {problem}: {config_file}")

            class _FromFile(cls):  # type: ignore[valid-type,misc]
                model_config = SettingsConfigDict(toml_file=config_file, title="Settings")

            made = _FromFile
        source = config_file or DEFAULT_CONFIG
        if _no_dot_env(made.model_config.get("env_file")):
            overrides = {**overrides, "_env_file": None}
        try:
            return made(**overrides)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{source}: {exc}") from None
        except UnicodeDecodeError as exc:  # the .env (the config file's is named as it is read)
            raise ValueError(_not_utf8(made.model_config.get("env_file"), exc)) from None
        except ValidationError as exc:
            raise ValueError(f"{source} or the environment: {_one_line(exc)}") from None
        except RecursionError:  # TOML, or a setting's JSON in the environment, nested too deep
            raise ValueError(f"{source} or the environment: a value nested too deep") from None
        except SettingsError:  # a list or table in the environment that is no JSON
            raise ValueError(_not_json(made)) from None


# What a path that is there but no regular file is (`stat`'s kinds), for the message.
_FILE_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _no_regular_file(path: Path) -> str | None:
    """Why `path` is no settings file to read ("not found", "is a directory", …), or None
    when it is a regular file. Only `stat`ed, never opened: a FIFO without a writer would
    block the open for good. For `--config`, each was "config file not found", of a path
    that is there."""
    try:
        mode = path.stat().st_mode
    except OSError:  # missing, a broken link, a directory above it that cannot be read
        return "not found"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    kind = next((f" ({name})" for test, name in _FILE_KINDS if test(mode)), "")
    return f"is not a regular file{kind}"


def _no_dot_env(env_file: object) -> bool:
    """Whether the .env is there but no regular file, and so skipped, with one log line.
    python-dotenv opens a FIFO and waits for a writer: one nobody writes to blocked every
    command at start-up, `qabot ask` too, without a word. Skipped rather than refused: the
    environment (a secret manager's `op run -- qabot …`) may hold all that it would."""
    if not isinstance(env_file, str | os.PathLike):
        return False
    path = Path(env_file)
    problem = _no_regular_file(path)
    if problem in (None, "not found"):
        return False
    log.warning(
        "%s %s: skipped; put its settings in a regular file or the environment", path, problem
    )
    return True


def _not_utf8(path: object, exc: UnicodeDecodeError, skipped: int = 0) -> str:
    """One line for a settings file that is no UTF-8 (UTF-16, as Windows PowerShell 5 writes
    with `>`; Latin-1): which file, where, and what to do. Python's message named no file."""
    byte, at = exc.object[exc.start], exc.start + skipped
    return f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {at}); save it as UTF-8"


class _TomlWithoutSecrets(TomlConfigSettingsSource):
    """The config file, refused when it holds a secret: the settings would take
    `SLACK_BOT_TOKEN = "xoxb-…"` there (the field's alias) and the file is in git."""

    def _read_file(self, file_path: Path) -> dict[str, Any]:  # type: ignore[override]
        """The file's TOML; a UTF-8 byte-order mark opening it (Notepad's "UTF-8 with BOM")
        is dropped, not refused as "Invalid statement (at line 1, column 1)"."""
        raw = file_path.read_bytes()
        data = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(_not_utf8(file_path, exc, len(raw) - len(data))) from None
        return tomllib.loads(text)

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        for key in self.toml_data:
            if key.upper() in SECRET_VARIABLES:
                raise ValueError(
                    f"{self.toml_file_path}: {key} is a secret; set {key.upper()} in the "
                    "environment (or a git-ignored .env), never in a config file"
                )
        if _has_password(self.toml_data.get("redis_url")):
            raise ValueError(
                f"{self.toml_file_path}: redis_url holds a password; set QABOT_REDIS_URL in "
                "the environment (or a git-ignored .env), never in a config file"
            )


def _not_json(settings_cls: type[BaseSettings]) -> str:
    """The line for pydantic-settings' error on an environment value it reads as JSON (a
    list, a table) and cannot: it named the field ("error parsing value for field "admins"
    from source "EnvSettingsSource""), not the variable, nor how such a value is written."""
    names = sorted(
        n for n, v in os.environ.items() if _json_setting(settings_cls, n) and _no_json(v)
    )
    which = ", ".join(names) or "a QABOT_ variable (or one in .env)"
    return (
        f"the environment: {which}: not JSON; a list or table is written as JSON there, "
        """e.g. QABOT_ADMINS__SLACK_USER_IDS='["U012ABCDEF"]'"""
    )


def _json_setting(settings_cls: type[BaseModel], variable: str) -> bool:
    """Whether the environment `variable` sets a list or table of `settings_cls` (read as JSON)."""
    if not variable.upper().startswith("QABOT_"):
        return False
    kind: Any = settings_cls
    for part in variable[len("QABOT_") :].lower().split("__"):
        field = (
            kind.model_fields.get(part)
            if isinstance(kind, type) and issubclass(kind, BaseModel)
            else None
        )
        if field is None:
            return False
        kind = field.annotation
    arms = typing.get_args(kind) if typing.get_origin(kind) in (typing.Union, _UNION) else (kind,)
    return any(
        (typing.get_origin(arm) or arm) in (list, tuple, set, frozenset, dict)
        or (isinstance(arm, type) and issubclass(arm, BaseModel))
        for arm in arms
    )


def _no_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return True
    return False


_UNION = type(int | None)


def _one_line(exc: ValidationError) -> str:
    """Each bad setting as "key: what is wrong", without the value (it may be a secret)."""
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
    )


def _has_password(url: object) -> bool:
    """Whether a Redis URL holds a password: before the host, or as the query argument
    redis-py takes one from as well (`?password=…`)."""
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:
        return False  # not a URL at all: the field's own check names it
    return parts is not None and bool(parts.password or parse_qs(parts.query).get("password"))


MAX_REDIS_DB = 2**31 - 1  # SELECT takes a C int (the server's `databases` bounds it further)


def _is_redis_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is no number
    except ValueError:
        return False
    if parts.scheme not in ("redis", "rediss", "unix"):
        return False
    import redis

    try:
        # redis-py's reading of the options (?db=abc raised as the store opened) and a
        # connection made of them, unconnected: an option it has not (?socket_timout=,
        # ?ssl_cert_reqs= without TLS) or a value it refuses (?protocol=9) failed every call
        # as "shared state unavailable", for ever.
        options = redis.connection.parse_url(url)
        redis.ConnectionPool.from_url(url).make_connection()
    except (ValueError, TypeError, redis.RedisError):
        return False
    db = parts.path.strip("/") if parts.scheme != "unix" else ""
    # redis-py takes a path that is no number ("/²") for database 0 without a word, and
    # Redis refuses a SELECT past a C int for good: the store would be "unavailable" for ever.
    if db and not (db.isascii() and db.isdigit()):
        return False
    index = options.get("db", 0)  # ?db= if given, else the path's number
    return isinstance(index, int) and 0 <= index <= MAX_REDIS_DB
