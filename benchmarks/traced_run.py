"""`qabot run` with tracemalloc on, for the soak: where does the Python heap grow?

Run as `python -m benchmarks.traced_run DIR [qabot arguments…]`: starts tracemalloc
(5 frames), then every `QABOT_TRACE_EVERY_S` seconds (default 60) dumps a snapshot to
DIR/NNNN.snap (NNNN: seconds since start) from a daemon thread, and runs the CLI as
`qabot` would. benchmarks/soak.py compares the snapshots (`--tracemalloc`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

FRAMES = 5


def dump_snapshots(out: Path, every_s: float) -> None:
    begin = time.monotonic()
    while True:
        time.sleep(every_s)
        elapsed = round(time.monotonic() - begin)
        tracemalloc.take_snapshot().dump(str(out / f"{elapsed:04d}.snap"))


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    every_s = float(os.environ.get("QABOT_TRACE_EVERY_S", "60"))
    threading.Thread(target=dump_snapshots, args=(out, every_s), daemon=True).start()
    from bot.cli import main as qabot

    return qabot(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
