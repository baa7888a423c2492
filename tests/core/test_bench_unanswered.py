"""The triage benchmark starts, its settings within bounds (benchmarks/bench_unanswered.py)."""

from __future__ import annotations

from benchmarks import bench_unanswered as bench


def test_the_benchmark_measures_a_small_log() -> None:
    """Its log size setting once lay beyond max_bytes' upper bound, and it did not start."""
    distinct, groups, seconds = bench.measure(20)
    assert 0 < distinct <= 20 and groups > 0 and seconds >= 0
