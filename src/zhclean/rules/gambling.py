"""spam.gambling_porn_ad: gambling, porn and black-market injections, also mid-sentence."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Iterator

import ahocorasick
import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page, build_automaton

#: Terms that name a gambling/porn service (not the crime: "开设赌场罪" is legal news).
TERMS = (
    "威尼斯人", "葡京", "新葡京", "金沙娱乐", "金沙城", "金沙国际", "银河娱乐", "太阳城", "永利皇宫", "永利娱乐",
    "皇冠体育", "皇冠网", "皇冠现金", "现金网", "娱乐城", "真人娱乐", "真人视讯", "真人百家乐", "百家乐",
    "时时彩", "北京赛车", "北京pk10", "pk10", "幸运飞艇", "六合彩", "特码", "铁算盘", "心水论坛", "挂牌",
    "九五至尊", "博彩", "网投", "赌博网站", "棋牌游戏", "棋牌平台", "捕鱼游戏", "电子游艺", "老虎机",
    "彩票平台", "彩票网", "体育投注", "投注平台", "娱乐平台", "娱乐网址", "注册送", "开户送", "首存送",
    "存送", "彩金", "返水", "代开发票", "办证刻章", "成人视频", "色情网站", "一夜情", "约炮", "裸聊",
    "av网站", "黄色网站", "福利视频", "小姐上门", "上门服务", "包夜", "赌球", "外围",
)
#: Terms that only count together with another hit on the same page.
WEAK_TERMS = frozenset({"挂牌", "外围", "特码", "存送", "彩金", "返水", "上门服务", "网投", "博彩",
                        "一夜情", "约炮", "太阳城", "包夜", "赌球", "老虎机"})
#: Suffixes that extend an injected name ("王者威尼斯人现金网网址：").
_SUFFIX = regex.compile(
    r"(?:官方网站|官网|网址|网站|平台|现金网|娱乐城|娱乐|国际|体育|app|手机版|登录|注册|开户|入口|下载|赌场|在线|"
    r"网页版|首页|地址|[a-z0-9]{2,12}\.(?:com|net|cc|vip|top|xyz|me)|www\.[a-z0-9.\-]{2,30}){0,4}\s*[:：]?"
)
_PREFIX_CHARS = 4


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    return build_automaton((term, term) for term in TERMS)


@dataclass(frozen=True)
class GamblingInjection:
    """Casino, lottery-tip and porn/black-market names, dropped as spans wherever they
    occur: an injected "王者威尼斯人现金网网址：" inside a news sentence loses just that span
    (a short brand prefix and the 官网/网址 suffixes go with it).
    Must keep: legal news about gambling ("开设赌场罪", "赌博"): those words are not terms.
    Weak terms (特码, 挂牌, 博彩, …) count only when a strong term is on the page."""

    code: ClassVar[str] = "spam.gambling_porn_ad"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (TERMS,)

    def find(self, page: Page) -> Iterator[Removal]:
        if not page.sentences_with(TERMS):
            return  # no term anywhere (every non-space character is in some sentence)
        view = page.view
        hits = [(end - len(term) + 1, end + 1, term) for end, term in _automaton().iter(view)]
        if not any(term not in WEAK_TERMS for _, _, term in hits):
            return
        for start, end, term in hits:
            # a short Han brand prefix glued to the name, up to punctuation
            lo = start
            while lo > start - _PREFIX_CHARS and lo > 0 and "\u4e00" <= view[lo - 1] <= "\u9fff":
                lo -= 1
            if start - lo >= _PREFIX_CHARS:
                lo = start
            m = _SUFFIX.match(view, end)
            hi = m.end() if m else end
            yield Removal(lo, hi, self.code, {"term": term})
