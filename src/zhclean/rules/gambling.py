"""spam.gambling_porn_ad: gambling, porn and black-market injections, also mid-sentence."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Iterator

import ahocorasick
import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page, han_count
from zhclean.rules.cues import build_automaton

#: Terms that name a gambling/porn service (not the crime: "开设赌场罪" is legal news).
TERMS = (
    "威尼斯人", "葡京", "新葡京", "金沙娱乐", "金沙城", "金沙国际", "银河娱乐", "太阳城", "永利皇宫", "永利娱乐",
    "皇冠体育", "皇冠网", "皇冠现金", "现金网", "娱乐城", "真人娱乐", "真人视讯", "真人百家乐", "百家乐",
    "时时彩", "北京赛车", "北京pk10", "pk10", "幸运飞艇", "六合彩", "特码", "铁算盘", "心水论坛", "挂牌",
    "太阳城集团", "太阳城娱乐", "九五至尊", "博彩", "网投", "赌博网站", "棋牌游戏", "棋牌平台", "捕鱼游戏", "电子游艺", "老虎机",
    "彩票平台", "彩票网", "彩票app", "在线投注", "体育投注", "投注平台", "娱乐平台", "娱乐网址", "注册送", "开户送", "首存送",
    "存送", "彩金", "返水", "代开发票", "办证刻章", "成人视频", "色情网站", "一夜情", "约炮", "裸聊",
    "av网站", "黄色网站", "福利视频", "小姐上门", "上门服务", "包夜", "赌球", "外围",
)
#: Terms that only count together with another hit on the same page.
WEAK_TERMS = frozenset({"挂牌", "外围", "特码", "存送", "彩金", "返水", "上门服务", "网投", "博彩",
                        "一夜情", "约炮", "太阳城", "包夜", "赌球", "老虎机"})
#: Suffixes that extend an injected name ("王者威尼斯人现金网网址：").
_SUFFIX = regex.compile(
    r"(?:官方网站|官网|网址|网站|平台|现金网|娱乐城|娱乐场|娱乐|国际|体育|app|手机版|登录|注册|开户|入口|下载|赌场|在线|中心|场(?!所)|"
    r"网页版|首页|地址|[a-z0-9]{2,12}\.(?:com|net|cc|vip|top|xyz|me)|www\.[a-z0-9.\-]{2,30}){0,4}\s*[:：]?"
)
_PREFIX_CHARS = 4
#: A place name (or 新) that opens an injected casino name wherever it is spliced ("…完成澳门
#: 新葡京娱乐场官网固定资产投资…", "达到新威尼斯人官网注册高度": the Han run before it is the
#: sentence's, not the brand's).
_PLACE_PREFIX = regex.compile(r"(?:(?:澳门|香港|新加坡|拉斯维加斯|菲律宾|柬埔寨|缅甸)新?|新)$")
#: A name that is a real place of the news (a resort or hotel: "澳门威尼斯人度假村今年接待
#:游客…", "葡京酒店是澳门的标志性建筑"): not an injection.
_VENUE = regex.compile(r"(?:人)?(?:度假村|度假区|酒店|大酒店|剧场|购物中心|购物广场)")
#: Promotion words of a casino ad line ("注册即送88元", "下载APP 领取新手礼包", a bare URL).
_PROMOTION = regex.compile(
    r"注册|开户|下载|送|彩金|礼包|网址|官网|app|登录|入口|线上|充值|首存|优惠|返水|https?://|www\.|\.(?:com|net|cc|vip|top|xyz)\b"
    r"|计划|稳赚|必中|包中|带单|导师|回血|加群|进群"
)
#: The promotion words after a strong name of an ad glued into running text ("…澳门某某娱乐场官网
#: www.xx.com 注册即送88元专家表示…"): taken with the name, so the ad goes whole.
_PROMO_TAIL = regex.compile(
    r"(?:\s*(?:官方网址|官方网站|官方下载|官网|最新网址|网址大全|大全|棋牌|网上娱乐|线上(?:开户|娱乐)|在线投注|开户即送|注册即送\d*元?|注册就送|注册送(?:\d+元|彩金)?"
    r"|开户送(?:\d+元|彩金)?|首存送\d+%?|最高返水[\d.]+%|(?:app)?(?:手机版)?下载(?:app|安装)?|24小时在线|领取新手礼包"
    r"|(?:https?://)?(?:www\.)?[a-z0-9\-]{2,20}\.(?:com|net|cc|vip|top|xyz|me)(?:/\S*)?))+"
)
_LITERAL_BREAKS = regex.compile(r"(?:(?:\\r)?\\n)*")  # (a literal "\r\n" too: normalize unescapes both)
_SENTENCE_END = regex.compile(r"[。！？!?]\s*$")


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    return build_automaton((term, term) for term in TERMS)


@dataclass(frozen=True)
class GamblingInjection:
    """Casino, lottery-tip and porn/black-market names, dropped as spans wherever they
    occur: an injected "王者威尼斯人现金网网址：" inside a news sentence loses just that span
    (a short brand prefix and the 官网/网址 suffixes go with it).
    Must keep: legal news about gambling ("开设赌场罪", "赌博"): those words are not terms.
    Weak terms (特码, 挂牌, 博彩, …) count only when a strong term is on the page.
    Also keep: a casino resort or hotel named in news ("澳门威尼斯人度假村今年接待游客…",
    "葡京酒店是澳门的标志性建筑"): a term followed by 度假村/酒店/… is a place, not a hit."""

    code: ClassVar[str] = "spam.gambling_porn_ad"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (TERMS,)
    max_ad_line_chars: int = 60
    max_ad_line_han: int = 16

    def find(self, page: Page) -> Iterator[Removal]:
        if not page.sentences_with(TERMS):
            return  # no term anywhere (every non-space character is in some sentence)
        view = page.view
        hits = [(end - len(term) + 1, end + 1, term) for end, term in _automaton().iter(view)
                if not _VENUE.match(view, end + 1)]
        if not any(term not in WEAK_TERMS for _, _, term in hits):
            return
        spans = []
        for start, end, term in hits:
            # a short Han brand prefix glued to the name, up to punctuation
            lo = start
            while lo > start - _PREFIX_CHARS and lo > 0 and "\u4e00" <= view[lo - 1] <= "\u9fff":
                lo -= 1
            if start - lo >= _PREFIX_CHARS:
                lo = start
            if place := _PLACE_PREFIX.search(view, max(0, start - 5), start):
                lo = min(lo, place.start())
            m = _SUFFIX.match(view, end)
            hi = m.end() if m else end
            spans.append((lo, hi, term))  # the name: an ad line is judged by what it says besides
            if term not in WEAK_TERMS and (tail := _PROMO_TAIL.match(view, hi)):
                hi = tail.end()
            # (with a literal "\n" right after it, left as text where a digit follows: the
            # text after the span must not start with one, or cleaning it again unescapes it)
            hi = _LITERAL_BREAKS.match(view, hi).end()
            yield Removal(lo, hi, self.code, {"term": term})
        yield from self._ad_lines(page, spans)

    def _ad_lines(self, page: Page, spans: list[tuple[int, int, str]]) -> Iterator[Removal]:
        """A short line (≤ `max_ad_line_chars`, no sentence ending) that names a casino
        (a strong term) and, outside that name, only promotes it: "澳门某某娱乐场官网
        www.xx8888.com 注册即送88元", "某某棋牌 下载APP 领取新手礼包". The whole line goes.
        Must keep: a news sentence about a casino city (it ends like a sentence or is longer)."""
        strong = [(lo, hi) for lo, hi, term in spans if term not in WEAK_TERMS]
        for k in page.sentences_with(TERMS):
            seg = page.sentences[k]
            if len(seg) > self.max_ad_line_chars or _SENTENCE_END.search(seg.text):
                continue
            inside = [(max(lo, seg.start), min(hi, seg.end)) for lo, hi in strong if lo < seg.end and hi > seg.start]
            if not inside:
                continue
            rest = list(page.view[seg.start:seg.end])
            for lo, hi in inside:
                rest[lo - seg.start:hi - seg.start] = " " * (hi - lo)
            rest = "".join(rest)
            if _PROMOTION.search(rest) and han_count(rest) <= self.max_ad_line_han:
                yield Removal(seg.start, seg.end, self.code, {"ad_line": page.view[inside[0][0]:inside[0][1]][:20]})
