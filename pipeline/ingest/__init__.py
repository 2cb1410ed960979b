"""Ingest: find input files, group them into tasks, and stream them as documents."""

from pipeline.ingest.discover import InputFile, Task, discover_inputs, plan_tasks
from pipeline.ingest.readers import iter_documents

__all__ = ["InputFile", "Task", "discover_inputs", "plan_tasks", "iter_documents"]
