"""Round T: 350 more news pages, sampled as rounds E-R were, 7 batches of 50; round U: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("T", 350, "U", 40)
