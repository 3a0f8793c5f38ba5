"""The rule catalogue: every rule, in the order it runs. One explicit line per rule.

`tests/test_rules_catalogue.py` checks that the rule files on disk and this catalogue agree.
"""
from __future__ import annotations

from zhclean.rules.byline import Byline
from zhclean.rules.cta import CallToAction
from zhclean.rules.footer import FooterSentence
from zhclean.rules.gambling import GamblingInjection
from zhclean.rules.garbled import GarbledLine
from zhclean.rules.hotline import HotlineSegment
from zhclean.rules.keyword_list import KeywordList
from zhclean.rules.listing_meta import ComplaintForm, ListingField
from zhclean.rules.llm_artifact import ChatbotLeftover
from zhclean.rules.marketing import MarketingSentence
from zhclean.rules.nav import NavigationLine, NavigationPhrase
from zhclean.rules.off_topic import OffTopicRun
from zhclean.rules.post_header import PostHeader
from zhclean.rules.ranked_list import RankedList
from zhclean.rules.region_list import RegionList, RegionListRunOn
from zhclean.rules.related import HeadlineRun, RelatedLinks
from zhclean.rules.seo_title import SeoTitle
from zhclean.rules.spliced_page import SplicedPage
from zhclean.rules.stuffed_page import StuffedPage
from zhclean.rules.ui_junk import InterfacePhrase, InterfaceText
from zhclean.rules.unpunctuated_run import RepeatedLinkStretch, UnpunctuatedRun

#: Rules that judge one segment at a time (`check(seg, page)`).
SEGMENT_RULES = (
    HotlineSegment,
    RegionList,
    KeywordList,
    UnpunctuatedRun,
    ListingField,
    NavigationLine,
    FooterSentence,
    InterfaceText,
    ChatbotLeftover,
    MarketingSentence,
)

#: Rules that scan the whole page for spans (`find(page)`).
SPAN_RULES = (
    GarbledLine,
    SeoTitle,
    GamblingInjection,
    CallToAction,
    Byline,
    PostHeader,
    NavigationPhrase,
    InterfacePhrase,
    RelatedLinks,
    HeadlineRun,
    RankedList,
    OffTopicRun,
    RepeatedLinkStretch,
    ComplaintForm,
    RegionListRunOn,
)

#: Rules that judge the whole page after the others (`judge(page, removals)`).
PAGE_RULES = (
    SplicedPage,
    StuffedPage,
)

CATALOGUE = {cls.__name__: cls for cls in SEGMENT_RULES + SPAN_RULES + PAGE_RULES}

__all__ = ["CATALOGUE", "PAGE_RULES", "SEGMENT_RULES", "SPAN_RULES"]
