"""Exceptions that carry a reject reason, and the usage error the CLI turns into exit code 2."""

from __future__ import annotations


class InputRejected(Exception):
    """Raised by a pure function when an input cannot yield an article.

    Steps turn it into a :class:`~pipeline.record.Reject` with the same ``reason`` code;
    the CLI's ``extract``/``clean`` commands print ``{"error": reason}``.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class UsageError(Exception):
    """Bad command-line arguments or unreadable input: one line on stderr, exit code 2."""
