"""boilerplate.listing_meta: marketplace listing fields (价格：, 最小起订：, 发送询价)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, han_count

FIELD = regex.compile(
    r"^(?:价格|单价|报价|产地|品牌|型号|规格|材质|包装|库存|最小起订(?:量)?|起订量|供货总量|供应总量|"
    r"发货期限|发货地|所在地|有效期至|有效期|更新时间|计价单位|销售区域|主营产品|经营产品)\s*[:：]"
    r"|^(?:发送询价|立即询价|举报该信息|联系卖家|加入购物车|立即购买|推荐产品[:：]?)"
)

#: Every FIELD match contains one of these (its field names and button labels).
FIELD_CUES = ("价格", "单价", "报价", "产地", "品牌", "型号", "规格", "材质", "包装", "库存", "最小起订", "起订量",
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
    cues: ClassVar[tuple[str, ...]] = FIELD_CUES
    max_han: int = 20

    def check(self, seg: Segment, page: Page) -> Removal | None:
        m = FIELD.search(page.view_of(seg))
        if m and han_count(seg.text[m.end():]) < self.max_han:
            return Removal(seg.start, seg.end, self.code, {"field": m[0].rstrip(":：")})
        return None
