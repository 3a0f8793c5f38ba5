"""Write examples/labelled.jsonl: the bundled sample pages, labelled for `zhclean eval`.

Labels follow the policy the project is measured by (KEEP genuine content; DROP spam and
boilerplate, each span with its kind) and the shared label format: ``id``, ``text``, ``drop``
(``[[start, end, kind], ...]`` offsets into ``text``), ``gold`` (the text that should remain)
and ``verdict`` (``content`` or ``all_spam``). Offsets are computed here from the junk
substrings, in page order, so the labels follow any edit of make_pages.py: run
``python examples/make_pages.py && python examples/make_labelled.py``. Only pages with a string
``text`` are labelled (the empty page included: it has nothing to keep or drop).

Judgement calls, for whoever edits these: a phone number inside an article sentence
(可拨打12345热线反映, 拨打图书馆服务电话…反映) and the list of library branches are content;
"本报讯" stays with its lead sentence; "最佳答案：" and "产品介绍：" read as the page's own
subheadings and are kept; the injected casino name is dropped as a span inside its sentence.
"""
import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("make_pages", HERE / "make_pages.py")
pages_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pages_module)

#: The first spam template, line by line (kinds as the labellers of the shared data use them:
#: lines carrying a hotline number are hotline, the "全国服务区域:" header belongs to the list).
TEMPLATE_A = [
    ("格林空调售后服务电话:400-6128-377(点击咨询)", "hotline"),
    ("格林空调24小时人工客服电话号码查询", "seo_title"),
    ("格林空调全国统一售后维修热线《2025最新》(1)400-6128-377(点击咨询)(2)400-6128-377(点击咨询)", "hotline"),
    ("格林空调24小时售后客服热线电话《2025汇总》(1)400-6128-377(点击咨询)", "hotline"),
    ("格林空调维修网点查询", "seo_title"),
    ("我们的师傅均经过专业培训，持证上岗，上门速度快，收费透明合理。", "marketing_template"),
    ("维修完成后，我们将对设备进行全面检测，确保设备正常运行，让您用得放心。", "marketing_template"),
    ("格林空调维修服务电话全国服务区域:", "region_list"),
    ("杭州市西湖区、宁波市鄞州区、温州市乐清市、绍兴市柯桥区、湖州市长兴县、嘉兴市海宁市、金华市义乌市", "region_list"),
    ("成都市武侯区、绵阳市涪城区、南充市顺庆区、宜宾市翠屏区、泸州市江阳区、达州市通川区", "region_list"),
    ("长沙市岳麓区、株洲市荷塘区、湘潭市雨湖区、衡阳市蒸湘区、岳阳市岳阳楼区、常德市武陵区、郴州市北湖区", "region_list"),
    ("当然，以下是一篇关于城市治理的新闻报道：", "llm_artifact"),
]

TEMPLATE_B = [
    ("美顺热水器官方网站|美顺热水器售后|美顺热水器全国客服电话", "seo_title"),
    ("美顺热水器维修电话 24小时服务热线 800-830-6626 立即预约", "hotline"),
    ("美顺热水器售后服务中心地址查询(今日更新)", "seo_title"),
    ("服务网点覆盖:广州市天河区 深圳市南山区 东莞市 佛山市顺德区 珠海市香洲区 中山市 江门市蓬江区", "region_list"),
    ("专业维修团队，快速响应，一站式服务，竭诚为您服务！", "marketing_template"),
    ("客服微信：meishun_kefu2025 QQ：2850016631", "hotline"),
]

RIVER = [("□ 本报记者 周晓宁", "byline"), ("【编辑:韩雪】", "byline")]
LIBRARY = [("责任编辑：陈思远", "byline")]

#: Junk substrings per page, in the order they occur.
JUNK: dict[str, list[tuple[str, str]]] = {
    "spam-wrapped-news": TEMPLATE_A + RIVER,
    "clean-library-news": LIBRARY,
    "gambling-injected": [
        ("原标题：", "byline"),
        ("金沙娱乐城官网网址：", "gambling_porn_ad"),
        ("来源：山城晚报，", "byline"),
        ("如涉及作品内容、版权和其它问题，请及时联系，我们将尽快处理。", "footer"),
        ("返回搜狐，查看更多", "nav"),
        ("责任编辑：", "byline"),
    ],
    "flattened-school": [
        ("首页 > 教育 > 正文", "nav"),
        ("2024-05-12 10:23 来源：晨光网 阅读量 1.2万", "byline"),
        ("展开全文", "ui_junk"),
        ("阅读原文", "ui_junk"),
        ("点赞 在看", "cta"),
        ("分享到：", "ui_junk"),
        ("长按识别二维码，关注我们获取更多精彩内容", "cta"),
        ("相关新闻：", "related"),
        ("县教育局召开春季开学工作会议", "related"),
        ("暑期防溺水安全教育进校园", "related"),
        ("版权所有 © 2024 晨光网 浙ICP备12345678号-1", "footer"),
    ],
    "forum-answer": [
        ("您的位置：首页 > 问答 > 家居生活", "nav"),
        ("提问者：小麦子 2023-12-03", "byline"),
        ("上一篇：新买的铁锅怎么开锅", "nav"),
        ("下一篇：木地板起拱了怎么修", "nav"),
        ("免责声明：本站内容来自网友提供，仅供参考，不代表本站观点。", "footer"),
    ],
    "product-listing": [
        ("价格：399.00元", "listing_meta"),
        ("最小起订：1台", "listing_meta"),
        ("供货总量：5000台", "listing_meta"),
        ("发送询价 举报该信息", "listing_meta"),
    ],
    "doorway-only": [
        ("顺达燃气灶售后维修电话400-9918-230(点击咨询)", "hotline"),
        ("顺达燃气灶24小时服务热线《2025汇总》(1)400-9918-230(2)400-9918-230", "hotline"),
        ("顺达燃气灶全国售后服务网点查询", "seo_title"),
        ("顺达燃气灶维修服务电话全国服务区域:", "region_list"),
        ("南京市玄武区、苏州市吴中区、无锡市梁溪区、常州市武进区、南通市海门区、扬州市江都区、徐州市铜山区", "region_list"),
        ("合肥市蜀山区、芜湖市镜湖区、蚌埠市龙子湖区、安庆市大观区、滁州市琅琊区、马鞍山市花山区", "region_list"),
        ("我们将竭诚为您提供优质、高效的维修服务，欢迎来电咨询！", "marketing_template"),
    ],
    "spam-wrapped-news-repost": TEMPLATE_B + RIVER,
    "spam-wrapped-library": TEMPLATE_A + LIBRARY,
    "empty-page": [],
}

ALL_SPAM = {"doorway-only"}


def locate(text: str, junk: list[tuple[str, str]], page_id: str) -> list[list]:
    """Offsets of each junk substring, searched in order from the end of the previous one."""
    drop, pos = [], 0
    for snippet, kind in junk:
        start = text.find(snippet, pos)
        if start < 0:
            raise SystemExit(f"{page_id}: {snippet!r} not found after offset {pos}; "
                             "update JUNK to match make_pages.py")
        drop.append([start, start + len(snippet), kind])
        pos = start + len(snippet)
    return drop


def gold_text(text: str, drop: list[list]) -> str:
    """The text with the dropped spans cut out and blank lines removed."""
    kept, pos = [], 0
    for start, end, _kind in drop:
        kept.append(text[pos:start])
        pos = end
    kept.append(text[pos:])
    lines = (line.strip() for line in "".join(kept).split("\n"))
    return "\n".join(line for line in lines if line)


def labelled_pages() -> list[dict]:
    out = []
    for page in pages_module.PAGES:
        if not isinstance(page.get("text"), str):
            continue
        if page["id"] not in JUNK:
            raise SystemExit(f"{page['id']}: no labels; add it to JUNK in make_labelled.py")
        drop = locate(page["text"], JUNK[page["id"]], page["id"])
        out.append({"id": page["id"], "text": page["text"], "drop": drop,
                    "gold": gold_text(page["text"], drop),
                    "verdict": "all_spam" if page["id"] in ALL_SPAM else "content"})
    return out


def main() -> None:
    with open(HERE / "labelled.jsonl", "w", encoding="utf-8") as out:
        for page in labelled_pages():
            out.write(json.dumps(page, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
