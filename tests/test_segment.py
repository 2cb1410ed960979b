"""Segmentation: domain dictionary, whitespace handling, one tokenizer per process, the step."""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from pipeline.record import Doc
from pipeline.segment import SegmentStep, get_tokenizer, stopwords, tokenize
from pipeline.segment.tokenizer import cache_dir


def test_domain_terms_stay_whole() -> None:
    words = tokenize("规培期间的医务人员反映职称评聘难，工伤认定慢，需要心理疏导。")
    for term in ("规培", "医务人员", "职称评聘", "工伤认定", "心理疏导"):
        assert term in words


def test_without_user_dict_domain_terms_split() -> None:
    assert "职称评聘" not in tokenize("职称评聘", user_dict=False)


def test_whitespace_tokens_dropped_and_text_preserved() -> None:
    text = "白衣天使 \n\t 坚守一线\u3000护士节快乐"
    words = tokenize(text)
    assert all(w.strip() for w in words)
    assert "".join(words) == "白衣天使坚守一线护士节快乐"


def test_empty_text() -> None:
    assert tokenize("") == []


def test_tokenizer_is_cached_and_cache_dir_private() -> None:
    assert get_tokenizer() is get_tokenizer()
    path = cache_dir()
    info = path.stat()
    assert info.st_uid == os.getuid()
    assert not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    assert get_tokenizer().tmp_dir == str(path)


def test_stopwords_loaded() -> None:
    sw = stopwords()
    assert {"的", "了", "，"} <= sw
    assert "医务人员" not in sw


def test_step_sets_tokens_and_pickles() -> None:
    step = SegmentStep()
    doc = Doc(doc_id="a", source_path="x", input_kind="text", text="医护人员轮休 制度落实")
    out = step(doc)
    assert out is doc and "医护人员" in doc.tokens and " " not in doc.tokens
    clone = pickle.loads(pickle.dumps(step))
    assert clone.get_params() == {"backend": "jieba", "user_dict": True, "accelerate": None}
    assert not any(k.startswith("_") and k != "_ready" for k in clone.__dict__)


def test_unknown_backend_rejected() -> None:
    with pytest.raises(ValueError):
        SegmentStep(backend="nope")


def test_rjieba_step_agrees_with_jieba() -> None:
    pytest.importorskip("rjieba")
    text = "规培期间的医务人员反映职称评聘难，工伤认定慢。 护士节快乐\n白衣天使坚守一线"
    step = SegmentStep(backend="rjieba")
    doc = step(Doc(doc_id="b", source_path="x", input_kind="text", text=text))
    assert "".join(doc.tokens) == text.replace(" ", "").replace("\n", "")
    assert {"规培", "医务人员", "职称评聘", "工伤认定"} <= set(doc.tokens)
    assert doc.tokens == tokenize(text)
    clone = pickle.loads(pickle.dumps(step))
    assert clone.get_params() == {"backend": "rjieba", "user_dict": True, "accelerate": None}
    assert not any(k.startswith("_") and k != "_ready" for k in clone.__dict__)


def test_resolve_backend() -> None:
    from pipeline.segment import resolve_backend
    from pipeline.segment.backends import rjieba_available

    assert resolve_backend("jieba") == "jieba"
    assert resolve_backend("auto") == ("rjieba" if rjieba_available() else "jieba")
    with pytest.raises(ValueError):
        resolve_backend("nope")
