"""Work done once: a bounded memo of a pure function's results, and a value computed lazily."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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


class Lazy(Generic[T]):
    """A value computed at its first call, then kept: what only some paths need (a
    follow-up read alone, a check of it). Cheaper to make than `functools.cache`'s wrapper,
    and a turn makes several."""

    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute: Callable[[], T] | None = compute

    def __call__(self) -> T:
        if self._compute is not None:
            self._value = self._compute()
            self._compute = None
        return self._value
