"""Which intents can be among the best few for a question: coverage over the posting lists.

Coverage is the idf-weighted share of the question's features an intent knows
(in its stored questions, or, for less, only in its answer). At 100,000
variants a common word stands in thousands of intents, so the walk over every
posting list and the sort of all candidates to keep a few was most of a
question's cost; here rare words are taken first, common ones as bit masks,
and the result is exactly that of the full walk (tests/core/test_ranking_at_scale.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.resolver import _Doc

CONTEXT_CREDIT = 0.6  # a feature only the answer mentions, not a stored question
SHORTLIST = 8
WALK_LENGTH = 256  # a posting list longer than this is taken as a bit mask, not doc by doc


class Postings:
    """For each feature, the keys of the docs whose questions know it and of those only whose
    answer does; for the lists too long to take doc by doc, also as bit masks over the docs
    in key order (set operations on them cost next to nothing)."""

    def __init__(self, docs: dict[str, _Doc]) -> None:
        self.keys = sorted(docs)  # bit n of a mask is the doc self.keys[n]
        self.number = {key: n for n, key in enumerate(self.keys)}
        self.lists: dict[str, tuple[list[str], list[str]]] = {}
        for key in self.keys:
            for f in docs[key].bag:
                self.lists.setdefault(f, ([], []))[0].append(key)
            for f in docs[key].context:
                self.lists.setdefault(f, ([], []))[1].append(key)
        self.masks = {
            f: (self.mask(in_bag), self.mask(in_context))
            for f, (in_bag, in_context) in self.lists.items()
            if len(in_bag) + len(in_context) > WALK_LENGTH
        }

    def get(self, feature: str) -> tuple[Sequence[str], Sequence[str]]:
        return self.lists.get(feature, ((), ()))

    def length(self, feature: str) -> int:
        in_bag, in_context = self.get(feature)
        return len(in_bag) + len(in_context)

    def mask(self, keys: Iterable[str]) -> int:
        bits = bytearray((len(self.keys) + 7) // 8)
        for key in keys:
            n = self.number[key]
            bits[n >> 3] |= 1 << (n & 7)
        return int.from_bytes(bits, "little")

    def first(self, mask: int, k: int) -> list[str]:
        """The keys of the lowest `k` bits of `mask`: the first `k` of its docs in key order."""
        out = []
        while mask and len(out) < k:
            low = mask & -mask
            out.append(self.keys[low.bit_length() - 1])
            mask ^= low
        return out


def best_coverage(
    credits: list[tuple[str, float]], docs: dict[str, _Doc], postings: Postings
) -> dict[str, float]:
    """Coverage of every doc that can be among the best SHORTLIST, and maybe of a few more.

    Features are taken from the rarest (shortest posting list) on, each new doc scored on
    all features at once; a doc that none of the features taken so far names can gain at
    most the credits of the rest, so once that is below the SHORTLIST-th best coverage,
    the long posting lists of common words need not be walked; when they must, they are
    taken as bit masks (`_walk`). Every coverage is summed in the question's feature
    order, so the figures are exactly those of a walk over every posting list.
    """
    by_rarity = sorted(range(len(credits)), key=lambda n: postings.length(credits[n][0]))
    coverage: dict[str, float] = {}
    for step, n in enumerate(by_rarity):
        rest = by_rarity[step:]
        if postings.length(credits[n][0]) > WALK_LENGTH:
            _walk(sorted(rest), credits, postings, coverage)
            break
        in_bag, in_context = postings.get(credits[n][0])
        for key in (*in_bag, *in_context):
            if key not in coverage:
                coverage[key] = _coverage_of(docs[key], credits)
        bound = sum(credits[m][1] for m in rest[1:])
        if len(coverage) >= SHORTLIST and bound * (1 + 1e-9) < _kth_best(coverage, SHORTLIST):
            break
    return coverage


def _walk(
    order: list[int],
    credits: list[tuple[str, float]],
    postings: Postings,
    coverage: dict[str, float],
) -> None:
    """Add to `coverage` the docs that only the long-listed features `order` (in question
    order) name and that can be among the best SHORTLIST.

    Such a doc's coverage depends only on which of these features it knows (in its
    questions, only in its answer, or not), so the docs are split by that, with bit masks,
    into classes of one coverage each, summed in question order as a walk would sum it.
    From the best class on, each gives its first SHORTLIST keys, until SHORTLIST docs are
    in and the next class has less.
    """
    universe = 0
    for n in order:
        in_bag, in_context = postings.masks[credits[n][0]]
        universe |= in_bag | in_context
    universe &= ~postings.mask(coverage)
    classes = [(universe, 0.0)]
    for n in order:
        feature, credit = credits[n]
        in_bag, in_context = postings.masks[feature]
        split = []
        for docs, value in classes:
            if knows := docs & in_bag:
                split.append((knows, value + credit))
            if mentions := docs & in_context:
                split.append((mentions, value + credit * CONTEXT_CREDIT))
            if rest := docs & ~(in_bag | in_context):
                split.append((rest, value))
        classes = split
    taken, last = 0, 0.0
    for docs, value in sorted(classes, key=lambda c: -c[1]):
        if taken >= SHORTLIST and value < last:
            break
        first = postings.first(docs, SHORTLIST)
        coverage.update(dict.fromkeys(first, value))
        taken, last = taken + len(first), value


def _coverage_of(doc: _Doc, credits: list[tuple[str, float]]) -> float:
    """The (idf-weighted) share of the question's features that `doc` knows, not yet divided."""
    total = 0.0
    for f, credit in credits:
        if f in doc.bag:
            total += credit
        elif f in doc.context:
            total += credit * CONTEXT_CREDIT
    return total


def _kth_best(coverage: dict[str, float], k: int) -> float:
    return heapq.nlargest(k, coverage.values())[-1]


def top(coverage: dict[str, float], k: int) -> list[tuple[str, float]]:
    """The `k` best (key, coverage) pairs, best first, ties by key: what sorting all of them
    and keeping `k` gives, without sorting all of them (many docs may tie at the bar)."""
    if len(coverage) <= k:
        return sorted(coverage.items(), key=lambda kv: (-kv[1], kv[0]))
    bar = _kth_best(coverage, k)
    above = sorted(
        ((key, cov) for key, cov in coverage.items() if cov > bar), key=lambda kv: (-kv[1], kv[0])
    )
    tied = sorted(key for key, cov in coverage.items() if cov == bar)[: k - len(above)]
    return [*above, *((key, bar) for key in tied)]
