"""One JSON object per line, safe for any reader that splits lines, in valid UTF-8.

`json.dumps` escapes \\n and the other C0 controls inside strings but leaves NEL,
U+2028 and U+2029 raw, and `str.splitlines` (and many log shippers) end a line at
them: user text holding one would cut the object in two. It leaves a lone surrogate
raw too (half an emoji from a JSON escape, a byte that was no UTF-8 on stdin), which
no UTF-8 writer can encode: the line would be lost, or not UTF-8.
"""

from __future__ import annotations

import json
import re
from typing import Any

_UNSAFE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def json_line(data: Any, **options: Any) -> str:
    """`data` as one line of JSON (non-ASCII kept readable; Unicode line breaks and lone
    surrogates escaped, so the line is one line and encodes as UTF-8)."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
