"""The shipped model's decisions on pages of each kind, written for these tests (not copied
from real pages). They show that the model and the rules' evidence work together on clear
cases; how well it does on real pages is measured on the labelled validation pages
(bench/score_labels.py, tests/test_accuracy.py)."""
from __future__ import annotations

import pytest

from zhclean import Cleaner
from zhclean.document import ALL_JUNK, CONTENT

ARTICLE = ("入冬以来，城南街道的积水点整治工程全面完工，沿线居民出行方便了许多。"
           "工程负责人介绍，明年还将继续改造老旧小区的雨污管网，计划投资一点二亿元。"
           "据市水务局介绍，这条河全长二十三公里，流经四个街道，沿岸新建了三处口袋公园。")


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def kept(cleaner: Cleaner, text: str, title: str | None = None):
    page = cleaner(text, title)
    return page, page.text


def test_a_hotline_doorway_above_an_article_loses_the_doorway(cleaner):
    text = "\n".join([
        "格林空调售后服务电话:400-612-8377(点击咨询)",
        "格林空调24小时人工客服电话号码查询《2025最新》",
        "格林空调全国统一售后维修热线(1)400-612-8377(点击咨询)(2)400-612-8377(点击咨询)",
        "我们的师傅均经过专业培训，持证上岗，上门速度快，收费透明合理。",
        "清水河治理三年见成效", ARTICLE])
    page, out = kept(cleaner, text, "格林空调售后服务电话")
    assert "400-612-8377" not in out and "点击咨询" not in out
    assert ARTICLE in out.replace("\n", "")
    assert {r.code.split(".")[0] for r in page.removals} <= {"spam", "boilerplate", "meta", "artifact"}
    assert all("score" in r.detail or r.code for r in page.removals)


def test_a_service_area_list_goes(cleaner):
    text = "\n".join([ARTICLE, "格林空调维修服务全国服务区域:",
                      "杭州市西湖区、宁波市鄞州区、温州市乐清市、绍兴市柯桥区、湖州市长兴县、嘉兴市海宁市、金华市义乌市",
                      "成都市武侯区、绵阳市涪城区、南充市顺庆区、宜宾市翠屏区、泸州市江阳区、达州市通川区"])
    _, out = kept(cleaner, text)
    assert "宁波市鄞州区" not in out and "绵阳市涪城区" not in out
    assert ARTICLE in out.replace("\n", "")


@pytest.mark.xfail(strict=True, reason=(
    "known weakness of the eighth and ninth rounds' models (issue 11 notes): they score this "
    "breadcrumb under their thresholds, and boilerplate.nav is not trusted (its removals hold 0.885 "
    "junk on the training pages, 0.682 on WeChat; the sixth round's model scored it 0.785 and removed "
    "it; the rules alone remove it); on the validation pages' navigation the ninth round's model "
    "removes more than before (news 0.935, WeChat 0.988)"))
def test_a_breadcrumb_above_an_article_goes(cleaner):
    _, out = kept(cleaner, "您的位置：首页 > 新闻中心 > 本地要闻\n清水河治理三年见成效\n" + ARTICLE)
    assert "新闻中心" not in out
    assert ARTICLE in out.replace("\n", "")


def test_a_list_of_towns_the_article_is_about_stays(cleaner):
    towns = "经过两轮评审，获评省级特色小镇的有：龙泉镇、青溪镇、白沙镇、石门镇和云台镇。"
    _, out = kept(cleaner, "特色小镇名单公布\n" + towns + "\n" + ARTICLE)
    assert towns in out


def test_a_phone_number_inside_an_article_sentence_stays(cleaner):
    sentence = "消费者如遇到商品质量问题，可拨打12315投诉热线进行维权，市场监管部门将在七个工作日内答复。"
    _, out = kept(cleaner, ARTICLE + "\n" + sentence)
    assert sentence in out


def test_an_injected_casino_name_goes_and_its_sentence_stays(cleaner):
    text = ("近日，市法院公开审理了一起开设赌场罪案件。被告人通过王者威尼斯人现金网网址：招揽赌客，涉案金额达三百余万元。"
            "法院审理认为，被告人的行为已构成开设赌场罪，依法判处有期徒刑三年。" + ARTICLE)
    page, out = kept(cleaner, text)
    assert "威尼斯人" not in out
    assert "涉案金额达三百余万元" in out and "依法判处有期徒刑三年" in out
    assert any(r.code == "spam.gambling_porn_ad" for r in page.removals)


@pytest.mark.xfail(strict=True, reason=(
    "known weakness of the ninth round's model (issue 11 notes): meta.byline is no longer trusted "
    "(its removals hold under 0.97 junk on the 5,923 training pages and forcing them does not raise "
    "the cross-fitted scores), and the model scores this editor line 0.47 and the copyright line 0.72, "
    "under its 0.775 threshold; on the validation pages it removes more byline junk than the models "
    "before (news 0.742 against 0.723 and 0.735)"))
def test_footer_and_byline_go_and_the_editor_is_kept_as_metadata(cleaner):
    text = "\n".join(["清水河治理三年见成效", ARTICLE, "责任编辑：陈思远",
                      "Copyright © 2008-2025 城市新闻网 All Rights Reserved 京ICP备12345678号"])
    page, out = kept(cleaner, text)
    assert "陈思远" not in out and "Copyright" not in out and "ICP" not in out
    assert page.metadata.get("editor") == "陈思远"
    assert ARTICLE in out.replace("\n", "")


#: A titled doorway page: hotline titles, a service-area list, a contact line and a promise.
DOORWAY = "\n".join([
    "格林空调售后服务电话:400-612-8377(点击咨询)",
    "格林空调24小时人工客服电话号码查询《2025最新》",
    "格林空调维修网点查询",
    "杭州市西湖区、宁波市鄞州区、温州市乐清市、绍兴市柯桥区、湖州市长兴县、嘉兴市海宁市",
    "客服微信：gl_kefu888 QQ：2850016631",
    "我们的师傅均经过专业培训，持证上岗，上门速度快，收费透明合理。"])


def test_a_page_with_nothing_genuine_is_emptied(cleaner):
    page, _ = kept(cleaner, DOORWAY, "格林空调售后服务电话")
    assert page.verdict == ALL_JUNK


def test_the_rules_alone_empty_a_titled_doorway_page():
    from zhclean.config import CleanConfig

    assert Cleaner(CleanConfig(model="off"))(DOORWAY, "格林空调售后服务电话").verdict == ALL_JUNK


#: A short doorway page: hotline titles, a service-area list and a promise; no title given,
#: no contact line.
SHORT_DOORWAY = "\n".join([
    "格林空调售后维修电话400-612-8377(点击咨询)",
    "格林空调24小时服务热线《2025汇总》(1)400-612-8377(2)400-612-8377",
    "格林空调全国售后服务网点查询",
    "格林空调维修服务电话全国服务区域:",
    "杭州市西湖区、宁波市鄞州区、温州市乐清市、绍兴市柯桥区、湖州市长兴县、嘉兴市海宁市",
    "我们将竭诚为您提供优质、高效的维修服务，欢迎来电咨询！"])


@pytest.mark.xfail(strict=True, reason=(
    "known weakness of the shipped model (issue 11 notes): on a short doorway page without a "
    "title or a contact line, the first stage scores every line junk (~1.0) but the second "
    "stage, which saw short pages only as clean paragraph pages, keeps some of the hotline titles; "
    "the rules alone (clean.model = 'off') empty it"))
def test_a_short_untitled_doorway_page_is_emptied(cleaner):
    page, _ = kept(cleaner, SHORT_DOORWAY)
    assert page.verdict == ALL_JUNK


def test_the_rules_alone_empty_a_short_untitled_doorway_page():
    from zhclean.config import CleanConfig

    assert Cleaner(CleanConfig(model="off"))(SHORT_DOORWAY).verdict == ALL_JUNK


def test_wechat_chrome_goes_and_the_article_stays(cleaner):
    text = "\n".join([
        "# 清水河治理三年见成效", "!", "[cover_image](https://mmbiz.qpic.cn/mmbiz_jpg/abcdef/0?", "wx_fmt=jpeg)",
        "城市新闻", ARTICLE, "预览时标签不可点", "微信扫一扫", "关注该公众号", "继续滑动看下一个", "轻触阅读原文",
        "视频", "小程序", "赞", "，轻点两下取消赞", "在看", "，轻点两下取消在看"])
    page, out = kept(cleaner, text, "清水河治理三年见成效")
    assert page.verdict == CONTENT
    assert ARTICLE in out.replace("\n", "")
    for chrome in ("预览时标签不可点", "微信扫一扫", "继续滑动看下一个", "轻点两下取消赞", "mmbiz.qpic.cn"):
        assert chrome not in out


def test_a_chatbot_leftover_goes(cleaner):
    _, out = kept(cleaner, "当然，以下是一篇关于城市治理的新闻报道：\n清水河治理三年见成效\n" + ARTICLE + "\n希望以上内容对您有帮助！")
    assert "当然，以下是" not in out and "希望以上内容对您有帮助" not in out
    assert ARTICLE in out.replace("\n", "")


def test_a_learned_removal_carries_the_models_score_and_a_dotted_code(cleaner):
    text = "\n".join(["格林空调售后服务电话:400-612-8377(点击咨询)",
                      "格林空调24小时人工客服电话号码查询《2025最新》",
                      "格林空调全国统一售后维修热线(1)400-612-8377(点击咨询)(2)400-612-8377(点击咨询)",
                      "清水河治理三年见成效", ARTICLE, "阅读原文"])
    page, _ = kept(cleaner, text)
    hotline = [r for r in page.removals if r.start == 0]
    assert hotline, page.explain()
    assert hotline[0].end >= len("格林空调售后服务电话:400-612-8377")
    assert 0.5 < hotline[0].detail["score"] <= 1.0
    assert hotline[0].code.startswith("spam.")
    assert all(r.code.count(".") == 1 for r in page.removals)


@pytest.mark.xfail(strict=True, reason=(
    "known weakness of the ninth round's model (issue 11 notes): on this three-line page it scores the "
    "lone hotline title 0.66, under its 0.775 threshold (with the doorway's other lines around it, "
    "test_a_hotline_doorway_above_an_article_loses_the_doorway, it goes); on the validation pages it "
    "removes more hotline junk than the models before (news 0.734 against 0.595 and 0.614)"))
def test_a_lone_hotline_title_above_a_short_article_goes(cleaner):
    _, out = kept(cleaner, "\n".join(["格林空调售后服务电话:400-612-8377(点击咨询)", ARTICLE, "阅读原文"]))
    assert "400-612-8377" not in out
    assert ARTICLE in out.replace("\n", "")
