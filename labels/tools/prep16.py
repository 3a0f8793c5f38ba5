"""Round AB: 350 more news pages, sampled as rounds E-Z were, 7 batches of 50; round AC: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("AB", 350, "AC", 40)
