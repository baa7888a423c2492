"""Prometheus metrics of answering and reloading, served at /metrics in Slack HTTP mode.

prometheus_client is imported only by `Metrics()`, so `qabot ask` stays lean;
a bot without metrics uses `NO_METRICS`, whose methods do nothing.
"""

from __future__ import annotations

from typing import Any


class Metrics:
    """Counters and a latency histogram in their own registry (one per bot)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self.questions = Counter(
            "qabot_questions", "Questions received", ["platform", "outcome"], registry=self.registry
        )
        self.latency = Histogram(
            "qabot_answer_seconds",
            "Time to answer one question",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5),
            registry=self.registry,
        )
        self.reloads = Counter(
            "qabot_reloads", "Knowledge reloads", ["outcome"], registry=self.registry
        )
        self.errors = Counter(
            "qabot_errors", "Errors while handling a request", ["where"], registry=self.registry
        )

    def answered(self, platform: str, outcome: str, seconds: float) -> None:
        self.questions.labels(platform, outcome).inc()
        self.latency.observe(seconds)

    def reloaded(self, ok: bool) -> None:
        self.reloads.labels("ok" if ok else "failed").inc()

    def error(self, where: str) -> None:
        self.errors.labels(where).inc()

    def render(self) -> tuple[bytes, str]:
        """(body, content type) for an HTTP /metrics response."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _NoMetrics:
    """Accepts every call and records nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


NO_METRICS: Any = _NoMetrics()
