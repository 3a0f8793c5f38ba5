"""Round H: 300 more news pages, sampled as round E was, 6 batches of 50; round I: 30 pages of
round G and 30 of round H labelled a second time, by other annotators (agreement)."""
import random
from workspace import add_batches, first_labelling_round, save_round

pool, pick, manifest = first_labelling_round("H", 300)
g_ids = sorted(i for m in manifest if m["round"] == "G" for i in m["ids"])
rng = random.Random("zhclean-labels-2026-12-07-round-I")
add_batches(manifest, pool, rng.sample(g_ids, 30) + rng.sample(sorted(pick), 30), "I", 30)
save_round(manifest, pool, pick)
