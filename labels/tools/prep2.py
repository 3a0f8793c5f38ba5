"""Round C: 400 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 8 batches of 50."""
from workspace import first_labelling_round, save_round

pool, pick, manifest = first_labelling_round("C", 400)
save_round(manifest, pool, pick)
