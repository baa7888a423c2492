"""A bounded memo: results of a pure function kept in a dict that is emptied when full."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def remembered(memo: dict[K, T], key: K, compute: Callable[[K], T], size: int) -> T:
    """`compute(key)` from `memo`, which is emptied when it holds `size` results (a plain
    dict: cheaper than an LRU's bookkeeping, and what recurs is soon back)."""
    found = memo.get(key)
    if found is None:
        if len(memo) >= size:
            memo.clear()
        found = memo[key] = compute(key)
    return found
