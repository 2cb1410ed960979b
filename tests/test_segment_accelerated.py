"""Accelerated jieba: jieba-rs cuts the plain Han runs, jieba the rest; tokens stay jieba's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("rjieba")

from pipeline.config import RunConfig  # noqa: E402
from pipeline.record import Doc  # noqa: E402
from pipeline.segment import SegmentStep  # noqa: E402
from pipeline.segment.accelerated import accelerated_tokenize  # noqa: E402
from pipeline.segment.rjieba_backend import rjieba_tokenize  # noqa: E402
from pipeline.segment.tokenizer import tokenize  # noqa: E402
from pipeline.steps import build_steps  # noqa: E402

# Runs where jieba-rs alone cuts differently from jieba: numbers ranges, dotted names, times.
SYMBOL_RUNS = "每2-3小时喂一次，详见t.cntv.cn，时间2024-04-28T02:15.926Z，增长3.5%，C++和C#。"


def test_symbol_runs_keep_jieba_tokens() -> None:
    expected = tokenize(SYMBOL_RUNS)
    assert rjieba_tokenize(SYMBOL_RUNS) != expected  # the case the split exists for
    assert accelerated_tokenize(SYMBOL_RUNS) == expected
    assert {"2", "-", "3", "t", "cntv"} <= set(expected)


def test_whitespace_rare_characters_and_empty_input() -> None:
    text = "医务人员\u3000带薪休假 \r\n落实㐀䶮（扩展A区字）\t夜班补贴120元"
    tokens = accelerated_tokenize(text)
    assert tokens == tokenize(text)
    assert not any(t.isspace() for t in tokens)
    assert accelerated_tokenize("") == [] and accelerated_tokenize(" \n ") == []


@pytest.mark.slow
def test_same_tokens_as_jieba_on_real_news(shared_data: Path) -> None:
    texts: list[str] = []
    for path in sorted((shared_data / "indomain").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines[:: max(1, len(lines) // 150)] if line.strip()]
    assert len(texts) > 300
    same = sum(accelerated_tokenize(t) == tokenize(t) for t in texts)
    assert same == len(texts)


def test_step_and_run_record_the_choice() -> None:
    text = "规培期间的医务人员反映职称评聘难，1-2月工伤认定慢。"
    fast = SegmentStep(accelerate=True)(Doc(doc_id="a", source_path="x", input_kind="text", text=text))
    slow = SegmentStep(accelerate=False)(Doc(doc_id="a", source_path="x", input_kind="text", text=text))
    assert fast.tokens == slow.tokens
    segment = next(s for s in build_steps(RunConfig(classify_enabled=False)) if s.name == "segment")
    assert segment.get_params()["accelerate"] is True  # decided before the run, part of its id
    pinned = RunConfig.from_dict({"classify_enabled": False, "segment": {"accelerate": False}})
    assert next(s for s in build_steps(pinned) if s.name == "segment").get_params()["accelerate"] is False
