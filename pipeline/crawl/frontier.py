"""The persistent frontier: every URL the crawl knows, its state and outcome, in SQLite (WAL).

States: ``queued`` -> ``active`` (handed to a worker) -> ``done`` (archived or discovery
document read), ``failed`` (with a reason) or ``skipped`` (robots, duplicate, limit).
``active`` rows left by a killed crawl go back to ``queued`` when the frontier is reopened.
A page is marked ``done`` only after its WARC records are on disk (see :mod:`.warc`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.crawl.urls import host_key

KINDS = ("page", "sitemap", "feed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    id INTEGER PRIMARY KEY,
    url TEXT UNIQUE NOT NULL,
    host TEXT NOT NULL,
    kind TEXT NOT NULL,
    depth INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    parent TEXT,
    status TEXT NOT NULL DEFAULT 'queued',
    reason TEXT,
    detail TEXT,
    http_status INTEGER,
    final_url TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    attempts INTEGER,
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS urls_host_queue ON urls(status, host, priority, id);
CREATE INDEX IF NOT EXISTS urls_final ON urls(final_url);
CREATE TABLE IF NOT EXISTS warc_files (name TEXT PRIMARY KEY, closed INTEGER NOT NULL DEFAULT 0);
"""


@dataclass(slots=True, frozen=True)
class Entry:
    """A URL handed out for fetching."""

    id: int
    url: str
    host: str
    kind: str
    depth: int


@dataclass(slots=True)
class Outcome:
    """How a URL ended; written in the same transaction as the URLs it revealed."""

    status: str
    reason: str | None = None
    detail: str | None = None
    http_status: int | None = None
    final_url: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    attempts: int | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Frontier:
    """SQLite-backed URL queue; use from one thread (the crawl loop)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL survives a killed process; after a power loss the WARC files are the
        # reference and :meth:`mark_archived` restores what the last commits lost.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute("UPDATE urls SET status='queued' WHERE status='active'")
        #: Hosts that may have queued URLs, in round-robin order (a dict keeps insertion order).
        self._hosts: dict[str, None] = dict.fromkeys(
            r[0] for r in self._db.execute("SELECT DISTINCT host FROM urls WHERE status='queued'"))

    def close(self) -> None:
        self._db.close()

    # -- adding ---------------------------------------------------------------------------
    def _insert(self, urls: Iterable[str], kind: str, depth: int, parent: str | None) -> int:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        priority = 1 if kind == "page" else 0
        rows = [(u, host_key(u), kind, depth, priority, parent, _now()) for u in urls]
        for row in rows:
            self._hosts.setdefault(row[1])
        before = self._db.total_changes
        self._db.executemany(
            "INSERT OR IGNORE INTO urls (url, host, kind, depth, priority, parent, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return self._db.total_changes - before

    def add(self, urls: Iterable[str], kind: str = "page", depth: int = 0, parent: str | None = None) -> int:
        """Queue normalized URLs not seen before; returns how many were new."""
        with self._db:
            self._db.execute("BEGIN")
            return self._insert(urls, kind, depth, parent)

    # -- handing out ----------------------------------------------------------------------
    def claim(self, limit: int, busy_hosts: Sequence[str] = ()) -> list[Entry]:
        """Up to ``limit`` queued URLs, one per host not in ``busy_hosts``, hosts in turn.

        Within a host, sitemaps and feeds come before pages, then first queued first.  Each
        look-up is one index probe, so a host with a long queue costs nothing while it is busy.
        """
        busy = set(busy_hosts)
        picked: list[Entry] = []
        for host in list(self._hosts):
            if len(picked) >= limit:
                break
            if host in busy:
                continue
            row = self._db.execute(
                "SELECT id, url, host, kind, depth FROM urls WHERE status='queued' AND host=? "
                "ORDER BY priority, id LIMIT 1",
                (host,),
            ).fetchone()
            del self._hosts[host]
            if row is None:
                continue
            self._hosts[host] = None  # to the back of the line
            picked.append(Entry(*row))
        if picked:
            self._db.executemany("UPDATE urls SET status='active' WHERE id=?", [(e.id,) for e in picked])
        return picked

    def finish(self, entry: Entry, outcome: Outcome,
               found: Iterable[tuple[str, str, int]] = ()) -> None:
        """Record ``entry``'s outcome and queue the ``(url, kind, depth)`` it revealed, atomically."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "UPDATE urls SET status=?, reason=?, detail=?, http_status=?, final_url=?, "
                "warc_file=?, warc_offset=?, attempts=?, updated_at=? WHERE id=?",
                (outcome.status, outcome.reason, (outcome.detail or "")[:500] or None,
                 outcome.http_status, outcome.final_url, outcome.warc_file, outcome.warc_offset,
                 outcome.attempts, _now(), entry.id),
            )
            for url, kind, depth in found:
                self._insert([url], kind, depth, entry.url)

    def release(self, entry: Entry) -> None:
        """Put a claimed URL back in the queue (the crawl stopped before finishing it)."""
        self._db.execute("UPDATE urls SET status='queued' WHERE id=? AND status='active'", (entry.id,))
        self._hosts.setdefault(entry.host)

    # -- questions --------------------------------------------------------------------------
    def archived_as(self, url: str) -> str | None:
        """The frontier URL whose archived page has ``url`` as its own or final URL."""
        archived = "status='done' AND kind='page' AND warc_file IS NOT NULL"
        row = self._db.execute(  # two indexed look-ups (an OR would scan the table)
            f"SELECT url FROM urls WHERE url=? AND {archived} "
            f"UNION ALL SELECT url FROM urls WHERE final_url=? AND {archived} LIMIT 1",
            (url, url),
        ).fetchone()
        return row[0] if row else None

    def archived_count(self) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM urls WHERE status='done' AND warc_file IS NOT NULL"
        ).fetchone()[0]

    def pending_count(self) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM urls WHERE status IN ('queued', 'active')"
        ).fetchone()[0]

    def counts(self) -> dict[tuple[str, str | None], int]:
        """Number of URLs per ``(status, reason)``."""
        rows = self._db.execute("SELECT status, reason, COUNT(*) FROM urls GROUP BY status, reason")
        return {(s, r): n for s, r, n in rows}

    def status_of(self, url: str) -> tuple[str, str | None] | None:
        row = self._db.execute("SELECT status, reason FROM urls WHERE url=?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    # -- recovery ---------------------------------------------------------------------------
    def mark_archived(self, url: str, final_url: str, warc_file: str, offset: int) -> bool:
        """Mark a URL found in a WARC as done (after a crash between fsync and commit)."""
        with self._db:
            self._db.execute("BEGIN")
            self._insert([url], "page", 0, None)  # its queueing may be what the crash lost
            cur = self._db.execute(
                "UPDATE urls SET status='done', reason=NULL, final_url=?, warc_file=?, "
                "warc_offset=?, updated_at=? WHERE url=? AND warc_file IS NULL",
                (final_url, warc_file, offset, _now(), url),
            )
            return cur.rowcount > 0

    def warc_files(self, closed: bool | None = None) -> list[str]:
        sql = "SELECT name FROM warc_files"
        if closed is not None:
            sql += f" WHERE closed={int(closed)}"
        return [r[0] for r in self._db.execute(sql + " ORDER BY name")]

    def set_warc_file(self, name: str, closed: bool) -> None:
        self._db.execute(
            "INSERT INTO warc_files (name, closed) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET closed=excluded.closed",
            (name, int(closed)),
        )
