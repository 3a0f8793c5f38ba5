"""Round E: 400 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 8 batches of 50; round F: 40 of them labelled a second
time, by other annotators (agreement)."""
import random
from workspace import add_batches, load_manifest, pool_pages, sample_unlabelled, save_round

pool = pool_pages()
pick = sample_unlabelled(pool, "zhclean-labels-2026-12-07-round-E", 400)
manifest = load_manifest()
add_batches(manifest, pool, pick, "E", 50)
add_batches(manifest, pool, random.Random("zhclean-labels-2026-12-07-round-F").sample(sorted(pick), 40), "F", 40)
save_round(manifest, pool, pick)
