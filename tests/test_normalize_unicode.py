"""Unicode clean-up and ``normalize_text``: punctuation, widths, invisible characters, idempotence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize import normalize_text, normalize_unicode


def test_half_width_punctuation_between_chinese_becomes_full_width() -> None:
    assert normalize_unicode("今年的主题是勇担健康使命,铸就时代新功") == "今年的主题是勇担健康使命，铸就时代新功"
    assert normalize_unicode("来源:腾讯网 发布时间:2023-08-03 19:05:57") == "来源：腾讯网 发布时间：2023-08-03 19:05:57"
    assert normalize_unicode("定了!长宁区总工会") == "定了！长宁区总工会"
    assert normalize_unicode("你get了吗?") == "你get了吗？"
    assert normalize_unicode("(资料图片仅供参考)") == "（资料图片仅供参考）"


def test_numbers_urls_and_latin_untouched() -> None:
    for text in ("共1,000人", "12:30开始", "http://a.example.cn/x?id=1", "Hello, world!", "f(x)=1"):
        assert normalize_unicode(text) == text


def test_full_width_kept_and_alnum_narrowed() -> None:
    assert normalize_unicode("「好」，。：；！？") == "「好」，。：；！？"
    assert normalize_unicode("ＣＯＶＩＤ－１９疫情") == "COVID－19疫情"
    assert normalize_unicode("２０２０年") == "2020年"


def test_invisible_and_control_characters_removed() -> None:
    assert normalize_unicode("代代相传\u200b\u200b\u200b") == "代代相传"
    assert normalize_unicode("\ufeff医护\u200d人员\x07") == "医护人员"
    assert normalize_unicode("第一行\r\n第二行") == "第一行\n第二行"
    assert normalize_unicode("中国\u3000北京\u00a0") == "中国 北京 "


def test_normalize_text_converts_with_the_chosen_config() -> None:
    assert normalize_text("醫護人員的權益,應當保障") == "医护人员的权益，应当保障"
    assert normalize_text("軟體和網路", "tw2sp") == "软件和网络"
    assert normalize_text("醫生", "hk2s") == "医生"


_ALPHABET = st.sampled_from(
    list("医護人員,:;!?()（）「」，。ＡＢ１２ab12 \n\u200b\u3000\r.-") + ["中", "國", "\x07"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
