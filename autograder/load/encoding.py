"""A .py file's bytes -> its text, decoded as Python decodes source files (PEP 263, PEP 3120)."""
from __future__ import annotations

import io
import tokenize


class EncodingError(ValueError):
    """The bytes are not text in the encoding Python would read them in; the message says why."""


def decode_source(data: bytes) -> str:
    """The text of Python source: a UTF-8 BOM or a `# -*- coding: NAME -*-` line (1 or 2) is honoured, else UTF-8.

    Raises EncodingError, whose message follows the file's name and names the byte or declaration at fault.
    """
    try:
        declared, first = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown codec, a BOM that contradicts the declaration, or bytes before any
        _utf8(data)  # undeclared bytes that are not UTF-8 on lines 1-2: that is the message to give
        raise EncodingError(f"has an encoding declaration Python cannot use ({exc.msg}); fix or remove it") from None
    if declared in ("utf-8", "utf-8-sig"):
        return _utf8(data)
    try:  # Python's tokenizer needs a text codec that reads the declaration as the ASCII it is (not utf-16, not rot13)
        readable = all(line.decode(declared) == line.decode("utf-8") for line in first)
    except (UnicodeError, LookupError):
        readable = False
    if not readable:
        raise EncodingError(f"declares the encoding {declared}, in which Python cannot read source (encoding problem: "
                            f"{declared}); save it as UTF-8 and remove the declaration")
    try:
        return data.decode(declared)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"declares the encoding {declared} (PEP 263), but byte {exc.start} is not {declared} text") from None


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"is not UTF-8 text (byte {exc.start}): save it as UTF-8, or name its encoding on line 1, "
                            "e.g. `# -*- coding: cp1252 -*-` (PEP 263)") from None
