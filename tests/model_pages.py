"""Labelled pages for the model's tests, written for this project (never copied from real
pages): spam templates, page chrome and article sentences, each fragment with the kind a
labeller following LABELS.md gives it (None: content), composed into pages by a seeded
generator with their `drop` offsets."""
from __future__ import annotations

import random
from typing import Any

JUNK: dict[str, tuple[str, ...]] = {
    "hotline": (
        "格林空调售后服务电话:400-612-8377(点击咨询)",
        "美顺热水器维修电话 24小时服务热线 800-830-6626",
        "客服微信：gl_kefu888 QQ：2850016631",
        "联系电话:13912345678 王经理",
    ),
    "seo_title": (
        "格林空调24小时人工客服电话号码查询《2025最新》",
        "美顺热水器官方网站|美顺热水器售后|美顺热水器全国客服电话",
        "海尔洗衣机维修网点查询(今日更新)",
    ),
    "region_list": (
        "杭州市西湖区、宁波市鄞州区、温州市乐清市、绍兴市柯桥区、湖州市长兴县、嘉兴市海宁市",
        "服务网点覆盖:广州市天河区 深圳市南山区 东莞市 佛山市顺德区 珠海市香洲区 中山市",
    ),
    "marketing_template": (
        "我们的师傅均经过专业培训，持证上岗，上门速度快，收费透明合理。",
        "维修完成后，我们将对设备进行全面检测，确保设备正常运行，让您用得放心。",
    ),
    "cta": ("扫码关注我们，获取更多资讯", "点击下方阅读原文，立即预约"),
    "nav": ("首页 > 新闻中心 > 社会民生 > 正文", "网站首页 | 关于我们 | 新闻动态 | 产品中心 | 联系我们", "上一篇：我市召开秋季森林防火工作会议"),
    "footer": ("Copyright © 2008-2025 城市新闻网 All Rights Reserved", "本站部分内容来源于网络，如有侵权请联系删除"),
    "byline": ("责任编辑：陈思远", "□ 本报记者 张博", "2024-05-12 14:30 来源：城市新闻网 阅读 1.2万"),
    "related": ("相关阅读", "城东新区三所学校今秋开学", "老旧小区加装电梯试点启动"),
    "gambling_porn_ad": ("威尼斯人娱乐城官网注册送彩金", "北京pk10精准计划 时时彩 快三计划加微信"),
    "ui_junk": ("阅读原文", "展开全文", "分享到："),
    "llm_artifact": ("当然，以下是一篇关于城市治理的新闻报道：", "希望以上内容对您有帮助！"),
}
ARTICLE: tuple[str, ...] = (
    "清水河治理三年见成效",
    "入冬以来，城南街道的积水点整治工程全面完工，沿线居民出行方便了许多。",
    "工程负责人介绍，明年还将继续改造老旧小区的雨污管网，计划投资一点二亿元。",
    "据市水务局介绍，这条河全长二十三公里，流经四个街道。",
    "消费者如遇到商品质量问题，可拨打12315投诉热线进行维权。",
    "经过两轮评审，获评特色小镇的有：龙泉镇、青溪镇、白沙镇、石门镇和云台镇。",
    "“三年前这里还是一条臭水沟。”她指着河面说。",
    "5月12日，北京市发布了新一轮老旧小区改造计划，涉及居民一万余户。",
    "近日，法院公开审理了一起开设赌场罪案件，被告人当庭认罪。",
    "图书馆新馆开放首周，接待读者两万余人次，少儿阅览区最受欢迎。",
    "专家建议，市民在寒潮期间注意防寒保暖，老人和儿童尽量减少外出。",
)


def page(rng: random.Random, spam: bool = False) -> tuple[str, list[list[Any]], str]:
    """One page: text, drop offsets and verdict. A spam page has no article."""
    parts: list[tuple[str, str | None]] = []
    top = rng.sample(sorted(JUNK), 3)
    for kind in top:
        parts.append((rng.choice(JUNK[kind]), kind))
    if not spam:
        parts += [(s, None) for s in rng.sample(ARTICLE, rng.randint(3, 7))]
    for kind in rng.sample(sorted(JUNK), 2):
        parts.append((rng.choice(JUNK[kind]), kind))
    text, drop, pos = [], [], 0
    for i, (fragment, kind) in enumerate(parts):
        if i:
            text.append("\n")
            pos += 1
        if kind is not None:
            drop.append([pos, pos + len(fragment), kind])
        text.append(fragment)
        pos += len(fragment)
    return "".join(text), drop, "all_spam" if spam else "content"


def labelled_pages(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text, drop, verdict = page(rng, spam=i % 6 == 5)
        out.append({"id": f"p{i:03d}", "source": "news" if i % 2 else "wechat", "text": text,
                    "drop": drop, "verdict": verdict})
    return out
