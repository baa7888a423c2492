"""The range of a numeric setting, and the error that names all of it.

Every number qabot is configured with has an upper bound as well as a lower one: a
finite value such as a timeout of 1e300 was as endless in effect as `inf` (which no
setting takes). Used as `Annotated[float, Within(0, 120, above=True)]`; the error names
the whole range ("must be above 0 and at most 120"), never the value given. A boolean is
no number here: `max_question_chars = true` in a config file was read as 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema


def _no_boolean(value: Any) -> Any:
    # pydantic reads true as 1 and false as 0 for a number; an environment variable is a
    # string ("true" is no number there either), so only a config file's boolean is met here.
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


def _shown(number: float) -> str:
    return f"{int(number):,}" if number == int(number) else f"{number:,}"


@dataclass(frozen=True)
class Within:
    """From `low` (or above it, with `above`) to `high`, both included otherwise."""

    low: float
    high: float
    above: bool = False

    def __str__(self) -> str:
        if self.above:
            return f"above {_shown(self.low)} and at most {_shown(self.high)}"
        return f"from {_shown(self.low)} to {_shown(self.high)}"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        checked = core_schema.no_info_after_validator_function(self._check, handler(source))
        return core_schema.no_info_before_validator_function(_no_boolean, checked)

    def _check(self, value: float) -> float:
        low_ok = value > self.low if self.above else value >= self.low
        if not (low_ok and value <= self.high):
            raise ValueError(f"must be {self}")
        return value
