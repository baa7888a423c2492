"""`qabot run` watched from inside, for the soak: where does its memory grow?

Run as `python -m benchmarks.traced_run DIR [qabot arguments…]`: every
`QABOT_TRACE_EVERY_S` seconds (default 60) a daemon thread appends one line to
DIR/malloc.jsonl — resident memory, threads, and glibc's allocator totals
(`mallinfo2`: bytes in use and free in the heap arenas, in large mmapped blocks) and
Python's small-object allocator (its 1 MiB arenas, and the bytes of the objects in them) —
and, with `QABOT_TRACE_HEAP=1`, dumps a tracemalloc snapshot (5 frames) to
DIR/NNNN.snap (NNNN: seconds since start). With `QABOT_TRACE_TRIM=1` it then hands the
arenas' free memory back (`malloc_trim(0)`) and records the resident memory after:
what that gives back was free memory the allocator kept, not memory in use. The CLI
runs as `qabot` would. benchmarks/soak.py reads DIR (`--tracemalloc`, `--malloc`).
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

FRAMES = 5


class MallInfo2(ctypes.Structure):
    """glibc's `struct mallinfo2` (glibc ≥ 2.33): every field a size_t."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pymalloc_stats(libc: ctypes.CDLL) -> dict[str, int]:
    """The `# name = value` lines of Python's small-object allocator statistics."""
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    ctypes.pythonapi._PyObject_DebugMallocStats.argtypes = [ctypes.c_void_p]
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        stream = libc.fopen(out.name.encode(), b"w")
        ctypes.pythonapi._PyObject_DebugMallocStats(stream)
        libc.fclose(stream)
        lines = out.read().splitlines()
    pairs = (ln[1:].split("=") for ln in lines if ln.startswith("#") and "=" in ln)
    return {k.strip(): int(v.strip().replace(",", "")) for k, v in pairs}


def malloc_line(libc: ctypes.CDLL, elapsed: int, trim: bool) -> dict[str, float]:
    """One sample: RSS, threads, and the allocator's totals in MB (before any trim)."""
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    small = pymalloc_stats(libc)
    line = {
        "s": elapsed,
        "rss_mb": round(rss_mb(), 2),
        "threads": threading.active_count(),
        "in_use_mb": round(info.uordblks / 2**20, 2),  # allocated from the arenas
        "free_mb": round(info.fordblks / 2**20, 2),  # free inside the arenas, kept
        "mmapped_mb": round(info.hblkhd / 2**20, 2),  # large blocks, mmapped one by one
        "py_arenas_mb": small.get("arenas allocated current", 0),  # 1 MiB each
        "py_objects_mb": round(small.get("bytes in allocated blocks", 0) / 2**20, 2),
    }
    if trim:
        libc.malloc_trim(0)
        line["rss_after_trim_mb"] = round(rss_mb(), 2)
    return line


def watch(out: Path, every_s: float, heap: bool, trim: bool) -> None:
    libc = ctypes.CDLL("libc.so.6")
    begin = time.monotonic()
    while True:
        time.sleep(every_s)
        elapsed = round(time.monotonic() - begin)
        if heap:
            tracemalloc.take_snapshot().dump(str(out / f"{elapsed:04d}.snap"))
        with (out / "malloc.jsonl").open("a") as f:
            f.write(json.dumps(malloc_line(libc, elapsed, trim)) + "\n")


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    heap = os.environ.get("QABOT_TRACE_HEAP", "1") == "1"
    if heap:
        tracemalloc.start(FRAMES)
    every_s = float(os.environ.get("QABOT_TRACE_EVERY_S", "60"))
    trim = os.environ.get("QABOT_TRACE_TRIM") == "1"
    threading.Thread(target=watch, args=(out, every_s, heap, trim), daemon=True).start()
    from bot.cli import main as qabot

    return qabot(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
