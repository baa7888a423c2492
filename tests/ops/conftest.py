"""Ops fixtures: tests that call setup_logging leave the root logger as they found it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    # setup_logging replaces the root handlers; a handler left behind (its
    # RedactSecrets filter rewrites records) would change what later tests' caplog sees.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
