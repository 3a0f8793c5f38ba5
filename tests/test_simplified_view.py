"""The Simplified matching view (``opencc``, a core dependency; the view falls back to the
unconverted text where OpenCC is missing).

Rules are written for Simplified Chinese; with OpenCC installed they also match the chrome of a
Traditional page ("你可能還想看" is a related-articles header). Without it the view and the
cleaner's output are what they were. The pages here are written for these tests.
"""
from __future__ import annotations

import pytest

from zhclean import clean_text
from zhclean.config import CleanConfig
from zhclean.normalize import FIXES, matching_view, to_simplified
from zhclean.rules.related import ends_article

ARTICLE = (
    "城東新建的社區圖書館本週正式開放\n"
    "城東新建的社區圖書館本週一正式向居民開放，館內藏書約三萬冊，設有兒童閱覽區和自習區。\n"
    "圖書館工作人員介紹，開館首日就有四百多名居民前來辦理借書證，自習區的座位幾乎全部坐滿。\n"
    "據了解，圖書館每週二至週日開放，週一閉館整理，居民憑身份證即可免費辦理借書證。\n"
)
FEED = (
    "你可能還想看\n"
    "晚報·2 小時前\n"
    "老城區十二條背街小巷完成改造\n"
    "記者從區住建部門獲悉，老城區十二條背街小巷的改造工程已經全部完工，路面、照明和排水設施都換了新。\n"
    "早報·5 小時前\n"
    "週末兩場音樂會門票開售\n"
    "本週末市音樂廳將連續舉辦兩場交響音樂會，門票已於昨日開售，學生憑證件可以享受半價優惠。\n"
)
PAGE = "首頁\n新聞\n體育\n財經\n" + ARTICLE + FEED + "關於我們\n版權所有 某某晚報\n"


def test_view_keeps_length_and_is_a_registered_fix():
    text = "你可能還想看：閱讀整篇文章 ＡＢＣ"
    assert len(matching_view(text)) == len(text)
    assert len(to_simplified(text)) == len(text)
    assert FIXES["to_simplified"] is to_simplified


def test_without_opencc_the_view_is_unchanged(monkeypatch):
    import zhclean.normalize as normalize

    monkeypatch.setattr(normalize, "_t2s_converter", lambda: None)
    assert normalize.to_simplified("你可能還想看") == "你可能還想看"


def test_traditional_header_and_feed():
    pytest.importorskip("opencc")
    assert matching_view("你可能還想看") == "你可能还想看"
    assert ends_article("你可能還想看")
    page = clean_text(PAGE, config=CleanConfig(model="off"))  # the rules' view (the model keeps the feed's excerpts)
    assert "據了解，圖書館每週二至週日開放" in page.text  # the article stays, in Traditional
    assert "老城區十二條背街小巷" not in page.text  # the feed under the header goes
    assert "本週末市音樂廳" not in page.text
