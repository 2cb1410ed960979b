"""Run folders for the analyst-facing tests: a small hand-written one and a real pipeline run.

``synthetic_run`` (and ``synthetic_v1_run``, the same rows as schema 1.1.0 stored them) writes rows through the project's own schema and atomic writer (no pipeline
stages needed); ``sample_run`` runs ``zhnews run`` once per session on ``corpus/sample``.
Import the fixtures into a test module with ``from tests._run_fixture import sample_run, synthetic_run``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from pipeline.dates import BEIJING, utc_instant
from pipeline.io.atomic import write_json_atomic, write_parquet_atomic
from pipeline.io.schema import (
    ARTICLE_SCHEMA,
    METADATA_KEY,
    SCHEMA_VERSION,
    articles_table,
    partition_dir,
    partition_of,
    published_date,
    rejects_table,
)

REPO_ROOT = Path(__file__).resolve().parent.parent

# (title, text tokens, topics, source) of the invented stories; tokens as jieba would give them.
STORIES: list[tuple[str, str, list[str], str | None]] = [
    ("多地为一线医护人员发放临时性工作补助", "多地 为 一线 医护人员 发放 临时性 工作 补助 ， 补助 标准 提高 一倍 。", ["pay"], "人民网"),
    ("援鄂医疗队队员绩效工资单列", "医疗队 队员 绩效 工资 单列 ， 不 占 单位 绩效 总量 ， 补贴 按月 发放 。", ["pay"], "新华社"),
    ("医院保障防护物资供应 护目镜和防护服到位", "医院 保障 防护 物资 供应 ， 护目镜 和 防护服 到位 ， 医护人员 感染 风险 降低 。", ["protection"], "健康报"),
    ("严厉打击暴力伤医行为", "公安 部门 严厉 打击 暴力 伤医 行为 ， 维护 医护人员 人身 安全 和 执业 环境 。", ["protection"], None),
    ("一线医护人员实行轮休制度", "一线 医护人员 实行 轮休 制度 ， 连续 工作 不 超过 两周 ， 酒店 提供 住宿 用餐 。", ["rest"], "本地日报"),
    ("心理援助热线为医护人员纾解压力", "心理 援助 热线 为 医护人员 纾解 压力 ， 专家 开展 心理 疏导 ， 缓解 焦虑 。", ["mental", "rest"], "健康报"),
    ("社区帮扶医护人员家属 子女入学开通绿色通道", "社区 帮扶 医护人员 家属 ， 子女 入学 开通 绿色通道 ， 老人 有人 照顾 。", ["family"], "本地日报"),
    ("市场菜价平稳 蔬菜供应充足", "市场 菜价 平稳 ， 蔬菜 供应 充足 ， 超市 延长 营业 时间 。", [], "商报"),
]
MONTHS = ["2019-12", "2020-01", "2020-02", "2020-02", "2020-03", "2020-04"]


def _row(i: int, story: tuple[str, str, list[str], str | None], published_at: str | None,
         cluster: tuple[str, int, bool] | None) -> dict[str, Any]:
    title, tokens_text, topics, source = story
    tokens = tokens_text.split()
    text = "".join(tokens)
    scores = {k: (0.8 if k in topics else 0.1) for k in ("pay", "protection", "rest", "mental", "family")}
    return {
        "doc_id": f"{i:016x}", "source_id": "synthetic", "url": f"https://news.example.cn/a/{i}.html",
        "source_path": f"html/{i}.html", "input_kind": "html", "input_sha1": f"{i:040x}",
        "fetched_at": dt.datetime(2020, 5, 1, tzinfo=dt.UTC), "encoding": "utf-8", "encoding_errors": 0, "title": title,
        "published_at": utc_instant(published_at, BEIJING), "published_at_original": published_at,
        "published_date": published_date(published_at), "author": None, "author_original": None,
        "source": source, "source_original": source, "paragraphs": [text], "script": "hans" if i % 5 else "hant",
        "opencc_config": "t2s", "text_original": text, "text": text, "tokens": tokens,
        "token_count": len(tokens), "char_count": len(text), "han_ratio": 0.9, "mojibake_score": 0.0,
        "repetition_ratio": 0.0, "pinyin_annotations_removed": 3 if i % 7 == 0 else 0,
        "quality_flags": ["pinyin_annotations"] if i % 7 == 0 else [],
        "dup_cluster_id": cluster[0] if cluster else f"c{i:04d}",
        "dup_cluster_size": cluster[1] if cluster else 1, "is_canonical": cluster[2] if cluster else True,
        "repeated_paragraph_ratio": 0.0, "relevant": bool(topics), "relevant_score": 0.9 if topics else 0.05,
        "topics": topics, "topic_scores": [{"topic": k, "score": v} for k, v in scores.items()], "extractor": "zhnews",
        "pipeline_version": "0.1.0", "run_id": "synthetic00001", "model_version": "test-model",
    }


def synthetic_rows() -> list[dict[str, Any]]:
    """48 articles over Dec 2019 - Apr 2020 (more in Feb 2020), 2 undated, one 3-copy cluster."""
    rows = []
    for i in range(46):
        month = MONTHS[i % len(MONTHS)]
        day = 1 + i % 27
        published = f"{month}-{day:02d}T08:00:00+08:00"
        rows.append(_row(i, STORIES[i % len(STORIES)], published, None))
    for copy in range(3):  # one story syndicated three times
        rows[copy].update(_row(copy, STORIES[0], rows[copy]["published_at_original"],
                               ("cluster-syndicated", 3, copy == 0)))
    rows.append(_row(46, STORIES[1], None, None))
    rows.append(_row(47, STORIES[7], "not a date", None))
    return rows


def write_run(root: Path, rows: list[dict[str, Any]]) -> Path:
    """Write ``rows`` as a run folder (hive partitions, rejects, manifest) the way publish does."""
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(partition_of(row["published_date"]), []).append(row)
    for key, part in groups.items():
        write_parquet_atomic(articles_table(part), root / "articles" / partition_dir(*key) / "part-t0-00000.parquet")
    rejects = [
        {"doc_id": "r1", "source_id": None, "url": None, "source_path": "html/empty.html", "input_sha1": None,
         "stage": "extract", "reason": "empty_input", "detail": "0 bytes", "pipeline_version": "0.1.0", "run_id": "synthetic00001"},
        {"doc_id": "r2", "source_id": None, "url": None, "source_path": "text/short.txt", "input_sha1": None,
         "stage": "normalize", "reason": "too_short", "detail": "12 chars", "pipeline_version": "0.1.0", "run_id": "synthetic00001"},
    ]
    write_parquet_atomic(rejects_table(rejects), root / "rejects" / "part-00000.parquet")
    manifest = {
        "run_id": "synthetic00001", "schema_version": SCHEMA_VERSION, "pipeline_version": "0.1.0",
        "model_version": "test-model", "opencc_config": "t2s",
        "finished_at": dt.datetime(2020, 5, 1, tzinfo=dt.UTC).isoformat(),
        "counts": {"input_files": len(rows) + 2, "documents": len(rows) + 2, "rows": len(rows), "rejects": 2,
                   "reject_reasons": {"empty_input": 1, "too_short": 1}},
    }
    write_json_atomic(root / "manifest.json", manifest)
    return root


@pytest.fixture(scope="session")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder of 48 hand-written articles and 2 rejects."""
    return write_run(tmp_path_factory.mktemp("synthetic_run"), synthetic_rows())


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``zhnews run corpus/sample`` once per session (one worker), its output folder (with
    ``_staging/`` kept: the dedup tests read the staged parts)."""
    from pipeline.config import make_config
    from pipeline.runner import run_pipeline

    sample = REPO_ROOT / "corpus" / "sample"
    if not any(sample.rglob("*.*")):
        pytest.fail(f"sample corpus is empty: {sample}")

    out = tmp_path_factory.mktemp("sample_run")
    run_pipeline(make_config(inputs=[str(sample)], output=str(out), workers=1, keep_staging=True))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["rows"] > 0
    return out


# -- a run as zhnews wrote it before schema 2.0 (to show that readers of 1.x datasets keep working)

#: The 1.1.0 articles schema: string times, topic_scores a map, no *_original columns nor
#: encoding_errors (its fingerprint is checked against the recorded one in test_schema).
_ADDED_IN_2 = ("published_at_original", "author_original", "source_original", "encoding_errors")
_RETYPED_IN_2 = {"fetched_at": pa.string(), "published_at": pa.string(),
                 "topic_scores": pa.map_(pa.string(), pa.float32())}
V1_ARTICLE_SCHEMA = pa.schema(
    [f.with_type(_RETYPED_IN_2.get(f.name, f.type)) for f in ARTICLE_SCHEMA if f.name not in _ADDED_IN_2],
    metadata={METADATA_KEY: b"1.1.0", b"zhnews.table": b"articles"},
)


def v1_row(row: dict[str, Any]) -> dict[str, Any]:
    """A 2.0 row of :func:`synthetic_rows` as 1.1.0 stored it."""
    old = {k: v for k, v in row.items() if k not in _ADDED_IN_2}
    old["published_at"] = row["published_at_original"]
    old["fetched_at"] = row["fetched_at"].isoformat() if row["fetched_at"] else None
    old["topic_scores"] = [(e["topic"], e["score"]) for e in row["topic_scores"] or []] or None
    return old


def write_v1_run(root: Path, rows: list[dict[str, Any]]) -> Path:
    """``rows`` as a 1.1.0 run folder: ``year=2020/month=02``, ``year=unknown/month=unknown``."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        day = row["published_date"]
        key = ("unknown", "unknown") if day is None else (f"{day.year:04d}", f"{day.month:02d}")
        groups.setdefault(key, []).append(v1_row(row))
    for (year, month), part in groups.items():
        table = pa.Table.from_pylist(part, schema=V1_ARTICLE_SCHEMA)
        write_parquet_atomic(table, root / "articles" / f"year={year}" / f"month={month}" / "part-t0-00000.parquet")
    write_parquet_atomic(rejects_table([]), root / "rejects" / "part-00000.parquet")
    manifest = {"run_id": "synthetic-v1", "schema_version": "1.1.0", "pipeline_version": "0.1.0",
                "model_version": "test-model", "opencc_config": "t2s",
                "counts": {"rows": len(rows), "rejects": 0, "reject_reasons": {}}}
    write_json_atomic(root / "manifest.json", manifest)
    return root


@pytest.fixture(scope="session")
def synthetic_v1_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 48 articles of ``synthetic_run`` as a schema 1.1.0 run folder."""
    return write_v1_run(tmp_path_factory.mktemp("synthetic_v1_run"), synthetic_rows())


#: Lines taken from the start of each ``../shared/data/indomain`` file for :func:`shared_run`.
SHARED_LINES_PER_FILE = 40


@pytest.fixture(scope="session")
def shared_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``zhnews run`` (one worker) over the first lines of every real ``indomain`` file: a real run,
    fast (about 300 articles); the subset lives in a temporary folder, never in the project."""
    from pipeline.config import make_config
    from pipeline.runner import run_pipeline

    inputs = tmp_path_factory.mktemp("shared_inputs")
    for path in sorted((shared_data / "indomain").glob("*.jsonl")):
        with path.open(encoding="utf-8") as src:
            lines = [line for _, line in zip(range(SHARED_LINES_PER_FILE), src)]
        (inputs / path.name).write_text("".join(lines), encoding="utf-8")
    out = tmp_path_factory.mktemp("shared_run")
    run_pipeline(make_config(inputs=[str(inputs)], output=str(out), workers=1))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["rows"] > 0
    return out
