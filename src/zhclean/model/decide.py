"""Turn the model's judgement of a page into removals.

* A unit the model judges junk goes whole, with ``detail.score`` (the model's probability of
  junk). Its reason code is that of the rule whose removal covered most of it, when one
  covered at least half (``detail.rule``), else that of the kind the model predicts
  (`KIND_CODES`).
* A unit most of which a *trusted* rule removed goes too, whatever the model says: a rule
  code the labelled pages agreed with at least 97 % of the time, or one they hold too few
  examples of for the model to have learned to overrule it (`train.trusted_codes`, in the
  model's manifest; or, trained with ``--trust cv``, a code whose forced removals raised the
  cross-fitted scores, `train.trusted_by_cross_fitting`). For a code trusted on its rule's own removals (``own``: the codes that
  rules emit themselves), only those stand: a context decision that spread the code to a
  neighbouring sentence (``detail.context``) is left to the model, as the labels judged it.
* A unit the model keeps keeps it all, except the rules' spans *inside* it: a removal that
  covers less than `max_inner_share` of the unit (an injected casino name, a trailing
  reporter credit, a contact glued to a sentence) stays, with its own code and evidence. A
  rule's removal of most or all of a unit the model keeps is overruled.
* A page the model judges to hold no genuine content loses every unit; each removal then
  also carries the page's score (``page``).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from zhclean.document import Removal, merge_removals
from zhclean.model.features import Units, expand_ranges
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


def model_removals(units: Units, judgement: Judgement, kinds_of: Callable[[Units], Sequence[str]],
                   rules: Sequence[Removal], trusted: frozenset[str] = frozenset(),
                   max_inner_share: float = MAX_INNER_SHARE,
                   trusted_own: frozenset[str] = frozenset()) -> tuple[Removal, ...]:
    """The page's removals (see the module docstring). `rules` are the rules' removals after
    their context decisions, sorted and disjoint (`Evidence.decided`); `kinds_of` names the
    kind of the junk units no rule named (`JunkModel.kinds_of`, asked once per page);
    `trusted_own`: the trusted codes whose context removals do not stand."""
    starts, ends = units.starts, units.ends
    n = len(units)
    junk = np.ones(n, dtype=bool) if judgement.all_junk else judgement.junk_units.copy()
    # every (rule removal, unit it overlaps) pair, with the overlap clipped to the unit
    rules = list(rules)
    codes = sorted({r.code for r in rules})
    index = {code: i for i, code in enumerate(codes)}
    # (start, end, code index) of each rule removal, in one array
    table = np.array([(r.start, r.end, index[r.code]) for r in rules], dtype=np.int64).reshape(-1, 3)
    # a trusted code's context removal forces nothing when the code is trusted on its own
    forcing = np.array([r.code in trusted and not (r.code in trusted_own and "context" in r.detail)
                        for r in rules], dtype=bool)
    spans, code_of = table[:, :2], table[:, 2]
    lo = np.searchsorted(ends, spans[:, 0], side="right")
    hi = np.searchsorted(starts, spans[:, 1], side="left")
    count = np.maximum(hi - lo, 0)
    which = np.repeat(np.arange(len(spans)), count)
    unit = expand_ranges(lo, count)
    clip_start = np.maximum(spans[which, 0], starts[unit]) if len(unit) else np.zeros(0, np.int64)
    clip_end = np.minimum(spans[which, 1], ends[unit]) if len(unit) else np.zeros(0, np.int64)
    keep = clip_end > clip_start
    which, unit, clip_start, clip_end = which[keep], unit[keep], clip_start[keep], clip_end[keep]
    # for each unit, the code that covers most of it, and how much of it
    width = max(len(codes), 1)
    cover = np.bincount(unit * width + code_of[which], weights=clip_end - clip_start,
                        minlength=n * width).reshape(n, width)  # (whole numbers, exact in float64)
    best = cover.argmax(axis=1)
    most = 2 * cover[np.arange(n), best] >= ends - starts
    forced = np.zeros(n, dtype=bool)  # most of the unit removed by forcing removals of its code
    if forcing.any():
        force_cover = np.bincount(unit * width + code_of[which], weights=(clip_end - clip_start) * forcing[which],
                                  minlength=n * width).reshape(n, width)
        forced = 2 * force_cover[np.arange(n), best] >= ends - starts
    named: dict[int, str] = {}  # unit -> the code of the rule that removed most of it
    for u in np.flatnonzero(most).tolist():
        code = codes[best[u]]
        if code in RULE_KINDS:
            named[u] = code
    junk |= forced  # a rule the labelled pages trust: its removal stands
    out: list[Removal] = []
    page_score = round(judgement.page, 3) if judgement.all_junk else None
    gone = np.flatnonzero(junk).tolist()
    unnamed = [u for u in gone if u not in named]
    head = dict(zip(unnamed, kinds_of(units.subset(np.array(unnamed, dtype=np.int64))))) if unnamed else {}
    scores = np.round(judgement.junk, 3).tolist()
    unit_starts, unit_ends = starts.tolist(), ends.tolist()
    for u in gone:
        detail: dict[str, object] = {"score": scores[u]}
        if u in named:
            code = detail["rule"] = named[u]
        else:
            code = KIND_CODES[head[u]]
        if page_score is not None:
            detail["page"] = page_score
        out.append(Removal(unit_starts[u], unit_ends[u], code, detail))
    # the rules' spans inside the units the model keeps, when they are small
    small = ~junk[unit] & ((clip_end - clip_start) < max_inner_share * (ends[unit] - starts[unit]))
    for k in np.flatnonzero(small).tolist():
        r = rules[which[k]]
        a, b = int(clip_start[k]), int(clip_end[k])
        out.append(r if (a, b) == (r.start, r.end) else Removal(a, b, r.code, r.detail))
    return merge_removals(out)
