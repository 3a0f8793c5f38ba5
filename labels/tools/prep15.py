"""Round Z: 350 more news pages, sampled as rounds E-V were, 7 batches of 50; round AA: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("Z", 350, "AA", 40)
