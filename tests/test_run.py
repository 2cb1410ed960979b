"""``zhnews run`` end to end on a small corpus written here, on the seeds, and through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from pipeline.config import make_config
from pipeline.runner import run_pipeline

PAGE_GBK = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>多地提高护士夜班补贴标准_健康_新闻中心</title></head><body>
<div class="nav"><a href="/">首页</a>|<a href="/gn">国内</a>|<a href="/jk">健康</a>|<a href="/ty">体育</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/jk">健康</a> &gt; 正文</div>
<div id="zhengwen"><h1>多地提高护士夜班补贴标准</h1>
<div class="source">2022年11月03日08:38　来源：新华网　记者 李娜</div>
<p>近日，多个省份相继出台政策，提高公立医院护士夜班补贴标准，部分地区每个夜班补贴由原来的八十元提高到一百二十元。</p>
<p>业内人士表示，夜班补贴长期偏低，是护士流失的重要原因之一。提高补贴有助于稳定护理队伍，保障护士合理收入。</p>
<p>此外，一些医院还为夜班护士提供免费夜宵和值班休息室，并规定连续夜班后须安排补休。</p></div>
<div class="hot"><h3>48小时点击排行</h3><ol><li><a href="/1">足球联赛今晚开幕</a></li><li><a href="/2">油价下周调整</a></li></ol></div>
<div id="footer">关于我们 | 联系我们 | 广告服务<br>Copyright &copy; 2022 新闻网 版权所有 京ICP备00000001号</div>
</body></html>"""

DUMP_TRAD = """醫(yī)護人員心理疏導熱線正式開通

2021/05/12 14:20 來源：健康時報

為緩解一線醫(yī)務人員的心理壓力，市衛生健康委員會今天正式開通醫(yī)護人員心理疏導熱線，由專業心理諮詢師提供二十四小時服務。

據介紹，熱線開通後，醫(yī)護人員可以通過電話或線上平台預約心理諮詢，所有諮詢內容嚴格保密。

相關閱讀
護士節慰問活動舉行
醫師節表彰大會召開

版權所有 © 健康時報網 粵ICP備00000002號
"""


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "html").mkdir(parents=True)
    (corpus / "text").mkdir()
    (corpus / "html" / "nurse_pay.html").write_bytes(PAGE_GBK.encode("gbk"))
    (corpus / "html" / "empty.html").write_bytes(b"")
    (corpus / "text" / "hotline.txt").write_text(DUMP_TRAD, encoding="utf-8")
    items = [
        {"id": "w1", "title": "企业为医护人员送餐", "date": "2020-02-10",
         "text": "#致敬医护人员# 疫情期间，本市多家餐饮企业每天为定点医院的医护人员免费送去午餐和晚餐，表达对白衣天使的敬意。"},
        "not json at all",
        {"id": "w2", "title": "足球", "date": "2020-03-01",
         "text": "昨晚的足球联赛中，主队凭借下半场的两个进球以二比一战胜客队，继续领跑积分榜。"},
    ]
    lines = [json.dumps(i, ensure_ascii=False) if isinstance(i, dict) else i for i in items]
    (corpus / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def _rows(output: Path) -> list[dict]:
    dataset = ds.dataset(output / "articles", format="parquet", partitioning="hive")
    return sorted(dataset.to_table().to_pylist(), key=lambda r: r["doc_id"])


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("run")
    corpus = _corpus(root)
    output = root / "out"
    run_pipeline(make_config(inputs=[str(corpus)], output=str(output), workers=1))
    return corpus, output


@pytest.mark.slow
def test_every_input_is_a_row_or_a_reject(small_run: tuple[Path, Path]) -> None:
    _, output = small_run
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    rows = _rows(output)
    rejects = ds.dataset(output / "rejects", format="parquet").to_table().to_pylist()
    assert manifest["counts"]["documents"] == 6
    assert len(rows) + len(rejects) == 6
    assert sorted(r["reason"] for r in rejects) == ["bad_json", "empty_input"]
    assert {Path(i["path"]).name for i in manifest["inputs"]} == {"nurse_pay.html", "empty.html", "hotline.txt", "posts.jsonl"}
    assert all(i["sha1"] and len(i["sha1"]) == 40 for i in manifest["inputs"])


@pytest.mark.slow
def test_rows_are_normalized_segmented_and_partitioned(small_run: tuple[Path, Path]) -> None:
    _, output = small_run
    rows = {r["title"]: r for r in _rows(output)}
    page = rows["多地提高护士夜班补贴标准"]
    assert page["encoding"] == "gb18030"
    assert page["published_at_original"].startswith("2022-11-03")
    assert (page["year"], page["month"]) == ("2022", "11") or (str(page["year"]), f"{int(page['month']):02d}") == ("2022", "11")
    assert "版权所有" not in page["text"] and "点击排行" not in page["text"]
    hotline = next(r for t, r in rows.items() if "心理疏导热线" in t)
    assert hotline["script"] in ("hant", "mixed")
    assert "医护人员" in hotline["text"] and "醫" not in hotline["text"] and "(yī)" not in hotline["text"]
    assert hotline["pinyin_annotations_removed"] >= 3
    for row in rows.values():
        assert row["tokens"], row["title"]
        assert row["run_id"] and row["pipeline_version"]
        assert row["dup_cluster_id"] and row["dup_cluster_size"] >= 1


@pytest.mark.slow
def test_rerun_reuses_and_gives_the_same_dataset(small_run: tuple[Path, Path]) -> None:
    corpus, output = small_run
    before = _rows(output)
    summary = run_pipeline(make_config(inputs=[str(corpus)], output=str(output), workers=1))
    # a finished run's tasks are carried over from the published dataset (staging is gone)
    assert summary.tasks_run == summary.tasks_resumed == 0 and summary.tasks_reused >= 2
    assert not (output / "_staging").exists()
    assert _rows(output) == before


@pytest.mark.slow
def test_seeds_give_five_rows_with_their_titles(shared_data: Path, tmp_path: Path) -> None:
    from pipeline.normalize import normalize_text, remove_pinyin_annotations

    seeds = shared_data / "seeds"
    output = tmp_path / "seeds"
    summary = run_pipeline(make_config(inputs=[str(seeds)], output=str(output), workers=1))
    assert summary.rows == 5
    # the gold label files beside the seeds are not articles: each is reported, none is dropped
    assert summary.reject_reasons == {"unsupported_input": len(list((seeds / "labels").glob("*.json")))}
    titles = sorted(r["title"] for r in _rows(output))
    expected = []
    for label_file in sorted((seeds / "labels").glob("*.json")):
        label = json.loads(label_file.read_text(encoding="utf-8"))
        lines = (seeds / label["file"]).read_text(encoding="utf-8").splitlines()
        title_line = next(item["line"] for item in label["lines"] if item["label"] == "title")
        expected.append(normalize_text(remove_pinyin_annotations(lines[title_line - 1].strip())[0]))
    assert titles == sorted(expected)


def _zhnews(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.mark.slow
def test_cli_extract_prints_one_json_line_per_page_in_order(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE_GBK.encode("gbk"))
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    done = _zhnews("extract", str(page), str(empty), str(page))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3 and lines[0] == lines[2]
    assert set(lines[0]) == {"title", "published_at", "author", "source", "body", "script", "text"}
    assert lines[0]["title"] == "多地提高护士夜班补贴标准"
    assert lines[0]["source"] == "新华网"
    assert "夜班补贴" in lines[0]["body"] and "ICP" not in lines[0]["body"]
    assert set(lines[1]) == {"error"}


@pytest.mark.slow
def test_cli_clean_on_a_traditional_dump(tmp_path: Path) -> None:
    dump = tmp_path / "dump.txt"
    dump.write_text(DUMP_TRAD, encoding="utf-8")
    done = _zhnews("clean", str(dump))
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["published_at"].startswith("2021-05-12")
    assert line["source"] == "健康時報" or line["source"] == "健康时报"
    assert "(yī)" not in line["body"] and "相關閱讀" not in line["body"]
    assert line["script"] in ("hant", "mixed") and "心理疏导" in line["text"]


@pytest.mark.parametrize("args", [["extract", "/no/such/file.html"], ["run", "/no/such/dir"], ["run", "--workers", "0"],
                                  ["clean"], ["no-such-command"]])
@pytest.mark.slow
def test_cli_bad_arguments_exit_2_with_one_line(args: list[str], tmp_path: Path) -> None:
    done = _zhnews(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip()


@pytest.mark.slow
def test_cli_usage_errors_and_the_exit_status_of_runs_with_rejects(tmp_path: Path) -> None:
    """A folder without inputs and an output path that is a file are usage errors (2, one line);
    a finished run with rejected inputs exits 0, and 3 only with ``--strict``."""
    (tmp_path / "empty").mkdir()
    done = _zhnews("run", "empty", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip() == "zhnews run: error: no inputs found under empty"
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "story.txt").write_text(
        "市卫健委召开会议，部署关心关爱一线医务人员的措施。\n"
        "会议要求各医院落实医护人员轮休制度，保障一线人员的休息时间，并为夜班护士提供免费工作餐。\n"
        "各单位要及时发放临时性工作补助，做好医务人员的心理疏导工作。\n",
        encoding="utf-8",
    )
    (inputs / "broken.html").write_bytes(b"\x00\x01\x02\x03" * 64)
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    done = _zhnews("run", "in", "-o", "afile", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip() == "zhnews run: error: output afile is a file, not a folder"
    common = ("--workers", "1", "--no-classify", "--quiet")
    done = _zhnews("run", "in", "-o", "out", *common, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    counts = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts["rows"] == 1 and counts["rejects"] == 1
    done = _zhnews("run", "in", "-o", "out", *common, "--strict", cwd=tmp_path)
    assert done.returncode == 3, done.stderr[-2000:]
    # without --workers, an input this small runs in the driver process (no worker pool)
    done = _zhnews("run", "in", "-o", "default", "--no-classify", "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((tmp_path / "default" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == {"name": "local", "workers": 1} and manifest["counts"]["rows"] == 1
