"""A YAML loader that refuses a key twice in one mapping, for every YAML file qabot reads.

PyYAML keeps the last of two equal keys without a word: a second `intents:` appended to a
knowledge file dropped every intent above it, a second `stop_words:` in the language data
would drop the first list. Both the knowledge loader (bot.knowledge) and the language data
(bot.lexicon) read through `StrictLoader`; this module imports nothing of qabot's, so the
lexicon's imports stay as light as they were.
"""

from __future__ import annotations

import re

import yaml

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"

# What a key of qabot's data looks like; another key is not repeated, for it may be a line
# of a file a symlink points to (a password hash of /etc/shadow), not a misspelt name.
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,60}")


def key_shown(part: int | str) -> str:
    """A part of an error's location as a problem may show it: an index, or a key that looks
    like one of the data's (`anwser`, so that a typo is found); any other "a key"."""
    return str(part) if isinstance(part, int) or _KEY.fullmatch(part) else "a key"


class StrictLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """PyYAML's C loader (where built), refusing a scalar key twice in one mapping with a
    ConstructorError at the second key's line that names the first. A key of a mapping's
    own may still override one that a merge key (`<<: *base`) brings in."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._checked: set[int] = set()

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # Before its merge keys add the pairs they stand for.
        if id(node) not in self._checked:
            self._checked.add(id(node))
            _no_key_twice(node)
        super().flatten_mapping(node)


def _no_key_twice(node: yaml.MappingNode) -> None:
    first: dict[tuple[str, str], yaml.Node] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
            continue
        seen = first.setdefault((key.tag, key.value), key)
        if seen is not key:
            problem = (
                f"the key {key_shown(key.value)!r} twice in one mapping (first at line "
                f"{seen.start_mark.line + 1}); only the last would be read"
            )
            raise yaml.constructor.ConstructorError(None, None, problem, key.start_mark)
