"""The labels file: append-only JSONL, one line per label, the latest line for an id wins.

A label is acknowledged only after its line is written, flushed and fsynced, so a crash loses
at most the label being posted.  A crash in the middle of a write leaves a partial last line:
opening the file again cuts it off (it was never acknowledged) before anything is appended.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.io.atomic import atomic_write

log = logging.getLogger(__name__)

Label = dict[str, Any]


def read_labels(path: str | Path) -> dict[str, Label]:
    """The latest label line of every id in a labels file (a partial last line is ignored)."""
    labels, _ = _read(Path(path))
    return labels


def _read(path: Path) -> tuple[dict[str, Label], int]:
    """Latest line per id, and the byte length of the file's complete lines."""
    labels: dict[str, Label] = {}
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return labels, 0
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    complete = data.rfind(b"\n") + 1
    for n, line in enumerate(data[:complete].splitlines(), 1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"{path} line {n} is not JSON: {exc}") from exc
        if not isinstance(label, dict) or "id" not in label:
            raise UsageError(f"{path} line {n} is not a label object with an 'id'")
        labels[str(label["id"])] = label
    return labels, complete


class LabelStore:
    """An open labels file: :meth:`append` returns once the line is on disk."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.labels, complete = _read(self.path)
        if not self.path.exists():  # created empty by a rename, so that its name is durable too
            atomic_write(self.path, lambda tmp: None)
        self._fh = self.path.open("ab")
        if self._fh.tell() > complete:
            log.warning("%s ends in a partial line (a label cut off by a crash): removed", self.path)
            self._fh.truncate(complete)
            os.fsync(self._fh.fileno())

    def append(self, label: Label) -> None:
        """Write one label line, flush and fsync it; then it counts as the id's label."""
        line = json.dumps(label, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self._fh.write(line.encode("utf-8"))
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self.labels[str(label["id"])] = label

    def lines(self) -> int:
        """Label lines in the file (more than ids when some were relabelled)."""
        with self.path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())

    def compact(self) -> bool:
        """Rewrite the file atomically with one line per id (its latest) when it has more.

        Keeps ``zhnews train --labels`` from counting a relabelled item twice.
        """
        with self._lock:
            if self.lines() == len(self.labels):
                return False
            body = "".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) + "\n" for v in self.labels.values())
            self._fh.close()
            atomic_write(self.path, lambda tmp: _write_text(tmp, body))
            self._fh = self.path.open("ab")
            return True

    def close(self) -> None:
        with self._lock:
            self._fh.close()



def _write_text(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")
