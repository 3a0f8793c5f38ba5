"""boilerplate.listing_meta: marketplace listing fields (价格：, 最小起订：, 发送询价) and
complaint-form blocks (姓 名 … 投诉类别 … 投诉内容)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, han_count

FIELD = regex.compile(
    r"^(?:价格|单价|报价|批发价|零售价|市场价|产地|品牌|型号|规格|产品规格|规格型号|材质|包装|库存|保质期|货号|净含量|"
    r"最小起订(?:量)?|起订量|起批量|起批|供货总量|供应总量|所在地区|"
    r"发货期限|发货地|所在地|有效期至|有效期|更新时间|计价单位|销售区域|主营产品|经营产品)\s*[:：]"
    r"|^(?:发送询价|立即询价|举报该信息|联系卖家|加入购物车|立即购买|推荐产品[:：]?)"
)

#: Every FIELD match contains one of these (its field names and button labels).
FIELD_CUES = ("价格", "单价", "报价", "批发价", "零售价", "市场价", "产地", "品牌", "型号", "规格", "保质期", "货号",
              "净含量", "起批", "所在地区", "材质", "包装", "库存", "最小起订", "起订量",
              "供货总量", "供应总量", "发货期限", "发货地", "所在地", "有效期", "更新时间", "计价单位", "销售区域",
              "主营产品", "经营产品", "发送询价", "立即询价", "举报该信息", "联系卖家", "加入购物车", "立即购买",
              "推荐产品")


@dataclass(frozen=True)
class ListingField:
    """A short segment that is one field of a product listing.
    Must keep: product descriptions written as prose ("产品介绍：这款电饭煲采用…"): only
    short segments (< `max_han` Han characters after the label) count."""

    code: ClassVar[str] = "boilerplate.listing_meta"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    cues: ClassVar[tuple[str, ...]] = FIELD_CUES
    max_han: int = 20

    def check(self, seg: Segment, page: Page) -> Removal | None:
        m = FIELD.search(page.view_of(seg))
        if m and han_count(seg.text[m.end():]) < self.max_han:
            return Removal(seg.start, seg.end, self.code, {"field": m[0].rstrip(":：")})
        return None


def _spaced(word: str) -> str:
    """A label whose characters a form may space out ("姓 名", "联 系 人")."""
    return r"\s?".join(regex.escape(c) for c in word)


_FORM_LABELS = ("投诉者情况", "投诉人信息", "投诉人", "投诉类别", "投诉对象情况", "投诉对象名称", "投诉对象",
                "投诉内容", "投诉请求", "举报人", "举报对象", "举报类别", "举报内容", "姓名", "性别", "电话",
                "手机", "地址", "联系人", "email", "e-mail", "邮箱")
FORM_LABEL = regex.compile("|".join(_spaced(w) for w in _FORM_LABELS))
_CASE_LABEL = regex.compile(r"^(?:投诉|举报)")
_PROSE_MARK = regex.compile(r"[。！？!?；;，,]")
_GUIDANCE = regex.compile(r"\s*[(（][^()（）\n]{0,40}[)）]")


@dataclass(frozen=True)
class ComplaintForm:
    """A complaint or report form pasted above its text: at least `min_labels` form labels
    (姓 名, 电 话, 地 址, 投诉类别, 投诉对象名称, 联 系 人, 投诉内容 …), at most `max_gap`
    characters apart, `min_case_labels` of them naming the complaint (投诉…/举报…), with no
    sentence punctuation between the first and the last (a form, not prose). The span
    runs from the first label to the last one (and its bracketed guidance); the complaint
    text after it stays. LABELS.md: contact fields as a complaint-form block are junk.
    Must keep: contact fields of an official document (no 投诉/举报 labels), a regulation
    about 举报人 and 被举报人 (sentences), and a news sentence naming a complainant."""

    code: ClassVar[str] = "boilerplate.listing_meta"
    strength: ClassVar[str] = HARD
    min_labels: int = 5
    min_case_labels: int = 2
    max_gap: int = 60

    def find(self, page: Page) -> Iterator[Removal]:
        view = page.view
        if "投诉" not in view and "举报" not in view:
            return
        block: list = []
        for m in list(FORM_LABEL.finditer(view)) + [None]:
            if m is not None and (not block or m.start() - block[-1].end() <= self.max_gap):
                block.append(m)
                continue
            removal = self._judge(view, block)
            if removal is not None:
                yield removal
            block = [m] if m is not None else []

    def _judge(self, view: str, block: list) -> Removal | None:
        labels = [regex.sub(r"\s", "", m[0]) for m in block]
        cases = sum(1 for label in labels if _CASE_LABEL.match(label))
        if len(labels) < self.min_labels or cases < self.min_case_labels:
            return None
        end = block[-1].end()
        if _PROSE_MARK.search(view, block[0].start(), end):
            return None  # labels used in sentences: a regulation about 举报人, not a form
        if guidance := _GUIDANCE.match(view, end):
            end = guidance.end()
        return Removal(block[0].start(), end, self.code, {"form_labels": len(labels), "first": labels[0]})
