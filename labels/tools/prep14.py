"""Round X: 105 more WeChat pages (a seeded sample of the bench corpus's pages not labelled
yet), 7 batches of 15, so the model learns WeChat beside the growing news set; round Y: 15 of
them labelled a second time, by another annotator (agreement), 1 batch of 15."""
from workspace import round_with_agreement

round_with_agreement("X", 105, "Y", 15, size=15, source="wechat")
