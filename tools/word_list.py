"""Writing a word list of bot/data: one folded entry a line, sorted, under a header line."""

from __future__ import annotations

from pathlib import Path


def write(path: Path, entries: set[str], what: str, made_by: str) -> None:
    """Write `entries` to `path` with the header '# N <what> (<made_by>)' and say so."""
    header = f"# {len(entries)} {what} ({Path(made_by).name})"
    path.write_text("\n".join([header, *sorted(entries)]) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(entries)} entries)")
