"""One JSON object per line, safe for any reader that splits lines.

`json.dumps` escapes \\n and the other C0 controls inside strings but leaves NEL,
U+2028 and U+2029 raw, and `str.splitlines` (and many log shippers) end a line at
them: user text holding one would cut the object in two.
"""

from __future__ import annotations

import json
from typing import Any

_UNICODE_BREAKS = {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


def json_line(data: Any, **options: Any) -> str:
    """`data` as one line of JSON (non-ASCII kept readable, Unicode line breaks escaped)."""
    return json.dumps(data, ensure_ascii=False, **options).translate(_UNICODE_BREAKS)
