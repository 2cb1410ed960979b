"""The optional jieba-rs backend follows jieba's conventions on real text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("rjieba")

from pipeline.segment.rjieba_backend import rjieba_tokenize  # noqa: E402
from pipeline.segment.tokenizer import tokenize  # noqa: E402


def _cuts(tokens: list[str]) -> set[int]:
    ends, pos = set(), 0
    for token in tokens:
        pos += len(token)
        ends.add(pos)
    return ends


def test_domain_words_whitespace_and_empty_input() -> None:
    text = "市卫生健康委员会要求落实医务人员带薪休假制度。 \n 夜班补贴提高到120元"
    tokens = rjieba_tokenize(text)
    assert "医务人员" in tokens  # a domain dictionary entry kept whole
    assert not any(t.isspace() for t in tokens)
    assert "".join(tokens) == "".join(text.split())
    assert rjieba_tokenize("") == []


def test_boundaries_agree_with_jieba_on_real_news(shared_data: Path) -> None:
    path = shared_data / "indomain" / "cctv_xinwenlianbo_2012_2021.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:150]]
    common = gold = found = identical = 0
    for text in texts:
        a, b = tokenize(text), rjieba_tokenize(text)
        assert "".join(a) == "".join(b)  # same characters, only the cuts may differ
        identical += a == b
        ca, cb = _cuts(a), _cuts(b)
        common, gold, found = common + len(ca & cb), gold + len(ca), found + len(cb)
    f1 = 2 * common / (gold + found)
    assert f1 >= 0.995, f1
    assert identical / len(texts) >= 0.8


def test_many_texts_in_one_call_are_cut_as_one_by_one(shared_data: Path) -> None:
    from pipeline.classify.evidence import split_sentences
    from pipeline.segment.rjieba_backend import rjieba_tokenize_many

    path = shared_data / "indomain" / "cctv_xinwenlianbo_2012_2021.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:40]]
    sentences = [s for text in texts for s in split_sentences(text)]
    # whitespace inside and around, an empty text, Latin and digits across the joins
    sentences += ["夜班 补贴\t提高", "", "ICU护士2020年", "2021年ICU", " 医务人员 "]
    assert len(sentences) > 200
    assert rjieba_tokenize_many(sentences) == [rjieba_tokenize(s) for s in sentences]
    # a text holding the separator itself is still cut on its own
    odd = ["医务人员\x00加班", "夜班补贴"]
    assert rjieba_tokenize_many(odd) == [rjieba_tokenize(s) for s in odd]
    assert rjieba_tokenize_many([]) == []
