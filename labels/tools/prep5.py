"""Round G: 300 more news pages, sampled as round C was, 6 batches of 50."""
from workspace import first_labelling_round, save_round

pool, pick, manifest = first_labelling_round("G", 300)
save_round(manifest, pool, pick)
