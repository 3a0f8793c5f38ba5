"""Round X: 105 more WeChat pages (a seeded sample of the bench corpus's pages not labelled
yet), 7 batches of 15, so the model learns WeChat beside the growing news set; round Y: 15 of
them labelled a second time, by another annotator (agreement), 1 batch of 15."""
import random
from workspace import add_batches, first_labelling_round, save_round

pages, pick, manifest = first_labelling_round("X", 105, size=15, source="wechat")
rng = random.Random("zhclean-labels-2026-12-07-round-Y")
add_batches(manifest, pages, rng.sample(sorted(pick), 15), "Y", 15, source="wechat")
save_round(manifest, pages, pick, source="wechat")
