"""Round P: 350 more news pages, sampled as rounds E-N were, 7 batches of 50; round Q: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("P", 350, "Q", 40)
