"""Text dumps that are really HTML: ``clean`` refuses them, ``run`` extracts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main as cli_main
from pipeline.ingest.sniff import looks_like_html

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>市卫健委部署关爱一线医务人员_健康频道</title></head>
<body><div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a></div>
<div class="article"><h1>市卫健委部署关爱一线医务人员</h1>
<p>市卫健委日前召开会议，部署关心关爱一线医务人员的具体措施，要求各医院落实医护人员轮休制度。</p>
<p>会议强调，要及时足额发放临时性工作补助，为夜班护士提供免费工作餐和休息场所。</p>
<p>各单位还将开通心理援助热线，为承受较大压力的医务人员提供心理疏导服务。</p></div>
<div class="footer">版权所有 © 健康频道</div></body></html>
"""


@pytest.mark.parametrize(("text", "markup"), [
    (PAGE, True),
    ("\ufeff  <html><head><title>t</title></head>", True),
    ('<div class="c"><p>正文</p><span>注</span></div>', True),
    ("新华社北京电 记者报道，医护人员轮休制度正在落实。\n第二段内容。", False),
    ("文章提到 <p> 标签和 <a> 标签的写法，这是技术讨论，不是网页。", False),
])
def test_looks_like_html(text: str, markup: bool) -> None:
    assert looks_like_html(text) is markup


def test_clean_refuses_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert cli_main(["clean", str(page)]) == 0
    assert json.loads(capsys.readouterr().out) == {"error": "is_html"}


@pytest.mark.slow
def test_run_extracts_a_page_saved_as_txt(tmp_path: Path) -> None:
    import pyarrow.dataset as ds

    from pipeline.config import make_config
    from pipeline.runner import run_pipeline

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "saved_page.txt").write_text(PAGE, encoding="utf-8")
    run_pipeline(make_config(inputs=[str(tmp_path / "in")], output=str(tmp_path / "out"), workers=1, classify_enabled=False))
    rows = ds.dataset(tmp_path / "out" / "articles", format="parquet").to_table(columns=["title", "text", "input_kind"]).to_pylist()
    assert len(rows) == 1
    assert rows[0]["input_kind"] == "html" and rows[0]["title"] == "市卫健委部署关爱一线医务人员"
    assert "<p>" not in rows[0]["text"] and "首页" not in rows[0]["text"] and "轮休制度" in rows[0]["text"]
