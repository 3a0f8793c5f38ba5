"""Round AF: 350 more news pages, sampled as rounds E-AD were, 7 batches of 50; round AG: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("AF", 350, "AG", 40)
