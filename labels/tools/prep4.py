"""Round E: 400 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 8 batches of 50; round F: 40 of them labelled a second
time, by other annotators (agreement)."""
import random
from workspace import add_batches, first_labelling_round, save_round

pool, pick, manifest = first_labelling_round("E", 400)
add_batches(manifest, pool, random.Random("zhclean-labels-2026-12-07-round-F").sample(sorted(pick), 40), "F", 40)
save_round(manifest, pool, pick)
