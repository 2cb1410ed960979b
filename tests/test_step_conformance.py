"""One conformance suite for every per-document step, as scikit-learn's estimator checks.

Every step must: pickle before its heavy state is built (and after, without that state);
give the same output for the same input; carry no state from one document to the next;
fill only the columns it declares; and turn bad input into a Reject, never an exception.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest

from pipeline.config import RunConfig
from pipeline.record import Doc, Reject, make_doc_id
from pipeline.steps import Step, build_steps

PAGE = """<html><head><meta charset="utf-8"><title>市卫健委出台措施保障医务人员休息权益_健康频道</title>
<meta name="publishdate" content="2024-03-05"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/news">新闻</a> <a href="/health">健康</a></div>
<div class="article"><h1>市卫健委出台措施保障医务人员休息权益</h1>
<div class="info">2024年03月05日 09:30 来源：健康报 记者 周明</div>
<p>记者从市卫生健康委员会获悉，为切实减轻一线医务人员工作负荷，本市近日出台十二条措施，明确各级医疗机构要合理安排排班，保障医护人员每周至少休息一天。</p>
<p>措施提出，连续值夜班的医生次日应安排补休，医院要为夜班人员提供值班休息室和夜间餐食，并将落实情况纳入年度绩效考核。</p>
<p>市卫健委有关负责人表示，将联合工会开展专项督查，对长期超负荷运转的科室及时增补人员，切实保障医务人员的休息权利和身心健康。</p>
</div>
<div class="xgyd"><h3>相关阅读</h3><ul><li><a href="/a1">护士节表彰大会举行</a></li><li><a href="/a2">基层医生薪酬改革试点</a></li></ul></div>
<div class="footer">Copyright © 2024 健康网 版权所有 京ICP备12345678号</div>
</body></html>"""

DUMP = """基層醫生薪酬待遇持續提高 鄉村醫生補助標準上調

2023年06月12日 10:15 來源：衛生健康報

當前位置：首頁 > 新聞 > 醫療衛生

記者從省衛生健康委員會獲悉，今年起全省鄉村醫生基本公共衛生服務補助標準每人每年提高兩千元，並為符合條件的村醫購買養老保險。

省衛健委表示，將建立基層醫務人員薪酬動態調整機制，確保基層醫生收入不低於當地事業單位工作人員平均水平。

相關閱讀
醫師節表彰大會舉行
護士節慰問一線護士

版權所有 © 衛生健康網 粵ICP備87654321號
"""

BODY = ["四月以来，多家医院为一线护士发放防护用品补贴，并安排心理疏导服务。", "医院工会还组织职工免费体检，关心医务人员身心健康。"]


def html_doc(raw: bytes | str | None = PAGE.encode("utf-8"), name: str = "page.html") -> Doc:
    return Doc(doc_id=make_doc_id(name, ""), source_path=name, input_kind="html", raw=raw)


def text_doc(raw: str | None = DUMP, name: str = "dump.txt") -> Doc:
    return Doc(doc_id=make_doc_id(name, ""), source_path=name, input_kind="text", raw=raw)


def normalized_doc(paragraphs: list[str] | None = None, name: str = "norm") -> Doc:
    doc = Doc(doc_id=make_doc_id(name, ""), source_path=name, input_kind="jsonl", title="医院关爱护士")
    doc.paragraphs = list(BODY if paragraphs is None else paragraphs)
    doc.text = "\n".join(doc.paragraphs)
    doc.text_original = doc.text
    return doc


def segmented_doc(name: str = "seg") -> Doc:
    doc = normalized_doc(name=name)
    from pipeline.segment import tokenize

    doc.tokens = tokenize(doc.text or "")
    return doc


# For each step: a good input and a list of hostile inputs.
GOOD: dict[str, Callable[[], Doc]] = {
    "extract": html_doc,
    "clean": text_doc,
    "normalize": lambda: normalized_doc(["醫(yī)師節(jié)當天，醫院為醫護人員送上慰問品，並安排輪休。"]),
    "segment": normalized_doc,
    "classify": segmented_doc,
}
OTHER: dict[str, Callable[[], Doc]] = {
    "extract": lambda: html_doc(
        "<html><body><div id='zhengwen'><p>护士节到来之际，医院为全体护士发放节日慰问金，并评选表彰优秀护士二十名。"
        "院长表示，医院将继续改善护士的工作条件和薪酬待遇。</p></div></body></html>".encode("gbk"), "other.html"),
    "clean": lambda: text_doc("医院为医生提供免费午餐\n\n2022-01-05\n\n疫情期间，多家餐饮企业为一线医生护士免费送餐，"
                              "表达对医务人员的关爱和敬意。\n\n责任编辑：王芳\n", "other.txt"),
    "normalize": lambda: normalized_doc(["夜班护士每月可领取夜班补贴，医院还提供值班休息室。"], "other"),
    "segment": lambda: normalized_doc(["卫健委推进职称评聘改革，规培医生待遇提高。"], "other"),
    "classify": lambda: segmented_doc("other"),
}
HOSTILE: list[Callable[[], Doc]] = [
    lambda: html_doc(None),
    lambda: html_doc(b""),
    lambda: html_doc(b"\x00\x01\x02\xff" * 500),
    lambda: html_doc(b"<div>" * 5000 + b"\xe5\x8c\xbb" * 10),
    lambda: text_doc(""),
    lambda: text_doc("\u200b\u200b\n\n   \n"),
    lambda: text_doc(None),
    lambda: normalized_doc([]),
    lambda: normalized_doc(["\x00\x07\ufffd\ufffd"]),
    lambda: normalized_doc(["a" * 100]),
]


def all_steps() -> list[Step]:
    """The per-document steps of a standard run."""
    return [step for step in build_steps(RunConfig()) if isinstance(step, Step)]


STEP_NAMES = [step.name for step in all_steps()]


def _step(name: str) -> Step:
    return next(step for step in all_steps() if step.name == name)


def _output(result: Doc | Reject) -> dict:
    data = result.to_dict()
    data.pop("raw", None)
    return data


@pytest.mark.parametrize("name", STEP_NAMES)
def test_step_pickles_before_and_after_setup(name: str) -> None:
    step = _step(name)
    clone = pickle.loads(pickle.dumps(step))
    assert clone.get_params() == step.get_params()
    first = step(GOOD[name]())
    # after setup the heavy state stays behind: the pickle is small and the clone still works
    payload = pickle.dumps(step)
    assert len(payload) < 100_000, f"{name} pickles its heavy state ({len(payload)} bytes)"
    again = pickle.loads(payload)(GOOD[name]())
    assert _output(again) == _output(first)


@pytest.mark.parametrize("name", STEP_NAMES)
def test_step_fills_only_the_columns_it_declares(name: str) -> None:
    before = _output(GOOD[name]())
    after = _output(_step(name)(GOOD[name]()))
    changed = {key for key in before if before[key] != after[key]}
    declared = {column.name for column in _step(name).columns}
    assert changed and changed <= declared, f"{name} fills {sorted(changed - declared)} without declaring them"


@pytest.mark.parametrize("name", STEP_NAMES)
def test_step_is_deterministic(name: str) -> None:
    assert _output(_step(name)(GOOD[name]())) == _output(_step(name)(GOOD[name]()))


@pytest.mark.parametrize("name", STEP_NAMES)
def test_step_keeps_no_state_between_documents(name: str) -> None:
    alone = _step(name)(OTHER[name]())
    step = _step(name)
    step(GOOD[name]())
    after = step(OTHER[name]())
    assert _output(after) == _output(alone)


@pytest.mark.parametrize("name", STEP_NAMES)
def test_step_does_real_work_on_good_input(name: str) -> None:
    result = _step(name)(GOOD[name]())
    assert isinstance(result, Doc), f"{name} rejected a good document: {result}"


@pytest.mark.parametrize("name", STEP_NAMES)
@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_step_rejects_instead_of_raising(name: str, index: int) -> None:
    doc = HOSTILE[index]()
    result = _step(name)(copy.deepcopy(doc))
    assert isinstance(result, (Doc, Reject))
    if isinstance(result, Reject):
        assert result.stage == name and result.reason


@pytest.mark.parametrize("name", STEP_NAMES)
def test_batch_processing_equals_one_document_at_a_time(name: str) -> None:
    one_by_one = [_step(name)(GOOD[name]()), _step(name)(OTHER[name]()), _step(name)(HOSTILE[-2]())]
    batched = _step(name).call_batch([GOOD[name](), OTHER[name](), HOSTILE[-2]()])
    assert [_output(r) for r in batched] == [_output(r) for r in one_by_one]


@pytest.mark.parametrize("name", STEP_NAMES)
def test_step_is_safe_in_two_threads_at_once(name: str) -> None:
    """A multi-threaded Dask worker runs two tasks in one process on the same step objects,
    from before their state exists: the state is built once and each thread gets what the step
    gives alone."""
    import threading

    alone = [_output(_step(name)(make())) for make in (GOOD[name], OTHER[name]) * 3]
    step = _step(name)
    setups: list[int] = []
    original = step.setup

    def counted_setup() -> None:
        setups.append(threading.get_ident())
        original()

    step.setup = counted_setup  # type: ignore[method-assign]
    start = threading.Barrier(2)
    outputs: dict[int, list[dict]] = {}

    def work(index: int) -> None:
        start.wait()
        outputs[index] = [_output(step(make())) for make in (GOOD[name], OTHER[name]) * 3]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(setups) == 1
    assert outputs == {0: alone, 1: alone}


class _Busy(Step):
    """A step that spins for ``seconds`` (a stand-in for a slow parser or regex)."""

    name = "busy"

    def __init__(self, seconds: float = 0.2) -> None:
        super().__init__()
        self.seconds = seconds

    def process(self, doc: Doc) -> Doc:
        import time

        end = time.perf_counter() + self.seconds
        while time.perf_counter() < end:
            pass
        return doc


class _Busier(_Busy):
    name = "busier"


def test_time_limit_counts_all_steps_of_a_document_together() -> None:
    from pipeline.steps import StepPipeline

    pipeline = StepPipeline([_Busy(0.2), _Busier(0.2)], time_limit=0.3)
    over = pipeline.run_batch([normalized_doc(name="a"), normalized_doc(name="b")])
    assert [(r.stage, r.reason) for r in over] == [("busier", "timeout")] * 2  # type: ignore[union-attr]
    assert isinstance(StepPipeline([_Busy(0.1), _Busier(0.1)], time_limit=0.3)(normalized_doc()), Doc)
