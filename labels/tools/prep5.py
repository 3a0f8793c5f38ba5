"""Round G: 300 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 6 batches of 50."""
from workspace import add_batches, load_manifest, pool_pages, sample_unlabelled, save_round

pool = pool_pages()
pick = sample_unlabelled(pool, "zhclean-labels-2026-12-07-round-G", 300)
manifest = load_manifest()
add_batches(manifest, pool, pick, "G", 50)
save_round(manifest, pool, pick)
