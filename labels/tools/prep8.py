"""Round L: 120 more WeChat pages (a seeded sample of the bench corpus's pages not labelled
yet), 8 batches of 15, to measure WeChat content kept on more validation pages; round M: 16 of
them labelled a second time, by other annotators (agreement), 2 batches of 8."""
import random
from workspace import add_batches, first_labelling_round, save_round

pages, pick, manifest = first_labelling_round("L", 120, size=15, source="wechat")
rng = random.Random("zhclean-labels-2026-12-07-round-M")
add_batches(manifest, pages, rng.sample(sorted(pick), 16), "M", 8, source="wechat")
save_round(manifest, pages, pick, source="wechat")
