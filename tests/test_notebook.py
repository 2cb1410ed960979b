"""``notebooks/explore.ipynb`` runs top to bottom on a real run of the sample corpus."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.report.fonts import find_cjk_font
from tests._run_fixture import sample_run, synthetic_v1_run  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow  # executes the notebook on a real run

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def test_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def _execute(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    """The outputs of every code cell of the notebook executed on ``run_dir``."""
    monkeypatch.setenv("ZHNEWS_RUN_DIR", str(run_dir))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]


def test_notebook_runs_on_a_real_run(sample_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = _execute(sample_run, monkeypatch)
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 7  # one per chart cell
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert str(sample_run) in text
    font = find_cjk_font()
    assert f"CJK font: {font}" in text  # the same font the test process finds (None: warned, boxes)


def test_notebook_runs_on_a_schema_1_run(synthetic_v1_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run written before schema 2.0 (string partitions and times, a map of scores) still explores."""
    errors = [o for o in _execute(synthetic_v1_run, monkeypatch) if o.output_type == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""
