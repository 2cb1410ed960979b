"""One flag vocabulary over the commands, one-line errors, missing extras named, and the
analysis commands refusing a folder without articles (exit 2, one line)."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser
from pipeline.cli import main as cli_main
from tests._run_fixture import synthetic_run  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
#: commands whose product is a file or folder named by -o/--output
WRITERS = ("run", "crawl", "extract", "clean", "train", "label", "classify", "evaluate", "prevalence", "report",
           "export", "kwic", "labels export", "labels import")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in _subparsers(sub).items()})
    return found


COMMANDS = _subparsers(build_parser())


def test_every_command_is_covered() -> None:
    assert set(COMMANDS) == set(WRITERS) | {"labels"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_the_shared_flags_and_an_example(name: str) -> None:
    text = COMMANDS[name].format_help()
    assert "-q, --quiet" in text and "-v, --verbose" in text
    example = text.split("\nexample:\n", 1)[1]
    assert example.lstrip().startswith("zhnews "), example
    if name in WRITERS:
        assert re.search(r"-o( \S+)?, --output", text), text
        assert "--out " not in text and "--out," not in text  # the old spelling works but is not shown


def test_old_and_new_output_spellings_give_the_same_file(synthetic_run: Path, tmp_path: Path) -> None:  # noqa: F811
    new, old = tmp_path / "new.jsonl", tmp_path / "old.jsonl"
    assert cli_main(["export", str(synthetic_run), "-f", "jsonl", "-q", "-o", str(new)]) == 0
    assert cli_main(["export", str(synthetic_run), "-f", "jsonl", "--out", str(old)]) == 0
    assert new.read_bytes() == old.read_bytes() and new.stat().st_size > 0


def test_quiet_silences_status_lines(synthetic_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert cli_main(["export", str(synthetic_run), "-o", str(tmp_path / "a.csv")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("zhnews export: wrote ") and err.endswith(f" articles to {tmp_path / 'a.csv'}\n")
    assert cli_main(["export", str(synthetic_run), "-o", str(tmp_path / "b.csv"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_classify_writes_to_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps({"id": "a", "title": "护士节表彰大会", "text": "本市举行护士节表彰大会，优秀护士受到表彰，医院为一线护士发放补贴。"},
                   ensure_ascii=False) + "\n" + json.dumps({"id": "b", "text": "股市今日高开，成交量放大。"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "sub" / "classified.jsonl"
    assert cli_main(["classify", str(records), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "b"]
    assert not list(out.parent.glob(".tmp-*"))


def _zhnews(*args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = prelude + "import sys\nfrom pipeline.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, timeout=300)


def test_internal_error_is_one_line_and_exit_1_traceback_with_verbose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    (run / "articles" / "year=2020").mkdir(parents=True)
    (run / "articles" / "year=2020" / "part-0.parquet").write_bytes(b"this is not parquet at all" * 10)
    assert cli_main(["prevalence", str(run)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("zhnews prevalence: internal error: "), captured.err
    assert lines[0].endswith("(-v shows the traceback)") and captured.out == ""
    for argv in (["-v", "prevalence", str(run)], ["prevalence", str(run), "-v"]):  # before or after the command
        with pytest.raises(Exception) as raised:  # noqa: B017 - whatever pyarrow raises reaches the interpreter
            cli_main(argv)
        assert not isinstance(raised.value, SystemExit)


#: a finder that refuses the named top-level packages, as if they were not installed
BLOCK = (
    "import sys\n"
    "class _Absent:\n"
    "    def __init__(self, names): self.names = names\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in self.names:\n"
    "            raise ModuleNotFoundError(f'No module named {{name!r}}', name=name)\n"
    "        return None\n"
    "sys.meta_path.insert(0, _Absent({names!r}))\n"
)


def test_report_without_its_extra_names_it(synthetic_run: Path) -> None:  # noqa: F811
    done = _zhnews("report", str(synthetic_run), prelude=BLOCK.format(names=("matplotlib",)))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "zhnews report: error: the HTML report needs the 'report' extra (matplotlib missing): "
        "pip install 'zhnews[report]'"
    ]


def test_xlsx_export_without_its_extra_names_it(synthetic_run: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "a.xlsx"
    done = _zhnews("export", str(synthetic_run), "-f", "xlsx", "-o", str(out),
                   prelude=BLOCK.format(names=("xlsxwriter",)))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "zhnews export: error: xlsx export needs the 'xlsx' extra (xlsxwriter missing): pip install 'zhnews[xlsx]'"
    ]
    assert not list(tmp_path.iterdir())


@pytest.mark.slow  # draws every chart
def test_report_without_the_interactive_extra_says_so_and_stays_static(synthetic_run: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "r.html"
    done = _zhnews("report", str(synthetic_run), "-o", str(out), prelude=BLOCK.format(names=("altair",)))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "zhnews report: SVG charts only: interactive charts need the 'interactive' extra "
        "(pip install 'zhnews[interactive]')",
        f"zhnews report: wrote {out}",
    ]
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "vegaEmbed" not in page


def test_crawl_without_its_extra_names_it(tmp_path: Path) -> None:
    done = _zhnews("crawl", "--urls", "https://news.example.cn/a.html", "-o", str(tmp_path / "c"),
                   prelude=BLOCK.format(names=("httpx", "protego")))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "zhnews crawl: error: crawling needs the 'crawl' extra (httpx, protego missing): pip install 'zhnews[crawl]'"
    ]
    assert not (tmp_path / "c").exists()


def test_dask_engine_without_its_extra_names_it(sample_corpus: Path, tmp_path: Path) -> None:
    done = _zhnews("run", str(sample_corpus / "text"), "-o", str(tmp_path / "out"), "--engine", "dask",
                   prelude=BLOCK.format(names=("distributed",)))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "zhnews run: error: the dask engine needs the 'dask' extra (distributed missing): pip install 'zhnews[dask]'"
    ]


@pytest.mark.slow
def test_the_main_job_runs_without_the_optional_extras(sample_corpus: Path, tmp_path: Path) -> None:
    """Plain ``pip install zhnews`` (no extras) runs ``zhnews run`` on text and JSONL and classifies."""
    blocked = ("matplotlib", "pandas", "httpx", "protego", "courlan", "dask", "distributed", "starlette", "uvicorn")
    out = tmp_path / "out"
    done = _zhnews("run", str(sample_corpus / "text"), str(sample_corpus / "jsonl"), "-o", str(out),
                   "--workers", "1", "-q", prelude=BLOCK.format(names=blocked))
    assert done.returncode == 0, done.stderr
    assert list((out / "articles").rglob("*.parquet"))
    done = _zhnews("classify", str(out), prelude=BLOCK.format(names=blocked))
    assert done.returncode == 0, done.stderr
    assert all("relevant_score" in json.loads(line) for line in done.stdout.splitlines())


@pytest.fixture(scope="module")
def run_without_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run whose every input is rejected: an empty dump and a page without text."""
    root = tmp_path_factory.mktemp("no-articles")
    inputs = root / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "menu.html").write_text("<html><head><title>导航</title></head><body><ul><li><a href='/'>首页</a></li>"
                                      "</ul></body></html>", encoding="utf-8")
    out = root / "run"
    assert cli_main(["run", str(inputs), "-o", str(out), "--workers", "1", "-q", "--no-classify"]) == 0
    assert (out / "manifest.json").is_file()
    return out


ANALYSES = (["report"], ["export"], ["classify"], ["prevalence"], ["kwic", "医生"])


@pytest.mark.parametrize("command", ANALYSES, ids=lambda c: c[0])
def test_a_run_without_articles_is_a_one_line_usage_error(
    command: list[str], run_without_articles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main([*command, str(run_without_articles)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"zhnews {command[0]}: error: {run_without_articles} is a run without articles; "
                   f"see the reasons in {run_without_articles / 'rejects'}"]


@pytest.mark.parametrize("command", ANALYSES, ids=lambda c: c[0])
def test_a_folder_that_is_not_a_run_is_a_one_line_usage_error(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a run", encoding="utf-8")
    assert cli_main([*command, str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"zhnews {command[0]}: error: {tmp_path} is not a zhnews run folder (no articles/ inside)"
    ]
