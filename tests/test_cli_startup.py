"""Start-up of the one-page commands: ``zhnews extract`` and ``zhnews clean`` load neither the
segmenter (jieba), nor numpy, nor the package metadata; ``--version`` still works.  ``zhnews
run`` takes its lock and starts its workers' set-up before loading any of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_PROBE = (
    "import sys, io, contextlib\n"
    "from pipeline.cli import main\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    main(sys.argv[1:])\n"
    "heavy = ('jieba', 'numpy', 'pkg_resources', 'importlib.metadata', 'sklearn', 'pyarrow')\n"
    "print(sorted(m for m in heavy if m in sys.modules))\n"
    "print(out.getvalue(), end='')\n"
)


def _run(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True,
                          check=True, cwd=REPO)
    return done.stdout.splitlines()


def test_extract_one_page_loads_no_heavy_module(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    # the second sentence is UTF-8 read as GBK: the mojibake tables are used, not rebuilt
    page.write_text("<html><head><title>医院新闻</title></head><body><p>"
                    + "医护人员坚守岗位，鍗充娇璺濋洟。" * 5 + "</p></body></html>", encoding="utf-8")
    lines = _run("extract", str(page))
    assert lines[0] == "[]"
    assert '"script": "hans"' in lines[1]


def test_clean_one_dump_loads_no_heavy_module(tmp_path: Path) -> None:
    dump = tmp_path / "page.txt"
    dump.write_text("医院新闻_某某网\n首页 | 新闻 | 体育 | 财经\n护士节表彰大会举行\n2021-05-12 10:00 来源：某某日报\n"
                    + "本市举行护士节表彰大会，一百名优秀护士受到表彰。大会号召全市医护人员向她们学习。\n" * 3,
                    encoding="utf-8")
    lines = _run("clean", str(dump))
    assert lines[0] == "[]"
    assert '"published_at": "2021-05-12T10:00:00+08:00"' in lines[1]


def test_version_is_read_when_asked() -> None:
    done = subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main(['--version'])"],
                          capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.startswith("zhnews ") and len(done.stdout.split()) == 2
    import pipeline

    assert isinstance(pipeline.__version__, str) and pipeline.__version__


def test_run_takes_its_lock_and_starts_its_executor_before_loading_heavy_modules(tmp_path: Path) -> None:
    """What ``zhnews run`` does before starting the executor (the warm server then sets the steps
    up while the driver imports the rest) loads no heavy module."""
    probe = (
        "import sys\n"
        "from pipeline.cli.run import _make_config\n"
        "from pipeline.engine.start import start_executor\n"
        "from pipeline.io.lock import run_lock_for\n"
        "lock = run_lock_for(sys.argv[1]).acquire()\n"
        "heavy = ('jieba', 'numpy', 'sklearn', 'pyarrow', 'scipy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "lock.release()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "out")], capture_output=True, text=True,
                          check=True, cwd=REPO)
    assert done.stdout.splitlines() == ["[]"]
