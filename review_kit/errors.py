"""Errors that reach a user as one line: where the problem is, and why.

Front ends catch ``ReviewKitError`` and print ``str(error)``; a traceback is a
bug in the kit, never an answer to bad input.
"""

from __future__ import annotations

import re

# ANSI CSI and OSC sequences, and other ESC sequences, as a server might send.
_TERMINAL_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9d[^\x07\x9c]*[\x07\x9c]?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[@-Z\\-_]?"
)


def strip_terminal_sequences(text: str) -> str:
    """``text`` without the escape sequences a terminal would act on (colours, titles, links)."""
    return _TERMINAL_SEQUENCE.sub("", text)


class ReviewKitError(Exception):
    """A failure a user can act on, described in one line."""

    def __str__(self) -> str:
        # Flatten any newline a cause may carry so the promise of one line holds.
        return " ".join(super().__str__().split())


class DataError(ReviewKitError):
    """Bad content in a data file: names the file, the line and the key."""

    def __init__(self, path: str, line: int | None, key: str, cause: str) -> None:
        self.path, self.line, self.key, self.cause = path, line, key, cause
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {cause}" if key else f"{where}: {cause}")
