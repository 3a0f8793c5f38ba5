"""spam.marketing_template: generic service-promise sentences of spam templates (soft)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import SOFT, Page

LEXICON = regex.compile(
    r"我们(?:将|的|会|还|始终|一直|拥有|提供|承诺|秉承)|本(?:公司|中心|店|站|集团|平台)|竭诚|为您|您的|客户"
    r"|师傅|上门|持证上岗|收费透明|价格合理|价格实惠|明码标价|全面(?:的)?(?:检测|检查)|一站式|专业(?:团队|技术|人员|维修)"
    r"|快速响应|响应迅速|及时(?:上门|响应)|质保|保修|原厂(?:配件)?|正品|售后无忧|放心|省心|满意|优质(?:服务|的服务)?"
    r"|欢迎(?:来电|致电|咨询|选购|光临)|诚信|服务宗旨|客户至上|贴心|周到|高效|便捷|免费(?:上门|检测|咨询|提供)"
    r"|经验丰富|技术精湛|值得信赖|品质保障|全国(?:联保|连锁)|(?:延长|提高)(?:家电|设备)?(?:的)?使用寿命|预防故障"
    r"|厂家直销|加盟|招商|优惠|特价|包邮|领取|抢购"
    # 代理 as a trade (代理商, 诚招代理, 代理加盟), not a network proxy ("设置代理", "代理服务器")
    # or an agent in law and business news ("代理律师", "货运代理人")
    r"|代理(?:商|加盟)|(?:诚招|招募|招收|诚征|寻求)代理"
    # the maintenance advice of repair-service templates: 定期对热水器进行保养…减少故障发生
    r"|定期(?:对[^，。,\n]{1,8})?(?:进行)?(?:保养|维护|清洗|检修)|减少故障|故障(?:的)?发生"
)
#: Self-description words: common in news too, so they never suffice alone (no density rule).
SELF_PROMOTION = regex.compile(
    # a company describing itself: 本集团秉承…原则, 是一家集…于一体的综合性公司, 合作伙伴遍布全球
    r"秉承|(?:互利)?(?:共赢|双赢)|合作伙伴|遍布(?:全球|全国|海内外)|百年基业|铸就|(?:是|为)一家|[于为]一体的?"
    r"|综合性(?:集团)?(?:公司|企业)|立足于|致力于|引领|权威(?:性|的)?|(?:实力|资产)(?:最)?雄厚|资质"
    r"|知名(?:企业|品牌|机构)|优秀企业|高端|发展之本"
    # a local news account describing itself: 全力打造的新形态媒体, 了解家乡第一信息的窗口
    r"|(?:全力|倾力|精心)打造|(?:新形态|新型|主流|本地)媒体|信息(?:的)?窗口|服务大众|便民(?:百姓|利民)"
    r"|(?:抢先|第一时间)(?:资讯|报道|发布)"
)

#: Every lexicon match contains one of these.
CUES = ("我们", "本公司", "本中心", "本店", "本站", "本集团", "本平台", "竭诚", "为您", "您的", "客户", "师傅",
        "上门", "持证", "收费", "价格", "明码", "全面", "一站式", "专业", "响应", "及时", "质保", "保修",
        "原厂", "正品", "无忧", "放心", "省心", "满意", "优质", "欢迎", "诚信", "宗旨", "至上", "贴心",
        "周到", "高效", "便捷", "免费", "经验", "精湛", "信赖", "品质", "全国", "使用寿命", "预防故障",
        "厂家", "加盟", "代理", "招商", "优惠", "特价", "包邮", "领取", "抢购", "定期", "故障",
        "秉承", "共赢", "双赢", "合作伙伴", "遍布", "百年基业", "铸就", "一家", "一体", "综合性", "立足于",
        "致力于", "引领", "权威", "雄厚", "资质", "知名", "优秀企业", "高端", "发展之本", "打造", "媒体",
        "窗口", "服务大众", "便民", "抢先", "第一时间")


@dataclass(frozen=True)
class MarketingSentence:
    """A sentence dense in service-advertising words (我们将, 师傅, 上门, 收费透明, 竭诚为您…):
    at least `min_hits` lexicon hits, or `min_density` hits per 10 Han characters.
    Also a company's self-description (本集团秉承…, 是一家集…于一体的综合性公司, 合作伙伴遍布
    全球) on an SEO page, and a local news account's (全力打造的新形态媒体, 了解家乡第一信息的
    窗口, 服务大众、便民百姓) above its follow prompt: those words are common in news, so they
    count toward `min_hits` only (a headline with one 合作伙伴 or 权威 is not marketing).
    Soft: `zhclean.context` drops it only next to spam; consumer news that quotes such a
    sentence inside an article keeps it. Lexicon: research/spam-taxonomy.md §2.4 and §2.10.
    Must keep: informative product and service descriptions written as prose, and consumer
    news quoting such promises (protected by the article around them)."""

    code: ClassVar[str] = "spam.marketing_template"
    strength: ClassVar[str] = SOFT
    trigger: ClassVar[regex.Pattern | None] = None
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    cues: ClassVar[tuple[str, ...]] = CUES
    min_hits: int = 2
    min_density: float = 0.5

    def check(self, seg: Segment, page: Page) -> Removal | None:
        view = page.view_of(seg)
        hits = LEXICON.findall(view)
        promotion = SELF_PROMOTION.findall(view)
        if not hits and len(promotion) < self.min_hits:
            return None
        density = 10 * len(hits) / max(page.han_count(seg.start, seg.end), 1)
        if len(hits) + len(promotion) >= self.min_hits or density >= self.min_density:
            return Removal(seg.start, seg.end, self.code,
                           {"hits": (hits + promotion)[:6], "density": round(density, 2)})
        return None
