"""Round L: 120 more WeChat pages (a seeded sample of the bench corpus's pages not labelled
yet), 8 batches of 15, to measure WeChat content kept on more validation pages; round M: 16 of
them labelled a second time, by other annotators (agreement), 2 batches of 8."""
from workspace import round_with_agreement

round_with_agreement("L", 120, "M", 16, size=15, second_size=8, source="wechat")
