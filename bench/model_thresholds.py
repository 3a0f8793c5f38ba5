"""The trade-off the thresholds choose from, on the training pages only: a model is trained as
`zhclean train` trains it, and its cross-fitted scores (each page scored by models that did not
see it) are cut at a grid of sentence and page thresholds. Validation pages take no part.

    python bench/model_thresholds.py          # about 9 minutes on one core

Per source: content kept / junk removed, and all-spam pages emptied / all-spam pages.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import zhclean.model.train as T
from zhclean import Cleaner
from zhclean.config import CleanConfig
from zhclean.labels import load_label_files

REPO = Path(__file__).resolve().parents[1]
UNIT = (0.5, 0.6, 0.7, 0.775, 0.825, 0.9)
PAGE = (0.2, 0.3, 0.4, 0.5, 0.7, 1.01)  # 1.01: no page judged all spam


def main() -> int:
    records = load_label_files(sorted((REPO / "labels").glob("*.jsonl")), REPO.parent / "shared" / "data", "train")
    captured: dict = {}
    fit = T._train

    def keep_examples(examples, *args, **kwargs):
        captured["examples"] = examples
        return fit(examples, *args, **kwargs)

    T._train = keep_examples
    trained = T.train(records, cleaner=Cleaner(CleanConfig(model="off")))
    print("thresholds chosen:", trained.manifest["thresholds"])
    for unit in UNIT:
        for page in PAGE:
            totals: dict[str, np.ndarray] = {}
            for e in captured["examples"]:
                if e.source == T.PARAGRAPH_SOURCE:
                    continue
                p, page_p = trained.cross_fitted[e.id]
                gone = np.ones_like(p, dtype=bool) if page_p > page else p > unit
                c_out, j_out = e.outside
                totals.setdefault(e.source, np.zeros(6))[:] += [
                    e.content.sum() + c_out, e.content[~gone].sum() + c_out, e.junk.sum() + j_out,
                    e.junk[gone].sum(), e.verdict == "all_spam", e.verdict == "all_spam" and page_p > page]
            cells = [f"{source} {t[1] / t[0]:.3f}/{t[3] / max(t[2], 1):.3f}" + (f" {int(t[5])}/{int(t[4])}" if t[4] else "")
                     for source, t in sorted(totals.items())]
            print(f"sentence {unit:.3f} page {page:.2f}:  " + "  ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
