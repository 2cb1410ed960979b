"""Progress bar (tqdm, documents/s) and the end-of-run summary table (rich)."""

from __future__ import annotations

from typing import IO, Any


class RunProgress:
    """A tqdm bar over documents, advanced as tasks finish."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bar: Any = None
        #: totals of the tasks finished so far (resumed ones included)
        self.rows = 0
        self.rejects = 0

    def plan(self, tasks: int, pending_bytes: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        self._bar = tqdm(total=None, unit="doc", desc=f"zhnews run ({tasks} tasks)", dynamic_ncols=True,
                         mininterval=0.5)

    def task_done(self, result: Any) -> None:
        self.rows += result.rows
        self.rejects += result.rejects
        if self._bar is not None:
            self._bar.set_postfix({"rows": self.rows, "rejects": self.rejects}, refresh=False)
            self._bar.update(result.documents)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()  # the last totals, whatever the redraw interval skipped
            self._bar.close()
            self._bar = None


def print_summary(summary: Any, file: IO[str] | None = None) -> None:
    """Documents in, written, rejected by reason, articles per topic, time per stage."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file, highlight=False)
    table = Table(title=f"zhnews run {summary.run_id} -> {summary.output_dir}", show_header=True)
    table.add_column("", style="bold")
    table.add_column("count", justify="right")
    table.add_row("input files", str(summary.input_files))
    table.add_row("documents in", str(summary.documents))
    table.add_row("articles written", str(summary.rows))
    table.add_row("rejected", str(summary.rejects))
    for reason, count in summary.reject_reasons.items():
        table.add_row(f"  rejected: {reason}", str(count))
    table.add_row("near/exact duplicates (non-canonical)", str(summary.duplicates))
    for topic, count in summary.topics.items():
        table.add_row(f"  topic: {topic}", str(count))
    table.add_row("tasks run / resumed", f"{summary.tasks_run} / {summary.tasks_resumed}")
    if summary.tasks_reused or summary.tasks_dropped:
        table.add_row("published tasks kept / dropped", f"{summary.tasks_reused} / {summary.tasks_dropped}")
    rate = summary.documents / summary.wall_seconds if summary.wall_seconds else 0.0
    table.add_row("wall time", f"{summary.wall_seconds:.1f} s ({rate:.0f} docs/s)")
    console.print(table)
    if summary.stage_seconds:
        total = sum(summary.stage_seconds.values()) or 1.0
        shares = ", ".join(f"{k} {v / total:.0%}" for k, v in summary.stage_seconds.items())
        console.print(f"time per stage (all workers): {shares}")
