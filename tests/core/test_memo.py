"""Work done once: the bounded memo and the lazy value."""

from __future__ import annotations

import pytest

from bot.memo import Lazy, remembered


def test_a_lazy_value_is_computed_at_its_first_call_and_kept() -> None:
    """A follow-up's checks (the message read alone, whether it only restricts) are made
    only on the paths that need them, and once however often they are asked."""
    computed: list[int] = []
    value = Lazy(lambda: computed.append(1) or len(computed))
    assert computed == []
    assert value() == value() == 1
    assert computed == [1]


def test_a_lazy_value_that_failed_is_computed_again() -> None:
    """As `functools.cache`: an error is not kept, the next call tries again."""
    tries: list[int] = []

    def flaky() -> int:
        tries.append(1)
        if len(tries) == 1:
            raise RuntimeError("store down")
        return 7

    value = Lazy(flaky)
    with pytest.raises(RuntimeError):
        value()
    assert value() == 7
    assert len(tries) == 2


def test_a_full_memo_is_emptied_before_the_next_result() -> None:
    memo: dict[int, int] = {}
    for n in range(3):
        remembered(memo, n, lambda k: k * k, 2)
    assert memo == {2: 4}
