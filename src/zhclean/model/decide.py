"""Turn the model's judgement of a page into removals.

* A unit the model judges junk goes whole, with ``detail.score`` (the model's probability of
  junk). Its reason code is that of the rule whose removal covered most of it, when one
  covered at least half (``detail.rule``), else that of the kind the model predicts
  (`KIND_CODES`).
* A unit the model keeps keeps it all, except the rules' spans *inside* it: a removal that
  covers less than `max_inner_share` of the unit (an injected casino name, a trailing
  reporter credit, a contact glued to a sentence) stays, with its own code and evidence. A
  rule's removal of most or all of a unit the model keeps is overruled.
* A page the model judges to hold no genuine content loses every unit; each removal then
  also carries the page's score (``page``).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from zhclean.document import Removal, merge_removals
from zhclean.model.features import Units
from zhclean.model.junk_model import KIND_CODES, Judgement

#: Rule codes that name a kind of junk: a unit the model drops, most of which such a rule
#: removed, keeps that rule's code (the rules are precise about kinds; the model's kind head
#: names the rest).
RULE_KINDS = frozenset(KIND_CODES.values()) | {"spam.spliced", "spam.off_topic", "spam.keyword_stuffing",
                                               "boilerplate.link_run", "boilerplate.edge_block",
                                               "artifact.mojibake", "spam.residue"}
#: A rule's removal inside a unit the model keeps stays when it covers less than this share
#: of the unit's characters.
MAX_INNER_SHARE = 0.5


def model_removals(units: Units, judgement: Judgement, kinds: Sequence[str],
                   rules: Sequence[Removal], max_inner_share: float = MAX_INNER_SHARE) -> tuple[Removal, ...]:
    out: list[Removal] = []
    starts, ends = units.starts, units.ends
    junk = np.ones(len(units), dtype=bool) if judgement.all_junk else judgement.junk_units
    rules = sorted(rules, key=lambda r: r.start)
    rule_starts = np.array([r.start for r in rules], dtype=np.int64)
    for u in range(len(units)):
        s, e = int(starts[u]), int(ends[u])
        # the rules' removals overlapping this unit, clipped to it
        inner: list[Removal] = []
        k = max(int(np.searchsorted(rule_starts, s, side="right")) - 1, 0)
        while k < len(rules) and rules[k].start < e:
            r = rules[k]
            lo, hi = max(r.start, s), min(r.end, e)
            if hi > lo:
                inner.append(r if (lo, hi) == (r.start, r.end) else Removal(lo, hi, r.code, r.detail))
            k += 1
        if junk[u]:
            detail = {"score": round(float(judgement.junk[u]), 3)}
            main = max(inner, key=lambda r: r.end - r.start) if inner else None
            if main is not None and 2 * (main.end - main.start) >= e - s and main.code in RULE_KINDS:
                code = main.code  # the rule that found most of the unit names its kind
                detail["rule"] = main.code
            else:
                code = KIND_CODES[kinds[int(judgement.kind[u])]]
            if judgement.all_junk:
                detail["page"] = round(judgement.page, 3)
            out.append(Removal(s, e, code, detail))
        else:
            size = e - s
            out.extend(r for r in inner if (r.end - r.start) < max_inner_share * size)
    return merge_removals(out)
