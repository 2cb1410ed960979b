"""CleanStep on each input kind."""

from __future__ import annotations

from pathlib import Path

from pipeline.clean import CleanStep
from pipeline.record import Doc, Reject

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def test_text_dump_fills_article_fields() -> None:
    doc = Doc(doc_id="a", source_path="news_simplified.txt", input_kind="text",
              raw=(FIXTURES / "news_simplified.txt").read_text("utf-8"), author="预设作者")
    out = CleanStep()(doc)
    assert isinstance(out, Doc)
    assert out.title == "市第一人民医院为夜班护士开通免费接驳车"
    assert out.source == "江城日报" and out.author == "王晓明"
    assert out.published_at == "2024-03-12T08:45:10+08:00"
    assert len(out.paragraphs) == 5 and out.raw is None


def test_values_already_set_are_kept_when_none_found() -> None:
    raw = "第一段正文，医院为医护人员增加了夜班补贴，并改善了值班室条件。\n第二段正文，工会将持续跟进落实情况，确保补贴按时发放。"
    doc = Doc(doc_id="b", source_path="x", input_kind="text", raw=raw, title="记录里的标题", published_at="2024-02-01")
    out = CleanStep()(doc)
    assert out.title == "记录里的标题" and out.published_at == "2024-02-01"


def test_jsonl_body_keeps_record_title() -> None:
    doc = Doc(doc_id="c", source_path="x.jsonl", input_kind="jsonl", title="记录标题",
              raw="央视网消息（新闻联播）：医护人员的休息室建成了。\n\n（责编：某某）")
    out = CleanStep()(doc)
    assert out.title == "记录标题"
    assert out.paragraphs == ["医护人员的休息室建成了。"]
    assert out.raw is None


def test_empty_inputs_rejected_and_other_kinds_untouched() -> None:
    rejected = CleanStep()(Doc(doc_id="d", source_path="x", input_kind="text", raw="© 2024 某某网 版权所有"))
    assert isinstance(rejected, Reject) and rejected.reason == "no_article" and rejected.stage == "clean"
    empty = CleanStep()(Doc(doc_id="e", source_path="x", input_kind="jsonl", raw="#话题#"))
    assert isinstance(empty, Reject) and empty.reason == "no_article"
    html = Doc(doc_id="f", source_path="x", input_kind="html", raw=b"<html></html>", paragraphs=["已抽取的段落。"])
    assert CleanStep()(html) is html and html.raw == b"<html></html>"
