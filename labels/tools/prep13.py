"""Round V: 350 more news pages, sampled as rounds E-T were, 7 batches of 50; round W: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
import random
from workspace import add_batches, first_labelling_round, save_round

pool, pick, manifest = first_labelling_round("V", 350)
rng = random.Random("zhclean-labels-2026-12-07-round-W")
add_batches(manifest, pool, rng.sample(sorted(pick), 40), "W", 40)
save_round(manifest, pool, pick)
