"""Round N: 400 more news pages, sampled as rounds E-J were, 8 batches of 50; round O: 40 of
them labelled a second time, by other annotators (agreement), 2 batches of 20."""
import random
from workspace import add_batches, first_labelling_round, save_round

pool, pick, manifest = first_labelling_round("N", 400)
rng = random.Random("zhclean-labels-2026-12-07-round-O")
add_batches(manifest, pool, rng.sample(sorted(pick), 40), "O", 20)
save_round(manifest, pool, pick)
