"""Live reload: watch the knowledge directory and reload on every save; SIGHUP reloads too.

watchfiles (Rust notify underneath) groups the events of one save and yields
once the directory has been quiet for `watch_step_ms`. Each batch triggers one
reload in a worker thread (`QABot.areload`), so the event loop keeps serving;
a failed reload leaves the last good knowledge in place (see KnowledgeStore).
Drafts, editor swap files and hidden files do not trigger anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch
from watchfiles._rust_notify import WatchfilesRustInternalError

from bot.answer import ReloadResult
from bot.held_sighup import HeldSighup
from bot.service import QABot

log = logging.getLogger(__name__)

WATCHED_SUFFIXES = (".yaml", ".yml", ".txt")
NAMED_CHANGES = 5  # files a "knowledge changed" line names; the rest of a batch is counted


class KnowledgeFilter(DefaultFilter):
    """Knowledge files only: YAML and source texts, not drafts, not hidden or temporary files."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = Path(root).resolve()
        self.drafts = self.root / "drafts"

    def __call__(self, change: Change, path: str) -> bool:
        name = Path(path).name
        # Any case: a `.YAML` saved is no knowledge, but the reload says so (see _miscased).
        if name.startswith(".") or not name.lower().endswith(WATCHED_SUFFIXES):
            return self._linked_directory(Path(path))
        if Path(path).is_relative_to(self.drafts):
            return False
        return super().__call__(change, path)

    def _linked_directory(self, path: Path) -> bool:
        """Whether `path` is a link directly in the knowledge directory to a directory: the
        knowledge may be read through one (Kubernetes' volumes: `qa -> ..data/qa`, and
        `..data` is switched to a new folder in one rename). A new folder renamed in whole
        brings no event of its files, and the switch was a hidden name: never loaded. A
        dangling link (an editor's lock, `.#concepts.yaml`) is none."""
        return path.parent == self.root and path.is_symlink() and path.is_dir()


async def watch_knowledge(
    bot: QABot,
    *,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    on_reload: Callable[[ReloadResult], None] | None = None,
) -> None:
    """Reload `bot` whenever its knowledge directory changes, until `stop` is set or cancelled.

    A watch follows the directory it started on; when the knowledge path comes to name
    another one (a deploy renamed a new directory into place, or switched a symlink;
    the directory was removed and made again), that one is loaded and watched. When the
    OS has no watch left (inotify's limits: "OS file watch limit reached", "Too many open
    files"), the directory is polled instead, and the log says so once.
    """
    root = Path(bot.store.root)
    stop = stop or asyncio.Event()
    poll_s = bot.settings.admin.watch_step_ms / 1000
    watched = _identity(root)
    polling = False
    try:
        while not stop.is_set():
            if watched is None:  # not there: look again shortly
                await _pause(stop, poll_s)
            else:
                try:
                    await _watch(bot, root, watched, stop, ready, on_reload, polling=polling)
                # No watch left for us (an OSError, or watchfiles' own error for "Error
                # creating recommended watcher: Too many open files"), or the directory went.
                except (OSError, WatchfilesRustInternalError) as exc:
                    if polling:
                        await _pause(stop, poll_s)
                    else:
                        polling = True
                        log.warning(
                            "cannot watch %s (%s: %s); polling it for changes instead",
                            *(watched[0], type(exc).__name__, exc),
                        )
            now = _identity(root)
            if now is not None and now != watched and not stop.is_set():
                log.info("knowledge directory %s is a new one; reloading", now[0])
                result = await bot.areload(trigger="watch")
                if on_reload is not None:
                    on_reload(result)
            watched = now
    finally:
        stop.set()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


Identity = tuple[Path, int, int]


def _identity(root: Path) -> Identity | None:
    """Which directory `root` names (its real path, device and inode); None when none."""
    try:
        info = root.stat()
        return (root.resolve(), info.st_dev, info.st_ino)
    except OSError:
        return None


async def _watch(
    bot: QABot,
    root: Path,
    watched: Identity,
    stop: asyncio.Event,
    ready: asyncio.Event | None,
    on_reload: Callable[[ReloadResult], None] | None,
    *,
    polling: bool,
) -> None:
    """Reload on every batch of changes in the `watched` directory (notified by the OS,
    or found by `polling`), until `stop` is set or `root` no longer names it."""
    cfg = bot.settings.admin
    directory = watched[0]
    log.info("watching %s for changes", directory)
    watcher = awatch(
        directory,
        watch_filter=KnowledgeFilter(directory),
        step=cfg.watch_step_ms,
        debounce=cfg.watch_debounce_ms,
        stop_event=stop,
        force_polling=polling,
        rust_timeout=200,  # wake up five times a second to notice `stop` or a new directory
        yield_on_timeout=True,  # the first (empty) batch says: the watcher is running
    )
    # The poller compares file times only: an edit whose time was restored (`touch -r`,
    # `cp -p`, a coarse-time file system) brings no event. So, polling, the files are also
    # checked against the live knowledge every `poll_check_ms` (signature, then bytes).
    check_every = cfg.poll_check_ms / 1000
    next_check = time.monotonic() + check_every
    async with contextlib.aclosing(watcher):  # a replaced directory's watch ends here
        async for changes in watcher:
            if ready is not None:
                ready.set()
            if _identity(root) != watched:
                return
            if not changes:
                held = bot.store.held_until  # a reload waiting for gone files to come back
                if held is not None and time.monotonic() >= held:
                    log.info("knowledge: files still gone after the grace period; reloading")
                elif not polling or time.monotonic() < next_check:
                    continue
                else:
                    began = time.monotonic()
                    changed = await asyncio.to_thread(bot.store.changed_since_load)
                    next_check = _next_check(began, time.monotonic(), check_every)
                    if not changed:
                        continue
                    log.info("knowledge changed (found by the periodic check); reloading")
            else:
                log.info("knowledge changed (%s); reloading", _named(changes))
            result = await bot.areload(trigger="watch")
            next_check = max(next_check, time.monotonic() + check_every)
            if on_reload is not None:
                on_reload(result)


# The polling check's share of one core at most: it reads every knowledge file, 2.7 s at
# 10,000 files, which every 10 s was a quarter of a core.
CHECK_SHARE = 0.02


def _next_check(began: float, ended: float, every: float) -> float:
    """When the polling check is due again: `every` seconds on, or later for a check that
    took long, so that it takes at most CHECK_SHARE of the time."""
    return ended + max(every, (ended - began) / CHECK_SHARE)


def _named(changes: set[tuple[Change, str]]) -> str:
    """The names of the files changed, the first few of them: a batch may hold thousands
    (an archive unpacked into the directory), and the log line stays short."""
    names = sorted({Path(p).name for _, p in changes})
    more = len(names) - NAMED_CHANGES
    return ", ".join(names[:NAMED_CHANGES]) + (f" … and {more:,} more" if more > 0 else "")


def install_sighup(bot: QABot, loop: asyncio.AbstractEventLoop | None = None) -> Callable[[], None]:
    """`kill -HUP <pid>` reloads the knowledge (in a thread); SIGHUPs while it runs are one
    more reload after it; a SIGHUP `HeldSighup` held before reloads once now. Returns the
    uninstaller, which puts the previous handler back."""
    loop = loop or asyncio.get_running_loop()
    # The reload running, and whether a SIGHUP came while it ran. Each SIGHUP was a reload
    # of its own, queued behind the running one on a thread of the loop's default executor:
    # a burst (a deploy tool signalling per file) was as many reloads one after another,
    # and Discord's answers, on those threads too, waited behind them all. The files may
    # have changed after the running reload read them: one more follows it, and only one.
    running: asyncio.Task[ReloadResult] | None = None
    again = False

    def reload(why: str) -> None:
        nonlocal running, again
        if running is not None and not running.done():
            log.debug("%s: a reload is running; one more follows it", why)
            again = True
            return
        log.info("%s: reloading the knowledge", why)
        running = loop.create_task(bot.areload(trigger="sighup"))
        running.add_done_callback(reload_again)

    def reload_again(_: asyncio.Task[ReloadResult]) -> None:
        nonlocal again
        if again:
            again = False
            reload("SIGHUP during a reload")

    previous = signal.getsignal(signal.SIGHUP)
    loop.add_signal_handler(signal.SIGHUP, reload, "SIGHUP")
    if isinstance(previous, HeldSighup) and previous.pending:
        previous.pending = False
        reload("SIGHUP during start-up")

    def uninstall() -> None:
        nonlocal again
        again = False  # serving ends: no reload after the running one
        loop.remove_signal_handler(signal.SIGHUP)  # which leaves Python's default, fatal
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)

    return uninstall
