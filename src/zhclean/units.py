"""The units that the context decisions are made over (`zhclean.context`), their states and
roles as neighbours, and the thresholds of those decisions (`ContextPolicy`)."""
from __future__ import annotations

from dataclasses import dataclass

from zhclean.document import Segment

JUNK, SOFT, GOOD, NEUTRAL = "junk", "soft", "good", "neutral"
SPAM, ANCHOR, EDGE = "spam", "anchor", "edge"

TRANSPARENT_CODES = frozenset({"boilerplate.ui_junk", "artifact.llm"})
ANCHOR_CODES = frozenset({"meta.byline", "boilerplate.listing_meta"})


@dataclass(frozen=True)
class ContextPolicy:
    """Thresholds of the context decisions (see the module docstring)."""

    #: A unit counts as junk when hard removals cover this share of its characters.
    junk_share: float = 0.5
    #: What is left of a junk unit is dropped with it when it has at most this many Han
    #: characters (a "(点击咨询)" remnant, a comma).
    remnant_han: int = 3
    #: Prose: at least this many Han characters and a sentence ending ...
    prose_han: int = 10
    #: ... or this many and a full stop ("两人举行了婚礼。", "会食で訪問。"): a statement, which
    #: headlines and menu items (ending in ！？ or nothing) are not.
    statement_han: int = 6
    #: ... or this many Han characters with punctuation inside (hard-wrapped article lines).
    prose_han_unended: int = 15
    #: Or simply this many Han characters.
    long_han: int = 40
    #: Or, in Japanese, this many hiragana (particles and endings: grammar, not labels) making
    #: up at least this share of the CJK characters ("買ってしまいました"; not "記事一覧",
    #: "続きを見る"). Tuned on the Japanese pages of the dev set (a lower share lets sidebar
    #: headlines in).
    kana_prose_hiragana: int = 5
    kana_prose_share: float = 0.6
    #: A line of at most `kana_phrase_chars` characters with at least this many hiragana,
    #: making up this share of its CJK characters, is a phrase of such prose ("と鏡の前で"): it
    #: costs nothing in `article_blocks`. (Longer lines with less hiragana are often the
    #: headlines of a sidebar: "…で話題の品".) Tuned on the Japanese pages of the dev set.
    kana_phrase_hiragana: int = 2
    kana_phrase_share: float = 0.25
    kana_phrase_chars: int = 12
    #: Top-of-page runs of at least this many whole lines keep only their last line.
    top_run_lines: int = 2
    #: Bottom-of-page runs of at least this many whole lines are dropped.
    bottom_run_lines: int = 3
    #: Spam share of the page above which a page with no prose left is emptied.
    residue_share: float = 0.5
    #: Article blocks (see `article_blocks`) are looked for on pages of at least this many lines.
    block_min_lines: int = 8
    #: ... and only where prose makes up at least this share of the page (schedules, code
    #: listings and tables are left to the other decisions).
    block_min_good_share: float = 0.1
    #: A table or list right under a block's last prose line joins the block when at least
    #: `table_rows` of its units, and `table_share` of them, are rows (`zhclean.blocks`).
    table_rows: int = 5
    table_share: float = 0.6
    #: Under a line that introduces a list ("…如下："), lines of at most this many characters
    #: count as its items (rows) in that test.
    item_chars: int = 40
    #: Score per character of a junk unit, of a short (≤ `short_chars`) neutral or soft unit,
    #: and of a longer one (table rows, code, lists: often content).
    junk_penalty: float = 1.0
    short_chars: int = 20
    short_penalty: float = 0.8
    long_penalty: float = 0.15
    #: Lines of a code listing (see `_code_lines`): at most this share of CJK characters
    #: outside quoted strings. They score nothing.
    code_max_cjk_share: float = 0.3
    #: A further block is kept when it scores this share of the best block, and at least
    #: `min_block_score`.
    second_block_share: float = 0.15
    min_block_score: float = 30.0
    #: Two blocks are joined when the units between them hold no junk but bylines and UI
    #: remnants and at least this share of them are prose or rows (`zhclean.blocks._bridged`).
    bridge_share: float = 0.35


@dataclass(slots=True)
class Unit:
    seg: Segment
    state: str
    code: str | None = None
    covered: int = 0
    size: int = 0
    whole_line: bool = False
    given_title: bool = False  # the first line that is the page's given title (see `_given_title`)
    outside: bool = False  # outside every article block
    words: int = 0  # CJK characters, counted for the units judged as prose (GOOD)

    @property
    def role(self) -> str | None:
        """How this unit acts as a neighbour."""
        if self.state == GOOD:
            return GOOD
        if self.state != JUNK:
            return None
        if self.code in TRANSPARENT_CODES:
            return None
        if self.code in ANCHOR_CODES:
            return ANCHOR
        return SPAM
